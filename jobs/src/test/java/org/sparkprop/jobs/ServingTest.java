package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelJson;
import org.sparkprop.driver.model.ModelStore;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/**
 * Models that leave Spark: {@code sparkprop export} opens in ONNX Runtime and agrees with {@code sparkprop predict},
 * and the Spark-free predictor, in a JVM without Spark, predicts exactly what {@code predict} writes. The models have
 * random weights (what is checked is the arithmetic, not the learning) and are laid out as a Spark ML model's save
 * lays them out: a model directory with Spark's metadata/ beside the files.
 */
class ServingTest {
    private static final int FEATURES = 4;
    private static final int ROWS = 40;
    /** The agreement asked of ONNX Runtime's float32 and ours: relative, with an absolute floor of 1. */
    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path dir;

    record Kind(LabelKind labelKind, Loss loss, Activation output, List<String> labelColumns, List<String> classes, int outputs) {
    }

    static final List<Kind> KINDS = List.of(
            new Kind(LabelKind.CLASSES, Loss.SOFTMAX_CROSS_ENTROPY, Activation.SOFTMAX, List.of("species"), List.of("setosa", "versicolor", "virginica"), 3),
            new Kind(LabelKind.BINARY, Loss.BINARY_CROSS_ENTROPY, Activation.SIGMOID, List.of("y"), List.of("no", "yes"), 1),
            new Kind(LabelKind.MULTILABEL, Loss.BINARY_CROSS_ENTROPY, Activation.SIGMOID, List.of("a", "b", "c"), List.of(), 3),
            new Kind(LabelKind.REGRESSION, Loss.MSE, Activation.IDENTITY, List.of("y1", "y2"), List.of(), 2));

    static final List<Activation> HIDDEN = List.of(Activation.IDENTITY, Activation.RELU, Activation.LEAKY_RELU, Activation.SIGMOID, Activation.TANH);

