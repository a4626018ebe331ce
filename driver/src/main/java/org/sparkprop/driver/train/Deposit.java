package org.sparkprop.driver.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.sparkprop.kernels.Topology;

/**
 * A partition's {@link StepShare} of one step as the per-epoch exchange carries it from a task to the driver, with
 * the partition and the run's step. The one place where a deposit is copied ({@link #copyFrom}, in local mode) or
 * turned into bytes and back ({@link #encode}, {@link #decode}: Spark's RPC environment, on a cluster). A holder's
 * share keeps its buffers from step to step.
 */
final class Deposit {
    /** partition (int), step (long); the share's bytes follow. */
    static final int HEADER = Integer.BYTES + Long.BYTES;

    final Topology topology;
    int partition;
    /** The run's step (0-based); -1 in a task's first message, which deposits nothing and asks for work. */
    long step;
    final StepShare share;

    Deposit(Topology topology, StepShare share) {
        this.topology = topology;
        this.share = share;
    }

    /** Sets the partition and step of the share the caller wrote; returns this. */
    Deposit set(int partition, long step) {
        this.partition = partition;
        this.step = step;
        return this;
    }

    /** This holder's fields and share from {@code other}'s (Not modified), into this holder's buffers. */
    void copyFrom(Deposit other) {
        set(other.partition, other.step);
        share.copyFrom(other.share, topology);
    }

    /** The bytes {@link #encode} writes for this holder. */
    int encodedBytes() {
        return HEADER + share.encodedBytes(topology);
    }

    /**
     * This deposit as bytes, into {@code buffer} where it has exactly {@link #encodedBytes} (a task reuses one from
     * step to step while its shares keep their size), else into a new array; returns the array written.
     */
    byte[] encode(byte[] buffer) {
        int length = encodedBytes();
        byte[] bytes = buffer != null && buffer.length == length ? buffer : new byte[length];
        ByteBuffer out = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(partition).putLong(step);
        share.write(out, topology);
        return bytes;
    }

    /** A task's first message, which deposits nothing and asks for work (an empty share's bytes need no topology). */
    static byte[] nothing(int partition) {
        return new Deposit(null, new StepShare()).set(partition, -1).encode(null);
    }

    /** The partition of a deposit in {@link #encode}'s bytes. */
    static int partition(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    /** The step of a deposit in {@link #encode}'s bytes. */
    static long step(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(Integer.BYTES);
    }

    /** Reads {@link #encode}'s bytes into this holder, its share included; refuses bytes of another shape. */
    void decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        set(in.getInt(), in.getLong());
        share.read(in, topology);
    }

    // ---- arrays of the compute type as little-endian bytes (the weights travel so too)

    /** The bytes of {@code array}, a float[] or double[]. */
    static int bytes(Object array) {
        return length(array) * elementBytes(array);
    }

    /** Writes {@code array}'s elements [from, to) (Not modified) into {@code bytes}, element i at byte i × its size. */
    static void put(byte[] bytes, Object array, int from, int to) {
        ByteBuffer out = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (array instanceof float[] f) {
            out.position(from * Float.BYTES).asFloatBuffer().put(f, from, to - from);
        } else {
            out.position(from * Double.BYTES).asDoubleBuffer().put((double[]) array, from, to - from);
        }
    }

    /**
     * The values that {@link #columns} carries for {@code columns} first-layer columns of {@code topology}: those
     * columns' first-layer weights and every parameter after the first layer's weights.
     */
    static long columnsLength(Topology topology, int columns) {
        return (long) columns * topology.size(1) + topology.parameterCount() - topology.biasOffset(0);
    }

    /**
     * The first layer's weights of input columns {@code columns} (ascending), then every parameter after the first
     * layer's weights, of {@code weights} (Not modified), as little-endian bytes: what a task of sparse rows needs of
     * the weights for one step (element (o, c) of the first layer is at {@code weightOffset(0) + c·out + o}).
     */
    static byte[] columns(Object weights, Topology topology, int[] columns) {
        int out = topology.size(1);
        int first = topology.weightOffset(0);
        int rest = topology.biasOffset(0);
        int n = length(weights);
        for (int c : columns) {
            if (c < 0 || c >= topology.inputs()) {
                throw new IllegalArgumentException("first-layer column " + c + " asked for, of " + topology.inputs());
            }
        }
        int elementBytes = elementBytes(weights);
        byte[] bytes = new byte[(int) columnsLength(topology, columns.length) * elementBytes];
        ByteBuffer to = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (weights instanceof float[] f) {
            java.nio.FloatBuffer floats = to.asFloatBuffer();
            for (int c : columns) {
                floats.put(f, first + c * out, out);
            }
            floats.put(f, rest, n - rest);
        } else {
            double[] d = (double[]) weights;
            java.nio.DoubleBuffer doubles = to.asDoubleBuffer();
            for (int c : columns) {
                doubles.put(d, first + c * out, out);
            }
            doubles.put(d, rest, n - rest);
        }
        return bytes;
    }

    /** Reads {@link #columns}' bytes for {@code columns} into their places in {@code weights} (Modified); refuses other lengths. */
    static void getColumns(byte[] bytes, Object weights, Topology topology, int[] columns) {
        int out = topology.size(1);
        int first = topology.weightOffset(0);
        int rest = topology.biasOffset(0);
        int n = length(weights);
        int elementBytes = elementBytes(weights);
        if (bytes.length != columnsLength(topology, columns.length) * elementBytes) {
            throw new IllegalArgumentException(bytes.length + " bytes of weights for " + columns.length + " first-layer columns of " + topology);
        }
        ByteBuffer from = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (weights instanceof float[] f) {
            java.nio.FloatBuffer floats = from.asFloatBuffer();
            for (int c : columns) {
                floats.get(f, first + c * out, out);
            }
            floats.get(f, rest, n - rest);
        } else {
            double[] d = (double[]) weights;
            java.nio.DoubleBuffer doubles = from.asDoubleBuffer();
            for (int c : columns) {
                doubles.get(d, first + c * out, out);
            }
            doubles.get(d, rest, n - rest);
        }
    }

    /** Reads {@code array} (Modified) from {@code in}'s position; does not move it. */
    static void get(ByteBuffer in, Object array) {
        if (array instanceof float[] f) {
            in.asFloatBuffer().get(f);
        } else {
            in.asDoubleBuffer().get((double[]) array);
        }
    }

    /** The bytes of one element of {@code array}, a float[] or double[]. */
    static int elementBytes(Object array) {
        return array instanceof float[] ? Float.BYTES : Double.BYTES;
    }

    /** The length of {@code array}, a float[] or double[]. */
    static int length(Object array) {
        return array instanceof float[] f ? f.length : ((double[]) array).length;
    }
}
