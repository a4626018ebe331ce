package org.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkprop.deploy.Deploy.SMALL;
import static org.sparkprop.deploy.Deploy.assertSameModel;
import static org.sparkprop.deploy.Deploy.sparkSubmit;
import static org.sparkprop.deploy.Deploy.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Training on a real Spark standalone cluster: a master and two workers started by deploy/bin/spark-cluster,
 * each its own JVM, executors in JVMs of their own and everything crossing the network through Kryo; jobs
 * submitted through deploy/bin/spark-submit in client and in cluster deploy mode.
 *
 * <p>Runs are deterministic: each partition's rows and their order follow from the data and the seed, and the
 * driver sums the partitions' results in partition order. So a model trained on the cluster must equal the
 * local[2] model with the same seed and partitions bit for bit, whichever JVM computed which partition, however
 * often a task was retried, and whichever exchange carried the steps: per epoch (one barrier stage, the steps through
 * sparkprop's endpoint in Spark's RPC environment; what auto picks here) or per step (a job each).
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    static final int EPOCHS = 4;
    /** Long enough (600 steps, one barrier stage without validation data) to kill an executor in the middle. */
    static final int LONG_EPOCHS = 60;
    static final Path DIR = Deploy.WORK.resolve("standalone-cluster");

    static final String EXCHANGE = "spark.sparkprop.exchange";

    static Cluster cluster;
    static Path reference;

    @BeforeAll
    static void startClusterAndTrainLocally() {
        cluster = Cluster.start(DIR, 2, null);
        reference = Deploy.trainLocally(EPOCHS, DIR.resolve("model-local"));
    }

    /** {@code args} less --validation and its path. */
    static List<String> withoutValidation(List<String> args) {
        List<String> kept = new ArrayList<>(args);
        int at = kept.indexOf("--validation");
        kept.subList(at, at + 2).clear();
        return kept;
    }

    /** The exchange that model.json records. */
    static String exchange(Path model) {
        return Deploy.read(model.resolve("model.json")).path("training").path("data").path("exchange").asText();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null && cluster.running()) {
            cluster.stop();
        }
    }

    @Test
    @Order(1)
    void clientModeGivesTheLocalModel() {
        Path model = DIR.resolve("model-client");
        Command run = Command.run(DIR.resolve("client.log"), cluster.submitEnv(), sparkSubmit(SMALL, train(EPOCHS, model)));
        assertEquals(0, run.process.exitValue(), run.tail());
        assertTrue(run.output().contains("master " + cluster.masterUrl), run.tail());
        assertTrue(run.output().contains("exchange: per-epoch (" + EXCHANGE + "=auto: on " + cluster.masterUrl + " through Spark's RPC environment"),
                run.tail());
        assertEquals("per-epoch", exchange(model));
        assertSameModel(reference, model);
    }

    @Test
    @Order(2)
    void perStepOnTheClusterGivesThePerEpochModel() {
        Path model = DIR.resolve("model-per-step");
        List<String> sparkArgs = new ArrayList<>(SMALL);
        sparkArgs.addAll(List.of("--conf", EXCHANGE + "=per-step"));
        Command run = Command.run(DIR.resolve("per-step.log"), cluster.submitEnv(), sparkSubmit(sparkArgs, train(EPOCHS, model)));
        assertEquals(0, run.process.exitValue(), run.tail());
        assertTrue(run.output().contains("exchange: per-step (" + EXCHANGE + "=per-step)"), run.tail());
        assertEquals("per-step", exchange(model));
        assertSameModel(DIR.resolve("model-client"), model);
        assertSameModel(reference, model);
    }

    @Test
    @Order(3)
    void tooFewTaskSlotsFallBackToPerStepAndSaySo() {
        // 3 partitions, 2 workers of one core: a barrier stage could never start
        Path model = DIR.resolve("model-three-partitions");
        List<String> args = new ArrayList<>(train(EPOCHS, model));
        args.set(args.indexOf("--partitions") + 1, "3");
        Command run = Command.run(DIR.resolve("too-few-slots.log"), cluster.submitEnv(), sparkSubmit(SMALL, args));
        assertEquals(0, run.process.exitValue(), run.tail());
        assertTrue(run.output().contains("exchange: per-step (" + EXCHANGE + "=auto: per-epoch needs a task slot for each of the 3 partitions"
                + " at once (barrier mode) and " + cluster.masterUrl + " has 2: one job per step)"), run.tail());
        assertEquals("per-step", exchange(model));
    }

    @Test
    @Order(4)
    void clusterModeGivesTheLocalModel() {
        Path model = DIR.resolve("model-cluster");
        List<String> sparkArgs = new ArrayList<>(List.of("--deploy-mode", "cluster"));
        sparkArgs.addAll(SMALL);
        Command run = Command.run(DIR.resolve("cluster-mode.log"), cluster.submitEnv(), sparkSubmit(sparkArgs, train(EPOCHS, model)));
        // spark-submit's exit status does not tell the driver's; its last line does (it waits: client-conf says so).
        assertEquals(0, run.process.exitValue(), run.tail());
        Matcher state = Pattern.compile("State of driver (driver-\\S+) is (\\w+)").matcher(run.output());
        assertTrue(state.find(), run.tail());
        assertEquals("FINISHED", state.group(2), run.tail());
        try (Stream<Path> workers = Files.list(cluster.dir.resolve("work"))) {
            assertTrue(workers.anyMatch(w -> Files.isDirectory(w.resolve(state.group(1)))), "the driver ran in a worker");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertSameModel(reference, model);
    }

    @Test
    @Order(5)
    void sparseRowsTravelAsTheirStepsFirstLayerColumnsAndGiveTheLocalModel() throws IOException {
        // rows of 8 to 15 non-zeros among 4,096 features, one naming the class
        StringBuilder text = new StringBuilder();
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        for (int r = 0; r < 600; r++) {
            int label = random.nextInt(3);
            java.util.TreeMap<Integer, Double> row = new java.util.TreeMap<>();
            row.put(1 + label * 100 + random.nextInt(100), 1.0);
            while (row.size() < 8 + random.nextInt(8)) {
                row.put(1 + random.nextInt(4096), random.nextDouble());
            }
            text.append(label);
            row.forEach((k, v) -> text.append(' ').append(k).append(':').append(String.format(java.util.Locale.ROOT, "%.4f", v)));
            text.append('\n');
        }
        Path data = Files.writeString(DIR.resolve("sparse.libsvm"), text);
        List<String> args = List.of("train", "--train", data.toString(), "--num-features", "4096", "--hidden", "16", "--batch-size", "40",
                "--epochs", "3", "--seed", "5");
        Path local = DIR.resolve("model-sparse-local");
        List<String> localArgs = new ArrayList<>(args);
        localArgs.addAll(List.of("--output", local.toString()));
        Deploy.trainLocally(localArgs, local);

        Path model = DIR.resolve("model-sparse");
        List<String> clusterArgs = new ArrayList<>(args);
        clusterArgs.addAll(List.of("--output", model.toString()));
        Command run = Command.run(DIR.resolve("sparse.log"), cluster.submitEnv(), sparkSubmit(SMALL, clusterArgs));
        assertEquals(0, run.process.exitValue(), run.tail());
        assertTrue(run.output().contains("cached sparse"), run.tail());
        assertEquals("per-epoch", exchange(model));
        assertSameModel(local, model);
        // all the weights are 262,532 bytes; a step's two tasks get at most 2 × (300 columns × 16 + 67) floats
        Matcher sent = Pattern.compile("the driver received .* and sent ([0-9.]+) KB a step").matcher(run.output());
        assertTrue(sent.find(), run.tail());
        assertTrue(Double.parseDouble(sent.group(1)) < 40, sent.group());
    }

    @Test
    @Order(6)
    void anExecutorKilledMidTrainingChangesNothing() {
        // without validation data the run's 200 steps are one barrier stage, so the kill lands inside it
        Path expected = Deploy.trainLocally(withoutValidation(train(LONG_EPOCHS, DIR.resolve("model-local-long"))), DIR.resolve("model-local-long"));
        Path model = DIR.resolve("model-executor-killed");
        Command run = Command.start(DIR.resolve("executor-killed.log"), cluster.submitEnv(),
                sparkSubmit(SMALL, withoutValidation(train(LONG_EPOCHS, model))));
        run.awaitOutput("epoch 1/" + LONG_EPOCHS + " ");
        assertTrue(run.output().contains("exchange: per-epoch ("), "a barrier stage for the run, the steps through Spark's RPC environment\n" + run.tail());
        List<ProcessHandle> executors = cluster.executors();
        assertEquals(2, executors.size(), "executors of the running application: " + executors);
        ProcessHandle victim = executors.get(0);
        String appId = Cluster.appId(victim);
        assertFalse(run.output().contains("stopped after"), "training still running when the executor is killed\n" + run.tail());
        assertTrue(victim.destroyForcibly(), "SIGKILL sent to executor " + victim.pid());
        victim.onExit().join();

        assertEquals(0, run.awaitExit(), run.tail());
        assertTrue(run.output().contains("epoch " + LONG_EPOCHS + "/" + LONG_EPOCHS + " "), run.tail());
        assertSameModel(expected, model);
        // The lost executor was replaced: the application has a third executor folder.
        assertTrue(cluster.executorDirs(appId) >= 3, "executors started for " + appId + ": " + cluster.executorDirs(appId));
        assertEquals("per-epoch", exchange(model));
    }

    @Test
    @Order(7)
    void stopEndsTheClusterAndItsExecutorsButNothingElse() {
        Command run = Command.start(DIR.resolve("stopped-mid-run.log"), cluster.submitEnv(), sparkSubmit(SMALL, train(1000, DIR.resolve("model-never"))));
        try {
            run.awaitOutput("epoch 1/1000 ");
            List<ProcessHandle> started = new ArrayList<>(cluster.daemons());
            assertEquals(3, started.size(), "master and workers: " + started);
            List<ProcessHandle> executors = cluster.executors();
            assertEquals(2, executors.size(), "executors: " + executors);
            started.addAll(executors);

            Command stop = cluster.stop();
            assertEquals(0, stop.process.exitValue(), stop.tail());
            for (ProcessHandle p : started) {
                assertFalse(p.isAlive(), "still running after stop: " + p.pid() + " " + p.info().commandLine().orElse(""));
            }
            // The driver is the user's process, not the cluster's: stop sent it nothing (SIGTERM ends a JVM with 143).
            assertTrue(run.process.isAlive() || run.process.exitValue() != 143, run.tail());

            Command status = Command.run(DIR.resolve("spark-cluster-status.log"), Deploy.env(),
                    List.of(Deploy.SPARK_CLUSTER.toString(), "status", "--dir", cluster.dir.toString()));
            assertEquals(3, status.process.exitValue(), status.tail());
            assertTrue(status.output().contains("no cluster started from " + cluster.dir), status.tail());
        } finally {
            run.process.destroyForcibly();
        }
    }
}
