package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every gradient entry of {@link Network#lossAndGradient} against central differences of the loss it returns,
 * in double precision only, for every valid (hidden activation × output activation × loss) combination:
 * a 1-layer network for each output layer alone and a 4-5-4-K network for each hidden activation with it.
 *
 * <p>Relative error |a − n| / max(|a| + |n|, {@value #FLOOR}) ≤ {@value #TOLERANCE}: the floor holds gradients
 * below 1e-2 to an absolute 1e-8, well above the rounding noise of the differences with a step of
 * {@value #STEP} (about 1e-11 times the loss); the largest errors seen are about 1e-8.
 * ReLU kinks: the data are drawn (seed after seed) until every pre-activation of a ReLU-like layer is at least
 * {@value #KINK_MARGIN} from 0, far more than a step can move it (the inputs are of order 1), so no
 * perturbation crosses a kink and no parameter is skipped.
 *
 * <p>Row weights: the weighted loss Σ w_r·L_r and its gradient against the same central differences, and both
 * against the weighted sum of each row's own loss and gradient, computed one row at a time.
 */
class GradientCheckTest {
    private static final double STEP = 1e-5;
    private static final double TOLERANCE = 1e-6;
    private static final double FLOOR = 1e-2;
    private static final double KINK_MARGIN = 1e-3;
    private static final int ROWS = 6;
    private static final int INPUTS = 4;

    /** An output layer: its activation, the loss, and the number of outputs K. */
    record Output(Activation activation, Loss loss, int outputs) {
        @Override
        public String toString() {
            return loss + " with " + activation + ", K=" + outputs;
        }
    }

    static Stream<Output> outputs() {
        List<Output> outputs = new ArrayList<>();
        for (Activation a : Activation.values()) {
            outputs.add(new Output(a, Loss.MSE, 3));
        }
        outputs.add(new Output(Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY, 3));
        outputs.add(new Output(Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY, 1));
        outputs.add(new Output(Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY, 3));
        return outputs.stream();
    }

    static Stream<Object[]> hiddenAndOutputs() {
        return Arrays.stream(Activation.values())
                .filter(a -> a != Activation.SOFTMAX)
                .flatMap(hidden -> outputs().map(output -> new Object[] {hidden, output}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputs")
    void oneLayerGradientMatchesCentralDifferences(Output output) {
        Topology topology = Topology.of(new int[] {INPUTS, output.outputs()}, output.activation(), output.activation(), output.loss());
        checkEveryParameter(topology);
    }

    @ParameterizedTest(name = "hidden {0}, {1}")
    @MethodSource("hiddenAndOutputs")
    void threeLayerGradientMatchesCentralDifferences(Activation hidden, Output output) {
        Topology topology = Topology.of(new int[] {INPUTS, 5, 4, output.outputs()}, hidden, output.activation(), output.loss());
        checkEveryParameter(topology);
    }

    /** Non-uniform row weights, a zero among them, for {@value #ROWS} rows. */
    private static final double[] ROW_WEIGHTS = {0.5, 2.0, 0.0, 1.0, 3.25, 0.125};

    @ParameterizedTest(name = "hidden tanh, {0}")
    @MethodSource("outputs")
    void weightedGradientMatchesCentralDifferencesAndTheWeightedSumOfRows(Output output) {
        Topology topology = Topology.of(new int[] {INPUTS, 5, output.outputs()}, Activation.TANH, output.activation(), output.loss());
        Data data = Data.draw(topology, 7, ROWS);
        Network<double[]> net = Network.ofDouble(topology);
        double error = maxRelativeError(net, data.params, data.x, data.y, ROW_WEIGHTS, ROWS);
        assertTrue(error <= TOLERANCE, topology + ", weighted: largest relative error " + error + " > " + TOLERANCE);

        int p = topology.parameterCount();
        double[] weighted = new double[p];
        double loss = net.lossAndGradient(data.params, data.x, data.y, ROW_WEIGHTS, ROWS, weighted, net.newWorkspace(4));
        double expectedLoss = 0;
        double[] expected = new double[p];
        Workspace one = net.newWorkspace(1);
        for (int r = 0; r < ROWS; r++) {
            double[] rowGradient = new double[p];
            double rowLoss = net.lossAndGradient(data.params,
                    Arrays.copyOfRange(data.x, r * INPUTS, (r + 1) * INPUTS),
                    Arrays.copyOfRange(data.y, r * topology.targetWidth(), (r + 1) * topology.targetWidth()), 1, rowGradient, one);
            expectedLoss += ROW_WEIGHTS[r] * rowLoss;
            for (int i = 0; i < p; i++) {
                expected[i] += ROW_WEIGHTS[r] * rowGradient[i];
            }
        }
        Approx.assertClose("weighted loss", expectedLoss, loss, Approx.DOUBLE_TOLERANCE);
        Approx.assertAllClose("weighted gradient", expected, weighted, Approx.DOUBLE_TOLERANCE);
    }

    @Test
    void gradientCheckRefusesSinglePrecision() {
        Topology topology = Topology.of(new int[] {2, 2}, Activation.IDENTITY, Activation.IDENTITY, Loss.MSE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> maxRelativeError(Network.ofFloat(topology), new double[topology.parameterCount()], new double[2], new double[2], 1));
        assertTrue(e.getMessage().contains("double"), e.getMessage());
    }

    private static void checkEveryParameter(Topology topology) {
        for (long seed = 1; seed <= 100; seed++) {
            Data data = Data.draw(topology, seed, ROWS);
            if (minReluPreactivation(topology, data) >= KINK_MARGIN) {
                double error = maxRelativeError(Network.ofDouble(topology), data.params, data.x, data.y, ROWS);
                assertTrue(error <= TOLERANCE, topology + ": largest relative error " + error + " > " + TOLERANCE);
                return;
            }
        }
        fail(topology + ": no seed in 1..100 keeps the ReLU pre-activations " + KINK_MARGIN + " away from 0");
    }

    /**
     * The largest relative error over all parameters between the analytic gradient and
     * (L(θ + h e_i) − L(θ − h e_i)) / 2h. Refuses single precision, where the differences are noise.
     */
    static double maxRelativeError(Network<?> network, double[] params, double[] x, double[] y, int n) {
        return maxRelativeError(network, params, x, y, null, n);
    }

    /** As above for the loss Σ w_r·L_r with row weights (n of them; null: unweighted). */
    static double maxRelativeError(Network<?> network, double[] params, double[] x, double[] y, double[] weights, int n) {
        if (network.precision() != Precision.DOUBLE) {
            throw new IllegalArgumentException("gradient checks need double precision, got " + network.precision());
        }
        @SuppressWarnings("unchecked")
        Network<double[]> net = (Network<double[]>) network;
        Workspace ws = net.newWorkspace(n);
        double[] analytic = new double[params.length];
        double loss = net.lossAndGradient(params, x, y, weights, n, analytic, ws);
        assertTrue(Double.isFinite(loss) && loss >= 0, "loss " + loss);
        double[] scratch = new double[params.length];
        double[] theta = params.clone();
        double worst = 0;
        for (int i = 0; i < theta.length; i++) {
            theta[i] = params[i] + STEP;
            double plus = net.lossAndGradient(theta, x, y, weights, n, scratch, ws);
            theta[i] = params[i] - STEP;
            double minus = net.lossAndGradient(theta, x, y, weights, n, scratch, ws);
            theta[i] = params[i];
            double numeric = (plus - minus) / (2 * STEP);
            worst = Math.max(worst, Approx.relativeError(analytic[i], numeric, FLOOR));
        }
        return worst;
    }

    /** The smallest |z| over the rows and the units of every ReLU-like layer, from prefixes of the network. */
    private static double minReluPreactivation(Topology topology, Data data) {
        double min = Double.POSITIVE_INFINITY;
        for (int l = 0; l < topology.layers(); l++) {
            if (!topology.activation(l).reluLike()) {
                continue;
            }
            Activation[] acts = Arrays.copyOf(topology.activations(), l + 1);
            acts[l] = Activation.IDENTITY;
            Topology prefix = new Topology(Arrays.copyOf(topology.sizes(), l + 2), acts, Loss.MSE);
            Network<double[]> net = Network.ofDouble(prefix);
            double[] z = new double[prefix.outputs() * ROWS];
            net.forward(Arrays.copyOf(data.params, prefix.parameterCount()), data.x, ROWS, z, net.newWorkspace(ROWS));
            for (double v : z) {
                min = Math.min(min, Math.abs(v));
            }
        }
        return min;
    }

    /** Parameters (weights normal, biases uniform ±0.5), inputs normal, and targets that fit the loss. */
    record Data(double[] params, double[] x, double[] y) {
        static Data draw(Topology topology, long seed, int rows) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] params = new double[topology.parameterCount()];
            for (int l = 0; l < topology.layers(); l++) {
                for (int i = topology.weightOffset(l); i < topology.biasOffset(l); i++) {
                    params[i] = 0.7 * gaussian(random);
                }
                for (int i = topology.biasOffset(l); i < topology.biasOffset(l) + topology.size(l + 1); i++) {
                    params[i] = random.nextDouble(-0.5, 0.5);
                }
            }
            double[] x = new double[topology.inputs() * rows];
            for (int i = 0; i < x.length; i++) {
                x[i] = gaussian(random);
            }
            int k = topology.outputs();
            double[] y = new double[topology.targetWidth() * rows];
            for (int i = 0; i < y.length; i++) {
                y[i] = switch (topology.loss()) {
                    case MSE -> random.nextDouble(-1, 1);
                    case SOFTMAX_CROSS_ENTROPY -> random.nextInt(k);
                    case BINARY_CROSS_ENTROPY -> random.nextInt(2);
                };
            }
            assertEquals(topology.targetWidth() * rows, y.length);
            return new Data(params, x, y);
        }

        private static double gaussian(SplittableRandom random) {
            return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
        }
    }
}
