package org.sparkprop.kernels;

import java.util.function.IntFunction;

/**
 * Per-thread buffers for the passes of one {@link Network}, allocated once so that no call allocates.
 * Not thread-safe: each thread (Spark task) makes its own with {@link Network#newWorkspace(int)}, or
 * {@link Network#newSparseWorkspace(int)} for sparse input. Its content between calls means nothing; a call never
 * relies on what an earlier one left.
 *
 * <p>Buffers, each column-major with one column per row of the current chunk of at most {@link #maxRows()} rows
 * and elements of the network's {@link Precision}:
 * <ul>
 *   <li>{@code activations[0]}: the gathered inputs (sizes[0] × maxRows);
 *       {@code activations[l+1]}: the output of dense layer l (sizes[l+1] × maxRows);</li>
 *   <li>{@code logits}: the output layer's pre-activations z (outputs × maxRows), kept for losses computed from logits;</li>
 *   <li>{@code deltas[l]}: ∂L/∂z of dense layer l (sizes[l+1] × maxRows);</li>
 *   <li>{@code targets}: the gathered targets (targetWidth × maxRows);</li>
 *   <li>{@code rowWeights}: the gathered row weights (1 × maxRows), used only by weighted passes;</li>
 *   <li>{@code rowIds}: the block rows of the current chunk (maxRows), used only by sparse passes;</li>
 *   <li>{@code keep[l]}, {@code dropped[l]} for hidden activation l (1 ≤ l &lt; layers), used only by passes with
 *       {@link Dropout}: the mask's factor m/(1 − p) per element and the activation times it, which the next layer
 *       reads (sizes[l] × maxRows each). Allocated by the first pass with dropout, so that a workspace that never
 *       drops holds no room for it.</li>
 * </ul>
 */
public final class Workspace {
    private final Topology topology;
    private final Precision precision;
    private final int maxRows;
    private final boolean denseInput;
    final Object[] activations;
    final Object logits;
    final Object[] deltas;
    final Object targets;
    final Object rowWeights;
    final int[] rowIds;
    private final IntFunction<Object> allocate;
    /** Null until the first pass with dropout. */
    Object[] keep;
    Object[] dropped;
    /** Null, or where the sparse passes read the first layer's weights: {@link #readFirstLayerFrom}. */
    double[] firstLayer;

    /**
     * @param denseInput whether to hold the gathered dense inputs (sizes[0] × maxRows); without them only the
     *                   sparse passes and the in-place dense ones ({@link Network#forward}, {@link Network#lossAndGradient}) run
     * @param allocate   makes a zeroed array of the network's compute type with the given length
     */
    Workspace(Topology topology, Precision precision, int maxRows, boolean denseInput, IntFunction<Object> allocate) {
        String routine = denseInput ? "newWorkspace" : "newSparseWorkspace";
        if (maxRows < 1) {
            throw new IllegalArgumentException(routine + ": maxRows must be at least 1, got " + maxRows);
        }
        long widest = topology.targetWidth();
        for (int l = denseInput ? 0 : 1; l <= topology.layers(); l++) {
            widest = Math.max(widest, topology.size(l));
        }
        if (widest * maxRows > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(routine + ": maxRows " + maxRows + " × the widest layer " + widest
                    + " does not fit in one Java array; use fewer rows per chunk");
        }
        this.topology = topology;
        this.precision = precision;
        this.maxRows = maxRows;
        this.denseInput = denseInput;
        int layers = topology.layers();
        activations = new Object[layers + 1];
        deltas = new Object[layers];
        for (int l = 0; l <= layers; l++) {
            activations[l] = allocate.apply(l == 0 && !denseInput ? 0 : topology.size(l) * maxRows);
        }
        for (int l = 0; l < layers; l++) {
            deltas[l] = allocate.apply(topology.size(l + 1) * maxRows);
        }
        logits = allocate.apply(topology.outputs() * maxRows);
        targets = allocate.apply(topology.targetWidth() * maxRows);
        rowWeights = allocate.apply(maxRows);
        rowIds = new int[maxRows];
        this.allocate = allocate;
    }

    /** Allocates {@code keep} and {@code dropped} if no earlier pass with dropout did. */
    void ensureDropoutBuffers() {
        if (keep != null) {
            return;
        }
        int layers = topology.layers();
        Object[] k = new Object[layers];
        Object[] d = new Object[layers];
        for (int l = 1; l < layers; l++) {
            k[l] = allocate.apply(topology.size(l) * maxRows);
            d[l] = allocate.apply(topology.size(l) * maxRows);
        }
        dropped = d;
        keep = k;
    }

    /**
     * From now on the sparse passes read the first layer's weights from {@code weights} (all parameters, in double, in
     * {@link Topology}'s layout; cast to the compute type as they are read, so the results are those of params cast
     * whole) instead of their params argument; null returns to params. The caller keeps {@code weights} unchanged
     * while a pass runs. For in-process executors that can read the driver's weights: a sparse step reads only the
     * columns its rows touch, so casting the whole first layer for them is wasted.
     *
     * @throws IllegalArgumentException if {@code weights} is not null and does not hold {@link Topology#parameterCount()} values
     */
    public void readFirstLayerFrom(double[] weights) {
        if (weights != null && weights.length != topology.parameterCount()) {
            throw new IllegalArgumentException("readFirstLayerFrom: " + topology + " has " + topology.parameterCount()
                    + " parameters, got " + weights.length);
        }
        this.firstLayer = weights;
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

    /**
     * True when made by {@link Network#newWorkspace(int)}: it holds gathered dense inputs, as the dense
     * {@code accumulateGradient} and {@code evaluate} need. False for {@link Network#newSparseWorkspace(int)}.
     */
    public boolean holdsDenseInput() {
        return denseInput;
    }
}
