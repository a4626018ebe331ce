package org.sparkprop.kernels;

import java.util.Locale;
import java.util.Set;

/**
 * How the sigmoid and tanh activations compute their exponentials, chosen once per JVM when this class loads, and
 * the arithmetic both ways share.
 *
 * <p>A scalar loop over {@link Math#exp} costs about 7 ns an element on the project's machine: in a 784-128-10
 * sigmoid network that is a fifth of a forward and backward pass, and a tanh through exponentials twice that. The
 * Vector API ({@code jdk.incubator.vector}) computes 16 float or 8 double lanes per instruction, at under half a
 * nanosecond an element. So the Vector API is used where:
 * <ul>
 *   <li>the JVM has the module ({@code --add-modules=jdk.incubator.vector}, which Spark's launch scripts, our
 *       {@code sparkprop} script and the build's tests pass);</li>
 *   <li>it runs on x86-64, the one architecture whose vector code we have measured (elsewhere the Vector API may
 *       run lane by lane, slower than the scalar loops);</li>
 *   <li>the system property {@value #CHOICE_PROPERTY} is not {@code false};</li>
 *   <li>and the activation has computed enough elements on the scalar loops to have paid for the Vector API's
 *       warm-up ({@link VectorGate}), or the property is {@code eager}.</li>
 * </ul>
 * Otherwise the scalar loops run. The choice depends only on the JVM, its flags and the elements computed, never on
 * timing; {@link #description()} names it for the run's log. The bits are the same either way (below).
 *
 * <h2>Same bits, compiled or not</h2>
 * Sigmoid and tanh are computed here from additions, multiplications, one division, comparisons and bit
 * manipulation only, each correctly rounded by IEEE 754, never from the Vector API's {@code EXP} or {@code TANH}: those
 * run the JDK's SVML routines once C2 has compiled a loop and {@code Math}-like code per lane before, and the two
 * differ in the last bits, so the same seed gave different weights depending on how warm the JIT was. No fused
 * multiply-add either: without FMA hardware {@link Math#fma} runs in software, hundreds of times slower. The scalar
 * functions here ({@link #sigmoid(float)}, {@link #tanh(float)} and their double twins) do the very operations
 * {@link VectorMath} does per lane, in the same order, so the scalar loops ({@link #sigmoid(float[], float[], int)}
 * and the rest) give the Vector API's bits, and the choice above decides speed only (VectorMathTest compares both
 * ways in an interpreted, a C1-compiled and a C2-compiled JVM).
 *
 * <p>The exponential is Cody and Waite's (Cody &amp; Waite, <i>Software Manual for the Elementary Functions</i>,
 * 1980): e^y = 2^k · e^r with k = round(y / ln 2) and r = y − k·ln 2, ln 2 split in two so that k·{@code LN2_HI}
 * is exact; e^r − 1 on |r| ≤ ln 2 / 2 is r + r²/2 + r³·(c3 + c4·r + …), the c's a minimax fit of the relative error
 * by the Remez exchange (float to r⁶, 2^−26; double to r¹¹, 2^−55). Then, with y ≤ 0 always so nothing overflows:
 * <ul>
 *   <li>sigmoid(z) = 1 / (1 + t) for z ≥ 0 and t / (1 + t) for z &lt; 0, t = e^−|z|: t's scale 2^k is built as
 *       2^(k+64) · 2^−64, so results below the normal range round once, gradually, to subnormals and to 0;</li>
 *   <li>tanh(x) = −u / (2 + u) with the sign of x, u = e^−2|x| − 1 = 2^k·(e^r − 1) + (2^k − 1), which does not
 *       cancel near 0 (u there is the polynomial itself) as 1 − e^−2|x| would; |x| is capped where tanh rounds to 1
 *       ({@link #F_TANH_CAP}, {@link #D_TANH_CAP}).</li>
 * </ul>
 * NaN gives the input NaN back, ±∞ give 0 or 1 (sigmoid) and ±1 (tanh), tanh(±0) = ±0. Over four million inputs both
 * stayed within 2 units in the last place of {@link Math} in float and 3 in double (VectorMathTest allows 4 and 8).
 */
