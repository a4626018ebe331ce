package org.sparkprop.predictor;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The Spark-free predictor on the model files that earlier versions wrote (the driver's committed fixtures of
 * format versions 1 and 2, both of one 4-5-3 tanh/softmax network).
 */
class PredictorTest {
    private static final Path FIXTURES = Path.of(System.getProperty("user.dir"), "..", "driver", "src", "test", "resources", "models");

    @ParameterizedTest
    @ValueSource(strings = {"v1-iris-like", "v2-iris-like"})
    void modelsOfEveryFormatVersionLoadAndPredictAlike(String fixture) {
        Predictor predictor = Predictor.load(FIXTURES.resolve(fixture));
        Predictor v2 = Predictor.load(FIXTURES.resolve("v2-iris-like"));
        assertEquals(OutputKind.CLASSES, predictor.kind());
        assertEquals(4, predictor.numFeatures());
        assertEquals(3, predictor.classes().size());
        assertEquals(v2.modelSha256(), predictor.modelSha256(), "version 1's modelSha256 is computed as version 2 records it");
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
        Path copy = Files.createDirectory(dir.resolve("copy"));
        for (String file : List.of("model.json", "weights.bin")) {
            Files.copy(FIXTURES.resolve("v2-iris-like").resolve(file), copy.resolve(file));
        }
        Path json = copy.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("\"formatVersion\" : 2", "\"formatVersion\" : 3"));
        String message = assertThrows(ModelFormatException.class, () -> Predictor.load(copy)).getMessage();
        assertTrue(message.startsWith("model " + json + ": written in format version 3"), message);
    }
}
