package org.sparkprop.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ArrayMath}'s sum with the Vector API; loaded only where {@link ArrayMath#VECTOR} says it runs. Each lane
 * does what the scalar loop does to its element, and the elements past the last whole vector go through the scalar
 * loop itself: the operations are single IEEE 754 ones, so both give the same bits.
 *
 * <p>The vectors are of the shape {@link VectorMath} uses, one float vector to two double vectors: a second vector
 * class of a type in the JVM (a float vector of half the size, say) gives the Vector API's shared methods a second
 * receiver type, after which C2 left VectorMath's activations boxing their vectors (AllocationTest and
 * VectorMathTest caught it). The first share's write and the others' addition are two methods, not one with a flag,
 * for the same reason as {@link #STEP}'s: each method's profile then has every branch it compiles taken.
 */
final class VectorArrays {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /**
     * Elements a loop takes at a time: one float vector, two double vectors. The callers send shorter ranges to the
     * scalar loops, so that the JIT's profile of these methods always has the loop running: C2 compiles a loop never
     * seen to run as a trap, and the Vector API's code that C1 runs meanwhile boxes its vectors.
     */
    static final int STEP = FLOATS.length();

    private VectorArrays() {
    }

    /** {@link ArrayMath#sumInto} of a first share. */
    static void writeInto(float[] values, int valuesAt, double[] target, int targetAt, int n) {
        int half = DOUBLES.length();
        int i = 0;
        for (; i <= n - STEP; i += STEP) {
            FloatVector v = FloatVector.fromArray(FLOATS, values, valuesAt + i);
            int at = targetAt + i;
            ((DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0)).add(0.0).intoArray(target, at);
            ((DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 1)).add(0.0).intoArray(target, at + half);
        }
        ArrayMath.scalarSumInto(values, valuesAt + i, target, targetAt + i, n - i, true);
    }

    /** {@link ArrayMath#sumInto} of a share after the first. */
    static void addInto(float[] values, int valuesAt, double[] target, int targetAt, int n) {
        int half = DOUBLES.length();
        int i = 0;
        for (; i <= n - STEP; i += STEP) {
            FloatVector v = FloatVector.fromArray(FLOATS, values, valuesAt + i);
            int at = targetAt + i;
            DoubleVector.fromArray(DOUBLES, target, at).add((DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0)).intoArray(target, at);
            DoubleVector.fromArray(DOUBLES, target, at + half).add((DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 1))
                    .intoArray(target, at + half);
        }
        ArrayMath.scalarSumInto(values, valuesAt + i, target, targetAt + i, n - i, false);
    }
}
