package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.train.EpochRecord;
import org.sparkprop.jobs.Progress.Style;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Topology;

/** Progress output driven directly, with a clock the test moves: what is drawn, when, and what it says. */
class ProgressTest {
    private static final Topology NETWORK = Topology.of(new int[] {4, 8, 3}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);

    /** A clock that moves only when told to. */
    private static final class Clock {
        long nanos = 1_000_000_000L;
    }

    private static EpochRecord epoch(int e, double validationLoss) {
        return new EpochRecord(e, 0.5 / e, validationLoss, Double.isNaN(validationLoss) ? Double.NaN : 0.9, 1234, 2.5 * e, 0.003, 1.7);
    }

    @Test
    void theBarRedrawsOneLinePerEpochAndLeavesTheEpochsSummary() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<String> log = new ArrayList<>();
        Clock clock = new Clock();
        Progress progress = Progress.bar(terminal, log::add, () -> clock.nanos);
        int steps = 50;
        long stepNanos = 30_000_000L;
        progress.onStart(NETWORK, 1000, 2, steps);
        for (int e = 1; e <= 2; e++) {
            for (int s = 1; s <= steps; s++) {
                clock.nanos += stepNanos;
                progress.onStep(e, 2, s, steps, 0.5, 1000);
            }
            progress.onEpoch(epoch(e, 0.4), 2, "accuracy");
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("network 4 -relu-> 8 -softmax-> 3 (loss cross_entropy): 67 parameters; 1000 rows in 2 partitions, 50 steps per epoch"), log);

        String[] lines = out.split(System.lineSeparator(), -1);
        assertEquals(3, lines.length, "one finished line per epoch, then nothing: " + out);
        assertEquals("", lines[2]);
        for (int e = 1; e <= 2; e++) {
            String[] draws = lines[e - 1].split("\r", -1);
            assertEquals("", draws[0], "every draw starts by returning to the line's start");
            // Redraws: the first step, then whenever 100 ms have passed since the last one, then the last step.
            long interval = 1_000_000_000L / Progress.REDRAWS_PER_SECOND;
            int expected = 1;
            long last = stepNanos;
            for (int s = 2; s <= steps; s++) {
                if (s == steps || s * stepNanos - last >= interval) {
                    expected++;
                    last = s * stepNanos;
                }
            }
            assertEquals(expected + 1, draws.length - 1, "step draws and the summary of epoch " + e + ": " + lines[e - 1]);
            assertTrue(draws[1].startsWith("epoch " + e + "/2 [>                   ]  1/50  loss 0.5000  1000 rows/s  0:01 left"), draws[1]);
            assertTrue(draws[draws.length - 2].startsWith("epoch " + e + "/2 [====================] 50/50  loss 0.5000  1000 rows/s  0:00 left"),
                    draws[draws.length - 2]);
            String summary = draws[draws.length - 1];
            assertTrue(summary.startsWith(String.format(Locale.ROOT, "epoch %d/2 [====================] 50/50  loss %.4f  val_loss 0.4000  val_accuracy 0.9000  1234 rows/s  %.1f s",
                    e, 0.5 / e, 2.5 * e)), summary);
            for (int d = 2; d < draws.length; d++) {
                assertTrue(draws[d].length() >= draws[d - 1].length(), "a draw covers the previous one: '" + draws[d] + "'");
            }
        }
    }

    @Test
    void timeLeftIsTheRemainingStepsAtTheEpochsPaceSoFar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Clock clock = new Clock();
        Progress progress = Progress.bar(new PrintStream(bytes, true, StandardCharsets.UTF_8), line -> { }, () -> clock.nanos);
        progress.onStart(NETWORK, 1000, 2, 100);
        clock.nanos += 2_000_000_000L;
        progress.onStep(1, 1, 1, 100, 0.7, 50);
        clock.nanos += 4_000_000_000L;
        progress.onStep(1, 1, 2, 100, 0.6, 50);
        String[] draws = bytes.toString(StandardCharsets.UTF_8).split("\r");
        assertTrue(draws[1].endsWith("3:18 left"), "99 steps at 2 s: " + draws[1]);
        assertTrue(draws[2].endsWith("4:54 left"), "98 steps at 3 s: " + draws[2]);
    }

    @Test
    void aResumedEpochTimesOnlyTheStepsRunHere() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Clock clock = new Clock();
        Progress progress = Progress.bar(new PrintStream(bytes, true, StandardCharsets.UTF_8), line -> { }, () -> clock.nanos);
        progress.onStart(NETWORK, 1000, 2, 10);
        clock.nanos += 1_000_000_000L;
        progress.onStep(3, 5, 7, 10, 0.7, 50);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("epoch 3/5 [==============>     ]  7/10  loss 0.7000  50 rows/s  0:03 left"),
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void linesAreOnePerEpochAndWithEveryStepOnePerStep() {
        List<String> log = new ArrayList<>();
        Progress progress = Progress.lines(log::add, false);
        progress.onStart(NETWORK, 1000, 2, 3);
        for (int e = 1; e <= 2; e++) {
            for (int s = 1; s <= 3; s++) {
                progress.onStep(e, 2, s, 3, 0.5, 1000);
            }
            progress.onEpoch(epoch(e, Double.NaN), 2, "accuracy");
        }
        assertEquals(List.of(
                "network 4 -relu-> 8 -softmax-> 3 (loss cross_entropy): 67 parameters; 1000 rows in 2 partitions, 3 steps per epoch",
                "epoch 1/2  loss 0.5000  1234 rows/s  2.5 s",
                "epoch 2/2  loss 0.2500  1234 rows/s  5.0 s"), log);

        List<String> verbose = new ArrayList<>();
        Progress everyStep = Progress.lines(verbose::add, true);
        everyStep.onStep(1, 2, 1, 3, 0.5, 1000);
        everyStep.onEpoch(epoch(1, 0.25), 2, "rmse");
        assertEquals(List.of("epoch 1/2 step 1/3  loss 0.5000  1000 rows/s",
                "epoch 1/2  loss 0.5000  val_loss 0.2500  val_rmse 0.9000  1234 rows/s  2.5 s"), verbose);
        assertFalse(String.join("", verbose).contains("\r"));
    }

    @Test
    void autoIsABarOnlyOnATerminalThatIsNotDumb() {
        assertEquals(Style.BAR, Style.AUTO.resolve(true, "xterm-256color"));
        assertEquals(Style.LINES, Style.AUTO.resolve(true, "dumb"));
        assertEquals(Style.LINES, Style.AUTO.resolve(true, null));
        assertEquals(Style.LINES, Style.AUTO.resolve(true, ""));
        assertEquals(Style.LINES, Style.AUTO.resolve(false, "xterm"));
        assertEquals(Style.BAR, Style.BAR.resolve(false, null), "an explicit choice stands");
        assertEquals(Style.LINES, Style.LINES.resolve(true, "xterm"));
        assertEquals(Style.BAR, Style.parse("bar"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Style.parse("fancy"));
        assertEquals("expected auto, bar or lines", bad.getMessage());
    }

    @Test
    void clockTimeIsMinutesAndSecondsThenHours() {
        assertEquals("0:00", Progress.clockTime(0.4));
        assertEquals("0:59", Progress.clockTime(59));
        assertEquals("1:01", Progress.clockTime(61));
        assertEquals("1:02:05", Progress.clockTime(3725));
        assertEquals("0:00", Progress.clockTime(-3), "never negative");
    }
}
