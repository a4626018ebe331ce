package org.sparkprop.predictor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The Spark-free predictor on the committed model files of every format version (the driver's fixtures of format
 * versions 1, 2 and 3, all of one 4-5-3 tanh/softmax network; version 3's was trained, as far as its model.json says,
 * with a sample-weight column, dropout and class weights).
 */
class PredictorTest {
    private static final Path FIXTURES = Path.of(System.getProperty("user.dir"), "..", "driver", "src", "test", "resources", "models");

    @ParameterizedTest
    @ValueSource(strings = {"v1-iris-like", "v2-iris-like", "v3-iris-weighted"})
    void modelsOfEveryFormatVersionLoadAndPredictAlike(String fixture) {
        Predictor predictor = Predictor.load(FIXTURES.resolve(fixture));
        Predictor v2 = Predictor.load(FIXTURES.resolve("v2-iris-like"));
        assertEquals(OutputKind.CLASSES, predictor.kind());
        assertEquals(4, predictor.numFeatures());
        assertEquals(3, predictor.classes().size());
        if (fixture.startsWith("v3")) {
            assertEquals("sample_weight", predictor.weightColumn());
            assertEquals(List.of("sepal_length", "sepal_width", "petal_length", "petal_width"), predictor.featureNames());
            assertNotEquals(v2.modelSha256(), predictor.modelSha256(), "modelSha256 covers the weight column");
        } else {
            assertNull(predictor.weightColumn());
            assertEquals(v2.modelSha256(), predictor.modelSha256(), "version 1's modelSha256 is computed as version 2 records it");
        }
        float[][] rows = {{5.1f, 3.5f, 1.4f, 0.2f}, {6.7f, 3.0f, 5.2f, 2.3f}, {0, 0, 0, 0}};
        List<Prediction> predictions = predictor.predict(rows);
        assertEquals(v2.predict(rows), predictions);
        for (int r = 0; r < rows.length; r++) {
            Prediction p = predictions.get(r);
            double sum = 0;
            for (double v : p.values()) {
                sum += v;
            }
            assertEquals(1, sum, 1e-6, "probabilities of row " + r);
            assertEquals(predictor.classes().get(p.classIndex()), p.label());
            assertEquals(p, predictor.predict(rows[r]), "a row alone predicts as in a block");
        }
    }

    /**
     * Dropout is training-only: the v3 fixture records dropout 0.2, and its predictions are the whole network's,
     * unscaled, as a plain forward pass in double computes them from the weights (element (o, i) of layer l at
     * weightOffset(l) + o + i·out, then the biases); dropping a fifth of the hidden units, or scaling the rest by 1.25,
     * would be far outside float's tolerance.
     */
    @Test
    void aModelTrainedWithDropoutPredictsWithTheWholeNetwork() {
        Predictor predictor = Predictor.load(FIXTURES.resolve("v3-iris-weighted"));
        assertEquals("0.2", predictor.model().training().get("dropout").asText());
        double[] w = predictor.model().weights();
        float[][] rows = {{5.1f, 3.5f, 1.4f, 0.2f}, {6.7f, 3.0f, 5.2f, 2.3f}, {-1, 2, 0.5f, 3}};
        for (float[] row : rows) {
            double[] hidden = new double[5];
            for (int o = 0; o < 5; o++) {
                double z = w[4 * 5 + o];
                for (int i = 0; i < 4; i++) {
                    z += w[o + i * 5] * row[i];
                }
                hidden[o] = Math.tanh(z);
            }
            int second = 4 * 5 + 5;
            double[] logits = new double[3];
            double max = Double.NEGATIVE_INFINITY;
            for (int o = 0; o < 3; o++) {
                logits[o] = w[second + 5 * 3 + o];
                for (int i = 0; i < 5; i++) {
                    logits[o] += w[second + o + i * 3] * hidden[i];
                }
                max = Math.max(max, logits[o]);
            }
            double sum = 0;
            for (int o = 0; o < 3; o++) {
                logits[o] = Math.exp(logits[o] - max);
                sum += logits[o];
            }
            Prediction p = predictor.predict(row);
            for (int o = 0; o < 3; o++) {
                assertEquals(logits[o] / sum, p.value(o), 1e-5, "output " + o + " of " + java.util.Arrays.toString(row));
            }
            assertEquals(p, predictor.predict(row), "the same row predicts the same, with no mask drawn");
        }
    }

