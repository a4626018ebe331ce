package org.sparkprop.driver.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparkprop.driver.Chunks;

class OptimizerStateTest {

    private static final double TOLERANCE = 1e-12;

    /** f(w) = (1/2n)·‖Aw − b‖² on a fixed random 20×5 system with noise, so the optimum has a residual. */
    private static final class LeastSquares {
        final int rows = 20;
        final int cols = 5;
        final double[][] a = new double[rows][cols];
        final double[] b = new double[rows];

        LeastSquares(long seed) {
            Random random = new Random(seed);
            double[] truth = new double[cols];
            for (int j = 0; j < cols; j++) {
                truth[j] = random.nextGaussian();
            }
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    a[r][j] = random.nextGaussian();
                    b[r] += a[r][j] * truth[j];
                }
                b[r] += 0.1 * random.nextGaussian();
            }
        }

        double[] residual(double[] w) {
            double[] res = new double[rows];
            for (int r = 0; r < rows; r++) {
                res[r] = -b[r];
                for (int j = 0; j < cols; j++) {
                    res[r] += a[r][j] * w[j];
                }
            }
            return res;
        }

        double loss(double[] w) {
            double sum = 0;
            for (double x : residual(w)) {
                sum += x * x;
            }
            return sum / (2 * rows);
        }

        /** (1/n)·Aᵀ(Aw − b). */
        double[] gradient(double[] w) {
            double[] res = residual(w);
            double[] g = new double[cols];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    g[j] += a[r][j] * res[r] / rows;
                }
            }
            return g;
        }

        /** Solves the normal equations AᵀA w = Aᵀb by Gaussian elimination with partial pivoting. */
        double[] optimum() {
            double[][] m = new double[cols][cols + 1];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) {
                    for (int j = 0; j < cols; j++) {
                        m[i][j] += a[r][i] * a[r][j];
                    }
                    m[i][cols] += a[r][i] * b[r];
                }
            }
            for (int p = 0; p < cols; p++) {
                int best = p;
                for (int i = p + 1; i < cols; i++) {
                    if (Math.abs(m[i][p]) > Math.abs(m[best][p])) {
                        best = i;
                    }
                }
                double[] swap = m[p];
                m[p] = m[best];
                m[best] = swap;
                for (int i = p + 1; i < cols; i++) {
                    double f = m[i][p] / m[p][p];
                    for (int j = p; j <= cols; j++) {
                        m[i][j] -= f * m[p][j];
                    }
                }
            }
            double[] w = new double[cols];
            for (int i = cols - 1; i >= 0; i--) {
                double s = m[i][cols];
                for (int j = i + 1; j < cols; j++) {
                    s -= m[i][j] * w[j];
                }
                w[i] = s / m[i][i];
            }
            return w;
        }
    }

    private static double learningRate(OptimizerKind kind) {
        return switch (kind) {
            case SGD -> 0.3;
            case MOMENTUM, NESTEROV, ADAM, ADAMW, LAZY_ADAM -> 0.05;
        };
    }

    private static double distance(double[] x, double[] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += (x[i] - y[i]) * (x[i] - y[i]);
        }
        return Math.sqrt(sum);
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void everyOptimizerSolvesLeastSquares(OptimizerKind kind) {
        LeastSquares problem = new LeastSquares(42);
        double[] optimum = problem.optimum();
        double best = problem.loss(optimum);
        double[] w = new double[problem.cols];
        double start = problem.loss(w);
        double startDistance = distance(w, optimum);
        OptimizerState state = OptimizerSpec.defaults(kind).newState(w.length);
        for (int s = 0; s < 200; s++) {
            state.step(w, problem.gradient(w), learningRate(kind));
        }
        double end = problem.loss(w);
        assertEquals(200, state.steps());
        assertTrue(end - best < 1e-3 * (start - best), kind + ": excess loss " + (end - best) + " from " + (start - best));
        assertTrue(distance(w, optimum) < 0.05 * startDistance, kind + ": distance to the optimum " + distance(w, optimum));
    }

    // The 2-element example for the hand computations: w0 = (1, −2), g1 = (0.5, −0.25), g2 = (0.1, 0.3), lr = 0.1.
    private static final double[] W0 = {1.0, -2.0};
    private static final double[] G1 = {0.5, -0.25};
    private static final double[] G2 = {0.1, 0.3};
    private static final double LR = 0.1;

    /** Weights after the first and after the second step of {@code spec} on the example. */
    private static double[][] twoSteps(OptimizerSpec spec) {
        double[] w = W0.clone();
        double[] g1 = G1.clone();
        double[] g2 = G2.clone();
        OptimizerState state = spec.newState(2);
        state.step(w, g1, LR);
        double[] first = w.clone();
        state.step(w, g2, LR);
        assertArrayEquals(G1, g1, 0, "gradient is not modified");
        assertArrayEquals(G2, g2, 0, "gradient is not modified");
        assertEquals(2, state.steps());
        return new double[][] {first, w};
    }

    @Test
    void sgdStepsByHand() {
        double[][] got = twoSteps(OptimizerSpec.defaults(OptimizerKind.SGD));
        for (int i = 0; i < 2; i++) {
            double w1 = W0[i] - LR * G1[i];
            assertEquals(w1, got[0][i], TOLERANCE);
            assertEquals(w1 - LR * G2[i], got[1][i], TOLERANCE);
        }
    }

    @Test
    void momentumStepsByHand() {
        double mu = 0.8;
        double[][] got = twoSteps(OptimizerSpec.defaults(OptimizerKind.MOMENTUM).withMomentum(mu));
        for (int i = 0; i < 2; i++) {
            double v1 = G1[i];
            double w1 = W0[i] - LR * v1;
            double v2 = mu * v1 + G2[i];
            double w2 = w1 - LR * v2;
            assertEquals(w1, got[0][i], TOLERANCE);
            assertEquals(w2, got[1][i], TOLERANCE);
        }
    }

    @Test
    void nesterovStepsByHand() {
        double mu = 0.8;
        double[][] got = twoSteps(OptimizerSpec.defaults(OptimizerKind.NESTEROV).withMomentum(mu));
        for (int i = 0; i < 2; i++) {
            double v1 = G1[i];
            double w1 = W0[i] - LR * (G1[i] + mu * v1);
            double v2 = mu * v1 + G2[i];
            double w2 = w1 - LR * (G2[i] + mu * v2);
            assertEquals(w1, got[0][i], TOLERANCE);
            assertEquals(w2, got[1][i], TOLERANCE);
        }
    }

    @Test
    void adamStepsByHand() {
        double[][] got = twoSteps(OptimizerSpec.defaults(OptimizerKind.ADAM).withBeta1(0.8).withBeta2(0.9).withEpsilon(1e-3));
        double[][] expected = adamByHand(0.8, 0.9, 1e-3, 0);
        assertArrayEquals(expected[0], got[0], TOLERANCE);
        assertArrayEquals(expected[1], got[1], TOLERANCE);
    }

    @Test
    void adamwStepsByHand() {
        double[][] got = twoSteps(OptimizerSpec.defaults(OptimizerKind.ADAMW).withBeta1(0.8).withBeta2(0.9).withEpsilon(1e-3)
                .withWeightDecay(0.5));
        double[][] expected = adamByHand(0.8, 0.9, 1e-3, 0.5);
        assertArrayEquals(expected[0], got[0], TOLERANCE);
        assertArrayEquals(expected[1], got[1], TOLERANCE);
        double[][] adam = adamByHand(0.8, 0.9, 1e-3, 0);
        assertNotEquals(adam[1][0], got[1][0], "the decay changes the result");
    }

    /** Kingma and Ba's algorithm written out for two steps, plus AdamW's decay lr·λ·w. */
    private static double[][] adamByHand(double beta1, double beta2, double eps, double decay) {
        double[][] out = new double[2][2];
        for (int i = 0; i < 2; i++) {
            double m1 = (1 - beta1) * G1[i];
            double v1 = (1 - beta2) * G1[i] * G1[i];
            // step 1: m̂ = m/(1−β₁), v̂ = v/(1−β₂), so m̂ = g and v̂ = g²
            double w1 = W0[i] - LR * (m1 / (1 - beta1)) / (Math.sqrt(v1 / (1 - beta2)) + eps) - LR * decay * W0[i];
            double m2 = beta1 * m1 + (1 - beta1) * G2[i];
            double v2 = beta2 * v1 + (1 - beta2) * G2[i] * G2[i];
            double mHat = m2 / (1 - beta1 * beta1);
            double vHat = v2 / (1 - beta2 * beta2);
            double w2 = w1 - LR * mHat / (Math.sqrt(vHat) + eps) - LR * decay * w1;
            out[0][i] = w1;
            out[1][i] = w2;
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void aLargeModelsStepSplitBetweenThreadsEqualsStepsOnItsSlices(OptimizerKind kind) {
        // 300,000 parameters take the parallel path (Chunks); slices of 100,000 stay on the calling thread
        int n = 300_000;
        int slice = 100_000;
        OptimizerSpec spec = OptimizerSpec.defaults(kind);
        Random random = new Random(21);
        double[] whole = new double[n];
        for (int i = 0; i < n; i++) {
            whole[i] = random.nextGaussian();
        }
        double[][] slices = new double[n / slice][];
        OptimizerState[] sliceStates = new OptimizerState[slices.length];
        for (int k = 0; k < slices.length; k++) {
            slices[k] = java.util.Arrays.copyOfRange(whole, k * slice, (k + 1) * slice);
            sliceStates[k] = spec.newState(slice);
        }
        OptimizerState wholeState = spec.newState(n);
        for (int step = 0; step < 3; step++) {
            double[] gradient = new double[n];
            for (int i = 0; i < n; i++) {
                gradient[i] = random.nextGaussian();
            }
            wholeState.step(whole, gradient, 0.01);
            for (int k = 0; k < slices.length; k++) {
                sliceStates[k].step(slices[k], java.util.Arrays.copyOfRange(gradient, k * slice, (k + 1) * slice), 0.01);
            }
        }
        for (int k = 0; k < slices.length; k++) {
            assertArrayEquals(slices[k], java.util.Arrays.copyOfRange(whole, k * slice, (k + 1) * slice), 0, kind + " slice " + k);
        }
    }

    @Test
    void adamwWithoutDecayIsAdamAndWithDecayShrinksWeights() {
        LeastSquares problem = new LeastSquares(7);
        double[] adam = new double[problem.cols];
        double[] adamwNoDecay = new double[problem.cols];
        double[] adamw = new double[problem.cols];
        OptimizerState adamState = OptimizerSpec.defaults(OptimizerKind.ADAM).newState(adam.length);
        OptimizerState noDecayState = OptimizerSpec.defaults(OptimizerKind.ADAMW).withWeightDecay(0).newState(adam.length);
        OptimizerState adamwState = OptimizerSpec.defaults(OptimizerKind.ADAMW).withWeightDecay(0.5).newState(adam.length);
        for (int s = 0; s < 200; s++) {
            adamState.step(adam, problem.gradient(adam), 0.05);
            noDecayState.step(adamwNoDecay, problem.gradient(adamwNoDecay), 0.05);
            adamwState.step(adamw, problem.gradient(adamw), 0.05);
        }
        assertArrayEquals(adam, adamwNoDecay, 0);
        assertTrue(GradientTransforms.l2Norm(adamw) < GradientTransforms.l2Norm(adam),
                "decay pulls the weights towards 0: " + GradientTransforms.l2Norm(adamw) + " vs " + GradientTransforms.l2Norm(adam));
    }

    /** The elements [from, to) of [0, n) as a cover, given in the fixed chunks as {@link Chunks#all} gives all. */
    private static Chunks.Cover cover(int n, int from, int to) {
        return (range, rest) -> Chunks.all(n).forEach((chunk, lo, hi) -> {
            int a = Math.min(Math.max(lo, from), hi);
            int b = Math.max(Math.min(hi, to), a);
            if (rest != null && lo < a) {
                rest.run(chunk, lo, a);
            }
            if (a < b) {
                range.run(chunk, a, b);
            }
            if (rest != null && b < hi) {
                rest.run(chunk, b, hi);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = {"SGD", "MOMENTUM", "NESTEROV", "ADAM", "ADAMW"})
    void aCoverOfTheNonZeroGradientGivesTheBitsOfTheWholeGradient(OptimizerKind kind) {
        // weights and moments include ±0.0, where x + 0.0 and x − 0.0 differ from x if anything does
        int n = 200_003;
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        double[] whole = random.doubles(n, -1, 1).toArray();
        for (int i = 0; i < n; i += 7) {
            whole[i] = i % 2 == 0 ? 0.0 : -0.0;
        }
        double[] covered = whole.clone();
        OptimizerSpec spec = OptimizerSpec.defaults(kind).withWeightDecay(kind == OptimizerKind.ADAMW ? 0.1 : 0);
        OptimizerState wholeState = spec.newState(n);
        OptimizerState coveredState = spec.newState(n);
        int[][] touched = {{70_000, 140_000}, {0, 5}, {n - 3, n}, {0, n}, {100_001, 100_002}};
        for (int[] t : touched) {
            double[] gradient = new double[n];
            for (int i = t[0]; i < t[1]; i++) {
                gradient[i] = i % 11 == 0 ? -0.0 : random.nextGaussian();
            }
            assertTrue(wholeState.step(whole, gradient, 0.01, 0.5, 0.8, Chunks.all(n), null));
            assertTrue(coveredState.step(covered, gradient, 0.01, 0.5, 0.8, cover(n, t[0], t[1]), null));
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(whole[i]), Double.doubleToRawLongBits(covered[i]), "weight " + i);
            }
            double[][] wm = wholeState.buffers();
            double[][] cm = coveredState.buffers();
            for (int b = 0; b < wm.length; b++) {
                for (int i = 0; i < n; i++) {
                    assertEquals(Double.doubleToRawLongBits(wm[b][i]), Double.doubleToRawLongBits(cm[b][i]), "buffer " + b + " at " + i);
                }
            }
        }
    }

    @Test
    void lazyAdamIsAdamWhereTheGradientMayBeNonZeroAndLeavesTheRestAsItIs() {
        int n = 300_000;
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        double[] start = random.doubles(n, -1, 1).toArray();
        double[] adam = start.clone();
        double[] lazy = start.clone();
        OptimizerState adamState = OptimizerSpec.defaults(OptimizerKind.ADAM).newState(n);
        OptimizerState lazyState = OptimizerSpec.defaults(OptimizerKind.LAZY_ADAM).newState(n);
        // step 1 touches [0, 200000), step 2 [150000, n): the gradient is 0 elsewhere
        int[][] touched = {{0, 200_000}, {150_000, n}};
        for (int[] t : touched) {
            double[] gradient = new double[n];
            for (int i = t[0]; i < t[1]; i++) {
                gradient[i] = random.nextGaussian();
            }
            double[] lazyBefore = lazy.clone();
            double[][] lazyMoments = lazyState.buffers();
            adamState.step(adam, gradient, 0.01, 0.5, 0.8, Chunks.all(n), null);
            lazyState.step(lazy, gradient, 0.01, 0.5, 0.8, cover(n, t[0], t[1]), null);
            double[][] am = adamState.buffers();
            double[][] lm = lazyState.buffers();
            for (int i = 0; i < n; i++) {
                boolean in = i >= t[0] && i < t[1];
                if (in) {
                    assertEquals(Double.doubleToRawLongBits(adam[i]), Double.doubleToRawLongBits(lazy[i]), "weight " + i);
                    assertEquals(Double.doubleToRawLongBits(am[0][i]), Double.doubleToRawLongBits(lm[0][i]), "m " + i);
                    assertEquals(Double.doubleToRawLongBits(am[1][i]), Double.doubleToRawLongBits(lm[1][i]), "v " + i);
                } else {
                    assertEquals(lazyBefore[i], lazy[i], 0.0, "untouched weight " + i);
                    assertEquals(lazyMoments[0][i], lm[0][i], 0.0);
                    assertEquals(lazyMoments[1][i], lm[1][i], 0.0);
                }
            }
        }
        // where step 2 did not reach but step 1 had, Adam's decaying moments kept moving the weights; lazy Adam's did not
        assertTrue(adam[0] != lazy[0] && adam[149_999] != lazy[149_999]);
        assertEquals(2, lazyState.steps());
    }

    @Test
    void lazyAdamCoveringEverythingIsAdamToTheBit() {
        LeastSquares problem = new LeastSquares(7);
        double[] adam = new double[problem.cols];
        double[] lazy = new double[problem.cols];
        OptimizerState adamState = OptimizerSpec.defaults(OptimizerKind.ADAM).newState(adam.length);
        OptimizerState lazyState = OptimizerSpec.defaults(OptimizerKind.LAZY_ADAM).newState(lazy.length);
        for (int s = 0; s < 50; s++) {
            adamState.step(adam, problem.gradient(adam), 0.05);
            lazyState.step(lazy, problem.gradient(lazy), 0.05);
        }
        assertArrayEquals(adam, lazy, 0);
        assertArrayEquals(adamState.buffers()[1], lazyState.buffers()[1], 0);
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void restoredStateContinuesBitForBit(OptimizerKind kind) {
        LeastSquares problem = new LeastSquares(11);
        OptimizerSpec spec = OptimizerSpec.defaults(kind);
        double lr = learningRate(kind) / 2;

        double[] uninterrupted = new double[problem.cols];
        OptimizerState whole = spec.newState(problem.cols);
        for (int s = 0; s < 20; s++) {
            whole.step(uninterrupted, problem.gradient(uninterrupted), lr);
        }

        double[] first = new double[problem.cols];
        OptimizerState before = spec.newState(problem.cols);
        for (int s = 0; s < 8; s++) {
            before.step(first, problem.gradient(first), lr);
        }
        long steps = before.steps();
        double[][] buffers = before.buffers();
        assertEquals(kind.bufferNames().size(), buffers.length);
        double[] resumed = first.clone();
        OptimizerState after = spec.restoreState(problem.cols, steps, buffers);
        for (int b = 0; b < buffers.length; b++) {
            buffers[b][0] = 1e6;
        }
        for (int s = 8; s < 20; s++) {
            after.step(resumed, problem.gradient(resumed), lr);
            before.step(first, problem.gradient(first), lr);
        }
        assertEquals(20, after.steps());
        assertArrayEquals(uninterrupted, resumed, 0, "restored from a copy, unaffected by changes to the exported arrays");
        assertArrayEquals(uninterrupted, first, 0, "exporting buffers leaves the state alone");
        double[][] end = after.buffers();
        double[][] endWhole = whole.buffers();
        for (int b = 0; b < end.length; b++) {
            assertArrayEquals(endWhole[b], end[b], 0);
        }
    }

    @Test
    void restoreChecksCountsAndLengths() {
        OptimizerSpec adam = OptimizerSpec.defaults(OptimizerKind.ADAM);
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> adam.restoreState(3, 5, new double[][] {new double[3]}));
        assertTrue(count.getMessage().contains("2 buffers"), count.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> adam.restoreState(3, 5, new double[][] {new double[3], new double[4]}));
        assertTrue(length.getMessage().contains("'v' has length 4") && length.getMessage().contains("parameterCount 3"),
                length.getMessage());
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
                () -> adam.restoreState(3, -1, new double[][] {new double[3], new double[3]}));
        assertTrue(steps.getMessage().startsWith("steps"), steps.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> adam.restoreState(3, 5, new double[][] {new double[3], {0, Double.NaN, 0}}));
        assertTrue(nan.getMessage().contains("index 1"), nan.getMessage());
        IllegalArgumentException sgd = assertThrows(IllegalArgumentException.class,
                () -> OptimizerSpec.defaults(OptimizerKind.SGD).restoreState(3, 5, new double[][] {new double[3]}));
        assertTrue(sgd.getMessage().contains("0 buffers"), sgd.getMessage());
        assertEquals(5, OptimizerSpec.defaults(OptimizerKind.SGD).restoreState(3, 5, new double[0][]).steps());
    }

    @Test
    void stepChecksLengthsAndRate() {
        OptimizerState state = OptimizerSpec.defaults(OptimizerKind.MOMENTUM).newState(3);
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> state.step(new double[3], new double[2], 0.1));
        assertTrue(length.getMessage().contains("gradient (2)"), length.getMessage());
        for (double bad : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                    () -> state.step(new double[3], new double[3], bad));
            assertTrue(rate.getMessage().startsWith("learningRate") && rate.getMessage().contains(String.valueOf(bad)),
                    rate.getMessage());
        }
        assertEquals(0, state.steps(), "a refused step changes nothing");
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> OptimizerSpec.defaults(OptimizerKind.SGD).newState(0));
        assertTrue(count.getMessage().startsWith("parameterCount"), count.getMessage());
    }

    /** The update reports a weight that leaves the finite doubles, and only then, whichever optimizer moved it. */
    @Test
    void theUpdateReportsExactlyTheWeightsThatAreNotFinite() {
        for (OptimizerKind kind : OptimizerKind.values()) {
            OptimizerState state = OptimizerSpec.defaults(kind).newState(5);
            double[] w = {1, -2, Double.MAX_VALUE, -Double.MIN_VALUE, 0};
            assertTrue(state.step(w, new double[5], 1e-3, 1, 0, org.sparkprop.driver.Chunks.all(5), null), kind + ": finite weights, a zero gradient");
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                OptimizerState fresh = OptimizerSpec.defaults(kind).newState(5);
                double[] v = {1, -2, 3, bad, 0};
                assertFalse(fresh.step(v, new double[5], 1e-3, 1, 0, org.sparkprop.driver.Chunks.all(5), null), kind + ": a weight of " + bad);
            }
        }
    }
}
