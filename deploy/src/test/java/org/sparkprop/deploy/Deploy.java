package org.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the deploy tests share: where the build put things (system properties set by the pom), free ports, and
 * the comparison of two model directories.
 */
final class Deploy {
    /** The repository's root. */
    static final Path ROOT = Path.of(property("sparkprop.root")).normalize();
    /** The SPARK_HOME assembled from Maven jars. */
    static final Path SPARK_HOME = Path.of(property("sparkprop.sparkHome"));
    /** The application jar for spark-submit. */
    static final Path JOBS_JAR = Path.of(property("sparkprop.jobsJar"));
    /** Logs and models of the tests, kept after a run: deploy/target/it. */
    static final Path WORK = Path.of(property("sparkprop.testWork"));
    static final Path SPARK_SUBMIT = ROOT.resolve("deploy/bin/spark-submit");
    static final Path SPARK_CLUSTER = ROOT.resolve("deploy/bin/spark-cluster");
    static final String MAIN_CLASS = "org.sparkprop.jobs.Main";
    /** The training run of the cluster tests: 1000 rows in 2 partitions, 100 a batch, so 10 steps an epoch. */
    static final List<String> TRAIN = List.of("train", "--train", "builtin:xor", "--validation", "builtin:xor:test",
            "--hidden", "16", "--batch-size", "100", "--partitions", "2", "--seed", "7");
    /** Small executors and drivers, so that workers of 1 GiB hold them. */
    static final List<String> SMALL = List.of("--driver-memory", "512m", "--conf", "spark.executor.memory=512m");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Deploy() {
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run these tests through Maven (deploy/pom.xml sets it)");
        }
        return value;
    }

    /** The environment the scripts need to use the assembled runtime of this build. */
    static Map<String, String> env() {
        return Map.of("SPARKPROP_SPARK_HOME", SPARK_HOME.toString());
    }

    /** deploy/bin/spark-submit [sparkArgs] --class Main JOBS_JAR [appArgs]. */
    static List<String> sparkSubmit(List<String> sparkArgs, List<String> appArgs) {
        List<String> command = new ArrayList<>(List.of(SPARK_SUBMIT.toString()));
        command.addAll(sparkArgs);
        command.addAll(List.of("--class", MAIN_CLASS, JOBS_JAR.toString()));
        command.addAll(appArgs);
        return command;
    }

    /** {@link #TRAIN} for {@code epochs} epochs, writing the model to {@code output}. */
    static List<String> train(int epochs, Path output) {
        List<String> args = new ArrayList<>(TRAIN);
        args.addAll(List.of("--epochs", Integer.toString(epochs), "--output", output.toString()));
        return args;
    }

    /** Trains {@link #TRAIN} in local[2] through deploy/bin/spark-submit: the model the clusters must match. */
    static Path trainLocally(int epochs, Path output) {
        return trainLocally(train(epochs, output), output);
    }

    /** Trains with {@code appArgs} (which write to {@code output}) in local[2] through deploy/bin/spark-submit. */
    static Path trainLocally(List<String> appArgs, Path output) {
        Command local = Command.run(output.resolveSibling(output.getFileName() + ".log"), env(),
                sparkSubmit(List.of("--master", "local[2]"), appArgs));
        assertEquals(0, local.process.exitValue(), local.tail());
        return output;
    }

    /**
     * The first of {@code count} consecutive ports that are free on 127.0.0.1 now: the operating system picks
     * one, and the others above it are tried.
     */
    static int freePorts(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = bind(0);
            boolean free = true;
            for (int i = 1; i < count && free; i++) {
                free = first + i <= 65535 && bind(first + i) > 0;
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports on 127.0.0.1");
    }

    /** Binds a port and lets it go again; returns it, or -1 if it is taken. */
    private static int bind(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Asserts that two model directories hold the same model: weights.bin byte for byte, model.json (its
     * metrics on the training and validation data included) apart from the time it was written and the exchange
     * its steps travelled by, and the
     * per-epoch losses and metrics of training.json.
     */
    static void assertSameModel(Path expected, Path actual) {
        assertArrayEquals(bytes(expected.resolve("weights.bin")), bytes(actual.resolve("weights.bin")),
                "weights.bin of " + actual + " differs from " + expected);
        assertEquals(modelJson(expected), modelJson(actual), "model.json");
        assertEquals(epochs(expected), epochs(actual), "training.json's epochs");
    }

    private static JsonNode modelJson(Path model) {
        ObjectNode json = (ObjectNode) read(model.resolve("model.json"));
        assertTrue(json.has("createdAt"), "model.json has createdAt");
        json.remove("createdAt");
        // How the steps travelled (per-epoch or per-step): the weights are the same to the bit.
        JsonNode data = json.path("training").path("data");
        assertTrue(data.has("exchange"), "model.json records the exchange");
        ((ObjectNode) data).remove("exchange");
        return json;
    }

    /** Each epoch's losses, metrics, learning rate and gradient norm: everything but its timings. */
    private static List<JsonNode> epochs(Path model) {
        List<JsonNode> epochs = new ArrayList<>();
        for (JsonNode epoch : read(model.resolve("training.json")).get("epochs")) {
            ObjectNode kept = JSON.createObjectNode();
            epoch.fields().forEachRemaining(field -> {
                if (!field.getKey().endsWith("Seconds") && !field.getKey().endsWith("PerSecond")) {
                    kept.set(field.getKey(), field.getValue());
                }
            });
            epochs.add(kept);
        }
        assertTrue(epochs.size() > 0, "training.json of " + model + " has epochs");
        return epochs;
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
