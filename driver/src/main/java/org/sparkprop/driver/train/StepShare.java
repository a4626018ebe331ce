package org.sparkprop.driver.train;

import org.sparkprop.kernels.ArrayMath;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/**
 * One partition's share of one step, as it travels from the partition's task to the driver, whichever exchange
 * carries it (a per-step task's result, an in-memory {@link HandOver}, a per-epoch {@link EpochChannel} deposit):
 * Σ w·∂L/∂θ over the partition's rows of the step in the compute type, Σ w·loss, the row count, Σ w and how long
 * the task computed.
 *
 * <p>The gradient comes in one of two forms. <b>Dense</b> (dense blocks): all parameters, laid out as
 * {@link Topology} says. <b>Sparse</b> (sparse blocks): the first layer's weight gradient only in the input columns
 * that the rows' non-zeros touch ({@link #columns()}, ascending; column i of W_0 is {@code sizes[1]} contiguous
 * parameters), followed by every parameter from the first layer's biases on, dense. Every other value of a sparse
 * share's gradient is 0, so the driver's sum ({@link StepGradient#sum}) skips them and gets the bits that adding
 * the dense form would give (its sums start at +0.0, so adding +0.0 never changes them).
 *
 * <p>Buffers are reused: a share that takes a larger gradient than before grows them by half again, so a run's
 * steps stop allocating once the largest share has been seen. On the per-step exchange's cluster path the share is
 * a task's result and travels through Spark's serializer with its whole buffers: the used part and up to half as
 * much again of slack.
 */
