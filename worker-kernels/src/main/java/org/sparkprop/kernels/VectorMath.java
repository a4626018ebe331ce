package org.sparkprop.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activations over arrays with the Vector API; loaded only where {@link ElementMath#VECTOR} says it runs. Sigmoid
 * and tanh use the JDK's vector exp and tanh (within a few units in the last place of {@link Math}'s); the ReLU
 * family, whose scalar selects the JIT does not vectorize, gives exactly the scalar loops' results, NaN included.
 *
 * <p>Every element goes through the same vector instructions: the last partial vector of an array is copied into a
 * per-thread scratch vector, computed there and copied back (masked loads and stores allocate on JDK 17), so an
 * element's value depends on its input alone, not on where the array or a chunk of rows ends, and nothing is
 * allocated once the JIT has compiled these methods. {@code z} and {@code a} may be the same array. The lane
 * arithmetic is written out in each loop rather than in a helper taking and returning vectors: a helper the JIT
 * declines to inline would box every vector.
 */
final class VectorMath {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorMath() {
    }

    /** Two vectors' worth of each type, for the last partial vector of an array. */
    private static final class Scratch {
        final float[] floats = new float[2 * FLOATS.length()];
        final double[] doubles = new double[2 * DOUBLES.length()];
    }

    static int floatLanes() {
        return FLOATS.length();
    }