public final class ElementMath {
    /** System property: false keeps the scalar loops even where the Vector API could run. */
    public static final String CHOICE_PROPERTY = "sparkprop.vectorMath";
    private static final String MODULE = "jdk.incubator.vector";

    /** True: the activations may go through {@link VectorMath}, each once its {@link VectorGate} opens. */
    static final boolean VECTOR;
    /** True: the gates are open from the first call ({@code -Dsparkprop.vectorMath=eager}). */
    static final boolean EAGER;
    static final VectorGate SIGMOID_FLOAT;
    static final VectorGate SIGMOID_DOUBLE;
    static final VectorGate TANH_FLOAT;
    static final VectorGate TANH_DOUBLE;
    private static final String DESCRIPTION;

    // The exponential's constants, float then double; VectorMath uses these same ones.
    /** log2(e), to find k = round(y / ln 2). */
    static final float F_LOG2E = 0x1.715476p0f;
    /** 1.5·2^23: added to y / ln 2 it rounds it to an integer, k, held in the sum's low bits. */
    static final float F_ROUND = 0x1.8p23f;
    /** ln 2 in two parts, the first 0.693359375 (9 bits), so k·{@code F_LN2_HI} is exact for |k| &lt; 2^15. */
    static final float F_LN2_HI = 0x1.63p-1f;
    static final float F_LN2_LO = -0x1.bd0106p-13f;
    /** e^r − 1 ≈ r + r²/2 + r³·(c3 + c4·r + c5·r² + c6·r³) on |r| ≤ 0.3473, relative error 2^−26. */
    static final float F_C3 = 0x1.5554b6p-3f;
    static final float F_C4 = 0x1.5555bap-5f;
    static final float F_C5 = 0x1.122478p-7f;
    static final float F_C6 = 0x1.6c55ap-10f;
    /** The float bits of (y / ln 2 + {@link #F_ROUND}) plus this are the biased exponent of 2^k. */
    static final int F_BITS_TO_EXPONENT = 127 - Float.floatToRawIntBits(F_ROUND);
    /** The same for 2^(k+64), for {@link #sigmoid(float)}'s e^−|z| down to the subnormals. */
    static final int F_BITS_TO_SCALED_EXPONENT = F_BITS_TO_EXPONENT + 64;
    static final float F_UNSCALE = 0x1p-64f;
    /** e^−104 is under half the least float, so sigmoid(−104) and below round to 0. */
    static final float F_SIGMOID_CAP = 104f;
    /** tanh(10) rounds to 1 in float, and so does everything above. */
    static final float F_TANH_CAP = 10f;

    static final double D_LOG2E = 0x1.71547652b82fep0;
    static final double D_ROUND = 0x1.8p52;
    /** fdlibm's split of ln 2: the first part has 32 trailing zero bits, so k·{@code D_LN2_HI} is exact. */
    static final double D_LN2_HI = 0x1.62e42feep-1;
    static final double D_LN2_LO = 0x1.a39ef35793c76p-33;
    /** e^r − 1 ≈ r + r²/2 + r³·(c3 + c4·r + … + c11·r⁸) on |r| ≤ 0.3473, relative error 2^−55. */
    static final double D_C3 = 0x1.555555555553ep-3;
    static final double D_C4 = 0x1.5555555553aa9p-5;
    static final double D_C5 = 0x1.1111111118ef3p-7;
    static final double D_C6 = 0x1.6c16c17a26913p-10;
    static final double D_C7 = 0x1.a01a0171253c8p-13;
    static final double D_C8 = 0x1.a019b30808936p-16;
    static final double D_C9 = 0x1.71de982a6bf57p-19;
    static final double D_C10 = 0x1.28980fe14d3e1p-22;
    static final double D_C11 = 0x1.ae48e98bb3dcdp-26;
    static final long D_BITS_TO_EXPONENT = 1023 - Double.doubleToRawLongBits(D_ROUND);
    static final long D_BITS_TO_SCALED_EXPONENT = D_BITS_TO_EXPONENT + 64;
    static final double D_UNSCALE = 0x1p-64;
    /** e^−746 is under half the least double. */
    static final double D_SIGMOID_CAP = 746;
    /** tanh(20) rounds to 1 in double. */
    static final double D_TANH_CAP = 20;