public final class StepShare implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Σ w·loss over the partition's rows of the step. */
    double lossSum;
    long rows;
    /** Σ of the rows' weights; equal to {@link #rows} where the block has none. */
    double weightSum;
    /**
     * Nanoseconds the task spent on its partition's share (epoch order, forward and backward pass), from its start
     * to its result, Spark's own work around the task aside; a step's time minus its slowest task's is the step's
     * overhead.
     */
    long computeNanos;
    /** -1: dense; else the number of touched first-layer columns, listed in columns[0 .. columnCount). */
    private int columnCount = -1;
    private int[] columns = new int[0];
    /** float[] or double[]: dense, all parameters; sparse, columnCount × sizes[1] column values, then the rest. */
    private Object values;

    public double lossSum() {
        return lossSum;
    }

    public long rows() {
        return rows;
    }

    public double weightSum() {
        return weightSum;
    }

    public long computeNanos() {
        return computeNanos;
    }

    /** True when the gradient is the sparse form. */
    public boolean sparse() {
        return columnCount >= 0;
    }

    /** The touched first-layer columns of a sparse share, ascending (a copy); an empty array for a dense share. */
    public int[] columns() {
        return columnCount < 0 ? new int[0] : java.util.Arrays.copyOf(columns, columnCount);
    }

    /** Values of the gradient this share holds: all parameters (dense), or its columns' and the rest's. */
    public int gradientLength(Topology topology) {
        return columnCount < 0 ? topology.parameterCount() : columnCount * topology.size(1) + rest(topology);
    }

    /** Parameters from the first layer's biases on: what a sparse share carries dense. */
    private static int rest(Topology topology) {
        return topology.parameterCount() - topology.biasOffset(0);
    }

    void setSums(double lossSum, long rows, double weightSum) {
        this.lossSum = lossSum;
        this.rows = rows;
        this.weightSum = weightSum;
    }

    /**
     * Makes this share dense and returns its gradient array (all parameters, in the compute type; its content is
     * the previous share's), for the task to compute into.
     */
    Object denseGradient(Network<Object> network) {
        int parameters = network.topology().parameterCount();
        columnCount = -1;
        ensureValues(network.precision() == Precision.FLOAT ? float[].class : double[].class, parameters, true);
        return values;
    }

    /**
     * Makes this share sparse: takes the first-layer columns {@code touched[0 .. count)} (ascending) and every
     * parameter from the first layer's biases on out of {@code gradient} (all parameters, in the compute type), and
     * sets them to 0 there, so that a gradient that was 0 outside them before the pass is all 0 again.
     *
     * @param gradient Modified: zeroed where taken
     * @param touched  Not modified
     */
    void takeSparse(Network<Object> network, Object gradient, int[] touched, int count) {
        Topology topology = network.topology();
        int out = topology.size(1);
        int rest = rest(topology);
        int needed = count * out + rest;
        ensureColumns(count);
        System.arraycopy(touched, 0, columns, 0, count);
        columnCount = count;
        ensureValues(gradient.getClass(), needed, false);
        int weights = topology.weightOffset(0);
        for (int k = 0; k < count; k++) {
            int at = weights + touched[k] * out;
            System.arraycopy(gradient, at, values, k * out, out);
            zero(gradient, at, at + out);
        }
        int restAt = topology.biasOffset(0);
        System.arraycopy(gradient, restAt, values, count * out, rest);
        zero(gradient, restAt, restAt + rest);
    }

    /** This share becomes a copy of {@code other}, in buffers of its own (grown where too small). */
    void copyFrom(StepShare other, Topology topology) {
        lossSum = other.lossSum;
        rows = other.rows;
        weightSum = other.weightSum;
        computeNanos = other.computeNanos;
        int length = other.gradientLength(topology);
        ensureColumns(other.columnCount);
        if (other.columnCount > 0) {
            System.arraycopy(other.columns, 0, columns, 0, other.columnCount);
        }
        columnCount = other.columnCount;
        ensureValues(other.values.getClass(), length, columnCount < 0);
        System.arraycopy(other.values, 0, values, 0, length);
    }

    /** Room for {@code count} columns (grown by half again where too small; nothing for a dense share's -1). */
    private void ensureColumns(int count) {
        if (columns.length < count) {
            columns = new int[grown(count)];
        }
    }

    /**
     * A values array of {@code type} (float[] or double[]) for {@code length} values: kept where it fits, else new,
     * of exactly that length for a dense share ({@code dense}) and half as much again for a sparse one, whose size
     * changes from step to step.
     */
    private void ensureValues(Class<?> type, int length, boolean dense) {
        boolean fits = values != null && values.getClass() == type
                && (dense ? Deposit.length(values) == length : Deposit.length(values) >= length);
        if (!fits) {
            int size = dense ? length : grown(length);
            values = type == float[].class ? new float[size] : new double[size];
        }
    }

    /**
     * target[i] += this share's gradient value i, over i in [from, to) of the dense layout: its columns and rest for
     * a sparse share (values elsewhere are 0 and skipped).
     */
    void addTo(Topology topology, double[] target, int from, int to) {
        if (columnCount < 0) {
            add(values, from, target, from, to - from, false);
            return;
        }
        int out = topology.size(1);
        int weights = topology.weightOffset(0);
        // the columns whose values overlap [from, to)
        int first = StepGradient.firstColumnFrom(columns, columnCount, Math.max(0, (from - weights) / out));
        for (int k = first; k < columnCount; k++) {
            int at = weights + columns[k] * out;
            if (at >= to) {
                break;
            }
            int lo = Math.max(at, from);
            int hi = Math.min(at + out, to);
            if (lo < hi) {
                add(values, k * out + (lo - at), target, lo, hi - lo, false);
            }
        }
        int restAt = topology.biasOffset(0);
        int lo = Math.max(restAt, from);
        int hi = Math.min(topology.parameterCount(), to);
        if (lo < hi) {
            add(values, columnCount * out + (lo - restAt), target, lo, hi - lo, false);
        }
    }

    /**
     * target[i] = +0.0 + this dense share's gradient value i over i in [from, to): what {@link #addTo} gives on a
     * target of +0.0, written over whatever the target held.
     */
    void writeTo(double[] target, int from, int to) {
        if (columnCount >= 0) {
            throw new IllegalStateException("a sparse share does not cover the whole gradient");
        }
        add(values, from, target, from, to - from, true);
    }

    // ---- as bytes ({@link Deposit}, on the per-epoch exchange's RPC channel)

    /** Σ w·loss, rows, Σ w, compute nanoseconds, the values' type (0 none, 1 float, 2 double), the column count. */
    private static final int HEADER = 4 * Long.BYTES + 1 + Integer.BYTES;

    /** The bytes {@link #write} puts for this share. */
    int encodedBytes(Topology topology) {
        if (values == null) {
            return HEADER;
        }
        long bytes = HEADER + (long) Math.max(columnCount, 0) * Integer.BYTES
                + (long) gradientLength(topology) * (values instanceof float[] ? Float.BYTES : Double.BYTES);
        return Math.toIntExact(bytes);
    }

    /** Writes this share at {@code out}'s position, {@link #encodedBytes} of them, and moves past them. */
    void write(java.nio.ByteBuffer out, Topology topology) {
        out.putDouble(lossSum).putLong(rows).putDouble(weightSum).putLong(computeNanos);
        out.put((byte) (values == null ? 0 : values instanceof float[] ? 1 : 2)).putInt(columnCount);
        if (values == null) {
            return;
        }
        for (int k = 0; k < columnCount; k++) {
            out.putInt(columns[k]);
        }
        int length = gradientLength(topology);
        if (values instanceof float[] f) {
            out.asFloatBuffer().put(f, 0, length);
            out.position(out.position() + length * Float.BYTES);
        } else {
            out.asDoubleBuffer().put((double[]) values, 0, length);
            out.position(out.position() + length * Double.BYTES);
        }
    }

    /**
     * Reads what {@link #write} wrote from {@code in}'s position to its limit into this share (its buffers grown where
     * too small); refuses bytes that do not hold a share of {@code topology}.
     */
    void read(java.nio.ByteBuffer in, Topology topology) {
        lossSum = in.getDouble();
        rows = in.getLong();
        weightSum = in.getDouble();
        computeNanos = in.getLong();
        byte type = in.get();
        int count = in.getInt();
        if (type < 0 || type > 2 || count < -1 || count > topology.size(0)) {
            throw new IllegalArgumentException("a step share of type " + type + " with " + count + " columns; the first layer has "
                    + topology.size(0) + " inputs");
        }
        columnCount = count;
        if (type == 0) {
            values = null;
            return;
        }
        int length = gradientLength(topology);
        int width = type == 1 ? Float.BYTES : Double.BYTES;
        if (in.remaining() != (long) Math.max(count, 0) * Integer.BYTES + (long) length * width) {
            throw new IllegalArgumentException("a step share of " + in.remaining() + " bytes where " + count + " columns and "
                    + length + " values were expected");
        }
        ensureColumns(count);
        for (int k = 0; k < count; k++) {
            columns[k] = in.getInt();
        }
        ensureValues(type == 1 ? float[].class : double[].class, length, count < 0);
        if (values instanceof float[] f) {
            in.asFloatBuffer().get(f, 0, length);
        } else {
            in.asDoubleBuffer().get((double[]) values, 0, length);
        }
    }

    /** The gradient values this share holds (its form says which), or null before the first; for tests and the probe. */
    Object values() {
        return values;
    }

    /** The touched columns, for the driver's union; {@code columnCount} of them. */
    int[] columnsView() {
        return columns;
    }

    int columnCount() {
        return columnCount;
    }

    private static void add(Object values, int valuesAt, double[] target, int targetAt, int count, boolean first) {
        if (values instanceof float[] f) {
            ArrayMath.sumInto(f, valuesAt, target, targetAt, count, first);
        } else {
            ArrayMath.sumInto((double[]) values, valuesAt, target, targetAt, count, first);
        }
    }

    private static void zero(Object values, int from, int to) {
        if (values instanceof float[] f) {
            java.util.Arrays.fill(f, from, to, 0f);
        } else {
            java.util.Arrays.fill((double[]) values, from, to, 0.0);
        }
    }

    private static int grown(int needed) {
        return (int) Math.min(Integer.MAX_VALUE - 8, needed + (long) needed / 2);
    }

    /** The longest {@link #computeNanos} of a step's shares. */
    static long slowestComputeNanos(StepShare[] shares) {
        long slowest = 0;
        for (StepShare share : shares) {
            slowest = Math.max(slowest, share.computeNanos);
        }
        return slowest;
    }
}
