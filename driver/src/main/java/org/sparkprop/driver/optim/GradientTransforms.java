package org.sparkprop.driver.optim;

import java.util.concurrent.atomic.AtomicBoolean;
import org.sparkprop.driver.Chunks;
import org.sparkprop.kernels.ArrayMath;
import org.sparkprop.kernels.Topology;

/**
 * What the driver does to the averaged mini-batch gradient before the optimizer step: regularisation terms and
 * clipping, on flat arrays laid out as {@link Topology} describes (each dense layer's weights, then its biases).
 *
 * <p>Regularisation acts on weights only, never on biases, and is written as a penalty on the loss:
 * l1·Σ|w| + (l2/2)·Σw², whose gradient is l1·sign(w) + l2·w. The 1/2 makes l2 the coefficient of the
 * gradient term, as in PyTorch's {@code weight_decay} for SGD.
 */
public final class GradientTransforms {

    private GradientTransforms() {
    }

    /**
     * gradient += l2·w on every weight; biases unchanged.
     *
     * @param gradient length {@code topology.parameterCount()}. Modified.
     * @param weights  same length. Not modified.
     * @param l2       λ ≥ 0, finite
     */
    public static void addL2(double[] gradient, double[] weights, double l2, Topology topology) {
        checkLayout(gradient, weights, topology);
        checkCoefficient("l2", l2);
        averageAndPenalize(gradient, weights, 0, l2, 0, topology, 0, gradient.length, null, 0);
    }

    /**
     * gradient += l1·sign(w) on every weight, with sign(0) = 0; biases unchanged.
     *
     * @param gradient length {@code topology.parameterCount()}. Modified.
     * @param weights  same length. Not modified.
     * @param l1       λ ≥ 0, finite
     */
    public static void addL1(double[] gradient, double[] weights, double l1, Topology topology) {
        checkLayout(gradient, weights, topology);
        checkCoefficient("l1", l1);
        averageAndPenalize(gradient, weights, 0, 0, l1, topology, 0, gradient.length, null, 0);
    }

    /**
     * The regularisation term added to the reported loss: l1·Σ|w| + (l2/2)·Σw² over the weights, biases left out.
     *
     * @param weights length {@code topology.parameterCount()}. Not modified.
     */
    public static double penalty(double[] weights, double l1, double l2, Topology topology) {
        if (weights.length != topology.parameterCount()) {
            throw new IllegalArgumentException("weights has length " + weights.length + ", expected parameterCount "
                    + topology.parameterCount() + " of " + topology);
        }
        checkCoefficient("l1", l1);
        checkCoefficient("l2", l2);
        double sumAbs = 0;
        double sumSquares = 0;
        for (int l = 0; l < topology.layers(); l++) {
            for (int i = topology.weightOffset(l), end = topology.biasOffset(l); i < end; i++) {
                sumAbs += Math.abs(weights[i]);
                sumSquares += weights[i] * weights[i];
            }
        }
        return l1 * sumAbs + l2 / 2 * sumSquares;
    }

