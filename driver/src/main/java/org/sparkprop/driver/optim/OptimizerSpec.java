package org.sparkprop.driver.optim;

import java.io.Serializable;

/**
 * The settings of an optimizer, immutable and validated; the learning rate is not one of them (it comes from a
 * {@link ScheduleSpec} at each step). Per-run state lives in the {@link OptimizerState} that {@link #newState}
 * makes, so one spec can start any number of independent runs. The formulas and papers are on
 * {@link OptimizerKind}'s constants.
 *
 * <p>Every field is present for every kind and validated alike; a kind ignores the ones it does not use
 * (momentum for MOMENTUM and NESTEROV, β₁, β₂, ε for ADAM and ADAMW, weightDecay for ADAMW).
 *
 * @param kind        the update rule
 * @param momentum    μ in [0, 1)
 * @param beta1       β₁, decay of Adam's first moment, in [0, 1)
 * @param beta2       β₂, decay of Adam's second moment, in [0, 1)
 * @param epsilon     ε &gt; 0, added to √v̂ in Adam's denominator
 * @param weightDecay λ ≥ 0, AdamW's decoupled decay per unit of learning rate
 */
public record OptimizerSpec(OptimizerKind kind, double momentum, double beta1, double beta2, double epsilon,
                            double weightDecay) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;

    public OptimizerSpec {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(epsilon > 0 && Double.isFinite(epsilon))) {
            throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
        }
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
    }

    /** {@code kind} with every other setting at its default. */
    public static OptimizerSpec defaults(OptimizerKind kind) {
        return new OptimizerSpec(kind, DEFAULT_MOMENTUM, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, DEFAULT_WEIGHT_DECAY);
    }

    public OptimizerSpec withMomentum(double momentum) {
        return new OptimizerSpec(kind, momentum, beta1, beta2, epsilon, weightDecay);
    }

    public OptimizerSpec withBeta1(double beta1) {
        return new OptimizerSpec(kind, momentum, beta1, beta2, epsilon, weightDecay);
    }

    public OptimizerSpec withBeta2(double beta2) {
        return new OptimizerSpec(kind, momentum, beta1, beta2, epsilon, weightDecay);
    }

    public OptimizerSpec withEpsilon(double epsilon) {
        return new OptimizerSpec(kind, momentum, beta1, beta2, epsilon, weightDecay);
    }

    public OptimizerSpec withWeightDecay(double weightDecay) {
        return new OptimizerSpec(kind, momentum, beta1, beta2, epsilon, weightDecay);
    }

    /** Fresh state for a run over {@code parameterCount} parameters: zero buffers, zero steps. */
    public OptimizerState newState(int parameterCount) {
        return new OptimizerState(this, parameterCount, 0, null);
    }

    /**
     * State taken from a checkpoint, so that the run goes on exactly as if it had not stopped.
     *
     * @param parameterCount length of the weights the state will update
     * @param steps          {@link OptimizerState#steps()} when the state was exported, ≥ 0
     * @param buffers        {@link OptimizerState#buffers()} as exported: one array of {@code parameterCount}
     *                       finite values per {@link OptimizerKind#bufferNames()} entry.
     *                       Not modified; copied.
     * @throws IllegalArgumentException if the buffers do not fit this kind and parameter count
     */
    public OptimizerState restoreState(int parameterCount, long steps, double[][] buffers) {
        if (buffers == null) {
            throw new IllegalArgumentException("buffers are required (an empty array for sgd)");
        }
        return new OptimizerState(this, parameterCount, steps, buffers);
    }
}
