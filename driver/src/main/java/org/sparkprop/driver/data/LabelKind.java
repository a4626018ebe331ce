package org.sparkprop.driver.data;

import org.sparkprop.kernels.Loss;

/** What a row's label means, which the loss decides. */
public enum LabelKind {
    /** One or more real-valued targets (mean squared error). */
    REGRESSION,
    /** One label out of K classes, mapped to a class index (softmax cross-entropy). */
    CLASSES,
    /** One label with exactly two values, mapped to 0 and 1 (binary cross-entropy, one output). */
    BINARY,
    /** Several labels, each 0 or 1 (binary cross-entropy, one output per label). */
    MULTILABEL;

    /** The label kind a loss trains on; BCE is binary for one label column and multi-label for several. */
    public static LabelKind forLoss(Loss loss, int labelColumns) {
        return switch (loss) {
            case MSE -> REGRESSION;
            case SOFTMAX_CROSS_ENTROPY -> CLASSES;
            case BINARY_CROSS_ENTROPY -> labelColumns > 1 ? MULTILABEL : BINARY;
        };
    }
}
