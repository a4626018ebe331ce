package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} as its own process, as a user runs it: on a pseudo-terminal (util-linux {@code script}) with
 * {@code --progress auto}, which must draw bars; with stderr in a file, which must give plain lines; and
 * {@code --quiet}. The JVM is started as deploy/bin/sparkprop starts it (its JVM flags, the logging
 * configuration in deploy/conf) with this test's class path, because the packaged jar the launcher needs is
 * built after the tests run.
 */
class ProgressTerminalTest {
    private static final int EPOCHS = 2;
    /** builtin:xor has 1000 training rows: 10 steps of 100. */
    private static final int STEPS = 10;

    @TempDir
    static Path dir;
    static Path javaArguments;

    /** A java @-file: the JVM flags this test runs with, the launcher's logging configuration, this class path. */
    @BeforeAll
    static void writeJavaArguments() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--add-") || flag.startsWith("-Xmx")) {
                lines.add(flag);
            }
        }
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        lines.add("-Dlog4j2.configurationFile=" + root.resolve("deploy/conf/log4j2.properties"));
        lines.add("-cp");
        lines.add(quoted(System.getProperty("java.class.path")));
        lines.add(Main.class.getName());
        javaArguments = Files.write(dir.resolve("java-arguments"), lines);
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static List<String> train(String model, String... flags) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@" + javaArguments,
                "train", "--train", "builtin:xor", "--output", dir.resolve(model).toString(), "--epochs", Integer.toString(EPOCHS),
                "--batch-size", "100", "--partitions", "2", "--master", "local[2]"));
        command.addAll(List.of(flags));
        return command;
    }

    /** Runs {@code command} with TERM=xterm and SPARK_LOCAL_IP=127.0.0.1; returns its exit status, stdout in {@code out}, stderr in {@code err}. */
    private static int runProcess(List<String> command, Path out, Path err) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("TERM", "xterm");
        pb.environment().put("SHELL", "/bin/sh");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("no exit within 300 s: " + command);
        }
        return p.exitValue();
    }

    @Test
    void onAPseudoTerminalAutoDrawsABarPerEpoch() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script (for a pseudo-terminal) is not installed");
        StringBuilder shell = new StringBuilder();
        for (String word : train("bar-model", "--progress", "auto")) {
            shell.append(shell.length() == 0 ? "" : " ").append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        Path out = dir.resolve("pty.out");
        int status = runProcess(List.of("/usr/bin/script", "-q", "-e", "-c", shell.toString(), "/dev/null"), out, dir.resolve("pty.err"));
        String terminal = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, status, terminal);
        assertTrue(terminal.contains("model written to"), terminal);
        assertFalse(terminal.contains("epoch 1/" + EPOCHS + "  loss"), "no plain epoch lines on a terminal: " + terminal);
        for (int e = 1; e <= EPOCHS; e++) {
            String head = "epoch " + e + "/" + EPOCHS + " [";
            int filled = Progress.BAR_WIDTH / STEPS;
            String firstBar = "=".repeat(filled) + ">" + " ".repeat(Progress.BAR_WIDTH - filled - 1);
            assertTrue(terminal.contains("\r" + head + firstBar + "]  1/" + STEPS + "  loss "), "the first step's bar of epoch " + e + ": " + terminal);
            Matcher summary = Pattern.compile("\r" + Pattern.quote(head + "====================] " + STEPS + "/" + STEPS)
                    + "  loss \\d+\\.\\d{4}  \\d+ rows/s  \\d+\\.\\d s *\r?\n").matcher(terminal);
            assertTrue(summary.find(), "epoch " + e + " ends with its summary and a new line: " + terminal);
            Matcher draws = Pattern.compile("\r" + Pattern.quote(head) + "[=> ]{20}\\] +\\d+/" + STEPS + "  loss \\d+\\.\\d{4}  \\d+ rows/s  \\d+:\\d{2} left")
                    .matcher(terminal);
            int count = 0;
            while (draws.find()) {
                count++;
            }
            assertTrue(count >= 2 && count <= STEPS, "epoch " + e + " redrawn between twice (first, last step) and once per step, was " + count);
        }
    }

    @Test
    void withStderrInAFileAutoWritesOneLinePerEpochAndVerboseOnePerStep() throws Exception {
        Path out = dir.resolve("lines.out");
        Path err = dir.resolve("lines.err");
        assertEquals(0, runProcess(train("lines-model", "--progress", "auto", "--verbose"), out, err), Files.readString(err));
        String log = Files.readString(err, StandardCharsets.UTF_8);
        assertFalse(log.contains("\r"), "nothing redrawn: " + log);
        assertTrue(log.contains(" configuration: TrainConfig{"), log);
        for (int e = 1; e <= EPOCHS; e++) {
            // Log lines as deploy/conf/log4j2.properties lays them out, whatever comes before the message.
            assertEquals(1, count(log, Pattern.compile("(?m)^.*\\bepoch " + e + "/" + EPOCHS + "  loss \\d+\\.\\d{4}  \\d+ rows/s  \\d+\\.\\d s$")), log);
            assertEquals(STEPS, count(log, Pattern.compile("(?m)^.*\\bepoch " + e + "/" + EPOCHS + " step \\d+/" + STEPS + "  loss ")), log);
        }
        assertTrue(Files.readString(out).contains("model written to"));
    }

    @Test
    void quietLeavesOnlyTheSummaryOnStdout() throws Exception {
        Path out = dir.resolve("quiet.out");
        Path err = dir.resolve("quiet.err");
        assertEquals(0, runProcess(train("quiet-model", "--quiet"), out, err), Files.readString(err));
        String log = Files.readString(err, StandardCharsets.UTF_8);
        assertFalse(log.contains("epoch"), log);
        assertFalse(log.contains("spark 4"), "sparkprop's start-up lines are gone too: " + log);
        String summary = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(summary.startsWith("trained 2 -relu-> 64 -softmax-> 2"), summary);
        assertTrue(summary.contains("model written to"), summary);
    }

    private static int count(String text, Pattern pattern) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
