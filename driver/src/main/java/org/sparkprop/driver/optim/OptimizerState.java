package org.sparkprop.driver.optim;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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
        step(weights, gradient, learningRate, 1, 0, Chunks.all(parameterCount), null);
    }

    /**
     * One optimizer step on the gradient g that clipping makes of {@code gradient}, fused into the update's one pass:
     * g = gradient·scale where scale ≠ 1 (clipping by global norm), then clamped into [−clipValue, clipValue] where
     * clipValue &gt; 0, element by element as scaling and clamping the array first would. {@code touched} covers
     * the elements whose gradient may be non-zero (elsewhere it is 0): {@link OptimizerKind#LAZY_ADAM} updates
     * only those; the other kinds update every parameter, as their formulas say.
     *
     * @param weights  Modified
     * @param gradient Not modified
     * @param touched  a cover of {@code gradient}'s elements that may be non-zero
     * @param changed  null, or run on each range of weights once the step has changed it (while it is in the cache:
     *                 the trainer casts the new weights for the next step there)
     * @return true if every weight the step changed is finite
     */
    public boolean step(double[] weights, double[] gradient, double learningRate, double scale, double clipValue, Chunks.Cover touched,
                        Chunks.Range changed) {
        if (weights.length != parameterCount || gradient.length != parameterCount) {
            throw new IllegalArgumentException("weights (" + weights.length + ") and gradient (" + gradient.length
                    + ") must both have length parameterCount " + parameterCount);
        }
        if (!(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
        }
        Update update = new Update(spec, buffers, steps + 1, weights, gradient, learningRate, scale, clipValue);
        Chunks.Cover cover = changesOnlyTouched() ? touched : Chunks.all(parameterCount);
        AtomicBoolean finite = new AtomicBoolean(true);
        cover.forEach((chunk, from, to) -> {
            if (!update.run(from, to)) {
                finite.set(false);
            }
            if (changed != null) {
                changed.run(from, to);
            }
        });
        steps++;
        return finite.get();
    }

    /**
     * True when a step changes only the parameters whose gradient may be non-zero (the cover {@link #step} gets),
     * weights and state alike: {@link OptimizerKind#LAZY_ADAM}. The other kinds change every parameter.
     */
    public boolean changesOnlyTouched() {
        return spec.kind() == OptimizerKind.LAZY_ADAM;
    }

    /** One step's update over ranges of the parameters: the formulas of {@link OptimizerKind}, with clipping first. */
    private static final class Update {
        final OptimizerKind kind;
        final double[] w;
        final double[] gradient;
        final double lr;
        final double scale;
        final double clip;
        final double mu;
        final double beta1;
        final double beta2;
        final double eps;
        final double decay;
        final double correction1;
        final double correction2;
        final double[] first;
        final double[] second;

        Update(OptimizerSpec spec, double[][] buffers, long t, double[] w, double[] gradient, double lr, double scale, double clip) {
            this.kind = spec.kind();
            this.w = w;
            this.gradient = gradient;
            this.lr = lr;
            this.scale = scale;
            this.clip = clip;
            this.mu = spec.momentum();
            this.beta1 = spec.beta1();
            this.beta2 = spec.beta2();
            this.eps = spec.epsilon();
            this.decay = kind == OptimizerKind.ADAMW ? spec.weightDecay() : 0;
            this.correction1 = 1 - Math.pow(beta1, t);
            this.correction2 = 1 - Math.pow(beta2, t);
            this.first = buffers.length > 0 ? buffers[0] : null;
            this.second = buffers.length > 1 ? buffers[1] : null;
        }

        /** The update of [from, to); true if the weights there are finite afterwards. */
        boolean run(int from, int to) {
            // w·0 is ±0 for finite w and NaN otherwise, so the sum is NaN exactly when a weight is not finite
            double check = 0;
            for (int i = from; i < to; i++) {
                double g = gradient[i];
                if (scale != 1) {
                    g *= scale;
                }
                if (clip > 0) {
                    g = GradientTransforms.clamp(g, clip);
                }
                switch (kind) {
                    case SGD -> w[i] -= lr * g;
                    case MOMENTUM -> {
                        first[i] = mu * first[i] + g;
                        w[i] -= lr * first[i];
                    }
                    case NESTEROV -> {
                        first[i] = mu * first[i] + g;
                        w[i] -= lr * (g + mu * first[i]);
                    }
                    case ADAM, ADAMW, LAZY_ADAM -> {
                        first[i] = beta1 * first[i] + (1 - beta1) * g;
                        second[i] = beta2 * second[i] + (1 - beta2) * g * g;
                        double mHat = first[i] / correction1;
                        double vHat = second[i] / correction2;
                        w[i] -= lr * (mHat / (Math.sqrt(vHat) + eps) + decay * w[i]);
                    }
                }
                check += w[i] * 0;
            }
            return check == 0;
        }
    }

    @Override
    public String toString() {
        return "OptimizerState[" + spec + ", parameterCount=" + parameterCount + ", steps=" + steps + "]";
    }
}
