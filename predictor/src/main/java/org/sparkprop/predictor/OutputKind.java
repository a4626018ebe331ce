package org.sparkprop.predictor;

import java.util.Locale;

/** What a model's outputs mean, which its loss decides; the same four kinds as the training data's labels. */
public enum OutputKind {
    /** One or more real values (mean squared error). */
    REGRESSION,
    /** One class of K: K probabilities that sum to 1 (softmax cross-entropy). */
    CLASSES,
    /** One of two classes: the probability of the second (binary cross-entropy, one output). */
    BINARY,
    /** Several labels, each on or off: a probability per label (binary cross-entropy, one output per label). */
    MULTILABEL;

    /** The name in model files: {@code regression}, {@code classes}, {@code binary}, {@code multilabel}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