    @Test
    void predictionColumnsAreTheClassThenOneProbabilityPerClass() {
        Predictor predictor = Predictor.load(FIXTURES.resolve("v3-iris-weighted"));
        ModelSchema schema = predictor.model().schema();
        assertEquals(List.of("prediction", "p_setosa", "p_versicolor", "p_virginica"), PredictionColumns.names(schema));
        assertEquals("prediction,p_setosa,p_versicolor,p_virginica", PredictionColumns.csvHeader(schema));
        float[] row = {6.7f, 3.0f, 5.2f, 2.3f};
        Prediction p = predictor.predict(row);
        StringBuilder line = new StringBuilder();
        PredictionColumns.csvLine(schema, predictor.outputs(row, 1), 0, line);
        assertEquals(p.label() + "," + (float) p.value(0) + "," + (float) p.value(1) + "," + (float) p.value(2), line.toString());
        assertEquals("\"a,\"\"b\"\"\"", PredictionColumns.csv("a,\"b\""), "CSV quoting of a class label");
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        Predictor predictor = Predictor.load(FIXTURES.resolve("v2-iris-like"));
        assertEquals("row 0 has 3 features; the model reads 4",
                assertThrows(IllegalArgumentException.class, () -> predictor.predict(new float[] {1, 2, 3})).getMessage());
    }

    @Test
    void aMissingDirectoryAndANewerVersionAreRefusedInOneSentence(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope");
        assertEquals("model directory " + missing + " does not exist",
                assertThrows(ModelFormatException.class, () -> Predictor.load(missing)).getMessage());
        Path json = copy("v3-iris-weighted", dir.resolve("v4"));
        Files.writeString(json, Files.readString(json).replace("\"formatVersion\" : 3", "\"formatVersion\" : 4"));
        String message = assertThrows(ModelFormatException.class, () -> Predictor.load(json.getParent())).getMessage();
        assertEquals("model " + json + ": written in format version 4 by sparkprop development; this build (sparkprop development)"
                + " reads format version 3 only, so load it with a newer sparkprop", message);
        assertEquals(1, message.lines().count());
    }

    @Test
    void aWeightColumnInAFileOfVersion2IsRefused(@TempDir Path dir) throws IOException {
        Path json = copy("v3-iris-weighted", dir.resolve("v2"));
        Files.writeString(json, Files.readString(json).replace("\"formatVersion\" : 3", "\"formatVersion\" : 2"));
        assertEquals("model " + json + ": schema.weightColumn is a field of format version 3 and later, but the file says format"
                + " version 2 (file damaged or altered)", assertThrows(ModelFormatException.class, () -> Predictor.load(json.getParent())).getMessage());
    }

    @Test
    void aWeightColumnThatIsAFeatureIsRefused(@TempDir Path dir) throws IOException {
        Path json = copy("v3-iris-weighted", dir.resolve("v3"));
        Files.writeString(json, Files.readString(json).replace("\"weightColumn\" : \"sample_weight\"", "\"weightColumn\" : \"sepal_width\""));
        String message = assertThrows(ModelFormatException.class, () -> Predictor.load(json.getParent())).getMessage();
        assertTrue(message.startsWith("model " + json + ": schema: the weight column must be named and be neither a feature nor a label"),
                message);
    }

    /** A copy of the fixture's model.json and weights.bin in {@code to}; the copy's model.json. */
    private static Path copy(String fixture, Path to) throws IOException {
        Files.createDirectory(to);
        for (String file : List.of("model.json", "weights.bin")) {
            Files.copy(FIXTURES.resolve(fixture).resolve(file), to.resolve(file));
        }
        return to.resolve("model.json");
    }
}