    /**
     * Scales {@code gradient} by maxNorm/‖g‖₂ when ‖g‖₂ &gt; maxNorm (Pascanu, Mikolov and Bengio 2013, "On the
     * difficulty of training recurrent neural networks"). A gradient whose norm is not finite is left as it is,
     * for the caller to reject with {@link #allFinite}.
     *
     * @param gradient Modified.
     * @param maxNorm  finite and &gt; 0
     * @return ‖g‖₂ before clipping
     */
    public static double clipByGlobalNorm(double[] gradient, double maxNorm) {
        if (!(maxNorm > 0 && Double.isFinite(maxNorm))) {
            throw new IllegalArgumentException("maxNorm must be finite and > 0, got " + maxNorm);
        }
        double norm = l2Norm(gradient);
        double scale = clipScale(norm, maxNorm);
        if (scale != 1) {
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] *= scale;
            }
        }
        return norm;
    }

    /** The factor that clipping by global norm multiplies a gradient of norm {@code norm} by: maxNorm/norm above the limit, else 1. */
    public static double clipScale(double norm, double maxNorm) {
        return norm > maxNorm && Double.isFinite(norm) ? maxNorm / norm : 1;
    }

    /**
     * Clamps every element of {@code gradient} into [−maxAbs, maxAbs]; NaN stays NaN.
     *
     * @param gradient Modified.
     * @param maxAbs   finite and &gt; 0
     */
    public static void clipByValue(double[] gradient, double maxAbs) {
        if (!(maxAbs > 0 && Double.isFinite(maxAbs))) {
            throw new IllegalArgumentException("maxAbs must be finite and > 0, got " + maxAbs);
        }
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] = clamp(gradient[i], maxAbs);
        }
    }

    /** g clamped into [−maxAbs, maxAbs]; NaN stays NaN. */
    public static double clamp(double g, double maxAbs) {
        return Math.max(-maxAbs, Math.min(maxAbs, g));
    }

    /**
     * ‖a‖₂, without overflow where the sum of squares would exceed the double range but the norm does not. The sum
     * of squares is {@link ArrayMath#LANES} partial sums per chunk of {@link Chunks} (in parallel,
     * {@link ArrayMath#addSquares}), added in chunk and lane order, so the result does not depend on the number of
     * threads or on whether the Vector API runs.
     *
     * @param a Not modified.
     */
    public static double l2Norm(double[] a) {
        double[] lanes = new double[Chunks.chunkCount(a.length) * ArrayMath.LANES];
        Chunks.forEachChunk(a.length, (chunk, from, to) -> ArrayMath.addSquares(a, from, to, lanes, chunk * ArrayMath.LANES));
        return l2Norm(a, lanes);
    }

    /**
     * ‖a‖₂ from the lanes of a's chunks' sums of squares ({@link ArrayMath#addSquares}, {@link ArrayMath#LANES} a
     * chunk; Not modified), added in chunk and lane order; where that sum overflows but every element is finite,
     * from a's elements scaled by the largest.
     */
    public static double l2Norm(double[] a, double[] chunkLanes) {
        double sumSquares = 0;
        for (int at = 0; at < chunkLanes.length; at += ArrayMath.LANES) {
            sumSquares = ArrayMath.sumLanes(chunkLanes, at, sumSquares);
        }
        if (sumSquares != Double.POSITIVE_INFINITY || !allFinite(a)) {
            return Math.sqrt(sumSquares);
        }
        double maxAbs = 0;
        for (double x : a) {
            maxAbs = Math.max(maxAbs, Math.abs(x));
        }
        double scaledSquares = 0;
        for (double x : a) {
            double scaled = x / maxAbs;
            scaledSquares += scaled * scaled;
        }
        return maxAbs * Math.sqrt(scaledSquares);
    }

    /**
     * The driver's first pass over a step's gradient, on [from, to) only: g ← g / Σw where {@code weightSum} &gt; 0,
     * then + l2·w and + l1·sign(w) on weights (each only where its coefficient is above 0), element by element as
     * dividing and then {@link #addL2} and {@link #addL1} would; then, where {@code lanes} is not null, adds the squares
     * of the results to its {@link ArrayMath#LANES} lanes from {@code lanesAt} ({@link ArrayMath#addSquares}).
     *
     * @param gradient Modified on [from, to)
     * @param weights  Not modified
     * @param lanes    null, or Modified
     */
    public static void averageAndPenalize(double[] gradient, double[] weights, double weightSum, double l2, double l1,
                                          Topology topology, int from, int to, double[] lanes, int lanesAt) {
        if (weightSum > 0) {
            for (int i = from; i < to; i++) {
                gradient[i] /= weightSum;
            }
        }
        if (l2 > 0 || l1 > 0) {
            for (int l = 0; l < topology.layers(); l++) {
                int lo = Math.max(from, topology.weightOffset(l));
                int hi = Math.min(to, topology.biasOffset(l));
                for (int i = lo; i < hi; i++) {
                    if (l2 > 0) {
                        gradient[i] += l2 * weights[i];
                    }
                    if (l1 > 0) {
                        gradient[i] += l1 * Math.signum(weights[i]);
                    }
                }
            }
        }
        if (lanes != null) {
            ArrayMath.addSquares(gradient, from, to, lanes, lanesAt);
        }
    }

    /** True if no element is NaN or infinite ({@link Chunks}: in parallel for large arrays). {@code a}: Not modified. */
    public static boolean allFinite(double[] a) {
        AtomicBoolean finite = new AtomicBoolean(true);
        Chunks.forEach(a.length, (from, to) -> {
            for (int i = from; i < to; i++) {
                if (!Double.isFinite(a[i])) {
                    finite.set(false);
                    return;
                }
            }
        });
        return finite.get();
    }

    private static void checkLayout(double[] gradient, double[] weights, Topology topology) {
        int expected = topology.parameterCount();
        if (gradient.length != expected || weights.length != expected) {
            throw new IllegalArgumentException("gradient (" + gradient.length + ") and weights (" + weights.length
                    + ") must both have length parameterCount " + expected + " of " + topology);
        }
    }

    private static void checkCoefficient(String name, double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
    }
}
