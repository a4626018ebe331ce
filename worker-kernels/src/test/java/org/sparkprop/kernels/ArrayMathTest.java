package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link ArrayMath}: its sum on the Vector API ({@link VectorArrays}) gives the bits of plain Java arithmetic, on
 * ranges of every alignment and length and on special values; the sum of squares' lanes give the same bits
 * whether a range comes whole, in pieces or without its zeros, and match an independent per-lane sum.
 */
class ArrayMathTest {
    /** Values with every kind of special: ±0, ±∞, NaN, subnormals, values that round when cast to float. */
    private static double[] values(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] specials = {0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Double.MIN_VALUE, -Double.MIN_NORMAL,
                Float.MAX_VALUE * 2.0, Float.MIN_VALUE / 3.0, 1 + 0x1p-30, Math.nextUp(1.0f) - 0x1p-40};
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(10) == 0 ? specials[random.nextInt(specials.length)] : random.nextGaussian() * Math.pow(10, random.nextInt(-8, 8));
        }
        return a;
    }

    private static float[] floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static void assertSameBits(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    what + " at " + i + ": " + expected[i] + " against " + actual[i]);
        }
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void theVectorLoopsRunInTheseTests() {
        // so that the tests of the driver's sum exercise them; the surefire JVM has --add-modules=jdk.incubator.vector
        assertTrue(ArrayMath.VECTOR, ElementMath.description());
    }

    @Test
    void sumIntoWritesTheFirstShareOverTheTargetAndAddsTheOthersWithJavasBits() {
        float[] first = floats(values(300, 2));
        float[] second = floats(values(300, 3));
        first[5] = -0.0f;
        second[5] = -0.0f;
        for (int valuesAt : new int[] {0, 3, 9}) {
            for (int targetAt : new int[] {0, 1, 8}) {
                for (int n : new int[] {0, 1, 7, 8, 9, 15, 16, 17, 33, 250}) {
                    double[] expected = values(300, 4);
                    double[] actual = expected.clone();
                    for (int i = 0; i < n; i++) {
                        expected[targetAt + i] = 0.0 + first[valuesAt + i];
                        expected[targetAt + i] += second[valuesAt + i];
                    }
                    ArrayMath.sumInto(first, valuesAt, actual, targetAt, n, true);
                    ArrayMath.sumInto(second, valuesAt, actual, targetAt, n, false);
                    assertSameBits(expected, actual, "values from " + valuesAt + ", target from " + targetAt + ", " + n + " of them");
                    if (n == 250 && valuesAt == 0) {
                        // -0.0 + -0.0 is -0.0, but a sum starts from +0.0: the first share's -0.0 is written as +0.0
                        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(actual[targetAt + 5]), "a sum of -0.0s from +0.0");
                    }
                }
            }
        }
        double[] doubles = values(40, 5);
        double[] target = values(40, 6);
        ArrayMath.sumInto(doubles, 0, target, 0, 40, true);
        double[] expected = new double[40];
        for (int i = 0; i < 40; i++) {
            expected[i] = 0.0 + doubles[i];
        }
        assertSameBits(expected, target, "double values written");
    }

    @Test
    void theSumOfSquaresKeepsEachLaneInOrderWholeInPiecesOrWithoutItsZeros() {
        double[] a = values(1000, 7);
        for (int i = 0; i < a.length; i++) {
            a[i] = Double.isFinite(a[i]) ? a[i] : 0.5;
            if (i % 3 == 0) {
                a[i] = 0.0;
            }
        }
        // independently: lane k sums a[i]² for i ≡ k (mod 8) in ascending i, from +0.0; then the lanes in order
        double[] reference = new double[ArrayMath.LANES];
        for (int i = 5; i < 997; i++) {
            reference[i % ArrayMath.LANES] += a[i] * a[i];
        }
        double[] whole = new double[ArrayMath.LANES + 2];
        ArrayMath.addSquares(a, 5, 997, whole, 2);
        assertSameBits(reference, Arrays.copyOfRange(whole, 2, 2 + ArrayMath.LANES), "one call");

        double[] pieces = new double[ArrayMath.LANES];
        int[] cuts = {5, 6, 13, 16, 17, 40, 41, 42, 500, 997};
        for (int c = 0; c + 1 < cuts.length; c++) {
            ArrayMath.addSquares(a, cuts[c], cuts[c + 1], pieces, 0);
        }
        assertSameBits(reference, pieces, "ranges in pieces");

        double[] nonZeros = new double[ArrayMath.LANES];
        for (int i = 5; i < 997; ) {
            if (a[i] == 0) {
                i++;
                continue;
            }
            int end = i;
            while (end < 997 && a[end] != 0) {
                end++;
            }
            ArrayMath.addSquares(a, i, end, nonZeros, 0);
            i = end;
        }
        assertSameBits(reference, nonZeros, "only the non-zeros");

        double expected = 1.5;
        for (double lane : reference) {
            expected += lane;
        }
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(ArrayMath.sumLanes(whole, 2, 1.5)), "the lanes in order");
        double[] withNaN = a.clone();
        withNaN[700] = Double.NaN;
        double[] lanes = new double[ArrayMath.LANES];
        ArrayMath.addSquares(withNaN, 0, withNaN.length, lanes, 0);
        assertTrue(Double.isNaN(ArrayMath.sumLanes(lanes, 0, 0)), "a NaN reaches the sum");
    }
}
