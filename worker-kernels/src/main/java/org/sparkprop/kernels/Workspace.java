package org.sparkprop.kernels;

import java.util.function.IntFunction;

/**
 * Per-thread buffers for the passes of one {@link Network}, allocated once so that no call allocates.
 * Not thread-safe: each thread (Spark task) makes its own with {@link Network#newWorkspace(int)}. Its content
 * between calls means nothing; a call never relies on what an earlier one left.
 *
 * <p>Buffers, each column-major with one column per row of the current chunk of at most {@link #maxRows()} rows
 * and elements of the network's {@link Precision}:
 * <ul>
 *   <li>{@code activations[0]}: the gathered inputs (sizes[0] × maxRows);
 *       {@code activations[l+1]}: the output of dense layer l (sizes[l+1] × maxRows);</li>
 *   <li>{@code logits}: the output layer's pre-activations z (outputs × maxRows), kept for losses computed from logits;</li>
 *   <li>{@code deltas[l]}: ∂L/∂z of dense layer l (sizes[l+1] × maxRows);</li>
 *   <li>{@code targets}: the gathered targets (targetWidth × maxRows);</li>
 *   <li>{@code rowWeights}: the gathered row weights (1 × maxRows), used only by weighted passes.</li>
 * </ul>
 */
public final class Workspace {
    private final Topology topology;
    private final Precision precision;
    private final int maxRows;
    final Object[] activations;
    final Object logits;
    final Object[] deltas;
    final Object targets;
    final Object rowWeights;

    /** @param allocate makes a zeroed array of the network's compute type with the given length */
    Workspace(Topology topology, Precision precision, int maxRows, IntFunction<Object> allocate) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("newWorkspace: maxRows must be at least 1, got " + maxRows);
        }
        long widest = Math.max(topology.maxWidth(), topology.targetWidth());
        if (widest * maxRows > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("newWorkspace: maxRows " + maxRows + " × the widest layer " + widest
                    + " does not fit in one Java array; use fewer rows per chunk");
        }
        this.topology = topology;
        this.precision = precision;
        this.maxRows = maxRows;
        int layers = topology.layers();
        activations = new Object[layers + 1];
        deltas = new Object[layers];
        for (int l = 0; l <= layers; l++) {
            activations[l] = allocate.apply(topology.size(l) * maxRows);
        }
        for (int l = 0; l < layers; l++) {
            deltas[l] = allocate.apply(topology.size(l + 1) * maxRows);
        }
        logits = allocate.apply(topology.outputs() * maxRows);
        targets = allocate.apply(topology.targetWidth() * maxRows);
        rowWeights = allocate.apply(maxRows);
    }

    public Topology topology() {
        return topology;
    }

    public Precision precision() {
        return precision;
    }

    /** The most rows one chunk of a pass holds; longer passes run in chunks of this many rows. */
    public int maxRows() {
        return maxRows;
    }
}
