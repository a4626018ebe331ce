package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.UserException;

/**
 * {@code sparkprop bench --quick} end to end, in-process with Spark in local[2]: it prints every section of the
 * table and writes JSON in which every section is present with positive figures. Speeds are not asserted: this
 * is about the harness, not the machine.
 */
class BenchTest {
    private static final String SKLEARN_SCRIPT = "../" + BenchCommand.SKLEARN_SCRIPT;
    @TempDir
    Path dir;

    @Test
    void quickBenchPrintsEverySectionAndWritesPositiveFigures() throws IOException {
        Path json = dir.resolve("bench.json");
        // scikit-learn's column where /usr/bin/python3 has it (the script from the repository, the tests run in jobs/), else its note
        CliTest.Run r = CliTest.run("bench", "--quick", "--output", json.toString(), "--master", "local[2]", "--sklearn-script", SKLEARN_SCRIPT);
        assertEquals(0, r.status(), r.err());
        for (String title : List.of("1. BLAS gemm", "2. forward + backward pass", "3. one training step against Spark's floor",
                "4. end to end", "5. sparse input")) {
            assertTrue(r.out().contains(title), title + " in\n" + r.out());
        }
        assertTrue(r.out().contains("results written to " + json), r.out());

        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertTrue(results.get("quick").asBoolean());
        JsonNode machine = results.get("machine");
        assertTrue(machine.get("cores").asInt() > 0);
        assertFalse(machine.get("blas").asText().isEmpty());
        assertEquals("local[2]", machine.get("master").asText());

        JsonNode blas = results.get("blas");
        assertTrue(blas.size() >= 2, "gemm shapes: " + blas);
        for (JsonNode shape : blas) {
            assertPositive(shape, "m", "n", "k", "sgemm_native_gflops", "sgemm_java_gflops", "dgemm_native_gflops", "dgemm_java_gflops");
        }
        JsonNode kernels = results.get("kernels");
        assertEquals(2 * 2 * 2, kernels.size(), "two networks × two precisions × native and Java: " + kernels);
        for (JsonNode pass : kernels) {
            assertPositive(pass, "rows", "pass_gflops", "gemm_gflops", "fraction_of_gemm");
        }
        assertStepSection(results.get("step"));

        JsonNode endToEnd = results.get("end_to_end");
        assertPositive(endToEnd, "train_rows");
        // beside numpy: on Iris (4 features) the numpy column is left out with a note, whether or not numpy is here
        JsonNode besideNumpy = endToEnd.get("beside_numpy");
        assertTrue(besideNumpy.has("note"), besideNumpy.toString());
        for (JsonNode run : besideNumpy.get("runs")) {
            assertEquals("per-epoch", run.get("per_epoch").get("exchange").asText());
            assertEquals("per-step", run.get("per_step").get("exchange").asText());
            assertEquals(run.get("per_epoch").get("accuracy").asDouble(), run.get("per_step").get("accuracy").asDouble(), 0.0,
                    "both exchanges train the same weights");
            assertPositive(run.get("per_epoch"), "train_seconds", "steps");
        }
        assertPositive(endToEnd.get("sparkprop"), "epochs", "train_seconds", "rows_per_second", "accuracy");
        assertPositive(endToEnd.get("sparkprop_throughput"), "batch_size", "epochs", "train_seconds", "rows_per_second");
        assertEquals(endToEnd.get("sparkprop").get("epochs").asInt(), endToEnd.get("sparkprop").get("history").size());
        // training alone (a second run, unvalidated) timed to each epoch, beside the run that validates after each
        assertPositive(endToEnd.get("sparkprop"), "train_seconds_without_validation");
        for (JsonNode epoch : endToEnd.get("sparkprop").get("history")) {
            assertPositive(epoch, "training_seconds", "elapsed_seconds");
        }
        assertTrue(r.out().contains("validating every epoch"), r.out());
        for (String peer : List.of("mllib_own_jvm", "mllib_same_jvm")) {
            JsonNode mllib = endToEnd.get(peer);
            assertTrue(mllib != null && !mllib.has("error"), peer + " in " + endToEnd);
            assertPositive(mllib, "iterations", "train_seconds", "rows_per_second", "accuracy", "seconds_to_target", "rows_per_second_ratio");
            assertTrue(mllib.get("blas").asText().matches("(native|java) \\(dev\\.ludovic\\.netlib\\.blas\\.\\w+\\).*"), mllib.toString());
            assertTrue(r.out().contains(mllib.get("blas").asText()), "the table names " + peer + "'s BLAS:\n" + r.out());
        }
        // the JVM of its own must not see sparkprop's OpenBLAS (Blas copies it to a sparkprop-openblas-* directory)
        assertFalse(endToEnd.get("mllib_own_jvm").get("blas").asText().contains("sparkprop-openblas"), endToEnd.toString());
        assertEquals("own", endToEnd.get("mllib_own_jvm").get("jvm").asText());
        assertEquals("same", endToEnd.get("mllib_same_jvm").get("jvm").asText());
        assertSparseSection(results.get("sparse"), r.out());
    }

