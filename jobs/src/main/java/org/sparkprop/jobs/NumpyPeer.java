package org.sparkprop.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bench's numpy peer: one Python process running {@code benchmarks/numpy/numpy_mlp.py} (a 784-H-10 ReLU-softmax
 * network, float32, Adam, on LibSVM files), the single-machine program a Spark trainer has to be compared with.
 * Optional: where Python has no numpy, bench leaves the column out and says why. The process gets numpy's own
 * thread setting (the launcher's {@code OPENBLAS_NUM_THREADS=1} is removed), so it may use every core of the machine,
 * as the Spark run does.
 */
final class NumpyPeer {
    private static final Pattern RESULT = Pattern.compile("train_s=([0-9.]+) .*test_acc=([0-9.]+)");
    static final long PROBE_SECONDS = 120;
    private static final long RUN_MINUTES = 30;

    /**
     * A Python with numpy, and the script.
     *
     * @param executable the interpreter's own path (sys.executable)
     * @param blas       the BLAS library numpy loaded, from the process's memory map
     */
    record Found(String python, String script, String executable, String version, String blas) {
    }

    /** Either {@code found} or, when null, {@code note}: why the column is left out. */
    record Probe(Found found, String note) {
    }

    /** One run: its training loop's seconds and test accuracy as the script prints them, and the line itself. */
    record Result(double trainSeconds, double accuracy, String line) {
    }

    private NumpyPeer() {
    }

    /** Whether {@code python} has numpy and {@code script} exists. */
    static Probe probe(String python, String script) {
        if (!Files.isRegularFile(Path.of(script))) {
            return new Probe(null, "numpy column left out: no script " + script + " (--numpy-script)");
        }
        String check = "import sys, numpy\n"
                + "numpy.ones((8, 8), numpy.float32) @ numpy.ones((8, 8), numpy.float32)\n"
                + "print(sys.executable)\nprint(numpy.__version__)\n"
                + "print(next((l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.lower()), 'unknown'))\n";
        try {
            Output out = run(List.of(python, "-c", check), PROBE_SECONDS, TimeUnit.SECONDS);
            String[] lines = out.text().strip().split("\n");
            if (out.status() != 0 || lines.length < 3) {
                return new Probe(null, "numpy column left out: " + python + " has no numpy (on Debian: apt-get install python3-numpy): "
                        + lastLine(out.text()));
            }
            return new Probe(new Found(python, script, lines[lines.length - 3].strip(), lines[lines.length - 2].strip(),
                    lines[lines.length - 1].strip()), null);
        } catch (IOException e) {
            return new Probe(null, "numpy column left out: cannot run " + python + ": " + e.getMessage());
        }
    }

    /** Trains 784-{@code hidden}-10 on the LibSVM files; float32. */
    static Result train(Found numpy, Path train, Path test, int hidden, int epochs, int batchSize, double learningRate) {
        List<String> command = List.of(numpy.python(), numpy.script(), train.toString(), test.toString(), Integer.toString(hidden),
                Integer.toString(epochs), Integer.toString(batchSize), Double.toString(learningRate), "f32");
        return trainer("numpy", command);
    }

    /**
     * Runs a peer's trainer ({@code command}), which prints {@code train_s=S ... test_acc=A}; its figures, or an
     * IllegalStateException naming {@code peer} when it fails.
     */
    static Result trainer(String peer, List<String> command) {
        Output out;
        try {
            out = run(command, RUN_MINUTES, TimeUnit.MINUTES);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        }
        Matcher m = RESULT.matcher(out.text());
        if (out.status() != 0 || !m.find()) {
            throw new IllegalStateException(peer + " run failed (status " + out.status() + "): " + String.join(" ", command) + "\n" + out.text());
        }
        return new Result(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), lastLine(out.text()));
    }

    record Output(int status, String text) {
    }

    /** Runs {@code command} with numpy's own thread setting, its output and error together, within {@code limit}. */
    static Output run(List<String> command, long limit, TimeUnit unit) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.remove("OPENBLAS_NUM_THREADS");
        env.remove("OMP_NUM_THREADS");
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] bytes;
        try {
            bytes = process.getInputStream().readAllBytes();
            if (!process.waitFor(limit, unit)) {
                process.destroyForcibly();
                throw new IOException(String.format(Locale.ROOT, "%s took longer than %d %s", command.get(0), limit,
                        unit.name().toLowerCase(Locale.ROOT)));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Output(process.exitValue(), new String(bytes, StandardCharsets.UTF_8));
    }

    static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}
