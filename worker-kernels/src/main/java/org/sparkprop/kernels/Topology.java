package org.sparkprop.kernels;

import java.util.Arrays;

/**
 * The shape of a multilayer perceptron: layer widths from input to output, one activation per dense layer,
 * and the loss. Immutable and validated here, once.
 *
 * <p>All parameters live in one flat array. Dense layer l (0-based, {@code in = sizes[l]},
 * {@code out = sizes[l+1]}) owns the weights W_l, an (out × in) matrix stored column-major at
 * {@link #weightOffset(int)} (element (o, i) at {@code weightOffset(l) + o + i·out}), followed by its
 * biases b_l (out) at {@link #biasOffset(int)}.
 */
public record Topology(int[] sizes, Activation[] activations, Loss loss) implements java.io.Serializable {

    /** Upper bound on the number of parameters: a flat Java array, with room to spare. */
    public static final long MAX_PARAMETERS = 1L << 30;

    /** Most layer sizes an error message lists. */
    private static final int SHOWN_SIZES = 16;

    public Topology {
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("a network needs at least an input and an output size, got " + Arrays.toString(sizes));
        }
        if (activations == null || activations.length != sizes.length - 1) {
            throw new IllegalArgumentException("expected " + (sizes.length - 1) + " activations (one per dense layer), got "
                    + (activations == null ? 0 : activations.length));
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss is required");
        }
        sizes = sizes.clone();
        activations = activations.clone();
        for (int l = 0; l < sizes.length; l++) {
            if (sizes[l] < 1) {
                throw new IllegalArgumentException("layer " + l + " has size " + sizes[l] + "; sizes must be at least 1");
            }
        }
        // Summing stops once past the limit: a term is below 2^62 and the sum before it at most 2^30, so it
        // cannot overflow however many layers there are.
        long count = 0;
        int layer = 1;
        for (; layer < sizes.length && count <= MAX_PARAMETERS; layer++) {
            count += (long) sizes[layer - 1] * sizes[layer] + sizes[layer];
        }
        if (count > MAX_PARAMETERS) {
            String shown = sizes.length <= SHOWN_SIZES ? Arrays.toString(sizes) : "of " + sizes.length + " layer sizes";
            throw new IllegalArgumentException("the network " + shown + " has " + (layer == sizes.length ? "" : "at least ")
                    + count + " parameters; at most " + MAX_PARAMETERS + " are supported");
        }
        for (int l = 0; l < activations.length - 1; l++) {
            if (activations[l] == Activation.SOFTMAX) {
                throw new IllegalArgumentException("softmax is for the output layer only, not hidden layer " + (l + 1));
            }
        }
        Activation out = activations[activations.length - 1];
        Activation required = loss.requiredOutput();
        if (required != null && out != required) {
            throw new IllegalArgumentException("loss " + loss + " needs a " + required + " output layer, got " + out);
        }
        if (loss == Loss.SOFTMAX_CROSS_ENTROPY && sizes[sizes.length - 1] < 2) {
            throw new IllegalArgumentException("loss cross_entropy needs at least 2 outputs (classes), got " + sizes[sizes.length - 1]);
        }
    }

    /** A network with the same activation on every hidden layer. */
    public static Topology of(int[] sizes, Activation hidden, Activation output, Loss loss) {
        Activation[] acts = new Activation[sizes.length - 1];
        Arrays.fill(acts, hidden);
        acts[acts.length - 1] = output;
        return new Topology(sizes, acts, loss);
    }

    @Override
    public int[] sizes() {
        return sizes.clone();
    }

    @Override
    public Activation[] activations() {
        return activations.clone();
    }

    public int size(int layer) {
        return sizes[layer];
    }

    public Activation activation(int denseLayer) {
        return activations[denseLayer];
    }

    /** Number of dense layers. */
    public int layers() {
        return sizes.length - 1;
    }

    public int inputs() {
        return sizes[0];
    }

    public int outputs() {
        return sizes[sizes.length - 1];
    }

    /** Values per row in a target block: 1 (the class index) for softmax cross-entropy, else one per output. */
    public int targetWidth() {
        return loss.targetWidth(outputs());
    }

    public int parameterCount() {
        return biasOffset(layers() - 1) + outputs();
    }

    public int weightOffset(int denseLayer) {
        int offset = 0;
        for (int l = 0; l < denseLayer; l++) {
            offset += sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        return offset;
    }

    public int biasOffset(int denseLayer) {
        return weightOffset(denseLayer) + sizes[denseLayer] * sizes[denseLayer + 1];
    }

    /** Widest layer, input and output included: the buffer size per row that a pass needs. */
    public int maxWidth() {
        return Arrays.stream(sizes).max().orElseThrow();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topology t && Arrays.equals(sizes, t.sizes) && Arrays.equals(activations, t.activations) && loss == t.loss;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(sizes) + Arrays.hashCode(activations)) + loss.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < sizes.length; l++) {
            if (l > 0) {
                s.append(" -").append(activations[l - 1]).append("-> ");
            }
            s.append(sizes[l]);
        }
        return s.append(" (loss ").append(loss).append(')').toString();
    }
}
