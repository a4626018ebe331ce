package org.sparkprop.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.sparkprop.driver.train.EpochRecord;
import org.sparkprop.driver.train.TrainListener;
import org.sparkprop.kernels.Topology;

/**
 * What {@code train} shows while it runs, on stderr. In {@link Style#BAR} style (an interactive terminal) each
 * epoch is one line redrawn in place, at most {@link #REDRAWS_PER_SECOND} times a second:
 * <pre>epoch 3/20 [=========>          ] 31/63  loss 0.4213  5120 rows/s  0:04 left</pre>
 * and, once the epoch ends, overwritten by its summary (validation included), which stays. In
 * {@link Style#LINES} style (logs, {@code spark-submit} on a cluster) nothing is redrawn: one log line per
 * epoch, and with {@code everyStep} (--verbose) one per step as well.
 *
 * <p>The running loss is the mean training loss of the epoch's steps so far, the rows per second those of the
 * epoch's steps (both from the trainer); the time left is the epoch's remaining steps times the mean wall time
 * per step of the epoch so far, as measured here.
 */
final class Progress implements TrainListener {
    /** Cells of the bar between its brackets. */
    static final int BAR_WIDTH = 20;
    /** Most redraws of the bar per second; the first and the last step of an epoch are always drawn. */
    static final int REDRAWS_PER_SECOND = 10;

    /** How progress is shown: the values of --progress. */
    enum Style {
        /** {@link #BAR} when stderr is an interactive terminal, else {@link #LINES}. */
        AUTO,
        BAR,
        LINES;

