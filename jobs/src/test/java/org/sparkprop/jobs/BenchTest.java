package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sparkprop bench --quick} end to end, in-process with Spark in local[2]: it prints every section of the
 * table and writes JSON in which every section is present with positive figures. Speeds are not asserted: this
 * is about the harness, not the machine.
 */
class BenchTest {
    @TempDir
    Path dir;

    @Test
    void quickBenchPrintsEverySectionAndWritesPositiveFigures() throws IOException {
        Path json = dir.resolve("bench.json");
        CliTest.Run r = CliTest.run("bench", "--quick", "--output", json.toString(), "--master", "local[2]");
        assertEquals(0, r.status(), r.err());
        for (String title : List.of("1. BLAS gemm", "2. forward + backward pass", "3. one training step against Spark's floor",
                "4. end to end")) {
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
        assertPositive(results.get("step"), "parameters", "partitions", "steps", "bare_job_ms", "step_ms", "slowest_task_compute_ms",
                "step_overhead_ms", "overhead_to_bare_job", "cached_bytes", "raw_float_bytes", "cached_to_raw");

        JsonNode endToEnd = results.get("end_to_end");
        assertPositive(endToEnd, "train_rows", "target_accuracy", "rows_per_second_ratio", "time_to_target_ratio");
        assertPositive(endToEnd.get("sparkprop"), "epochs", "train_seconds", "rows_per_second", "accuracy", "seconds_to_target");
        assertPositive(endToEnd.get("sparkprop_throughput"), "batch_size", "epochs", "train_seconds", "rows_per_second");
        assertPositive(endToEnd.get("mllib"), "iterations", "train_seconds", "rows_per_second", "accuracy", "seconds_to_target");
        assertEquals(endToEnd.get("sparkprop").get("epochs").asInt(), endToEnd.get("sparkprop").get("history").size());
    }

    @Test
    void aBadSettingIsOneSentenceNamingTheFlag() {
        CliTest.Run r = CliTest.run("bench", "--quick", "--seconds", "0", "--output", dir.resolve("x.json").toString());
        assertEquals(Main.USER_ERROR, r.status());
        assertEquals("sparkprop: --seconds must be in (0, 600], got 0.0\n", r.err());
        assertFalse(Files.exists(dir.resolve("x.json")));
    }

    private static void assertPositive(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            assertTrue(value != null && value.isNumber() && value.asDouble() > 0, field + " is positive in " + node);
        }
    }
}