    @Test
    void onlySparseRunsSectionFiveAloneWithTheOptimizerNamedAndWithoutScikitLearn() throws IOException {
        Path json = dir.resolve("sparse.json");
        CliTest.Run r = CliTest.run("bench", "--quick", "--only-sparse", "--sparse-optimizer", "sgd", "--sklearn-script", SKLEARN_SCRIPT,
                "--sklearn-python", dir.resolve("no-such-python").toString(), "--output", json.toString(), "--master", "local[2]");
        assertEquals(0, r.status(), r.err());
        assertFalse(r.out().contains("1. BLAS gemm"), r.out());
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertFalse(results.has("end_to_end"), results.toString());
        assertEquals("sgd", results.get("sparse").get("optimizer").asText());
        assertTrue(results.get("sparse").get("text").get("sklearn_note").asText().contains("no-such-python"), results.toString());
        assertSparseSection(results.get("sparse"), r.out());
        r = CliTest.run("bench", "--quick", "--only-sparse", "--sparse-optimizer", "adagrad", "--output", dir.resolve("x.json").toString());
        assertEquals(Main.USER_ERROR, r.status());
        assertTrue(r.err().startsWith("sparkprop: --sparse-optimizer 'adagrad': unknown optimizer"), r.err());
        assertFalse(Files.exists(dir.resolve("x.json")));
    }

    /** Section 3 in local mode: the bare job, three ways of a step, and the channel in memory and through RPC. */
    private static void assertStepSection(JsonNode step) {
        assertPositive(step, "parameters", "partitions", "steps", "bare_job_ms", "cached_bytes", "raw_float_bytes", "cached_to_raw");
        assertEquals(3, step.get("ways").size(), "local mode measures per step in memory and as on a cluster, and per epoch: " + step);
        assertTrue(step.get("ways").get(0).get("in_memory").asBoolean());
        assertFalse(step.get("ways").get(1).get("in_memory").asBoolean());
        assertEquals("per-epoch", step.get("ways").get(2).get("way").asText());
        for (JsonNode way : step.get("ways")) {
            assertPositive(way, "step_ms", "slowest_task_compute_ms", "step_overhead_ms", "overhead_to_bare_job");
        }
        assertPositive(step, "channel_round_trip_ms", "channel_rpc_round_trip_ms");
        // through RPC each partition gets the float weights and deposits a gradient of as many floats and its sums
        long weightBytes = 4L * step.get("parameters").asLong() * step.get("partitions").asLong();
        assertEquals(weightBytes, step.get("channel_rpc_driver_bytes_out").asLong(), step.toString());
        assertTrue(step.get("channel_rpc_driver_bytes_in").asLong() > weightBytes, step.toString());
    }