        static Style parse(String name) {
            for (Style s : values()) {
                if (s.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("expected auto, bar or lines");
        }

        /**
         * AUTO made definite: a bar when stderr is a terminal and {@code term} (the TERM variable) names one that
         * can move the cursor back, that is anything but unset, empty or "dumb".
         */
        Style resolve(boolean stderrIsTerminal, String term) {
            if (this != AUTO) {
                return this;
            }
            boolean capable = term != null && !term.isBlank() && !term.equals("dumb");
            return stderrIsTerminal && capable ? BAR : LINES;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Style style;
    private final boolean everyStep;
    private final Consumer<String> log;
    private final PrintStream terminal;
    private final LongSupplier nanoClock;

    /** When the current epoch's steps began (the end of the previous epoch, or of the start-up). */
    private long epochStartNanos;
    /** The epoch whose steps are being drawn, 1-based; 0 before the first step. */
    private int barEpoch;
    /** Steps per epoch, as the last step said. */
    private int barSteps;
    /** Steps of {@link #barEpoch} done before {@link #epochStartNanos} (non-zero after a resume mid-epoch). */
    private int stepsBeforeStart;
    private long lastDrawNanos;
    private int drawnWidth;

    private Progress(Style style, boolean everyStep, Consumer<String> log, PrintStream terminal, LongSupplier nanoClock) {
        if (style == Style.AUTO) {
            throw new IllegalArgumentException("resolve the style first");
        }
        this.style = style;
        this.everyStep = everyStep;
        this.log = log;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /**
     * A bar per epoch drawn on {@code terminal}; the start-up line goes to {@code log}.
     *
     * @param nanoClock a monotonic clock in nanoseconds, such as {@code System::nanoTime}
     */
    static Progress bar(PrintStream terminal, Consumer<String> log, LongSupplier nanoClock) {
        return new Progress(Style.BAR, false, log, terminal, nanoClock);
    }

    /** A line per epoch to {@code log}, and with {@code everyStep} one per step too. */
    static Progress lines(Consumer<String> log, boolean everyStep) {
        return new Progress(Style.LINES, everyStep, log, null, System::nanoTime);
    }

    Style style() {
        return style;
    }

    /**
     * Whether this process's stderr is a terminal. On Linux, where fd 2 points ({@code /proc/self/fd/2}): a
     * pseudo-terminal or a tty device. Elsewhere, {@code System.console() != null}, which asks about stdin and
     * stdout instead and so misses a redirected stderr.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    /**
     * Sets the level of sparkprop's loggers ("org.sparkprop") for {@code --quiet} (warnings and errors only)
     * until the returned handle is closed, which restores the previous level. Without --quiet nothing changes.
     */
    static LogLevel logLevel(boolean quiet) {
        if (!quiet) {
            return () -> {
            };
        }
        Level previous = LogManager.getLogger("org.sparkprop").getLevel();
        Configurator.setLevel("org.sparkprop", Level.WARN);
        return () -> Configurator.setLevel("org.sparkprop", previous);
    }

    /** Restores a log level; closing it throws nothing. */
    interface LogLevel extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public void onStart(Topology topology, long rows, int partitions, int stepsPerEpoch) {
        log.accept(String.format(Locale.ROOT, "network %s: %d parameters; %d rows in %d partitions, %d steps per epoch", topology,
                topology.parameterCount(), rows, partitions, stepsPerEpoch));
        epochStartNanos = nanoClock.getAsLong();
    }

    @Override
    public void onStep(int epoch, int epochs, int step, int steps, double runningLoss, double rowsPerSecond) {
        if (style == Style.LINES) {
            if (everyStep) {
                log.accept(String.format(Locale.ROOT, "epoch %d/%d step %d/%d  loss %.4f  %.0f rows/s", epoch, epochs, step, steps,
                        runningLoss, rowsPerSecond));
            }
            return;
        }
        long now = nanoClock.getAsLong();
        if (epoch != barEpoch) {
            barEpoch = epoch;
            barSteps = steps;
            stepsBeforeStart = step - 1;
            lastDrawNanos = 0;
        } else if (step != steps && now - lastDrawNanos < 1_000_000_000L / REDRAWS_PER_SECOND) {
            return;
        }
        lastDrawNanos = now;
        double secondsPerStep = (now - epochStartNanos) / 1e9 / (step - stepsBeforeStart);
        draw(String.format(Locale.ROOT, "%s  loss %.4f  %.0f rows/s  %s left", barHead(epoch, epochs, step, steps), runningLoss,
                rowsPerSecond, clockTime(secondsPerStep * (steps - step))), false);
    }

    @Override
    public void onEpoch(EpochRecord r, int epochs, String metricName) {
        String validation = Double.isNaN(r.validationLoss()) ? ""
                : String.format(Locale.ROOT, "  val_loss %.4f  val_%s %.4f", r.validationLoss(), metricName, r.validationMetric());
        String tail = String.format(Locale.ROOT, "loss %.4f%s  %.0f rows/s  %.1f s", r.trainLoss(), validation, r.samplesPerSecond(),
                r.elapsedSeconds());
        if (style == Style.LINES) {
            log.accept(String.format(Locale.ROOT, "epoch %d/%d  %s", r.epoch(), epochs, tail));
        } else {
            draw((barEpoch == r.epoch() ? barHead(r.epoch(), epochs, barSteps, barSteps) : String.format(Locale.ROOT, "epoch %d/%d", r.epoch(), epochs))
                    + "  " + tail, true);
        }
        epochStartNanos = nanoClock.getAsLong();
    }

    /** "epoch 3/20 [=====>    ] 31/63", the step count padded to the width of the total. */
    private static String barHead(int epoch, int epochs, int step, int steps) {
        int filled = (int) ((long) step * BAR_WIDTH / steps);
        StringBuilder bar = new StringBuilder(BAR_WIDTH);
        bar.append("=".repeat(filled));
        if (filled < BAR_WIDTH) {
            bar.append('>').append(" ".repeat(BAR_WIDTH - filled - 1));
        }
        int digits = Integer.toString(steps).length();
        return String.format(Locale.ROOT, "epoch %d/%d [%s] %" + digits + "d/%d", epoch, epochs, bar, step, steps);
    }

    /** Returns to the start of the line, writes {@code line} over what was there, and ends the line if {@code last}. */
    private void draw(String line, boolean last) {
        StringBuilder s = new StringBuilder(line.length() + drawnWidth + 2).append('\r').append(line);
        if (drawnWidth > line.length()) {
            s.append(" ".repeat(drawnWidth - line.length()));
        }
        if (last) {
            s.append(System.lineSeparator());
            drawnWidth = 0;
        } else {
            drawnWidth = line.length();
        }
        terminal.print(s);
        terminal.flush();
    }

    /** Seconds as m:ss, or h:mm:ss from an hour on. */
    static String clockTime(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
