package org.sparkprop.kernels;

import static org.sparkprop.kernels.ElementMath.D_BITS_TO_EXPONENT;
import static org.sparkprop.kernels.ElementMath.D_BITS_TO_SCALED_EXPONENT;
import static org.sparkprop.kernels.ElementMath.D_C10;
import static org.sparkprop.kernels.ElementMath.D_C11;
import static org.sparkprop.kernels.ElementMath.D_C3;
import static org.sparkprop.kernels.ElementMath.D_C4;
import static org.sparkprop.kernels.ElementMath.D_C5;
import static org.sparkprop.kernels.ElementMath.D_C6;
import static org.sparkprop.kernels.ElementMath.D_C7;
import static org.sparkprop.kernels.ElementMath.D_C8;
import static org.sparkprop.kernels.ElementMath.D_C9;
import static org.sparkprop.kernels.ElementMath.D_LN2_HI;
import static org.sparkprop.kernels.ElementMath.D_LN2_LO;
import static org.sparkprop.kernels.ElementMath.D_LOG2E;
import static org.sparkprop.kernels.ElementMath.D_ROUND;
import static org.sparkprop.kernels.ElementMath.D_SIGMOID_CAP;
import static org.sparkprop.kernels.ElementMath.D_TANH_CAP;
import static org.sparkprop.kernels.ElementMath.D_UNSCALE;
import static org.sparkprop.kernels.ElementMath.F_BITS_TO_EXPONENT;
import static org.sparkprop.kernels.ElementMath.F_BITS_TO_SCALED_EXPONENT;
import static org.sparkprop.kernels.ElementMath.F_C3;
import static org.sparkprop.kernels.ElementMath.F_C4;
import static org.sparkprop.kernels.ElementMath.F_C5;
import static org.sparkprop.kernels.ElementMath.F_C6;
import static org.sparkprop.kernels.ElementMath.F_LN2_HI;
import static org.sparkprop.kernels.ElementMath.F_LN2_LO;
import static org.sparkprop.kernels.ElementMath.F_LOG2E;
import static org.sparkprop.kernels.ElementMath.F_ROUND;
import static org.sparkprop.kernels.ElementMath.F_SIGMOID_CAP;
import static org.sparkprop.kernels.ElementMath.F_TANH_CAP;
import static org.sparkprop.kernels.ElementMath.F_UNSCALE;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activations over arrays with the Vector API; loaded only where {@link ElementMath#VECTOR} says it runs. Sigmoid
 * and tanh repeat in each lane the operations of {@link ElementMath}'s scalar functions, in their order, and give
 * their bits whether the JIT has compiled this code or not (ElementMath says how and why); the ReLU family, whose
 * scalar selects the JIT does not vectorize, gives exactly the scalar loops' results, NaN included.
 *
 * <p>Every element goes through the same vector instructions: the last partial vector of an array is copied into a
 * per-thread scratch vector, computed there and copied back (masked loads and stores allocate on JDK 17), so an
 * element's value depends on its input alone, not on where the array or a chunk of rows ends, and nothing is
 * allocated once the JIT has compiled these methods. {@code z} and {@code a} may be the same array. The lane
 * arithmetic is written out in each loop rather than in a helper taking and returning vectors: a helper the JIT
 * declines to inline would box every vector. Sigmoid and tanh take the partial vector through the loop's own body,
 * from the scratch array, so their long arithmetic is written once: a helper taking arrays, called from the loop
 * and for the partial vector, boxes nothing, but C2 would compile it on its own first and then find it too big to
 * inline into the loop ("already compiled into a medium method"), which cost a third of the speed in some runs.
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

    /** a[i] = 1 / (1 + e^−z[i]) for i in [0, n): {@link ElementMath#sigmoid(float)} in each lane. */
    static void sigmoid(float[] z, float[] a, int n) {
        for (int i = 0; i < n; i += FLOATS.length()) {
            float[] in = z;
            float[] out = a;
            int at = i;
            if (n - i < FLOATS.length()) {
                in = out = SCRATCH.get().floats;
                at = 0;
                System.arraycopy(z, i, in, 0, n - i);
            }
            FloatVector x = FloatVector.fromArray(FLOATS, in, at);
            FloatVector y = x.abs().neg();
            y = y.blend(-F_SIGMOID_CAP, y.compare(VectorOperators.LT, -F_SIGMOID_CAP));
            FloatVector shifted = y.mul(F_LOG2E).add(F_ROUND);
            FloatVector k = shifted.sub(F_ROUND);
            FloatVector r = y.sub(k.mul(F_LN2_HI)).sub(k.mul(F_LN2_LO));
            FloatVector expm1R = r.mul(F_C6).add(F_C5).mul(r).add(F_C4).mul(r).add(F_C3).mul(r).add(0.5f).mul(r.mul(r)).add(r);
            FloatVector scaled = ((IntVector) shifted.reinterpretAsInts()).add(F_BITS_TO_SCALED_EXPONENT).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
            FloatVector t = expm1R.add(1f).mul(scaled).mul(F_UNSCALE);
            FloatVector.broadcast(FLOATS, 1f).blend(t, x.compare(VectorOperators.LT, 0f)).div(t.add(1f))
                    .blend(x, x.compare(VectorOperators.NE, x)).intoArray(out, at);
            if (out != a) {
                System.arraycopy(out, 0, a, i, n - i);
            }
        }
    }

    /** a[i] = 1 / (1 + e^−z[i]) for i in [0, n): {@link ElementMath#sigmoid(double)} in each lane. */
    static void sigmoid(double[] z, double[] a, int n) {
        for (int i = 0; i < n; i += DOUBLES.length()) {
            double[] in = z;
            double[] out = a;
            int at = i;
            if (n - i < DOUBLES.length()) {
                in = out = SCRATCH.get().doubles;
                at = 0;
                System.arraycopy(z, i, in, 0, n - i);
            }
            DoubleVector x = DoubleVector.fromArray(DOUBLES, in, at);
            DoubleVector y = x.abs().neg();
            y = y.blend(-D_SIGMOID_CAP, y.compare(VectorOperators.LT, -D_SIGMOID_CAP));
            DoubleVector shifted = y.mul(D_LOG2E).add(D_ROUND);
            DoubleVector k = shifted.sub(D_ROUND);
            DoubleVector r = y.sub(k.mul(D_LN2_HI)).sub(k.mul(D_LN2_LO));
            DoubleVector expm1R = r.mul(D_C11).add(D_C10).mul(r).add(D_C9).mul(r).add(D_C8).mul(r).add(D_C7).mul(r).add(D_C6).mul(r).add(D_C5)
                    .mul(r).add(D_C4).mul(r).add(D_C3).mul(r).add(0.5).mul(r.mul(r)).add(r);
            DoubleVector scaled = ((LongVector) shifted.reinterpretAsLongs()).add(D_BITS_TO_SCALED_EXPONENT).lanewise(VectorOperators.LSHL, 52)
                    .reinterpretAsDoubles();
            DoubleVector t = expm1R.add(1.0).mul(scaled).mul(D_UNSCALE);
            DoubleVector.broadcast(DOUBLES, 1.0).blend(t, x.compare(VectorOperators.LT, 0.0)).div(t.add(1.0))
                    .blend(x, x.compare(VectorOperators.NE, x)).intoArray(out, at);
            if (out != a) {
                System.arraycopy(out, 0, a, i, n - i);
            }
        }
    }

    /** a[i] = tanh(z[i]) for i in [0, n): {@link ElementMath#tanh(float)} in each lane. */
    static void tanh(float[] z, float[] a, int n) {
        for (int i = 0; i < n; i += FLOATS.length()) {
            float[] in = z;
            float[] out = a;
            int at = i;
            if (n - i < FLOATS.length()) {
                in = out = SCRATCH.get().floats;
                at = 0;
                System.arraycopy(z, i, in, 0, n - i);
            }
            FloatVector x = FloatVector.fromArray(FLOATS, in, at);
            FloatVector ax = x.abs();
            ax = ax.blend(F_TANH_CAP, ax.compare(VectorOperators.GT, F_TANH_CAP));
            FloatVector y = ax.mul(-2f);
            FloatVector shifted = y.mul(F_LOG2E).add(F_ROUND);
            FloatVector k = shifted.sub(F_ROUND);
            FloatVector r = y.sub(k.mul(F_LN2_HI)).sub(k.mul(F_LN2_LO));
            FloatVector expm1R = r.mul(F_C6).add(F_C5).mul(r).add(F_C4).mul(r).add(F_C3).mul(r).add(0.5f).mul(r.mul(r)).add(r);
            FloatVector scale = ((IntVector) shifted.reinterpretAsInts()).add(F_BITS_TO_EXPONENT).lanewise(VectorOperators.LSHL, 23)
                    .reinterpretAsFloats();
            FloatVector u = scale.mul(expm1R).add(scale.sub(1f));
            IntVector magnitude = ((IntVector) u.neg().div(u.add(2f)).reinterpretAsInts()).and(Integer.MAX_VALUE);
            IntVector sign = ((IntVector) x.reinterpretAsInts()).and(Integer.MIN_VALUE);
            magnitude.or(sign).reinterpretAsFloats().blend(x, x.compare(VectorOperators.NE, x)).intoArray(out, at);
            if (out != a) {
                System.arraycopy(out, 0, a, i, n - i);
            }
        }
    }

    /** a[i] = tanh(z[i]) for i in [0, n): {@link ElementMath#tanh(double)} in each lane. */
    static void tanh(double[] z, double[] a, int n) {
        for (int i = 0; i < n; i += DOUBLES.length()) {
            double[] in = z;
            double[] out = a;
            int at = i;
            if (n - i < DOUBLES.length()) {
                in = out = SCRATCH.get().doubles;
                at = 0;
                System.arraycopy(z, i, in, 0, n - i);
            }
            DoubleVector x = DoubleVector.fromArray(DOUBLES, in, at);
            DoubleVector ax = x.abs();
            ax = ax.blend(D_TANH_CAP, ax.compare(VectorOperators.GT, D_TANH_CAP));
            DoubleVector y = ax.mul(-2.0);
            DoubleVector shifted = y.mul(D_LOG2E).add(D_ROUND);
            DoubleVector k = shifted.sub(D_ROUND);
            DoubleVector r = y.sub(k.mul(D_LN2_HI)).sub(k.mul(D_LN2_LO));
            DoubleVector expm1R = r.mul(D_C11).add(D_C10).mul(r).add(D_C9).mul(r).add(D_C8).mul(r).add(D_C7).mul(r).add(D_C6).mul(r).add(D_C5)
                    .mul(r).add(D_C4).mul(r).add(D_C3).mul(r).add(0.5).mul(r.mul(r)).add(r);
            DoubleVector scale = ((LongVector) shifted.reinterpretAsLongs()).add(D_BITS_TO_EXPONENT).lanewise(VectorOperators.LSHL, 52)
                    .reinterpretAsDoubles();
            DoubleVector u = scale.mul(expm1R).add(scale.sub(1.0));
            LongVector magnitude = ((LongVector) u.neg().div(u.add(2.0)).reinterpretAsLongs()).and(Long.MAX_VALUE);
            LongVector sign = ((LongVector) x.reinterpretAsLongs()).and(Long.MIN_VALUE);
            magnitude.or(sign).reinterpretAsDoubles().blend(x, x.compare(VectorOperators.NE, x)).intoArray(out, at);
            if (out != a) {
                System.arraycopy(out, 0, a, i, n - i);
            }
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