    @Test
    void onlyStepRunsSectionThreeAlone() throws IOException {
        Path json = dir.resolve("step.json");
        CliTest.Run r = CliTest.run("bench", "--quick", "--only-step", "--output", json.toString(), "--master", "local[2]");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("3. one training step against Spark's floor"), r.out());
        assertFalse(r.out().contains("1. BLAS gemm"), r.out());
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertStepSection(results.get("step"));
        assertFalse(results.has("end_to_end") || results.has("sparse") || results.has("kernels"), results.toString());
        r = CliTest.run("bench", "--quick", "--only-step", "--only-sparse", "--output", dir.resolve("x.json").toString());
        assertEquals(Main.USER_ERROR, r.status());
        assertTrue(r.err().contains("give one of them"), r.err());
        assertFalse(Files.exists(dir.resolve("x.json")));
    }

    /**
     * Section 5: (a) sparkprop trained sparse, with scikit-learn's figures and the ratio where /usr/bin/python3 has
     * scikit-learn, else a note; (b) the 1% set cached sparse and dense, each run's figures, and the ratio of their
     * epochs. The two runs of (b) train the same network on the same rows, so their accuracies are close.
     */
    private static void assertSparseSection(JsonNode sparse, String out) {
        JsonNode text = sparse.get("text");
        JsonNode ours = text.get("sparkprop");
        assertEquals("sparse", ours.get("storage").asText(), "auto caches the generated stand-in sparse: " + text);
        assertPositive(ours, "epochs", "steps", "train_seconds", "seconds_per_epoch", "accuracy", "cached_bytes");
        assertEquals("cosine", ours.get("schedule").asText(), "(a) decays sparkprop's rate over its epochs: " + ours);
        assertTrue(out.contains("epochs, cosine from " + ours.get("learning_rate").asText()), out);
        if (text.has("sklearn")) {
            assertPositive(text.get("sklearn"), "train_seconds", "accuracy");
            assertPositive(text, "sparkprop_epochs_to_one_sklearn_epoch");
            assertEquals(ours.get("train_seconds").asDouble() / text.get("sklearn").get("train_seconds").asDouble(),
                    text.get("sparkprop_epochs_to_one_sklearn_epoch").asDouble(), 1e-12);
            assertTrue(text.has("target_met"), text.toString());
            assertTrue(out.contains("scikit-learn " + text.get("sklearn").get("version").asText()), out);
        } else {
            assertTrue(text.get("sklearn_note").asText().startsWith("scikit-learn column left out"), text.toString());
            assertTrue(out.contains(text.get("sklearn_note").asText()), out);
        }
        JsonNode density = sparse.get("density");
        assertEquals("sparse", density.get("sparse").get("storage").asText());
        assertEquals("dense", density.get("dense").get("storage").asText());
        for (String storage : List.of("sparse", "dense")) {
            assertPositive(density.get(storage), "epochs", "train_seconds", "seconds_per_epoch", "seconds_per_epoch_after_first", "accuracy",
                    "cached_bytes");
            assertEquals(sparse.get("learning_rate").asDouble(), density.get(storage).get("learning_rate").asDouble(), 0.0, "(b) at the section's rate");
            assertEquals("constant", density.get(storage).get("schedule").asText());
        }
        assertTrue(density.get("sparse").get("cached_bytes").asLong() < density.get("dense").get("cached_bytes").asLong(), density.toString());
        assertEquals(density.get("dense").get("accuracy").asDouble(), density.get("sparse").get("accuracy").asDouble(), 0.05, density.toString());
        assertEquals(density.get("dense").get("seconds_per_epoch").asDouble() / density.get("sparse").get("seconds_per_epoch").asDouble(),
                density.get("dense_to_sparse_per_epoch").asDouble(), 1e-12);
        assertEquals(density.get("dense").get("seconds_per_epoch_after_first").asDouble()
                / density.get("sparse").get("seconds_per_epoch_after_first").asDouble(), density.get("dense_to_sparse_after_first").asDouble(), 1e-12);
        for (String storage : List.of("sparse", "dense")) {
            JsonNode run = density.get(storage);
            assertTrue(run.get("seconds_per_epoch_after_first").asDouble() * (run.get("epochs").asInt() - 1) < run.get("train_seconds").asDouble(),
                    "the epochs after the first are part of the training loop: " + run);
        }
    }

    @Test
    void aFailingMllibJvmIsOneSentence() throws IOException {
        MllibPeer.Rows rows = new MllibPeer.Rows(2, new int[] {0, 1}, new float[] {0, 1, 1, 0});
        UserException e = assertThrows(UserException.class,
                () -> MllibPeer.inOwnJvm("no-such-master", new int[] {2, 2}, 1, 1, rows, rows));
        assertTrue(e.getMessage().startsWith("MLlib in a JVM of its own failed (exit status 1): "), e.getMessage());
        assertTrue(e.getMessage().contains("no-such-master"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        Matcher log = Pattern.compile("its output is in (\\S+) \\(").matcher(e.getMessage());
        assertTrue(log.find(), e.getMessage());
        Path file = Path.of(log.group(1));
        assertTrue(Files.readString(file).contains("no-such-master"), "the log it names holds the failure");
        Files.delete(file);
        Files.delete(file.getParent());
    }

    @Test
    void aBadSettingIsOneSentenceNamingTheFlag() {
        CliTest.Run r = CliTest.run("bench", "--quick", "--seconds", "0", "--output", dir.resolve("x.json").toString());
        assertEquals(Main.USER_ERROR, r.status());
        assertEquals("sparkprop: --seconds must be in (0, 600], got 0.0\n", r.err());
        assertFalse(Files.exists(dir.resolve("x.json")));
        r = CliTest.run("bench", "--quick", "--mllib", "elsewhere", "--output", dir.resolve("x.json").toString());
        assertEquals("sparkprop: --mllib 'elsewhere': expected own-jvm, same-jvm or both\n", r.err());
    }

    private static void assertPositive(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            assertTrue(value != null && value.isNumber() && value.asDouble() > 0, field + " is positive in " + node);
        }
    }
}