    static {
        String choice = System.getProperty(CHOICE_PROPERTY, "true").trim().toLowerCase(Locale.ROOT);
        if (!Set.of("true", "false", "eager").contains(choice)) {
            throw new IllegalArgumentException("-D" + CHOICE_PROPERTY + " must be true, false or eager, got '" + choice + "'");
        }
        String why = whyNotVector(choice);
        VECTOR = why == null;
        EAGER = VECTOR && choice.equals("eager");
        if (!VECTOR) {
            DESCRIPTION = "scalar Java, the same bits: " + why;
        } else {
            String api = "Vector API (" + MODULE + ", " + VectorMath.floatLanes() + " float lanes)";
            DESCRIPTION = EAGER ? api + " from the first call, chosen by -D" + CHOICE_PROPERTY + "=eager"
                    : "scalar Java, then the " + api + " once each activation has computed 2^"
                    + Long.numberOfTrailingZeros(VectorGate.EXPONENTIAL_ELEMENTS) + " elements (sigmoid, tanh) or 2^"
                    + Long.numberOfTrailingZeros(VectorGate.RELU_ELEMENTS) + " (ReLU's backward pass, leaky ReLU), the driver's sum of "
                    + "float gradients 2^" + Long.numberOfTrailingZeros(VectorGate.SUM_ELEMENTS);
        }
        SIGMOID_FLOAT = new VectorGate(VectorGate.EXPONENTIAL_ELEMENTS);
        SIGMOID_DOUBLE = new VectorGate(VectorGate.EXPONENTIAL_ELEMENTS);
        TANH_FLOAT = new VectorGate(VectorGate.EXPONENTIAL_ELEMENTS);
        TANH_DOUBLE = new VectorGate(VectorGate.EXPONENTIAL_ELEMENTS);
    }

    private ElementMath() {
    }

    /** The way sigmoid and tanh run in this JVM, and why, in one line for a run's log. */
    public static String description() {
        return DESCRIPTION;
    }

    /** a[i] = 1 / (1 + e^−z[i]) for i in [0, n); the same bits on the Vector API and off it. */
    static void sigmoid(float[] z, float[] a, int n) {
        if (SIGMOID_FLOAT.vector(n)) {
            VectorMath.sigmoid(z, a, n);
        } else {
            for (int i = 0; i < n; i++) {
                a[i] = sigmoid(z[i]);
            }
        }
    }

    /** a[i] = 1 / (1 + e^−z[i]) for i in [0, n); the same bits on the Vector API and off it. */
    static void sigmoid(double[] z, double[] a, int n) {
        if (SIGMOID_DOUBLE.vector(n)) {
            VectorMath.sigmoid(z, a, n);
        } else {
            for (int i = 0; i < n; i++) {
                a[i] = sigmoid(z[i]);
            }
        }
    }

    /** a[i] = tanh(z[i]) for i in [0, n); the same bits on the Vector API and off it. */
    static void tanh(float[] z, float[] a, int n) {
        if (TANH_FLOAT.vector(n)) {
            VectorMath.tanh(z, a, n);
        } else {
            for (int i = 0; i < n; i++) {
                a[i] = tanh(z[i]);
            }
        }
    }

    /** a[i] = tanh(z[i]) for i in [0, n); the same bits on the Vector API and off it. */
    static void tanh(double[] z, double[] a, int n) {
        if (TANH_DOUBLE.vector(n)) {
            VectorMath.tanh(z, a, n);
        } else {
            for (int i = 0; i < n; i++) {
                a[i] = tanh(z[i]);
            }
        }
    }

