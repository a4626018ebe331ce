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
    /** Weights an update hands to {@code changed} at a time: 32 KB of doubles, well inside a core's own cache. */
    private static final int CHANGED_BLOCK = 4096;
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
     * the elements whose gradient may be non-zero (elsewhere it is +0.0, and is not read): the kinds that
     * {@link #changesOnlyTouched} update only those; the others update every parameter, as their formulas say.
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
        Update update = new Update(spec, buffers, steps + 1, weights, learningRate, scale, clipValue);
        AtomicBoolean finite = new AtomicBoolean(true);
        if (changesOnlyTouched()) {
            touched.forEach(pass(update, gradient, finite, changed));
        } else {
            // where the gradient is +0.0 the same formulas run without reading it: a sparse step's gradient is
            // mostly zeros, and not reading them is an eighth of the update's memory traffic
            touched.forEach(pass(update, gradient, finite, changed), pass(update, null, finite, changed));
        }
        steps++;
        return finite.get();
    }

    /**
     * The update's pass over ranges with the gradient {@code g} (null: +0.0 everywhere), handing each block of
     * {@value #CHANGED_BLOCK} weights to {@code changed} while the block is still in the core's cache.
     */
    private static Chunks.ChunkRange pass(Update update, double[] g, AtomicBoolean finite, Chunks.Range changed) {
        return (chunk, from, to) -> {
            for (int a = from; a < to; a += CHANGED_BLOCK) {
                int b = Math.min(to, a + CHANGED_BLOCK);
                if (!update.run(a, b, g)) {
                    finite.set(false);
                }
                if (changed != null) {
                    changed.run(a, b);
                }
            }
        };
    }

    /**
     * True when a step changes only the parameters whose gradient may be non-zero (the cover {@link #step} gets),
     * weights and state alike: {@link OptimizerKind#LAZY_ADAM} by its definition, and {@link OptimizerKind#SGD},
     * whose w − lr·(+0.0) is w to the bit. The other kinds change every parameter.
     */
    public boolean changesOnlyTouched() {
        return spec.kind() == OptimizerKind.LAZY_ADAM || spec.kind() == OptimizerKind.SGD;
    }

    /** One step's update over ranges of the parameters: the formulas of {@link OptimizerKind}, with clipping first. */
    private static final class Update {
        final OptimizerKind kind;
        final double[] w;
        final double lr;
        final double scale;
        final double clip;
        final double mu;
        final double beta1;
        final double beta2;
        final double eps;
        final double decay;
        /** 1/(1 − β₁ᵗ) and 1/√(1 − β₂ᵗ): bias correction by multiplication. */
        final double inverse1;
        final double inverseRoot2;
        final double[] first;
        final double[] second;

        Update(OptimizerSpec spec, double[][] buffers, long t, double[] w, double lr, double scale, double clip) {
            this.kind = spec.kind();
            this.w = w;
            this.lr = lr;
            this.scale = scale;
            this.clip = clip;
            this.mu = spec.momentum();
            this.beta1 = spec.beta1();
            this.beta2 = spec.beta2();
            this.eps = spec.epsilon();
            this.decay = kind == OptimizerKind.ADAMW ? spec.weightDecay() : 0;
            this.inverse1 = 1 / (1 - Math.pow(beta1, t));
            this.inverseRoot2 = 1 / Math.sqrt(1 - Math.pow(beta2, t));
            this.first = buffers.length > 0 ? buffers[0] : null;
            this.second = buffers.length > 1 ? buffers[1] : null;
        }

        /**
         * The update of [from, to) with the gradient {@code g}, or with +0.0 for every element where {@code g} is null
         * (the bits {@code g} full of +0.0 gives); true if the weights there are finite afterwards.
         */
        boolean run(int from, int to, double[] gradient) {
            // w·0 is ±0 for finite w and NaN otherwise, so the sum is NaN exactly when a weight is not finite
            double check = 0;
            for (int i = from; i < to; i++) {
                double g = gradient == null ? 0.0 : gradient[i];
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
                        // m̂/(√v̂ + ε) as m·(1/c₁)/(√v·(1/√c₂) + ε): one division and one square root an element
                        // (a division or square root of doubles costs ten multiplications and more)
                        w[i] -= lr * (first[i] * inverse1 / (Math.sqrt(second[i]) * inverseRoot2 + eps) + decay * w[i]);
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
