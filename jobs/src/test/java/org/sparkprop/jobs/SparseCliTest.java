package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;

/**
 * A model trained on sparse storage, everywhere its data go, each step a real command in local mode: evaluate and
 * predict on sparse LibSVM give what they give on the same rows densified; the ONNX export (dense input) opens in
 * ONNX Runtime and agrees with predict; the report renders; retrain warm-starts from a published sparse model, and
 * its run key tells --storage apart; a sparse run killed with SIGKILL and resumed ends bit-identical.
 */
class SparseCliTest {
    private static final int FEATURES = 2000;
    /** Relative agreement of float computations that add in another order (sparse against dense), floor 1. */
    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path dir;
    static Path train;
    static Path test;
    static Path model;

    @BeforeAll
    static void trainSparse() throws IOException {
        train = dir.resolve("train.libsvm");
        test = dir.resolve("test.libsvm");
        new SparseBenchData(FEATURES, 12, 3, 600, 150).write(train, test, 5);
        model = dir.resolve("model");
        CliTest.Run r = CliTest.run(trainArgs(model, train, 4).toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
    }

    static List<String> trainArgs(Path output, Path data, int epochs) {
        return new ArrayList<>(List.of("train", "--train", data.toString(), "--num-features", Integer.toString(FEATURES), "--storage",
                "sparse", "--output", output.toString(), "--master", "local[2]", "--partitions", "2", "--hidden", "16", "--batch-size",
                "16", "--epochs", Integer.toString(epochs), "--learning-rate", "0.01", "--seed", "3", "--patience", "0"));
    }

    @Test
    void trainedSparseTheModelSaysSoAndTheReportRenders() throws IOException {
        JsonNode data = ModelStore.load(model.toString(), new Configuration()).training().get("data");
        assertEquals("sparse", data.get("storage").asText());
        assertTrue(data.get("cachedBytes").asLong() < 4L * 600 * FEATURES / 10, data.toString());
        CliTest.Run r = CliTest.run("report", "--model", model.toString());
        assertEquals(0, r.status(), r.err());
        String html = Files.readString(model.resolve("report.html"));
        assertTrue(html.contains("<svg"), "charts in the report");
        assertTrue(html.matches("(?s).*storage</t[dh]>\\s*<td>sparse.*"), "the data summary names the storage");
    }

    @Test
    void evaluateAndPredictOnSparseRowsGiveWhatTheyGiveOnTheRowsDensified() throws IOException {
        JsonNode sparse = evaluate("sparse");
        JsonNode dense = evaluate("dense");
        assertEquals(dense.get("count").asLong(), sparse.get("count").asLong());
        assertEquals(150, sparse.get("count").asLong());
        assertEquals(dense.get("accuracy").asDouble(), sparse.get("accuracy").asDouble(), 0.0);
        assertEquals(dense.get("loss").asDouble(), sparse.get("loss").asDouble(), TOLERANCE * dense.get("loss").asDouble());
        assertTrue(sparse.get("accuracy").asDouble() > 0.45, "learned, above chance (1/3): " + sparse);

        List<String[]> fromSparse = predict("sparse");
        List<String[]> fromDense = predict("dense");
        assertEquals(fromDense.get(0)[0], fromSparse.get(0)[0], "the same header");
        assertEquals(151, fromSparse.size());
        for (int r = 1; r < fromSparse.size(); r++) {
            assertEquals(fromDense.get(r)[0], fromSparse.get(r)[0], "row " + r + "'s class");
            for (int k = 1; k < fromSparse.get(r).length; k++) {
                double d = Double.parseDouble(fromDense.get(r)[k]);
                assertEquals(d, Double.parseDouble(fromSparse.get(r)[k]), TOLERANCE * Math.max(1, Math.abs(d)), "row " + r + ", column " + k);
            }
        }
    }

    @Test
    void theOnnxExportOfASparseTrainedModelAgreesWithPredict() throws Exception {
        Path onnx = dir.resolve("model.onnx");
        CliTest.Run r = CliTest.run("export", "--model", model.toString(), "--format", "onnx", "--output", onnx.toString());
        assertEquals(0, r.status(), r.err());
        List<String[]> predicted = predict("sparse");
        Model m = ModelStore.load(model.toString(), new Configuration());
        float[] rows = denseRows(test);
        int n = rows.length / FEATURES;
        try (OrtEnvironment env = OrtEnvironment.getEnvironment();
             OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), new long[] {n, FEATURES});
             OrtSession.Result result = session.run(Map.of("features", input))) {
            float[][] probabilities = (float[][]) result.get("probabilities").orElseThrow().getValue();
            long[] classes = (long[]) result.get("class").orElseThrow().getValue();
            assertEquals(n, probabilities.length);
            for (int row = 0; row < n; row++) {
                String[] line = predicted.get(row + 1);
                assertEquals(m.schema().classes().indexOf(line[0]), classes[row], "row " + row + "'s class");
                for (int k = 0; k < probabilities[row].length; k++) {
                    double expected = Double.parseDouble(line[line.length - probabilities[row].length + k]);
                    assertEquals(expected, probabilities[row][k], TOLERANCE, "row " + row + ", class " + k);
                }
            }
        }
    }

    @Test
    void retrainWarmStartsFromASparseModelAndItsRunKeyTellsStorageApart() throws IOException {
        Path registry = dir.resolve("registry");
        Path fresh = dir.resolve("fresh.libsvm");
        new SparseBenchData(FEATURES, 12, 3, 400, 1).write(fresh, dir.resolve("unused.libsvm"), 9);
        JsonNode first = retrain(registry, train, "sparse");
        assertEquals("published", first.get("decision").asText(), first.toString());
        JsonNode warm = retrain(registry, fresh, "sparse");
        assertEquals("published", warm.get("decision").asText(), warm.toString());
        assertEquals("version 1", warm.get("startingWeights").get("from").asText());
        assertEquals(sha256Of(registry, 1), warm.get("startingWeights").get("sha256").asText());
        Model second = ModelStore.load(version(registry, 2).toString(), new Configuration());
        assertEquals("sparse", second.training().get("data").get("storage").asText());

        // The same run again is recognised; the same data cached dense are another run (its sums differ in the last bits).
        JsonNode again = retrain(registry, fresh, "sparse");
        assertEquals(warm.get("runKey").asText(), again.get("runKey").asText());
        assertEquals(2, again.get("version").asInt(), "nothing new published: " + again);
        JsonNode dense = retrain(registry, fresh, "dense");
        assertNotEquals(warm.get("runKey").asText(), dense.get("runKey").asText());
        assertEquals("version 2", dense.get("startingWeights").get("from").asText(), dense.toString());
        assertEquals(3, dense.get("version").asInt(), dense.toString());
    }

    @Test
    void aSparseRunKilledBetweenCheckpointsThenResumedEndsBitIdentical() throws Exception {
        Path whole = dir.resolve("whole");
        CliTest.Run r = CliTest.run(trainArgs(whole, train, 12).toArray(String[]::new));
        assertEquals(0, r.status(), r.err());

        Path ckpt = dir.resolve("ckpt");
        Path output = dir.resolve("resumed");
        List<String> killed = trainArgs(output, train, 12);
        killed.addAll(List.of("--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "10"));
        Path log = dir.resolve("killed.log");
        Process run = KillResumeTest.start(List.of(), killed, log);
        KillResumeTest.killWhen(run, ckpt, list -> list.stream().filter(KillResumeTest::complete).count() >= 3, log);
        assertFalse(Files.exists(output), "no model from a killed run");

        killed.add("--resume");
        CliTest.Run resumed = CliTest.run(killed.toArray(String[]::new));
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().contains("resumed from checkpoint"), resumed.out());
        assertArrayEquals(Files.readAllBytes(whole.resolve("weights.bin")), Files.readAllBytes(output.resolve("weights.bin")));
    }

    private static JsonNode evaluate(String storage) throws IOException {
        CliTest.Run r = CliTest.run("evaluate", "--model", model.toString(), "--data", test.toString(), "--storage", storage, "--json",
                "--master", "local[2]");
        assertEquals(0, r.status(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    /** predict's CSV lines, header first, split at commas. */
    private static List<String[]> predict(String storage) throws IOException {
        Path out = dir.resolve("predictions-" + storage + ".csv");
        CliTest.Run r = CliTest.run("predict", "--model", model.toString(), "--data", test.toString(), "--storage", storage, "--output",
                out.toString(), "--overwrite", "--master", "local[2]");
        assertEquals(0, r.status(), r.err());
        return Files.readAllLines(out).stream().map(l -> l.split(",")).toList();
    }

    private static JsonNode retrain(Path registry, Path data, String storage) throws IOException {
        CliTest.Run r = CliTest.run("retrain", "--registry", registry.toString(), "--name", "text", "--train", data.toString(),
                "--num-features", Integer.toString(FEATURES), "--storage", storage, "--validation", test.toString(), "--gate",
                "accuracy >= champion - 1", "--master", "local[2]", "--partitions", "2", "--hidden", "16", "--batch-size", "16",
                "--epochs", "2", "--learning-rate", "0.01", "--checkpoint-every", "10", "--json");
        assertEquals(0, r.status(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    private static String sha256Of(Path registry, int version) throws IOException {
        return new ObjectMapper().readTree(version(registry, version).resolve("model.json").toFile()).get("weights").get("sha256").asText();
    }

    private static Path version(Path registry, int version) {
        return registry.resolve("text").resolve("versions").resolve(String.format(java.util.Locale.ROOT, "v%06d", version));
    }

    /** The LibSVM file's rows as dense floats, row after row (1-based indices in the file). */
    private static float[] denseRows(Path libsvm) throws IOException {
        List<String> lines = Files.readAllLines(libsvm);
        float[] rows = new float[lines.size() * FEATURES];
        for (int r = 0; r < lines.size(); r++) {
            String[] fields = lines.get(r).trim().split(" ");
            for (int k = 1; k < fields.length; k++) {
                int colon = fields[k].indexOf(':');
                rows[r * FEATURES + Integer.parseInt(fields[k].substring(0, colon)) - 1] = Float.parseFloat(fields[k].substring(colon + 1));
            }
        }
        return rows;
    }
}