    @Test
    void exportOpensInOnnxRuntimeAndAgreesWithPredictForEveryActivationAndKind() throws Exception {
        Path data = features();
        float[] rows = readFeatures(data);
        try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
            for (Kind kind : KINDS) {
                for (Activation hidden : HIDDEN) {
                    String what = kind.labelKind() + " with " + hidden;
                    Path model = saveModel(kind, hidden, what.hashCode());
                    List<float[]> predicted = predictCsv(model, data, kind);
                    Path onnx = dir.resolve(kind.labelKind() + "-" + hidden + ".onnx");
                    CliTest.Run export = CliTest.run("export", "--model", model.toString(), "--format", "onnx", "--output", onnx.toString());
                    assertEquals(0, export.status(), what + ": " + export.err());
                    try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
                        checkSignature(session, kind, what);
                        Map<String, String> metadata = session.getMetadata().getCustomMetadata();
                        assertEquals(ModelStore.read(model.toString(), new Configuration()).modelSha256(), metadata.get("modelSha256"), what);
                        assertEquals("[\"f0\",\"f1\",\"f2\",\"f3\"]", metadata.get("featureNames"), what);
                        try (OnnxTensor input = OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(rows), new long[] {ROWS, FEATURES});
                             OrtSession.Result result = session.run(Map.of("features", input))) {
                            String name = kind.labelKind() == LabelKind.REGRESSION ? "values" : "probabilities";
                            float[][] outputs = (float[][]) result.get(name).orElseThrow().getValue();
                            long[] classes = kind.labelKind() == LabelKind.CLASSES ? (long[]) result.get("class").orElseThrow().getValue() : null;
                            for (int r = 0; r < ROWS; r++) {
                                float[] expected = predicted.get(r);
                                for (int k = 0; k < kind.outputs(); k++) {
                                    double scale = Math.max(1, Math.abs(expected[k + 1]));
                                    assertEquals(expected[k + 1], outputs[r][k], TOLERANCE * scale, what + ", row " + r + ", output " + k);
                                }
                                if (classes != null) {
                                    assertEquals((long) expected[0], classes[r], what + ", row " + r + ": the class");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void sparkFreePredictorInAJvmWithoutSparkPredictsExactlyWhatPredictWrites() throws Exception {
        Path data = features();
        List<String> classPath = sparkFreeClassPath();
        for (Kind kind : KINDS) {
            String what = kind.labelKind().toString();
            Path model = saveModel(kind, Activation.TANH, what.hashCode());
            Path written = dir.resolve(kind.labelKind() + "-predictions.csv");
            CliTest.Run r = CliTest.run("predict", "--model", model.toString(), "--data", data.toString(), "--output", written.toString(),
                    "--master", "local[2]", "--overwrite");
            assertEquals(0, r.status(), r.err());
            List<String> expected = Files.readAllLines(written);
            List<String> child = childLines(classPath, model, data);
            assertEquals(expected.subList(1, expected.size()), child, what);
        }
    }

    /**
     * A model of format version 3 trained with a sample-weight column, on data that still hold it (between the
     * features): predict skips it, and so does a service that reads the model's feature columns by name.
     */
    @Test
    void sparkFreePredictorReadsAWeightedModelAndPredictsWhatPredictWritesOnDataWithTheWeightColumn() throws Exception {
        Path model = saveModel(KINDS.get(0), Activation.RELU, 5, "w");
        assertEquals(3, ModelStore.read(model.toString(), new Configuration()).formatVersion());
        assertEquals("w", org.sparkprop.predictor.Predictor.load(model).weightColumn());
        List<String> lines = new ArrayList<>(Files.readAllLines(features()));
        for (int r = 0; r < lines.size(); r++) {
            String[] fields = lines.get(r).split(",", 3);
            lines.set(r, fields[0] + "," + fields[1] + "," + (r == 0 ? "w" : Integer.toString(r % 4)) + "," + fields[2]);
        }
        Path data = Files.write(dir.resolve("features-weighted.csv"), lines);
        Path written = dir.resolve("weighted-predictions.csv");
        CliTest.Run r = CliTest.run("predict", "--model", model.toString(), "--data", data.toString(), "--output", written.toString(),
                "--master", "local[2]");
        assertEquals(0, r.status(), r.err());
        List<String> expected = Files.readAllLines(written);
        assertEquals(ROWS + 1, expected.size());
        assertEquals(expected.subList(1, expected.size()), childLines(sparkFreeClassPath(), model, data));
    }

    /** Refused models are refused in the Spark-free predictor too, with the driver's message. */
    @Test
    void sparkFreePredictorRefusesADamagedModelAsLoadDoes() throws Exception {
        Path model = saveModel(KINDS.get(0), Activation.RELU, 7);
        byte[] weights = Files.readAllBytes(model.resolve("weights.bin"));
        weights[3] ^= 1;
        Files.write(model.resolve("weights.bin"), weights);
        String driver = org.junit.jupiter.api.Assertions.assertThrows(org.sparkprop.driver.UserException.class,
                () -> ModelStore.load(model.toString(), new Configuration())).getMessage();
        String predictor = org.junit.jupiter.api.Assertions.assertThrows(org.sparkprop.predictor.ModelFormatException.class,
                () -> org.sparkprop.predictor.Predictor.load(model)).getMessage();
        assertEquals(driver, predictor);
        assertTrue(predictor.endsWith("weights.bin: checksum does not match the sha256 in model.json (file damaged or altered)"), predictor);
    }

    private static void checkSignature(OrtSession session, Kind kind, String what) throws Exception {
        assertEquals(List.of("features"), new ArrayList<>(session.getInputNames()), what);
        TensorInfo input = (TensorInfo) session.getInputInfo().get("features").getInfo();
        assertArrayEquals(new long[] {-1, FEATURES}, input.getShape(), what);
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        List<String> names = switch (kind.labelKind()) {
            case CLASSES -> List.of("probabilities", "class");
            case BINARY, MULTILABEL -> List.of("probabilities");
            case REGRESSION -> List.of("values");
        };
        assertEquals(names, new ArrayList<>(outputs.keySet()), what);
        assertArrayEquals(new long[] {-1, kind.outputs()}, ((TensorInfo) outputs.get(names.get(0)).getInfo()).getShape(), what);
        if (kind.labelKind() == LabelKind.CLASSES) {
            assertArrayEquals(new long[] {-1}, ((TensorInfo) outputs.get("class").getInfo()).getShape(), what);
        }
    }

    /** A model of 4 inputs, two hidden layers and random weights, saved with a Spark ML model's metadata/ beside it. */
    private static Path saveModel(Kind kind, Activation hidden, long seed) throws IOException {
        return saveModel(kind, hidden, seed, null);
    }

    /** As above, the schema naming {@code weightColumn} (null: none) as a model trained with sample weights does. */
    private static Path saveModel(Kind kind, Activation hidden, long seed, String weightColumn) throws IOException {
        Topology topology = new Topology(new int[] {FEATURES, 6, 5, kind.outputs()}, new Activation[] {hidden, hidden, kind.output()}, kind.loss());
        Schema schema = new Schema(FEATURES, List.of("f0", "f1", "f2", "f3"), kind.labelColumns(), kind.labelKind(), kind.classes(), kind.outputs(),
                weightColumn);
        Random random = new Random(seed);
        double[] weights = new double[topology.parameterCount()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = random.nextGaussian() * 0.9;
        }
        Path model = dir.resolve("model-" + kind.labelKind() + "-" + hidden + "-" + seed + (weightColumn == null ? "" : "-weighted"));
        ModelStore.save(new Model(topology, Precision.FLOAT, schema, weights, ModelJson.newObject(), ModelJson.newObject()), model.toString(),
                Map.of(), true, new Configuration());
        Files.createDirectories(model.resolve("metadata"));
        Files.writeString(model.resolve("metadata/part-00000"), "{\"class\":\"org.sparkprop.ml.SparkpropClassificationModel\"}\n");
        return model;
    }

    /** A CSV file of random features, no labels, each value a float written exactly. */
    private static Path features() throws IOException {
        Path file = dir.resolve("features.csv");
        if (Files.exists(file)) {
            return file;
        }
        Random random = new Random(11);
        StringBuilder csv = new StringBuilder("f0,f1,f2,f3\n");
        for (int r = 0; r < ROWS; r++) {
            for (int f = 0; f < FEATURES; f++) {
                csv.append(f == 0 ? "" : ",").append((float) (random.nextGaussian() * 1.5));
            }
            csv.append('\n');
        }
        Files.writeString(file, csv);
        return file;
    }

    private static float[] readFeatures(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        float[] rows = new float[ROWS * FEATURES];
        for (int r = 0; r < ROWS; r++) {
            String[] fields = lines.get(r + 1).split(",");
            for (int f = 0; f < FEATURES; f++) {
                rows[r * FEATURES + f] = Float.parseFloat(fields[f]);
            }
        }
        return rows;
    }

    /**
     * What predict writes, per row: [class index (classes, binary) or 0, then the outputs]; the label text is turned
     * back into the class index.
     */
    private static List<float[]> predictCsv(Path model, Path data, Kind kind) throws IOException {
        Path out = dir.resolve("predictions.csv");
        CliTest.Run r = CliTest.run("predict", "--model", model.toString(), "--data", data.toString(), "--output", out.toString(),
                "--master", "local[2]", "--overwrite");
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(ROWS + 1, lines.size());
        List<float[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",");
            float[] row = new float[kind.outputs() + 1];
            int first = switch (kind.labelKind()) {
                case CLASSES, BINARY -> {
                    row[0] = kind.classes().indexOf(fields[0]);
                    yield 1;
                }
                case MULTILABEL -> kind.outputs();
                case REGRESSION -> 0;
            };
            for (int k = 0; k < kind.outputs(); k++) {
                row[k + 1] = Float.parseFloat(fields[first + k]);
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * The predictor module's classes and what they need: worker-kernels (with netlib and the bundled OpenBLAS, so
     * that the same BLAS runs) and Jackson; this module's test classes for {@link SparkFreePredict}. No Spark, no
     * Hadoop, no Scala, no driver.
     */
    private static List<String> sparkFreeClassPath() {
        List<String> kept = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String e = entry.replace(File.separatorChar, '/');
            if (e.endsWith("/predictor/target/classes") || e.endsWith("/worker-kernels/target/classes")
                    || e.endsWith("/jobs/target/test-classes") || e.contains("/com/fasterxml/jackson/core/")
                    || e.contains("/dev/ludovic/netlib/") || e.contains("/org/bytedeco/openblas/")
                    || e.matches(".*/sparkprop-(predictor|worker-kernels)[^/]*\\.jar")) {
                kept.add(entry);
            }
        }
        assertTrue(kept.stream().anyMatch(e -> e.contains("predictor")), "the predictor module is on the class path: " + kept);
        for (String e : kept) {
            assertFalse(e.matches("(?i).*(spark-|hadoop|scala|sparkprop-driver|/driver/target).*"), "not Spark-free: " + e);
        }
        return kept;
    }

    private static List<String> childLines(List<String> classPath, Path model, Path data) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", String.join(File.pathSeparator, classPath),
                SparkFreePredict.class.getName(), model.toString(), data.toString()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");
        assertEquals(0, process.exitValue(), out);
        return Arrays.asList(out.split("\n"));
    }
}
