package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run in its own JVM, ended with SIGKILL, then resumed with --resume, ends with weights bit-identical
 * to an uninterrupted run: killed between checkpoints, and killed in the middle of writing one.
 */
class KillResumeTest {
    @TempDir
    static Path dir;
    static byte[] uninterrupted;

    /** 20 epochs of 30 steps: long enough to kill midway. */
    static List<String> trainArgs(Path output) {
        return List.of("train", "--train", "builtin:iris", "--output", output.toString(), "--master", "local[2]",
                "--partitions", "2", "--batch-size", "4", "--epochs", "20", "--seed", "3", "--patience", "0");
    }

    static List<String> with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    @BeforeAll
    static void trainWithoutInterruption() throws IOException {
        Path output = dir.resolve("whole");
        CliTest.Run r = CliTest.run(trainArgs(output).toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        uninterrupted = Files.readAllBytes(output.resolve("weights.bin"));
    }

    /** Starts Main in a JVM of its own with the test classpath and Spark's JDK 17 flags. */
    static Process start(List<String> jvmOptions, List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(System.getProperty("sparkprop.jvmFlags").trim().split("\\s+")));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static List<Path> checkpoints(Path ckpt) throws IOException {
        if (!Files.isDirectory(ckpt)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(ckpt)) {
            return s.filter(p -> p.getFileName().toString().startsWith("ckpt-")).sorted().toList();
        }
    }

    static boolean complete(Path checkpoint) {
        return Files.exists(checkpoint.resolve("MANIFEST.json"));
    }

    /** Waits (at most three minutes: a loaded machine starts JVMs slowly) until {@code condition} holds for the checkpoint folders, then SIGKILLs the process. */
    static void killWhen(Process process, Path ckpt, Predicate<List<Path>> condition, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!condition.test(checkpoints(ckpt))) {
            assertTrue(process.isAlive(), "the run ended before it could be killed:\n" + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no checkpoint to kill at:\n" + Files.readString(log));
            Thread.sleep(20);
        }
        process.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, process.exitValue(), "killed by SIGKILL");
    }

    @Test
    void killedBetweenCheckpointsThenResumedEndsBitIdentical() throws Exception {
        Path ckpt = dir.resolve("ckpt-between");
        Path output = dir.resolve("between");
        List<String> args = with(trainArgs(output), "--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "10");
        Path log = dir.resolve("between.log");
        Process run = start(List.of(), args, log);
        killWhen(run, ckpt, list -> list.stream().filter(KillResumeTest::complete).count() >= 3, log);
        assertFalse(Files.exists(output), "no model from a killed run");

        CliTest.Run resumed = CliTest.run(with(args, "--resume").toArray(String[]::new));
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().contains("resumed from checkpoint"), resumed.out());
        assertArrayEquals(uninterrupted, Files.readAllBytes(output.resolve("weights.bin")));
    }

    @Test
    void killedWhileWritingACheckpointThenResumedEndsBitIdentical() throws Exception {
        Path ckpt = dir.resolve("ckpt-during");
        Path output = dir.resolve("during");
        List<String> args = with(trainArgs(output), "--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "25");
        Path log = dir.resolve("during.log");
        // Every checkpoint waits 2 s between its data files and its manifest: the kill lands inside a write.
        Process run = start(List.of("-Dsparkprop.pause.checkpoint-manifest=2000"), args, log);
        killWhen(run, ckpt, list -> list.size() >= 2 && complete(list.get(0)) && !complete(list.get(list.size() - 1))
                && Files.exists(list.get(list.size() - 1).resolve("arrays.bin")), log);
        List<Path> left = checkpoints(ckpt);
        Path torn = left.get(left.size() - 1);

        CliTest.Run resumed = CliTest.run(with(args, "--resume").toArray(String[]::new));
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().contains("skipped newer " + torn.getFileName() + " (incomplete (no MANIFEST.json))"), resumed.out());
        assertArrayEquals(uninterrupted, Files.readAllBytes(output.resolve("weights.bin")));
    }
}