    /** a[i] = 1 / (1 + e^−z[i]) for i in [0, n). */
    static void sigmoid(float[] z, float[] a, int n) {
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += FLOATS.length()) {
            FloatVector v = FloatVector.fromArray(FLOATS, z, i);
            FloatVector.broadcast(FLOATS, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(a, i);
        }
        if (i < n) {
            float[] tail = SCRATCH.get().floats;
            System.arraycopy(z, i, tail, 0, n - i);
            FloatVector v = FloatVector.fromArray(FLOATS, tail, 0);
            FloatVector.broadcast(FLOATS, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    /** a[i] = 1 / (1 + e^−z[i]) for i in [0, n). */
    static void sigmoid(double[] z, double[] a, int n) {
        int i = 0;
        for (int bound = DOUBLES.loopBound(n); i < bound; i += DOUBLES.length()) {
            DoubleVector v = DoubleVector.fromArray(DOUBLES, z, i);
            DoubleVector.broadcast(DOUBLES, 1.0).div(v.neg().lanewise(VectorOperators.EXP).add(1.0)).intoArray(a, i);
        }
        if (i < n) {
            double[] tail = SCRATCH.get().doubles;
            System.arraycopy(z, i, tail, 0, n - i);
            DoubleVector v = DoubleVector.fromArray(DOUBLES, tail, 0);
            DoubleVector.broadcast(DOUBLES, 1.0).div(v.neg().lanewise(VectorOperators.EXP).add(1.0)).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    /** a[i] = tanh(z[i]) for i in [0, n). */
    static void tanh(float[] z, float[] a, int n) {
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += FLOATS.length()) {
            FloatVector v = FloatVector.fromArray(FLOATS, z, i);
            v.lanewise(VectorOperators.TANH).intoArray(a, i);
        }
        if (i < n) {
            float[] tail = SCRATCH.get().floats;
            System.arraycopy(z, i, tail, 0, n - i);
            FloatVector v = FloatVector.fromArray(FLOATS, tail, 0);
            v.lanewise(VectorOperators.TANH).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    /** a[i] = tanh(z[i]) for i in [0, n). */
    static void tanh(double[] z, double[] a, int n) {
        int i = 0;
        for (int bound = DOUBLES.loopBound(n); i < bound; i += DOUBLES.length()) {
            DoubleVector v = DoubleVector.fromArray(DOUBLES, z, i);
            v.lanewise(VectorOperators.TANH).intoArray(a, i);
        }
        if (i < n) {
            double[] tail = SCRATCH.get().doubles;
            System.arraycopy(z, i, tail, 0, n - i);
            DoubleVector v = DoubleVector.fromArray(DOUBLES, tail, 0);
            v.lanewise(VectorOperators.TANH).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    /** a[i] = z[i] < 0 ? slope·z[i] : z[i] for i in [0, n). */
    static void leakyRelu(float[] z, float[] a, int n, float slope) {
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += FLOATS.length()) {
            FloatVector v = FloatVector.fromArray(FLOATS, z, i);
            v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0f)).intoArray(a, i);
        }
        if (i < n) {
            float[] tail = SCRATCH.get().floats;
            System.arraycopy(z, i, tail, 0, n - i);
            FloatVector v = FloatVector.fromArray(FLOATS, tail, 0);
            v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0f)).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    /** a[i] = z[i] < 0 ? slope·z[i] : z[i] for i in [0, n). */
    static void leakyRelu(double[] z, double[] a, int n, double slope) {
        int i = 0;
        for (int bound = DOUBLES.loopBound(n); i < bound; i += DOUBLES.length()) {
            DoubleVector v = DoubleVector.fromArray(DOUBLES, z, i);
            v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0.0)).intoArray(a, i);
        }
        if (i < n) {
            double[] tail = SCRATCH.get().doubles;
            System.arraycopy(z, i, tail, 0, n - i);
            DoubleVector v = DoubleVector.fromArray(DOUBLES, tail, 0);
            v.blend(v.mul(slope), v.compare(VectorOperators.LT, 0.0)).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    /** delta[i] ·= signum(a[i]) for i in [0, n), a = max(z, 0): 0 where a is 0, NaN where a is NaN. */
    static void reluBackward(float[] a, float[] delta, int n) {
        int lanes = FLOATS.length();
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += lanes) {
            FloatVector x = FloatVector.fromArray(FLOATS, a, i);
            FloatVector d = FloatVector.fromArray(FLOATS, delta, i);
            d.mul(FloatVector.broadcast(FLOATS, 1f).blend(0f, x.compare(VectorOperators.EQ, 0f)).blend(Float.NaN, x.test(VectorOperators.IS_NAN))).intoArray(delta, i);
        }
        if (i < n) {
            float[] tail = SCRATCH.get().floats;
            System.arraycopy(a, i, tail, 0, n - i);
            System.arraycopy(delta, i, tail, lanes, n - i);
            FloatVector x = FloatVector.fromArray(FLOATS, tail, 0);
            FloatVector d = FloatVector.fromArray(FLOATS, tail, lanes);
            d.mul(FloatVector.broadcast(FLOATS, 1f).blend(0f, x.compare(VectorOperators.EQ, 0f)).blend(Float.NaN, x.test(VectorOperators.IS_NAN))).intoArray(tail, 0);
            System.arraycopy(tail, 0, delta, i, n - i);
        }
    }

    /** delta[i] ·= signum(a[i]) for i in [0, n), a = max(z, 0): 0 where a is 0, NaN where a is NaN. */
    static void reluBackward(double[] a, double[] delta, int n) {
        int lanes = DOUBLES.length();
        int i = 0;
        for (int bound = DOUBLES.loopBound(n); i < bound; i += lanes) {
            DoubleVector x = DoubleVector.fromArray(DOUBLES, a, i);
            DoubleVector d = DoubleVector.fromArray(DOUBLES, delta, i);
            d.mul(DoubleVector.broadcast(DOUBLES, 1.0).blend(0.0, x.compare(VectorOperators.EQ, 0.0)).blend(Double.NaN, x.test(VectorOperators.IS_NAN))).intoArray(delta, i);
        }
        if (i < n) {
            double[] tail = SCRATCH.get().doubles;
            System.arraycopy(a, i, tail, 0, n - i);
            System.arraycopy(delta, i, tail, lanes, n - i);
            DoubleVector x = DoubleVector.fromArray(DOUBLES, tail, 0);
            DoubleVector d = DoubleVector.fromArray(DOUBLES, tail, lanes);
            d.mul(DoubleVector.broadcast(DOUBLES, 1.0).blend(0.0, x.compare(VectorOperators.EQ, 0.0)).blend(Double.NaN, x.test(VectorOperators.IS_NAN))).intoArray(tail, 0);
            System.arraycopy(tail, 0, delta, i, n - i);
        }
    }

    /** delta[i] = a[i] < 0 ? slope·delta[i] : delta[i] for i in [0, n). */
    static void leakyReluBackward(float[] a, float[] delta, int n, float slope) {
        int lanes = FLOATS.length();
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += lanes) {
            FloatVector x = FloatVector.fromArray(FLOATS, a, i);
            FloatVector d = FloatVector.fromArray(FLOATS, delta, i);
            d.blend(d.mul(slope), x.compare(VectorOperators.LT, 0f)).intoArray(delta, i);
        }
        if (i < n) {
            float[] tail = SCRATCH.get().floats;
            System.arraycopy(a, i, tail, 0, n - i);
            System.arraycopy(delta, i, tail, lanes, n - i);
            FloatVector x = FloatVector.fromArray(FLOATS, tail, 0);
            FloatVector d = FloatVector.fromArray(FLOATS, tail, lanes);
            d.blend(d.mul(slope), x.compare(VectorOperators.LT, 0f)).intoArray(tail, 0);
            System.arraycopy(tail, 0, delta, i, n - i);
        }
    }

    /** delta[i] = a[i] < 0 ? slope·delta[i] : delta[i] for i in [0, n). */
    static void leakyReluBackward(double[] a, double[] delta, int n, double slope) {
        int lanes = DOUBLES.length();
        int i = 0;
        for (int bound = DOUBLES.loopBound(n); i < bound; i += lanes) {
            DoubleVector x = DoubleVector.fromArray(DOUBLES, a, i);
            DoubleVector d = DoubleVector.fromArray(DOUBLES, delta, i);
            d.blend(d.mul(slope), x.compare(VectorOperators.LT, 0.0)).intoArray(delta, i);
        }
        if (i < n) {
            double[] tail = SCRATCH.get().doubles;
            System.arraycopy(a, i, tail, 0, n - i);
            System.arraycopy(delta, i, tail, lanes, n - i);
            DoubleVector x = DoubleVector.fromArray(DOUBLES, tail, 0);
            DoubleVector d = DoubleVector.fromArray(DOUBLES, tail, lanes);
            d.blend(d.mul(slope), x.compare(VectorOperators.LT, 0.0)).intoArray(tail, 0);
            System.arraycopy(tail, 0, delta, i, n - i);
        }
    }
}
