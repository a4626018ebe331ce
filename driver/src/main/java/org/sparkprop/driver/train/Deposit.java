package org.sparkprop.driver.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A partition's share of one step as the per-epoch exchange carries it from a task to the driver: its gradient
 * Σ w·∂L/∂θ in the compute type (float[] or double[]), Σ w·loss, rows, Σ w and compute time. The one place where a
 * share is copied ({@link #copyFrom}, in local mode) or turned into bytes and back ({@link #encode}, {@link #decode}:
 * Spark's RPC environment, on a cluster). A holder's gradient array is allocated once and reused for every step.
 */
final class Deposit {
    /** partition (int), step (long), Σ w·loss (double), rows (long), Σ w (double), compute nanoseconds (long). */
    static final int HEADER = Integer.BYTES + 5 * Long.BYTES;

    int partition;
    /** The run's step (0-based); -1 in a task's first message, which deposits nothing and asks for work. */
    long step;
    /** float[] or double[] of the model's parameter count, or null in a message that carries no gradient. */
    final Object gradient;
    double lossSum;
    long rows;
    double weightSum;
    long computeNanos;

    Deposit(Object gradient) {
        this.gradient = gradient;
    }

    /** Sets every field but the gradient, which the caller wrote; returns this. */
    Deposit set(int partition, long step, double lossSum, long rows, double weightSum, long computeNanos) {
        this.partition = partition;
        this.step = step;
        this.lossSum = lossSum;
        this.rows = rows;
        this.weightSum = weightSum;
        this.computeNanos = computeNanos;
        return this;
    }

    /** This holder's fields and gradient from {@code other}'s (Not modified): the same compute type and length. */
    void copyFrom(Deposit other) {
        set(other.partition, other.step, other.lossSum, other.rows, other.weightSum, other.computeNanos);
        System.arraycopy(other.gradient, 0, gradient, 0, length(gradient));
    }

    /** The bytes {@link #encode} writes for this holder. */
    int encodedBytes() {
        return HEADER + (gradient == null ? 0 : bytes(gradient));
    }

    /**
     * This share as bytes, into {@code buffer} where it has exactly {@link #encodedBytes} (a task reuses one from step
     * to step), else into a new array; returns the array written.
     */
    byte[] encode(byte[] buffer) {
        byte[] bytes = buffer != null && buffer.length == encodedBytes() ? buffer : new byte[encodedBytes()];
        ByteBuffer out = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(partition).putLong(step).putDouble(lossSum).putLong(rows).putDouble(weightSum).putLong(computeNanos);
        if (gradient != null) {
            put(out, gradient);
        }
        return bytes;
    }

    /** The partition of a share in {@link #encode}'s bytes. */
    static int partition(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    /** The step of a share in {@link #encode}'s bytes. */
    static long step(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(Integer.BYTES);
    }

    /** Reads {@link #encode}'s bytes into this holder, its gradient included; refuses bytes of another shape. */
    void decode(byte[] bytes) {
        if (bytes.length != encodedBytes()) {
            throw new IllegalArgumentException("a deposit of " + bytes.length + " bytes where " + encodedBytes() + " were expected");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        set(in.getInt(), in.getLong(), in.getDouble(), in.getLong(), in.getDouble(), in.getLong());
        if (gradient != null) {
            get(in, gradient);
        }
    }

    // ---- arrays of the compute type as little-endian bytes (the weights travel so too)

    /** The bytes of {@code array}, a float[] or double[]. */
    static int bytes(Object array) {
        return array instanceof float[] f ? f.length * Float.BYTES : ((double[]) array).length * Double.BYTES;
    }

    /** Writes {@code array} (Not modified) at {@code out}'s position; does not move it. */
    static void put(ByteBuffer out, Object array) {
        if (array instanceof float[] f) {
            out.asFloatBuffer().put(f);
        } else {
            out.asDoubleBuffer().put((double[]) array);
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

    /** The length of {@code array}, a float[] or double[]. */
    static int length(Object array) {
        return array instanceof float[] f ? f.length : ((double[]) array).length;
    }
}
