package org.sparkprop.kernels;

import java.util.Locale;

/**
 * The per-row loss, averaged over rows by the caller (weighted by the rows' weights where there are any). Each loss
 * fixes what a row's target is:
 * <ul>
 *   <li>{@link #MSE}: K real targets; L = (1/K) Σ_k (a_k − y_k)². Any output activation.</li>
 *   <li>{@link #SOFTMAX_CROSS_ENTROPY}: one class index in [0, K); L = −log softmax(z)_y. Output activation softmax.</li>
 *   <li>{@link #BINARY_CROSS_ENTROPY}: K targets in {0, 1} (binary for K = 1, multi-label otherwise);
 *       L = (1/K) Σ_k −[y_k log σ(z_k) + (1 − y_k) log(1 − σ(z_k))]. Output activation sigmoid.</li>
 * </ul>
 * Cross-entropies are computed from the logits z (log-sum-exp, softplus), so they stay finite where a
 * probability rounds to 0 or 1.
 */
public enum Loss {
    MSE("mse"),
    SOFTMAX_CROSS_ENTROPY("cross_entropy"),
    BINARY_CROSS_ENTROPY("binary_cross_entropy");

    private final String id;

    Loss(String id) {
        this.id = id;
    }

    /** The name used on the command line and in model files. */
    public String id() {
        return id;
    }

    /** Number of target values per row for a network with {@code outputs} outputs. */
    public int targetWidth(int outputs) {
        return this == SOFTMAX_CROSS_ENTROPY ? 1 : outputs;
    }

    /** True for losses whose targets are classes (accuracy is meaningful). */
    public boolean isClassification() {
        return this != MSE;
    }

    /** The output activation this loss requires, or null when any is allowed. */
    public Activation requiredOutput() {
        return switch (this) {
            case MSE -> null;
            case SOFTMAX_CROSS_ENTROPY -> Activation.SOFTMAX;
            case BINARY_CROSS_ENTROPY -> Activation.SIGMOID;
        };
    }

    /** The output activation used when the user names none. */
    public Activation defaultOutput() {
        Activation required = requiredOutput();
        return required == null ? Activation.IDENTITY : required;
    }

    public static Loss parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (key) {
            case "mse", "mean_squared_error" -> { return MSE; }
            case "cross_entropy", "softmax_cross_entropy", "ce" -> { return SOFTMAX_CROSS_ENTROPY; }
            case "binary_cross_entropy", "bce" -> { return BINARY_CROSS_ENTROPY; }
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; expected one of mse, cross_entropy, binary_cross_entropy");
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
