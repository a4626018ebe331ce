package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.model.ModelStore;

/** retrain and models on the command line, and retrain processes killed with SIGKILL at many points. */
class RetrainCliTest {
    @TempDir
    Path dir;

    private Path csv(String name, int rows, long seed, boolean shuffleLabels) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>(List.of("a,b,c,label"));
        for (int r = 0; r < rows; r++) {
            int label = random.nextInt(2);
            double centre = label == 0 ? 0.7 : -0.7;
            int written = shuffleLabels ? random.nextInt(2) : label;
            lines.add(String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%s", centre + random.nextGaussian() * 0.7,
                    -centre + random.nextGaussian() * 0.7, random.nextGaussian(), written == 0 ? "cat" : "dog"));
        }
        return Files.write(dir.resolve(name), lines);
    }

    private List<String> retrainArgs(Path registry, Path train, Path validation, String... more) {
        List<String> args = new ArrayList<>(List.of("retrain", "--registry", registry.toString(), "--name", "pets",
                "--train", train.toString(), "--validation", validation.toString(), "--master", "local[2]", "--partitions", "2",
                "--hidden", "6", "--checkpoint-every", "10"));
        args.addAll(List.of(more));
        return args;
    }

    private static CliTest.Run run(List<String> args) {
        return CliTest.run(args.toArray(String[]::new));
    }

    private static JsonNode listJson(Path registry) throws IOException {
        CliTest.Run list = CliTest.run("models", "list", "--registry", registry.toString(), "--name", "pets", "--json");
        assertEquals(0, list.status(), list.err());
        return new ObjectMapper().readTree(list.out());
    }

    @Test
    void publishesRejectsRepeatsAndManagesVersions() throws IOException {
        Path registry = dir.resolve("registry");
        Path validation = csv("validation.csv", 200, 1, false);
        CliTest.Run first = run(retrainArgs(registry, csv("n1.csv", 200, 2, false), validation, "--epochs", "4"));
        assertEquals(0, first.status(), first.err());
        assertTrue(first.out().startsWith("published version 1 of pets: first version"), first.out());

        Path night2 = csv("n2.csv", 400, 3, false);
        CliTest.Run second = run(retrainArgs(registry, night2, validation, "--epochs", "4", "--gate", "loss <= champion"));
        assertEquals(0, second.status(), second.out() + second.err());
        assertTrue(second.out().startsWith("published version 2 of pets"), second.out());

        CliTest.Run repeat = run(retrainArgs(registry, night2, validation, "--epochs", "4", "--gate", "loss <= champion"));
        assertEquals(0, repeat.status());
        assertTrue(repeat.out().startsWith("nothing to do, an identical run already published version 2 of pets"), repeat.out());

        CliTest.Run worse = run(retrainArgs(registry, csv("noise.csv", 400, 4, true), validation, "--epochs", "8"));
        assertEquals(RetrainCommand.REJECTED, worse.status(), worse.out() + worse.err());
        assertTrue(worse.out().startsWith("rejected the candidate for pets; current stays: candidate accuracy"), worse.out());

        JsonNode versions = listJson(registry);
        assertEquals(2, versions.size());
        assertEquals(2, versions.get(1).get("version").asInt());
        assertTrue(versions.get(1).get("current").asBoolean());
        assertTrue(versions.get(1).at("/metrics/accuracy").isNumber());

        CliTest.Run path = CliTest.run("models", "path", "--registry", registry.toString(), "--name", "pets");
        assertEquals(0, path.status(), path.err());
        assertTrue(path.out().strip().endsWith("registry/pets/versions/v000002"), path.out());
        CliTest.Run evaluate = CliTest.run("evaluate", "--model", path.out().strip(), "--data", validation.toString(), "--json", "--master", "local[2]");
        assertEquals(0, evaluate.status(), evaluate.err());

        CliTest.Run rollback = CliTest.run("models", "rollback", "--registry", registry.toString(), "--name", "pets");
        assertEquals(0, rollback.status(), rollback.err());
        assertTrue(listJson(registry).get(0).get("current").asBoolean());
        CliTest.Run promote = CliTest.run("models", "promote", "2", "--registry", registry.toString(), "--name", "pets");
        assertEquals(0, promote.status(), promote.err());
        assertTrue(listJson(registry).get(1).get("current").asBoolean());
        CliTest.Run gc = CliTest.run("models", "gc", "--keep", "1", "--registry", registry.toString(), "--name", "pets");
        assertEquals(0, gc.status(), gc.err());
        assertEquals(2, listJson(registry).size(), "gc never removes the current version or its parent");
    }

    /**
     * Retraining processes killed with SIGKILL at 20 points (while training, inside a checkpoint write, between a
     * version's files and its VERSION.json, before the pointer moves, before the run record, and at spread-out
     * times): current never names an incomplete or unreadable version, and a rerun then completes.
     */
    @Test
    void killedAnywhereRetrainingNeverLeavesCurrentBroken() throws Exception {
        Path registry = dir.resolve("registry");
        Path validation = csv("validation.csv", 200, 11, false);
        assertEquals(0, run(retrainArgs(registry, csv("n0.csv", 200, 12, false), validation, "--epochs", "2")).status());
        List<String> namedPoints = List.of("checkpoint-manifest", "version-files", "pointer-move", "run-record");
        List<String> args = null;
        int kills = 0;
        for (int attempt = 0; attempt < 20; attempt++) {
            // Each attempt is another night's data, so each is a run of its own with work left to kill.
            // 30 epochs of 10 steps: several seconds of training, so that the timed kills land in a live run.
            args = retrainArgs(registry, csv("night" + attempt + ".csv", 300, 100 + attempt, false), validation,
                    "--epochs", "30", "--gate", "accuracy >= 0");
            Path log = dir.resolve("kill-" + attempt + ".log");
            Process process;
            String point;
            if (attempt < 8) {
                point = namedPoints.get(attempt % namedPoints.size());
                process = KillResumeTest.start(List.of("-Dsparkprop.pause." + point + "=5000"), args, log);
                waitForLine(process, log, "fault point " + point);
            } else {
                // Timed from Spark's start (its first log line), not the JVM's: JVM start-up varies with the load.
                long delay = 200 + 250L * (attempt - 8);
                point = delay + " ms after Spark started";
                process = KillResumeTest.start(List.of(), args, log);
                waitForLine(process, log, "BLAS on the driver");
                process.waitFor(delay, TimeUnit.MILLISECONDS);
            }
            if (process.isAlive()) {
                kills++;
            }
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertCurrentIsComplete(registry, point);
        }
        assertTrue(kills >= 18, "the attempts killed live processes: " + kills);

        CliTest.Run rerun = run(args);
        assertEquals(0, rerun.status(), rerun.out() + rerun.err());
        assertTrue(rerun.out().contains("version"), rerun.out());
        assertCurrentIsComplete(registry, "the rerun");
        CliTest.Run again = run(args);
        assertTrue(again.out().startsWith("nothing to do"), again.out());
    }

    private static void waitForLine(Process process, Path log, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(Files.exists(log) && Files.readString(log).contains(line))) {
            assertTrue(System.nanoTime() < deadline, "never reached '" + line + "':\n" + (Files.exists(log) ? Files.readString(log) : ""));
            if (!process.isAlive()) {
                return; // an earlier attempt already published: nothing left to kill at this point
            }
            Thread.sleep(20);
        }
    }

    private static void assertCurrentIsComplete(Path registry, String when) throws IOException {
        Path pointer = registry.resolve("pets/CURRENT.json");
        assertTrue(Files.exists(pointer), "version 1 stays current at least: " + when);
        int version = new ObjectMapper().readTree(pointer.toFile()).get("version").asInt();
        Path versionDir = registry.resolve(String.format(Locale.ROOT, "pets/versions/v%06d", version));
        assertTrue(Files.exists(versionDir.resolve("VERSION.json")), "current names a complete version: " + when);
        ModelStore.load(versionDir.toString(), new Configuration());
    }
}
