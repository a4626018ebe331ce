package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Inverted dropout in {@link Network#accumulateGradient}: the gradient with a fixed mask against central
 * differences of the loss under the same mask (double), the loss against a forward pass written out here, the mask
 * a function of (mask seed, block row) only, and rates of 0 computing exactly what no dropout computes.
 */
class DropoutTest {
    private static final int INPUTS = 4;
    private static final int ROWS = 6;
    private static final double STEP = 1e-5;
    private static final double TOLERANCE = 1e-6;
    private static final double FLOOR = 1e-2;

    private static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static int[] identity(int n) {
        return IntStream.range(0, n).toArray();
    }

    @ParameterizedTest(name = "hidden {0}")
    @EnumSource(value = Activation.class, names = {"TANH", "SIGMOID", "IDENTITY"})
    void gradientWithAFixedMaskMatchesCentralDifferences(Activation hidden) {
        for (Loss loss : Loss.values()) {
            Activation out = loss.defaultOutput();
            int k = loss == Loss.BINARY_CROSS_ENTROPY ? 2 : 3;
            Topology topology = Topology.of(new int[] {INPUTS, 6, 5, k}, hidden, out, loss);
            GradientCheckTest.Data data = GradientCheckTest.Data.draw(topology, 11, ROWS);
            Network<double[]> net = Network.ofDouble(topology);
            float[] x = floats(data.x());
            float[] y = floats(data.y());
            float[] weights = {1f, 0.5f, 2f, 1f, 0f, 3f};
            int[] rows = {3, 0, 5, 1, 4, 2};
            Dropout dropout = Dropout.of(0.4, 0.3);
            long maskSeed = 1234L;
            Workspace ws = net.newWorkspace(4);
            double[] params = data.params();
            double[] analytic = new double[params.length];
            net.accumulateGradient(params, x, y, weights, rows, 0, ROWS, dropout, maskSeed, analytic, ws);
            double[] scratch = new double[params.length];
            double[] theta = params.clone();
            double worst = 0;
            for (int i = 0; i < theta.length; i++) {
                theta[i] = params[i] + STEP;
                double plus = net.accumulateGradient(theta, x, y, weights, rows, 0, ROWS, dropout, maskSeed, scratch, ws);
                theta[i] = params[i] - STEP;
                double minus = net.accumulateGradient(theta, x, y, weights, rows, 0, ROWS, dropout, maskSeed, scratch, ws);
                theta[i] = params[i];
                worst = Math.max(worst, Approx.relativeError(analytic[i], (plus - minus) / (2 * STEP), FLOOR));
            }
            assertTrue(worst <= TOLERANCE, topology + " with " + dropout + ": largest relative error " + worst);
        }
    }

    /** One hidden layer, MSE: the loss is Σ_rows Σ_k (W_1·(tanh(W_0·x + b_0) ⊙ m/(1 − p)) + b_1 − y)²/K, written out. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void lossIsTheForwardPassWithTheMaskWrittenOut(Precision precision) {
        int hidden = 7;
        int k = 2;
        double p = 0.5;
        Topology topology = Topology.of(new int[] {INPUTS, hidden, k}, Activation.TANH, Activation.IDENTITY, Loss.MSE);
        GradientCheckTest.Data data = GradientCheckTest.Data.draw(topology, 5, ROWS);
        float[] x = floats(data.x());
        float[] y = floats(data.y());
        double[] w = data.params();
        long maskSeed = -77L;
        double expected = 0;
        int dropped = 0;
        for (int r = 0; r < ROWS; r++) {
            double[] h = new double[hidden];
            for (int j = 0; j < hidden; j++) {
                double z = w[topology.biasOffset(0) + j];
                for (int i = 0; i < INPUTS; i++) {
                    z += w[topology.weightOffset(0) + i * hidden + j] * x[r * INPUTS + i];
                }
                boolean keep = Dropout.keeps(maskSeed, r, 0, j, p);
                dropped += keep ? 0 : 1;
                h[j] = keep ? Math.tanh(z) / (1 - p) : 0;
            }
            for (int o = 0; o < k; o++) {
                double a = w[topology.biasOffset(1) + o];
                for (int j = 0; j < hidden; j++) {
                    a += w[topology.weightOffset(1) + j * k + o] * h[j];
                }
                expected += (a - y[r * k + o]) * (a - y[r * k + o]) / k;
            }
        }
        assertTrue(dropped > 0 && dropped < ROWS * hidden, "the mask drops some units and keeps others: " + dropped);
        @SuppressWarnings("unchecked")
        Network<Object> net = (Network<Object>) Network.create(topology, precision);
        Object params = net.toCompute(w);
        double loss = net.accumulateGradient(params, x, y, null, identity(ROWS), 0, ROWS, Dropout.of(p), maskSeed,
                net.newArray(topology.parameterCount()), net.newWorkspace(ROWS));
        Approx.assertClose(precision + " loss with dropout", expected, loss, Approx.tolerance(precision));
    }

    /** The mask follows the block row, not its place in {@code rows} or the chunk: row by row sums to the whole. */
    @Test
    void maskDependsOnTheBlockRowOnly() {
        Topology topology = Topology.of(new int[] {INPUTS, 8, 6, 3}, Activation.SIGMOID, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        GradientCheckTest.Data data = GradientCheckTest.Data.draw(topology, 3, ROWS);
        Network<double[]> net = Network.ofDouble(topology);
        float[] x = floats(data.x());
        float[] y = floats(data.y());
        Dropout dropout = Dropout.of(0.5);
        int p = topology.parameterCount();
        double[] whole = new double[p];
        double wholeLoss = net.accumulateGradient(data.params(), x, y, null, new int[] {5, 2, 0, 4, 1, 3}, 0, ROWS, dropout, 9L,
                whole, net.newWorkspace(4));
        double[] byRow = new double[p];
        double byRowLoss = 0;
        Workspace one = net.newWorkspace(1);
        for (int r = 0; r < ROWS; r++) {
            byRowLoss += net.accumulateGradient(data.params(), x, y, null, new int[] {r}, 0, 1, dropout, 9L, byRow, one);
        }
        Approx.assertClose("loss", byRowLoss, wholeLoss, Approx.DOUBLE_TOLERANCE);
        Approx.assertAllClose("gradient", byRow, whole, Approx.DOUBLE_TOLERANCE);

        double[] otherSeed = new double[p];
        double otherLoss = net.accumulateGradient(data.params(), x, y, null, identity(ROWS), 0, ROWS, dropout, 10L, otherSeed,
                net.newWorkspace(ROWS));
        assertNotEquals(wholeLoss, otherLoss, "another mask seed drops other units");
    }

    /** Rates of 0 are no dropout: the same bits, dense and sparse, float and double. */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void zeroRatesComputeExactlyWhatNoDropoutComputes(Precision precision) {
        assertSame(Dropout.NONE, Dropout.of(0, 0));
        assertSame(Dropout.NONE, Dropout.of());
        Topology topology = Topology.of(new int[] {INPUTS, 8, 6, 3}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        GradientCheckTest.Data data = GradientCheckTest.Data.draw(topology, 4, ROWS);
        @SuppressWarnings("unchecked")
        Network<Object> net = (Network<Object>) Network.create(topology, precision);
        Object params = net.toCompute(data.params());
        float[] x = floats(data.x());
        float[] y = floats(data.y());
        int[] rows = {2, 4, 0, 1, 5, 3};
        double[] without = new double[topology.parameterCount()];
        double[] with = new double[topology.parameterCount()];
        Object g = net.newArray(topology.parameterCount());
        double lossWithout = net.accumulateGradient(params, x, y, null, rows, 0, ROWS, g, net.newWorkspace(4));
        net.addTo(g, without);
        g = net.newArray(topology.parameterCount());
        double lossWith = net.accumulateGradient(params, x, y, null, rows, 0, ROWS, Dropout.of(0.0), 99L, g, net.newWorkspace(4));
        net.addTo(g, with);
        assertEquals(Double.doubleToRawLongBits(lossWithout), Double.doubleToRawLongBits(lossWith));
        assertArrayEquals(without, with);

        SparseRows sparse = SparseRows.ofDense(INPUTS, x);
        Object gs = net.newArray(topology.parameterCount());
        Object gz = net.newArray(topology.parameterCount());
        double sparseWithout = net.accumulateGradient(gs, params, sparse, y, null, rows, 0, ROWS, net.newSparseWorkspace(4));
        double sparseWith = net.accumulateGradient(gz, params, sparse, y, null, rows, 0, ROWS, Dropout.of(0, 0), 5L, net.newSparseWorkspace(4));
        assertEquals(Double.doubleToRawLongBits(sparseWithout), Double.doubleToRawLongBits(sparseWith));
        double[] a = new double[topology.parameterCount()];
        double[] b = new double[topology.parameterCount()];
        net.addTo(gs, a);
        net.addTo(gz, b);
        assertArrayEquals(a, b);
    }

    /** The sparse pass drops what the dense pass drops. */
    @Test
    void sparsePassDropsTheSameUnits() {
        Topology topology = Topology.of(new int[] {INPUTS, 8, 6, 3}, Activation.TANH, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        GradientCheckTest.Data data = GradientCheckTest.Data.draw(topology, 8, ROWS);
        Network<double[]> net = Network.ofDouble(topology);
        float[] x = floats(data.x());
        float[] y = floats(data.y());
        int[] rows = {1, 3, 5, 0, 2, 4};
        Dropout dropout = Dropout.of(0.25, 0.5);
        double[] dense = new double[topology.parameterCount()];
        double[] sparse = new double[topology.parameterCount()];
        double denseLoss = net.accumulateGradient(data.params(), x, y, null, rows, 0, ROWS, dropout, 3L, dense, net.newWorkspace(ROWS));
        double sparseLoss = net.accumulateGradient(sparse, data.params(), SparseRows.ofDense(INPUTS, x), y, null, rows, 0, ROWS,
                dropout, 3L, net.newSparseWorkspace(ROWS));
        Approx.assertClose("loss", denseLoss, sparseLoss, Approx.DOUBLE_TOLERANCE);
        Approx.assertAllClose("gradient", dense, sparse, Approx.DOUBLE_TOLERANCE);
    }

    @Test
    void keepsAboutOneMinusTheRate() {
        int kept = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            kept += Dropout.keeps(Dropout.maskSeed(42, 3, 1), i / 100, 0, i % 100, 0.3) ? 1 : 0;
        }
        assertEquals(0.7, kept / (double) n, 0.005);
    }

    @Test
    void refusesRatesOutsideTheUnitIntervalAndRatesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> Dropout.of(1.0));
        assertThrows(IllegalArgumentException.class, () -> Dropout.of(-0.1));
        assertThrows(IllegalArgumentException.class, () -> Dropout.of(Double.NaN));
        Topology topology = Topology.of(new int[] {INPUTS, 5, 3}, Activation.TANH, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        Network<double[]> net = Network.ofDouble(topology);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.accumulateGradient(
                new double[topology.parameterCount()], new float[INPUTS], new float[1], null, new int[] {0}, 0, 1,
                Dropout.of(0.1, 0.2), 0L, new double[topology.parameterCount()], net.newWorkspace(1)));
        assertTrue(e.getMessage().contains("hidden layers"), e.getMessage());
    }
}
