package org.sparkprop.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Bench's scikit-learn peer: one Python process running {@code benchmarks/sklearn/sklearn_mlp.py}
 * (scikit-learn's MLPClassifier: one ReLU hidden layer, softmax, Adam, on sparse LibSVM files), the single-process
 * trainer that takes sparse input. Optional: where Python has no scikit-learn, bench leaves the column out and says
 * why. Run as {@link NumpyPeer} runs numpy's (its own thread setting).
 */
final class SklearnPeer {
    /** A Python with scikit-learn, and the script. */
    record Found(String python, String script, String executable, String version) {
    }

    /** Either {@code found} or, when null, {@code note}: why the column is left out. */
    record Probe(Found found, String note) {
    }

    private SklearnPeer() {
    }

    /** Whether {@code python} has scikit-learn and {@code script} exists. */
    static Probe probe(String python, String script) {
        if (!Files.isRegularFile(Path.of(script))) {
            return new Probe(null, "scikit-learn column left out: no script " + script + " (--sklearn-script)");
        }
        String check = "import sys, sklearn.neural_network\nprint(sys.executable)\nprint(sklearn.__version__)\n";
        try {
            NumpyPeer.Output out = NumpyPeer.run(List.of(python, "-c", check), NumpyPeer.PROBE_SECONDS, TimeUnit.SECONDS);
            String[] lines = out.text().strip().split("\n");
            if (out.status() != 0 || lines.length < 2) {
                return new Probe(null, "scikit-learn column left out: " + python + " has no scikit-learn (on Debian: apt-get install "
                        + "python3-sklearn): " + NumpyPeer.lastLine(out.text()));
            }
            return new Probe(new Found(python, script, lines[lines.length - 2].strip(), lines[lines.length - 1].strip()), null);
        } catch (IOException e) {
            return new Probe(null, "scikit-learn column left out: cannot run " + python + ": " + e.getMessage());
        }
    }

    /** Trains {@code features}-{@code hidden}-classes on the LibSVM files (float32, Adam). */
    static NumpyPeer.Result train(Found sklearn, Path train, Path test, int features, int hidden, int epochs, int batchSize,
                                  double learningRate) {
        return NumpyPeer.trainer("scikit-learn", List.of(sklearn.python(), sklearn.script(), train.toString(), test.toString(),
                Integer.toString(features), Integer.toString(hidden), Integer.toString(epochs), Integer.toString(batchSize),
                Double.toString(learningRate)));
    }
}
