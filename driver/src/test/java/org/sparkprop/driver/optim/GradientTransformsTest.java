package org.sparkprop.driver.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Topology;

class GradientTransformsTest {

    private static final double TOLERANCE = 1e-12;
    /** 3 → 4 → 2: W0 (4×3) at 0, b0 (4) at 12, W1 (2×4) at 16, b1 (2) at 24; 26 parameters. */
    private static final Topology TOPOLOGY = Topology.of(new int[] {3, 4, 2}, Activation.TANH, Activation.IDENTITY, Loss.MSE);

    private static boolean isBias(int i) {
        return (i >= 12 && i < 16) || i >= 24;
    }

    private static double[] random(long seed) {
        Random r = new Random(seed);
        double[] a = new double[TOPOLOGY.parameterCount()];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        return a;
    }

    @Test
    void l2AddsLambdaTimesWeightToWeightsOnly() {
        assertEquals(26, TOPOLOGY.parameterCount());
        double[] weights = random(1);
        double[] before = random(2);
        double[] gradient = before.clone();
        double[] weightsCopy = weights.clone();
        GradientTransforms.addL2(gradient, weights, 0.3, TOPOLOGY);
        assertArrayEquals(weightsCopy, weights, 0, "weights are not modified");
        for (int i = 0; i < gradient.length; i++) {
            double expected = isBias(i) ? before[i] : before[i] + 0.3 * weights[i];
            assertEquals(expected, gradient[i], TOLERANCE, "index " + i);
        }
    }

    @Test
    void l1AddsLambdaTimesSignToWeightsOnly() {
        double[] weights = random(3);
        weights[0] = 0;
        weights[20] = 0;
        double[] before = random(4);
        double[] gradient = before.clone();
        GradientTransforms.addL1(gradient, weights, 0.25, TOPOLOGY);
        for (int i = 0; i < gradient.length; i++) {
            double sign = weights[i] > 0 ? 1 : weights[i] < 0 ? -1 : 0;
            double expected = isBias(i) ? before[i] : before[i] + 0.25 * sign;
            assertEquals(expected, gradient[i], TOLERANCE, "index " + i);
        }
        assertEquals(before[0], gradient[0], 0, "sign(0) = 0");
    }

    @Test
    void penaltyIsTheIntegralOfTheAddedGradient() {
        double[] weights = random(5);
        double l1 = 0.1;
        double l2 = 0.2;
        double sumAbs = 0;
        double sumSquares = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!isBias(i)) {
                sumAbs += Math.abs(weights[i]);
                sumSquares += weights[i] * weights[i];
            }
        }
        assertEquals(l1 * sumAbs + l2 / 2 * sumSquares, GradientTransforms.penalty(weights, l1, l2, TOPOLOGY), TOLERANCE);
        // Central differences of the penalty match the gradient that addL1 + addL2 add (no weight is near 0).
        double[] gradient = new double[weights.length];
        GradientTransforms.addL1(gradient, weights, l1, TOPOLOGY);
        GradientTransforms.addL2(gradient, weights, l2, TOPOLOGY);
        double h = 1e-6;
        for (int i = 0; i < weights.length; i++) {
            double[] plus = weights.clone();
            double[] minus = weights.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (GradientTransforms.penalty(plus, l1, l2, TOPOLOGY) - GradientTransforms.penalty(minus, l1, l2, TOPOLOGY)) / (2 * h);
            assertEquals(gradient[i], numeric, 1e-7, "index " + i);
        }
    }

    @Test
    void regularisationChecksItsArguments() {
        double[] ok = new double[26];
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> GradientTransforms.addL2(new double[25], ok, 0.1, TOPOLOGY));
        assertTrue(length.getMessage().contains("gradient (25)") && length.getMessage().contains("26"), length.getMessage());
        IllegalArgumentException l1 = assertThrows(IllegalArgumentException.class,
                () -> GradientTransforms.addL1(ok, ok, -0.5, TOPOLOGY));
        assertTrue(l1.getMessage().startsWith("l1 ") && l1.getMessage().contains("-0.5"), l1.getMessage());
        IllegalArgumentException l2 = assertThrows(IllegalArgumentException.class,
                () -> GradientTransforms.penalty(ok, 0, Double.NaN, TOPOLOGY));
        assertTrue(l2.getMessage().startsWith("l2 ") && l2.getMessage().contains("NaN"), l2.getMessage());
    }

    @Test
    void clipByGlobalNormScalesOnlyAboveTheLimit() {
        double[] g = {3, -4};
        assertEquals(5, GradientTransforms.clipByGlobalNorm(g, 10), TOLERANCE);
        assertArrayEquals(new double[] {3, -4}, g, 0, "below the limit: unchanged");
        assertEquals(5, GradientTransforms.clipByGlobalNorm(g, 1), TOLERANCE, "returns the norm before clipping");
        assertArrayEquals(new double[] {0.6, -0.8}, g, TOLERANCE);
        assertEquals(1, GradientTransforms.l2Norm(g), TOLERANCE);
        double[] infinite = {1, Double.POSITIVE_INFINITY};
        assertEquals(Double.POSITIVE_INFINITY, GradientTransforms.clipByGlobalNorm(infinite, 1));
        assertArrayEquals(new double[] {1, Double.POSITIVE_INFINITY}, infinite, 0, "left for allFinite to reject");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradientTransforms.clipByGlobalNorm(g, 0));
        assertTrue(e.getMessage().startsWith("maxNorm ") && e.getMessage().contains("0.0"), e.getMessage());
    }

    @Test
    void clipByValueClampsEachElement() {
        double[] g = {-3, -0.5, 0, 0.5, 3, Double.NaN};
        GradientTransforms.clipByValue(g, 1);
        assertArrayEquals(new double[] {-1, -0.5, 0, 0.5, 1, Double.NaN}, g, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradientTransforms.clipByValue(g, -1));
        assertTrue(e.getMessage().startsWith("maxAbs ") && e.getMessage().contains("-1.0"), e.getMessage());
    }

    @Test
    void l2NormAvoidsOverflowAndAllFiniteFindsNaN() {
        assertEquals(0, GradientTransforms.l2Norm(new double[3]));
        assertEquals(5e200, GradientTransforms.l2Norm(new double[] {3e200, 4e200}), 5e200 * TOLERANCE);
        assertEquals(Double.POSITIVE_INFINITY, GradientTransforms.l2Norm(new double[] {1, Double.NEGATIVE_INFINITY}));
        assertTrue(Double.isNaN(GradientTransforms.l2Norm(new double[] {1, Double.NaN})));
        assertTrue(GradientTransforms.allFinite(new double[] {0, -1e300, 1e-300}));
        assertFalse(GradientTransforms.allFinite(new double[] {0, Double.NaN}));
        assertFalse(GradientTransforms.allFinite(new double[] {Double.NEGATIVE_INFINITY}));
    }
}
