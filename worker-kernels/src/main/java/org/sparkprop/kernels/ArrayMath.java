package org.sparkprop.kernels;

import java.util.Objects;

/**
 * Element-wise passes over parameter-sized arrays for the driver's side of a step: the partitions' float gradients
 * summed into double, and a gradient's sum of squares.
 * <ul>
 *   <li>The sum runs on the Vector API where {@link ElementMath} chooses it ({@link #VECTOR}) once it has summed
 *       {@link VectorGate#SUM_ELEMENTS} elements on the scalar loop ({@link #SUM}), and as a scalar loop elsewhere
 *       and before, with the same bits: a conversion and an addition per element, each one correctly rounded IEEE 754
 *       operation, in the same order. The JIT does not vectorize a float-to-double sum by itself: for the 203,530
 *       values of a 784-256-10 network, two partitions' shares took about 150 µs in scalar loops and 45 µs on the
 *       Vector API once compiled.</li>
 *   <li>The sum of squares keeps {@value #LANES} partial sums, element i in lane i mod {@value #LANES}, added up in
 *       lane order at the end: eight chains of additions that the core overlaps, where a single running sum waits on
 *       each addition's latency (101,770 values: 85 µs in one sum, 25 µs in eight). Scalar code, no Vector API.</li>
 * </ul>
 * The weights' cast to float stays a scalar loop ({@code FloatNetwork.castInto}): a vector cast (two double vectors
 * into the halves of one float vector) came out of C2 still boxing a vector per sixteen weights in the build's full
 * test JVM, a weights-sized allocation a step that EpochAllocationTest caught, for a gain of about 0.04 ms a step.
 */
public final class ArrayMath {
    /** The sum of squares' lanes: element i goes into lane i mod LANES. */
    public static final int LANES = 8;
    /** True where the vector loops run ({@link ElementMath}'s choice: the module, x86-64, not switched off). */
    static final boolean VECTOR = ElementMath.VECTOR;
    /** When the float sum leaves its scalar loop for the Vector API. */
    static final VectorGate SUM = new VectorGate(VectorGate.SUM_ELEMENTS);

    private ArrayMath() {
    }

    /**
     * target[targetAt + i] = 0.0 + values[valuesAt + i] where {@code first}, else target[targetAt + i] +=
     * values[valuesAt + i], for i in [0, n): the first share of a sum written over what the target held (the bits of
     * adding it to +0.0), the others added.
     */
    public static void sumInto(float[] values, int valuesAt, double[] target, int targetAt, int n, boolean first) {
        Objects.checkFromIndexSize(valuesAt, n, values.length);
        Objects.checkFromIndexSize(targetAt, n, target.length);
        if (VECTOR && n >= VectorArrays.STEP && SUM.vector(n)) {
            if (first) {
                VectorArrays.writeInto(values, valuesAt, target, targetAt, n);
            } else {
                VectorArrays.addInto(values, valuesAt, target, targetAt, n);
            }
        } else {
            scalarSumInto(values, valuesAt, target, targetAt, n, first);
        }
    }

    static void scalarSumInto(float[] values, int valuesAt, double[] target, int targetAt, int n, boolean first) {
        if (first) {
            for (int i = 0; i < n; i++) {
                target[targetAt + i] = 0.0 + values[valuesAt + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                target[targetAt + i] += values[valuesAt + i];
            }
        }
    }

    /** As {@link #sumInto(float[], int, double[], int, int, boolean)} for double values (the JIT vectorizes these loops itself). */
    public static void sumInto(double[] values, int valuesAt, double[] target, int targetAt, int n, boolean first) {
        Objects.checkFromIndexSize(valuesAt, n, values.length);
        Objects.checkFromIndexSize(targetAt, n, target.length);
        if (first) {
            for (int i = 0; i < n; i++) {
                target[targetAt + i] = 0.0 + values[valuesAt + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                target[targetAt + i] += values[valuesAt + i];
            }
        }
    }

    /**
     * Adds a[i]² for i in [from, to) to lane i mod {@value #LANES} of {@code lanes} (Modified, {@value #LANES} values
     * from {@code lanesAt}), each lane in ascending i. Ranges may come in any number of pieces, in ascending order:
     * the lanes end with the same bits as one call over their union, and skipping a +0.0 changes none.
     */
    public static void addSquares(double[] a, int from, int to, double[] lanes, int lanesAt) {
        Objects.checkFromToIndex(from, to, a.length);
        Objects.checkFromIndexSize(lanesAt, LANES, lanes.length);
        // one element at a time up to the first i in lane 0, then eight at a time, each into its own running sum
        // (eight chains of additions that the core overlaps, where one chain waits on each addition's latency)
        int i = from;
        for (int aligned = Math.min(to, (from + LANES - 1) & -LANES); i < aligned; i++) {
            lanes[lanesAt + (i & (LANES - 1))] += a[i] * a[i];
        }
        if (to - i >= LANES) {
            double s0 = lanes[lanesAt];
            double s1 = lanes[lanesAt + 1];
            double s2 = lanes[lanesAt + 2];
            double s3 = lanes[lanesAt + 3];
            double s4 = lanes[lanesAt + 4];
            double s5 = lanes[lanesAt + 5];
            double s6 = lanes[lanesAt + 6];
            double s7 = lanes[lanesAt + 7];
            for (; i <= to - LANES; i += LANES) {
                s0 += a[i] * a[i];
                s1 += a[i + 1] * a[i + 1];
                s2 += a[i + 2] * a[i + 2];
                s3 += a[i + 3] * a[i + 3];
                s4 += a[i + 4] * a[i + 4];
                s5 += a[i + 5] * a[i + 5];
                s6 += a[i + 6] * a[i + 6];
                s7 += a[i + 7] * a[i + 7];
            }
            lanes[lanesAt] = s0;
            lanes[lanesAt + 1] = s1;
            lanes[lanesAt + 2] = s2;
            lanes[lanesAt + 3] = s3;
            lanes[lanesAt + 4] = s4;
            lanes[lanesAt + 5] = s5;
            lanes[lanesAt + 6] = s6;
            lanes[lanesAt + 7] = s7;
        }
        for (; i < to; i++) {
            lanes[lanesAt + (i & (LANES - 1))] += a[i] * a[i];
        }
    }

    /** The lanes {@code [lanesAt, lanesAt + LANES)} of {@link #addSquares} added to {@code partial} in lane order. */
    public static double sumLanes(double[] lanes, int lanesAt, double partial) {
        double sum = partial;
        for (int k = 0; k < LANES; k++) {
            sum += lanes[lanesAt + k];
        }
        return sum;
    }
}
