package org.sparkprop.driver.optim;

import java.util.List;
import org.sparkprop.driver.Chunks;

/**
 * The per-run state of an optimizer over one flat parameter array: the step count and the buffers its
 * {@link OptimizerKind} keeps (momentum's velocity, Adam's m and v), each as long as the parameters.
 *
 * <p>Its life: {@link OptimizerSpec#newState} starts it with zeros; {@link #step} is called once per
 * mini-batch; {@link #steps()} and {@link #buffers()} are exported to a checkpoint, and
 * {@link OptimizerSpec#restoreState} brings it back, after which the run continues bit for bit as if it had not
 * stopped. A new run takes a new state from the same spec. Not thread-safe: the driver owns it.
 */
public final class OptimizerState {

    private final OptimizerSpec spec;
    private final int parameterCount;
    /** One array of parameterCount values per {@code spec.kind().bufferNames()} entry. */
    private final double[][] buffers;
    private long steps;

    /** Zero state when {@code restored} is null; otherwise a checked copy of it. */
    OptimizerState(OptimizerSpec spec, int parameterCount, long steps, double[][] restored) {
        if (parameterCount < 1) {
            throw new IllegalArgumentException("parameterCount must be at least 1, got " + parameterCount);
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        List<String> names = spec.kind().bufferNames();
        this.spec = spec;
        this.parameterCount = parameterCount;
        this.steps = steps;
        this.buffers = new double[names.size()][];
        if (restored != null && restored.length != names.size()) {
            throw new IllegalArgumentException("optimizer " + spec.kind() + " keeps " + names.size() + " buffers " + names
                    + ", got " + restored.length);
        }
        for (int b = 0; b < names.size(); b++) {
            if (restored == null) {
                buffers[b] = new double[parameterCount];
                continue;
            }
            double[] values = restored[b];
            if (values == null || values.length != parameterCount) {
                throw new IllegalArgumentException("optimizer buffer '" + names.get(b) + "' has length "
                        + (values == null ? "null" : values.length) + ", expected parameterCount " + parameterCount);
            }
            for (int i = 0; i < parameterCount; i++) {
                if (!Double.isFinite(values[i])) {
                    throw new IllegalArgumentException("optimizer buffer '" + names.get(b) + "' holds " + values[i]
                            + " at index " + i + "; expected finite values");
                }
            }
            buffers[b] = values.clone();
        }
    }

    public OptimizerSpec spec() {
        return spec;
    }

    public int parameterCount() {
        return parameterCount;
    }

    /** Steps taken so far (Adam's t before the next step). */
    public long steps() {
        return steps;
    }

    /** Copies of the state buffers, in the order of {@link OptimizerKind#bufferNames()}; empty for SGD. */
    public double[][] buffers() {
        double[][] copy = new double[buffers.length][];
        for (int b = 0; b < buffers.length; b++) {
            copy[b] = buffers[b].clone();
        }
        return copy;
    }

    /**
     * One optimizer step, as the formula on {@link OptimizerKind} says, in one pass over the parameters (split
     * between threads for large models: {@link Chunks}).
     *
     * @param weights      w, length {@link #parameterCount()}. Modified: becomes the updated weights.
     * @param gradient     g, the mini-batch gradient (regularised and clipped already), same length. Not modified.
     * @param learningRate lr for this step, finite and &gt; 0
     */
    public void step(double[] weights, double[] gradient, double learningRate) {
        if (weights.length != parameterCount || gradient.length != parameterCount) {
            throw new IllegalArgumentException("weights (" + weights.length + ") and gradient (" + gradient.length
                    + ") must both have length parameterCount " + parameterCount);
        }
        if (!(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
        }
        double lr = learningRate;
        int n = parameterCount;
        switch (spec.kind()) {
            case SGD -> Chunks.forEach(n, (from, to) -> {
                for (int i = from; i < to; i++) {
                    weights[i] -= lr * gradient[i];
                }
            });
            case MOMENTUM -> {
                double mu = spec.momentum();
                double[] velocity = buffers[0];
                Chunks.forEach(n, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        velocity[i] = mu * velocity[i] + gradient[i];
                        weights[i] -= lr * velocity[i];
                    }
                });
            }
            case NESTEROV -> {
                double mu = spec.momentum();
                double[] velocity = buffers[0];
                Chunks.forEach(n, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        velocity[i] = mu * velocity[i] + gradient[i];
                        weights[i] -= lr * (gradient[i] + mu * velocity[i]);
                    }
                });
            }
            case ADAM, ADAMW -> {
                double beta1 = spec.beta1();
                double beta2 = spec.beta2();
                double eps = spec.epsilon();
                double decay = spec.kind() == OptimizerKind.ADAMW ? spec.weightDecay() : 0;
                long t = steps + 1;
                double correction1 = 1 - Math.pow(beta1, t);
                double correction2 = 1 - Math.pow(beta2, t);
                double[] m = buffers[0];
                double[] v = buffers[1];
                Chunks.forEach(n, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        double g = gradient[i];
                        m[i] = beta1 * m[i] + (1 - beta1) * g;
                        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                        double mHat = m[i] / correction1;
                        double vHat = v[i] / correction2;
                        weights[i] -= lr * (mHat / (Math.sqrt(vHat) + eps) + decay * weights[i]);
                    }
                });
            }
        }
        steps++;
    }

    @Override
    public String toString() {
        return "OptimizerState[" + spec + ", parameterCount=" + parameterCount + ", steps=" + steps + "]";
    }
}