    /** 1 / (1 + e^−z), as each lane of {@link VectorMath#sigmoid(float[], float[], int)} computes it. */
    static float sigmoid(float z) {
        float y = -Math.abs(z);
        y = y < -F_SIGMOID_CAP ? -F_SIGMOID_CAP : y;
        float shifted = y * F_LOG2E + F_ROUND;
        float k = shifted - F_ROUND;
        float r = y - k * F_LN2_HI - k * F_LN2_LO;
        float expm1R = r + r * r * (0.5f + r * (F_C3 + r * (F_C4 + r * (F_C5 + r * F_C6))));
        float scaled = Float.intBitsToFloat((Float.floatToRawIntBits(shifted) + F_BITS_TO_SCALED_EXPONENT) << 23);
        float t = (1f + expm1R) * scaled * F_UNSCALE;
        float sigmoid = (z < 0f ? t : 1f) / (1f + t);
        return z != z ? z : sigmoid;
    }

    /** 1 / (1 + e^−z), as each lane of {@link VectorMath#sigmoid(double[], double[], int)} computes it. */
    static double sigmoid(double z) {
        double y = -Math.abs(z);
        y = y < -D_SIGMOID_CAP ? -D_SIGMOID_CAP : y;
        double shifted = y * D_LOG2E + D_ROUND;
        double k = shifted - D_ROUND;
        double r = y - k * D_LN2_HI - k * D_LN2_LO;
        double expm1R = r + r * r * (0.5 + r * (D_C3 + r * (D_C4 + r * (D_C5 + r * (D_C6 + r * (D_C7 + r * (D_C8 + r * (D_C9
                + r * (D_C10 + r * D_C11)))))))));
        double scaled = Double.longBitsToDouble((Double.doubleToRawLongBits(shifted) + D_BITS_TO_SCALED_EXPONENT) << 52);
        double t = (1.0 + expm1R) * scaled * D_UNSCALE;
        double sigmoid = (z < 0.0 ? t : 1.0) / (1.0 + t);
        return z != z ? z : sigmoid;
    }

    /** tanh(x), as each lane of {@link VectorMath#tanh(float[], float[], int)} computes it. */
    static float tanh(float x) {
        float ax = Math.abs(x);
        ax = ax > F_TANH_CAP ? F_TANH_CAP : ax;
        float y = -2f * ax;
        float shifted = y * F_LOG2E + F_ROUND;
        float k = shifted - F_ROUND;
        float r = y - k * F_LN2_HI - k * F_LN2_LO;
        float expm1R = r + r * r * (0.5f + r * (F_C3 + r * (F_C4 + r * (F_C5 + r * F_C6))));
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(shifted) + F_BITS_TO_EXPONENT) << 23);
        float u = scale * expm1R + (scale - 1f);
        float tanh = -u / (2f + u);
        return x != x ? x : Math.copySign(tanh, x);
    }

    /** tanh(x), as each lane of {@link VectorMath#tanh(double[], double[], int)} computes it. */
    static double tanh(double x) {
        double ax = Math.abs(x);
        ax = ax > D_TANH_CAP ? D_TANH_CAP : ax;
        double y = -2.0 * ax;
        double shifted = y * D_LOG2E + D_ROUND;
        double k = shifted - D_ROUND;
        double r = y - k * D_LN2_HI - k * D_LN2_LO;
        double expm1R = r + r * r * (0.5 + r * (D_C3 + r * (D_C4 + r * (D_C5 + r * (D_C6 + r * (D_C7 + r * (D_C8 + r * (D_C9
                + r * (D_C10 + r * D_C11)))))))));
        double scale = Double.longBitsToDouble((Double.doubleToRawLongBits(shifted) + D_BITS_TO_EXPONENT) << 52);
        double u = scale * expm1R + (scale - 1.0);
        double tanh = -u / (2.0 + u);
        return x != x ? x : Math.copySign(tanh, x);
    }

    /** Null where the Vector API should run, else the reason it does not. */
    private static String whyNotVector(String choice) {
        if (choice.equals("false")) {
            return "chosen by -D" + CHOICE_PROPERTY + "=false";
        }
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return MODULE + " is not in this JVM (java --add-modules=" + MODULE + " adds it)";
        }
        String arch = System.getProperty("os.arch");
        if (!Set.of("amd64", "x86_64").contains(arch)) {
            return "the Vector API is measured on x86-64 only, not on " + arch;
        }
        return null;
    }
}
