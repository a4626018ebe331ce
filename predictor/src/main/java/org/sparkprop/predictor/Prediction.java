package org.sparkprop.predictor;

import java.util.Arrays;

/**
 * One row's prediction.
 *
 * <ul>
 *   <li>{@link OutputKind#CLASSES}: {@code label} the most probable class (the first of equals),
 *       {@code classIndex} its index, {@code values} one probability per class;</li>
 *   <li>{@link OutputKind#BINARY}: {@code label} the second class when its probability is at least 0.5, else the
 *       first; {@code classIndex} 1 or 0; {@code values} the second class's probability;</li>
 *   <li>{@link OutputKind#MULTILABEL}: {@code values} one probability per label, a label on at 0.5 or more
 *       ({@link #on}); no label, class index -1;</li>
 *   <li>{@link OutputKind#REGRESSION}: {@code values} the predicted values; no label, class index -1.</li>
 * </ul>
 *
 * @param kind       what the values mean
 * @param label      the predicted class label, as it was written in the training data; null for multi-label and
 *                   regression
 * @param classIndex the predicted class's index, or -1
 * @param values     the network's outputs, computed in the model's precision (see above)
 */
public record Prediction(OutputKind kind, String label, int classIndex, double[] values) {

    /** The probability at which a binary or multi-label output counts as on. */
    public static final double THRESHOLD = 0.5;

    /**
     * The predicted class of a classification row: the index of the largest of {@code probabilities[offset .. offset +
     * count)}, the first one on ties. The one rule for {@link Predictor}, {@code predict}'s columns and evaluation.
     */
    public static int mostProbable(double[] probabilities, int offset, int count) {
        int best = 0;
        for (int k = 1; k < count; k++) {
            if (probabilities[offset + k] > probabilities[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    /** A copy of the outputs. */
    @Override
    public double[] values() {
        return values.clone();
    }

    /** Output {@code k}: a probability or a regression value. */
    public double value(int k) {
        return values[k];
    }

    /** Whether multi-label label {@code k} (or a binary model's second class, k = 0) is predicted on. */
    public boolean on(int k) {
        return values[k] >= THRESHOLD;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && kind == p.kind && java.util.Objects.equals(label, p.label)
                && classIndex == p.classIndex && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, label, classIndex, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "Prediction[" + kind + (label != null ? ", label " + label : "") + ", " + Arrays.toString(values) + "]";
    }
}
