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
 * allocated once the JIT has compiled these methods. {@code z} and {@code a} may be the same array.
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
            sigmoid(FloatVector.fromArray(FLOATS, z, i)).intoArray(a, i);
        }
        if (i < n) {
            float[] tail = SCRATCH.get().floats;
            System.arraycopy(z, i, tail, 0, n - i);
            sigmoid(FloatVector.fromArray(FLOATS, tail, 0)).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    private static FloatVector sigmoid(FloatVector z) {
        return FloatVector.broadcast(FLOATS, 1f).div(z.neg().lanewise(VectorOperators.EXP).add(1f));
    }

    /** a[i] = 1 / (1 + e^−z[i]) for i in [0, n). */
    static void sigmoid(double[] z, double[] a, int n) {
        int i = 0;
        for (int bound = DOUBLES.loopBound(n); i < bound; i += DOUBLES.length()) {
            sigmoid(DoubleVector.fromArray(DOUBLES, z, i)).intoArray(a, i);
        }
        if (i < n) {
            double[] tail = SCRATCH.get().doubles;
            System.arraycopy(z, i, tail, 0, n - i);
            sigmoid(DoubleVector.fromArray(DOUBLES, tail, 0)).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    private static DoubleVector sigmoid(DoubleVector z) {
        return DoubleVector.broadcast(DOUBLES, 1.0).div(z.neg().lanewise(VectorOperators.EXP).add(1.0));
    }

    /** a[i] = tanh(z[i]) for i in [0, n). */
    static void tanh(float[] z, float[] a, int n) {
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += FLOATS.length()) {
            tanh(FloatVector.fromArray(FLOATS, z, i)).intoArray(a, i);
        }
        if (i < n) {
            float[] tail = SCRATCH.get().floats;
            System.arraycopy(z, i, tail, 0, n - i);
            tanh(FloatVector.fromArray(FLOATS, tail, 0)).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    private static FloatVector tanh(FloatVector z) {
        return z.lanewise(VectorOperators.TANH);
    }

    /** a[i] = tanh(z[i]) for i in [0, n). */
    static void tanh(double[] z, double[] a, int n) {
        int i = 0;
        for (int bound = DOUBLES.loopBound(n); i < bound; i += DOUBLES.length()) {
            tanh(DoubleVector.fromArray(DOUBLES, z, i)).intoArray(a, i);
        }
        if (i < n) {
            double[] tail = SCRATCH.get().doubles;
            System.arraycopy(z, i, tail, 0, n - i);
            tanh(DoubleVector.fromArray(DOUBLES, tail, 0)).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    private static DoubleVector tanh(DoubleVector z) {
        return z.lanewise(VectorOperators.TANH);
    }

    /** a[i] = z[i] < 0 ? slope·z[i] : z[i] for i in [0, n). */
    static void leakyRelu(float[] z, float[] a, int n, float slope) {
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += FLOATS.length()) {
            leakyRelu(FloatVector.fromArray(FLOATS, z, i), slope).intoArray(a, i);
        }
        if (i < n) {
            float[] tail = SCRATCH.get().floats;
            System.arraycopy(z, i, tail, 0, n - i);
            leakyRelu(FloatVector.fromArray(FLOATS, tail, 0), slope).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    private static FloatVector leakyRelu(FloatVector z, float slope) {
        return z.blend(z.mul(slope), z.compare(VectorOperators.LT, 0f));
    }

    /** a[i] = z[i] < 0 ? slope·z[i] : z[i] for i in [0, n). */
    static void leakyRelu(double[] z, double[] a, int n, double slope) {
        int i = 0;
        for (int bound = DOUBLES.loopBound(n); i < bound; i += DOUBLES.length()) {
            leakyRelu(DoubleVector.fromArray(DOUBLES, z, i), slope).intoArray(a, i);
        }
        if (i < n) {
            double[] tail = SCRATCH.get().doubles;
            System.arraycopy(z, i, tail, 0, n - i);
            leakyRelu(DoubleVector.fromArray(DOUBLES, tail, 0), slope).intoArray(tail, 0);
            System.arraycopy(tail, 0, a, i, n - i);
        }
    }

    private static DoubleVector leakyRelu(DoubleVector z, double slope) {
        return z.blend(z.mul(slope), z.compare(VectorOperators.LT, 0.0));
    }

    /** delta[i] ·= signum(a[i]) for i in [0, n), a = max(z, 0): 0 where a is 0, NaN where a is NaN. */
    static void reluBackward(float[] a, float[] delta, int n) {
        int i = 0;
        int lanes = FLOATS.length();
        for (int bound = FLOATS.loopBound(n); i < bound; i += lanes) {
            reluBackward(FloatVector.fromArray(FLOATS, a, i), FloatVector.fromArray(FLOATS, delta, i)).intoArray(delta, i);
        }
        if (i < n) {
            float[] tail = SCRATCH.get().floats;
            System.arraycopy(a, i, tail, 0, n - i);
            System.arraycopy(delta, i, tail, lanes, n - i);
            reluBackward(FloatVector.fromArray(FLOATS, tail, 0), FloatVector.fromArray(FLOATS, tail, lanes)).intoArray(tail, 0);
            System.arraycopy(tail, 0, delta, i, n - i);
        }
    }

    private static FloatVector reluBackward(FloatVector a, FloatVector delta) {
        return delta.mul(FloatVector.broadcast(FLOATS, 1f).blend(0f, a.compare(VectorOperators.EQ, 0f)).blend(Float.NaN, a.test(VectorOperators.IS_NAN)));
    }

    /** delta[i] ·= signum(a[i]) for i in [0, n), a = max(z, 0): 0 where a is 0, NaN where a is NaN. */
    static void reluBackward(double[] a, double[] delta, int n) {
        int i = 0;
        int lanes = DOUBLES.length();
        for (int bound = DOUBLES.loopBound(n); i < bound; i += lanes) {
            reluBackward(DoubleVector.fromArray(DOUBLES, a, i), DoubleVector.fromArray(DOUBLES, delta, i)).intoArray(delta, i);
        }
        if (i < n) {
            double[] tail = SCRATCH.get().doubles;
            System.arraycopy(a, i, tail, 0, n - i);
            System.arraycopy(delta, i, tail, lanes, n - i);
            reluBackward(DoubleVector.fromArray(DOUBLES, tail, 0), DoubleVector.fromArray(DOUBLES, tail, lanes)).intoArray(tail, 0);
            System.arraycopy(tail, 0, delta, i, n - i);
        }
    }

    private static DoubleVector reluBackward(DoubleVector a, DoubleVector delta) {
        return delta.mul(DoubleVector.broadcast(DOUBLES, 1.0).blend(0.0, a.compare(VectorOperators.EQ, 0.0)).blend(Double.NaN, a.test(VectorOperators.IS_NAN)));
    }

    /** delta[i] = a[i] < 0 ? slope·delta[i] : delta[i] for i in [0, n). */
    static void leakyReluBackward(float[] a, float[] delta, int n, float slope) {
        int i = 0;
        int lanes = FLOATS.length();
        for (int bound = FLOATS.loopBound(n); i < bound; i += lanes) {
            leakyReluBackward(FloatVector.fromArray(FLOATS, a, i), FloatVector.fromArray(FLOATS, delta, i), slope).intoArray(delta, i);
        }
        if (i < n) {
            float[] tail = SCRATCH.get().floats;
            System.arraycopy(a, i, tail, 0, n - i);
            System.arraycopy(delta, i, tail, lanes, n - i);
            leakyReluBackward(FloatVector.fromArray(FLOATS, tail, 0), FloatVector.fromArray(FLOATS, tail, lanes), slope).intoArray(tail, 0);
            System.arraycopy(tail, 0, delta, i, n - i);
        }
    }

    private static FloatVector leakyReluBackward(FloatVector a, FloatVector delta, float slope) {
        return delta.blend(delta.mul(slope), a.compare(VectorOperators.LT, 0f));
    }

    /** delta[i] = a[i] < 0 ? slope·delta[i] : delta[i] for i in [0, n). */
    static void leakyReluBackward(double[] a, double[] delta, int n, double slope) {
        int i = 0;
        int lanes = DOUBLES.length();
        for (int bound = DOUBLES.loopBound(n); i < bound; i += lanes) {
            leakyReluBackward(DoubleVector.fromArray(DOUBLES, a, i), DoubleVector.fromArray(DOUBLES, delta, i), slope).intoArray(delta, i);
        }
        if (i < n) {
            double[] tail = SCRATCH.get().doubles;
            System.arraycopy(a, i, tail, 0, n - i);
            System.arraycopy(delta, i, tail, lanes, n - i);
            leakyReluBackward(DoubleVector.fromArray(DOUBLES, tail, 0), DoubleVector.fromArray(DOUBLES, tail, lanes), slope).intoArray(tail, 0);
            System.arraycopy(tail, 0, delta, i, n - i);
        }
    }

    private static DoubleVector leakyReluBackward(DoubleVector a, DoubleVector delta, double slope) {
        return delta.blend(delta.mul(slope), a.compare(VectorOperators.LT, 0.0));
    }
}
