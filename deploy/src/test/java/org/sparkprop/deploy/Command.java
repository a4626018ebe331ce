package org.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process a test starts: stdout and stderr together in a log file that the test reads while it grows (and
 * that stays behind, under the build folder, when a test fails).
 */
final class Command {
    /** How long a test waits for a command or a line of its output before it gives up. */
    static final Duration PATIENCE = Duration.ofMinutes(5);

    final Process process;
    final Path log;
    private final String what;

    private Command(Process process, Path log, String what) {
        this.process = process;
        this.log = log;
        this.what = what;
    }

    /** Starts {@code command} with {@code env} added to this JVM's environment; output to {@code log}. */
    static Command start(Path log, Map<String, String> env, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        try {
            Files.createDirectories(log.getParent());
            return new Command(builder.start(), log, String.join(" ", command));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code command} to its end and returns it; fails the test if it takes longer than {@link #PATIENCE}. */
    static Command run(Path log, Map<String, String> env, List<String> command) {
        Command c = start(log, env, command);
        c.awaitExit();
        return c;
    }

    /** The output so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int awaitExit() {
        try {
            if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("still running after " + PATIENCE + ": " + what + "\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** Waits until the output contains {@code text}; fails if the process ends first or after {@link #PATIENCE}. */
    void awaitOutput(String text) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive() && !output().contains(text)) {
                fail("ended (status " + process.exitValue() + ") without printing '" + text + "': " + what + "\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                fail("no '" + text + "' after " + PATIENCE + ": " + what + "\n" + tail());
            }
            pause();
        }
    }

    /** The last lines of the output, for failure messages. */
    String tail() {
        List<String> lines = output().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n(whole output: " + log + ")";
    }

    static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
