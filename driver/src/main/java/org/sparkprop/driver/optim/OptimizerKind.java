package org.sparkprop.driver.optim;

import java.util.List;
import java.util.Locale;

/**
 * The update rule that turns a mini-batch gradient g into new weights w, with learning rate lr. Each kind keeps
 * per-parameter buffers of the same length as w, named by {@link #bufferNames()} (the order of
 * {@link OptimizerState#buffers()} and of a checkpoint).
 */
public enum OptimizerKind {
    /** Plain gradient descent: w ← w − lr·g. No state. */
    SGD("sgd", List.of()),
    /**
     * Heavy-ball momentum (Polyak 1964, "Some methods of speeding up the convergence of iteration methods"),
     * velocity form without dampening: v ← μv + g; w ← w − lr·v.
     */
    MOMENTUM("momentum", List.of("velocity")),
    /**
     * Nesterov accelerated gradient (Nesterov 1983), in the momentum form of Sutskever, Martens, Dahl and
     * Hinton 2013 ("On the importance of initialization and momentum in deep learning"), rewritten so the
     * gradient is taken at the current weights, as PyTorch does: v ← μv + g; w ← w − lr·(g + μv).
     */
    NESTEROV("nesterov", List.of("velocity")),
    /**
     * Adam (Kingma and Ba 2015, "Adam: A method for stochastic optimization") with bias correction, at step
     * t = 1, 2, …: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ); v̂ = v/(1−β₂ᵗ);
     * w ← w − lr·m̂/(√v̂ + ε), computed as lr·m·(1/(1−β₁ᵗ))/(√v·(1/√(1−β₂ᵗ)) + ε) (one division an element; within an
     * ulp or two of the formula's order).
     */
    ADAM("adam", List.of("m", "v")),
    /**
     * AdamW (Loshchilov and Hutter 2019, "Decoupled weight decay regularization"): Adam plus a weight decay
     * λ kept out of the moments, w ← w − lr·(m̂/(√v̂ + ε) + λw). The decay is scaled by the learning rate (as
     * PyTorch does), so it follows the schedule, and it applies to every parameter passed in, biases included.
     */
    ADAMW("adamw", List.of("m", "v")),
    /**
     * Lazy Adam (as TensorFlow Addons' LazyAdam and PyTorch's SparseAdam): Adam's formulas, bias correction by the
     * run's step count included, applied only to the parameters whose gradient the step can make non-zero: on sparse
     * input, the first layer's weights in the input columns the step's rows touch (and every other layer); the
     * other first-layer weights and their m and v stay as they are, where Adam would decay m and v and keep moving
     * the weights. On dense input, or with an L1 or L2 penalty (whose gradient reaches every weight), it is Adam to
     * the bit.
     */
    LAZY_ADAM("lazy-adam", List.of("m", "v"));

    private final String id;
    private final List<String> bufferNames;

    OptimizerKind(String id, List<String> bufferNames) {
        this.id = id;
        this.bufferNames = bufferNames;
    }

    /** The name used on the command line and in checkpoints. */
    public String id() {
        return id;
    }

    /** Names of the per-parameter state buffers, in the order of {@link OptimizerState#buffers()}. */
    public List<String> bufferNames() {
        return bufferNames;
    }

    public static OptimizerKind parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (OptimizerKind k : values()) {
            if (k.id.equals(key)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected one of " + names());
    }

    /** The kinds' names, separated by commas, for messages and help. */
    public static String names() {
        return String.join(", ", java.util.Arrays.stream(values()).map(OptimizerKind::id).toList());
    }

    @Override
    public String toString() {
        return id;
    }
}
