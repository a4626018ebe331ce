package org.sparkprop.predictor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Topology;
import org.sparkprop.kernels.Workspace;

/**
 * A trained sparkprop model, loaded from a local model directory, that predicts in any JVM: no Spark, no Hadoop.
 * Loading checks the directory as {@code sparkprop predict} does ({@link ModelFormat}); the forward pass is the
 * one training and {@code predict} run (worker-kernels), in the model's precision, so that a row gets the outputs
 * {@code predict} writes for it.
 *
 * <pre>
 * Predictor model = Predictor.load(Path.of("/models/iris"));
 * Prediction p = model.predict(new float[] {5.1f, 3.5f, 1.4f, 0.2f});
 * p.label();       // "setosa"
 * p.values();      // one probability per class, in the order of model.classes()
 * </pre>
 *
 * Immutable and safe to share between threads: each call allocates its own buffers.
 */
public final class Predictor {
    /** Rows per forward pass, as {@code predict} runs them (its chunks of a block): rows predict alike in both. */
    static final int CHUNK_ROWS = 1024;

    private final ModelFile model;
    private final Network<Object> network;
    private final Object computeWeights;

    private Predictor(ModelFile model) {
        this.model = model;
        @SuppressWarnings("unchecked")
        Network<Object> created = (Network<Object>) Network.create(model.topology(), model.precision());
        this.network = created;
        this.computeWeights = network.toCompute(model.weights());
    }

    /**
     * Loads the model directory {@code dir} (as {@code sparkprop train} or a Spark ML model's {@code save} wrote it).
     *
     * @throws ModelFormatException naming the file and the problem when the directory is missing, damaged, altered,
     *                              not a sparkprop model, or of a newer format version
     */
    public static Predictor load(Path dir) {
        return new Predictor(ModelFormat.read(ModelDirectory.local(dir)));
    }

    /** A predictor of a model already read. */
    public static Predictor of(ModelFile model) {
        return new Predictor(model);
    }

    /** Features a row must have. */
    public int numFeatures() {
        return model.schema().numFeatures();
    }

    /** The features' names (a CSV header's), or an empty list (LibSVM data). */
    public List<String> featureNames() {
        return model.schema().featureNames();
    }

    /**
     * The column of sample weights the model was trained with, or null: not a feature, so a caller that maps a
     * record's columns to {@link #featureNames()} leaves it out.
     */
    public String weightColumn() {
        return model.schema().weightColumn();
    }

    /** What the outputs mean. */
    public OutputKind kind() {
        return model.schema().kind();
    }

    /** The class labels in index order (classes and binary), else an empty list. */
    public List<String> classes() {
        return model.schema().classes();
    }

    /** The number of outputs: classes, 1 for binary, labels, regression values. */
    public int outputs() {
        return model.topology().outputs();
    }

    /** The SHA-256 over everything a prediction depends on ({@link ModelFormat#modelSha256}). */
    public String modelSha256() {
        return model.modelSha256();
    }

    /** The model as read; its schema gives {@link PredictionColumns} the columns {@code sparkprop predict} writes. */
    public ModelFile model() {
        return model;
    }

    /**
     * The prediction for one row.
     *
     * @param features {@link #numFeatures()} values. Not modified.
     * @throws IllegalArgumentException for a row of another length
     */
    public Prediction predict(float[] features) {
        return predict(new float[][] {features}).get(0);
    }

    /** The predictions for {@code rows}, each of {@link #numFeatures()} values, in order. Not modified. */
    public List<Prediction> predict(float[][] rows) {
        int n = numFeatures();
        float[] packed = new float[rows.length * n];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != n) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " features; the model reads " + n);
            }
            System.arraycopy(rows[r], 0, packed, r * n, n);
        }
        double[] outputs = outputs(packed, rows.length);
        List<Prediction> predictions = new ArrayList<>(rows.length);
        for (int r = 0; r < rows.length; r++) {
            predictions.add(prediction(outputs, r));
        }
        return predictions;
    }

    /**
     * The network's outputs for {@code rowCount} rows packed one after another in {@code features} (numFeatures ×
     * rowCount): outputs × rowCount values, row r's at {@code r·outputs()}; probabilities for classes, binary and
     * multi-label models.
     *
     * @param features not modified
     */
    public double[] outputs(float[] features, int rowCount) {
        if (rowCount < 0 || (long) rowCount * numFeatures() != features.length) {
            throw new IllegalArgumentException(features.length + " feature values for " + rowCount + " rows of "
                    + numFeatures() + " features");
        }
        Topology topology = model.topology();
        int outputs = topology.outputs();
        double[] all = new double[rowCount * outputs];
        if (rowCount == 0) {
            return all;
        }
        int chunk = Math.min(rowCount, CHUNK_ROWS);
        Workspace workspace = network.newWorkspace(chunk);
        double[] out = new double[chunk * outputs];
        for (int first = 0; first < rowCount; first += chunk) {
            int count = Math.min(chunk, rowCount - first);
            network.evaluate(computeWeights, features, null, first, count, out, workspace);
            System.arraycopy(out, 0, all, first * outputs, count * outputs);
        }
        return all;
    }

    /** Row {@code r}'s prediction from {@link #outputs}. */
    private Prediction prediction(double[] outputs, int r) {
        int k = model.topology().outputs();
        double[] values = java.util.Arrays.copyOfRange(outputs, r * k, (r + 1) * k);
        return switch (kind()) {
            case CLASSES -> {
                int best = Prediction.mostProbable(values, 0, k);
                yield new Prediction(OutputKind.CLASSES, classes().get(best), best, values);
            }
            case BINARY -> {
                int index = values[0] >= Prediction.THRESHOLD ? 1 : 0;
                yield new Prediction(OutputKind.BINARY, classes().get(index), index, values);
            }
            case MULTILABEL, REGRESSION -> new Prediction(kind(), null, -1, values);
        };
    }

    @Override
    public String toString() {
        return "Predictor[" + model.topology() + ", " + model.precision() + ", " + kind().id() + "]";
    }
}
