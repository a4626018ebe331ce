package org.sparkprop.driver.train;

import java.util.Arrays;
import org.sparkprop.driver.Chunks;
import org.sparkprop.kernels.ColumnSet;
import org.sparkprop.kernels.Topology;

/**
 * A step's gradient on the driver, in double: the partitions' {@link StepShare}s summed in partition order, one
 * array for a whole run, and which of its values can be non-zero. After a step of sparse shares those are the
 * first-layer columns that any partition touched (their union, {@link #columns()}) and every parameter from the
 * first layer's biases on ("held" values); elsewhere the array is 0. After a step of dense shares, or once the
 * driver wrote everywhere ({@link #holdAll}), every value is held. The next {@link #sum} zeroes only what is held.
 *
 * <p>{@link #forEachHeld} runs a pass over the held values only, in the fixed chunks of {@link Chunks} with their
 * indices, so that reductions over held values give the bits of the same reduction over the whole array (the values
 * left out are +0.0, and sums of squares and the like start at +0.0).
 */
public final class StepGradient {
    /** Values summed over all shares at a time: 32 KB of the sum. */
    private static final int SUM_BLOCK = 4096;
    private final Topology topology;
    /** Σ w·∂L/∂θ of the step, later what the driver made of it. */
    public final double[] values;
    private final ColumnSet union;
    private int[] columns = new int[0];
    private int columnCount;
    private boolean allHeld = true;

    public StepGradient(Topology topology) {
        this(topology, new double[topology.parameterCount()]);
    }

    /** Over {@code values} (parameterCount long; its content is overwritten by the first sum). */
    public StepGradient(Topology topology, double[] values) {
        if (values.length != topology.parameterCount()) {
            throw new IllegalArgumentException("a gradient of " + topology + " has " + topology.parameterCount() + " values, got " + values.length);
        }
        this.topology = topology;
        this.values = values;
        this.union = new ColumnSet(topology.inputs());
    }

    public Topology topology() {
        return topology;
    }

    /** True when every value may be non-zero (dense shares, or after {@link #holdAll}). */
    public boolean allHeld() {
        return allHeld;
    }

    /** The first-layer columns the last sum's sparse shares touched, ascending (a copy); all held: every column. */
    public int[] columns() {
        if (allHeld) {
            int[] all = new int[topology.inputs()];
            Arrays.setAll(all, i -> i);
            return all;
        }
        return Arrays.copyOf(columns, columnCount);
    }

    /** Every value may be non-zero from now on (the caller wrote outside the held values). */
    public void holdAll() {
        allHeld = true;
    }

    /**
     * Overwrites {@link #values} with the sum of the shares' gradients, each value summed over the partitions in
     * partition order starting from +0.0, as adding the dense forms would, to the bit; the parts of sparse shares
     * that they do not carry are 0 and skipped.
     *
     * @param shares one per partition, in partition order. Not modified.
     */
    public void sum(StepShare[] shares) {
        // a dense first share is written over the previous sum, so nothing need be zeroed first
        boolean overwrite = shares.length > 0 && !shares[0].sparse();
        if (!overwrite) {
            clearHeld();
        }
        boolean sparse = shares.length > 0;
        for (StepShare share : shares) {
            sparse &= share.sparse();
        }
        if (sparse) {
            union.clear();
            for (StepShare share : shares) {
                int[] c = share.columnsView();
                for (int k = 0, n = share.columnCount(); k < n; k++) {
                    union.add(c[k]);
                }
            }
            if (columns.length < union.size()) {
                columns = new int[Math.max(union.size(), columns.length + columns.length / 2)];
            }
            columnCount = union.sortedColumns(columns);
            allHeld = false;
        } else {
            allHeld = true;
        }
        // block by block, so that the sum stays in the core's cache while every share adds to it
        forEachHeld(false, (chunk, from, to) -> {
            for (int a = from; a < to; a += SUM_BLOCK) {
                int b = Math.min(to, a + SUM_BLOCK);
                for (int p = 0; p < shares.length; p++) {
                    if (p == 0 && overwrite) {
                        shares[p].writeTo(values, a, b);
                    } else {
                        shares[p].addTo(topology, values, a, b);
                    }
                }
            }
        });
    }

    /** Zeroes the held values. */
    private void clearHeld() {
        forEachHeld(false, (chunk, from, to) -> Arrays.fill(values, from, to, 0.0));
    }

    /**
     * Runs {@code range} over the held values ({@code everything}: over all values), split at the fixed chunks of
     * {@link Chunks}: in parallel across chunks, in ascending ranges within one.
     */
    public void forEachHeld(boolean everything, Chunks.ChunkRange range) {
        forEachHeld(everything, range, null);
    }

    /**
     * As {@link #forEachHeld(boolean, Chunks.ChunkRange)}, and where {@code rest} is not null, runs it over the values
     * that are not held (they are +0.0), each chunk's ranges of both in ascending order.
     */
    public void forEachHeld(boolean everything, Chunks.ChunkRange range, Chunks.ChunkRange rest) {
        int n = values.length;
        if (everything || allHeld) {
            Chunks.forEachChunk(n, range);
            return;
        }
        int out = topology.size(1);
        int weights = topology.weightOffset(0);
        int restAt = topology.biasOffset(0);
        int[] cols = columns;
        int count = columnCount;
        Chunks.forEachChunk(n, (chunk, from, to) -> {
            // the held columns overlapping [from, to), each [weights + c·out, + out), then the layers from the first
            // layer's biases on
            Spans spans = new Spans(chunk, from, range, rest);
            for (int k = firstColumnFrom(cols, count, Math.max(0, (from - weights) / out)); k < count; k++) {
                int at = weights + cols[k] * out;
                if (at >= to) {
                    break;
                }
                spans.held(Math.max(at, from), Math.min(at + out, to));
            }
            spans.held(Math.max(restAt, from), to);
            spans.end(to);
        });
    }

    /** A chunk's held ranges, given in ascending order: merged where adjacent, passed on with the gaps between them. */
    private static final class Spans {
        private final int chunk;
        private final Chunks.ChunkRange range;
        private final Chunks.ChunkRange rest;
        /** Everything before this was passed on. */
        private int done;
        /** A held range not passed on yet, [lo, hi). */
        private int lo;
        private int hi;

        Spans(int chunk, int from, Chunks.ChunkRange range, Chunks.ChunkRange rest) {
            this.chunk = chunk;
            this.range = range;
            this.rest = rest;
            this.done = from;
            this.lo = from;
            this.hi = from;
        }

        void held(int a, int b) {
            if (a >= b) {
                return;
            }
            if (a == hi) {
                hi = b;
                return;
            }
            flush();
            lo = a;
            hi = b;
        }

        private void flush() {
            if (lo < hi) {
                if (rest != null && done < lo) {
                    rest.run(chunk, done, lo);
                }
                range.run(chunk, lo, hi);
                done = hi;
            }
        }

        void end(int to) {
            flush();
            if (rest != null && done < to) {
                rest.run(chunk, done, to);
            }
        }
    }

    /** The index of the first of the ascending {@code columns[0 .. count)} at or above {@code column}. */
    static int firstColumnFrom(int[] columns, int count, int column) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (columns[mid] < column) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
