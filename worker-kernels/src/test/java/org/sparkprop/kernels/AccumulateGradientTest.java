package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The block entry points against the dense ones: gathering rows, chunking by {@link Workspace#maxRows()} and
 * accumulation change nothing but the order of the sums. Row weights: weights of exactly 1 give the unweighted
 * bits, and gathered weights follow their rows. Also the argument checks at the API boundary.
 */
class AccumulateGradientTest {
    private static final int BLOCK_ROWS = 37;

    static Stream<Arguments> topologiesAndPrecisions() {
        Topology[] topologies = {
            Topology.of(new int[] {6, 8, 5, 4}, Activation.TANH, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY),
            Topology.of(new int[] {6, 7, 3}, Activation.RELU, Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY),
            Topology.of(new int[] {6, 9, 2}, Activation.LEAKY_RELU, Activation.IDENTITY, Loss.MSE),
        };
        return Stream.of(topologies).flatMap(t -> Stream.of(Precision.values()).map(p -> Arguments.of(t, p)));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("topologiesAndPrecisions")
    void gatheredRowsGiveTheGradientOfTheSameRowsStacked(Topology topology, Precision precision) {
        check(Network.create(topology, precision), Block.draw(topology, 1));
    }

    private static <A> void check(Network<A> net, Block block) {
        Topology topology = net.topology();
        double tolerance = Approx.tolerance(net.precision());
        A params = net.toCompute(block.params);
        // rows in shuffled order with a repeat, as a batch drawn from a partition's order
        int[] rows = {30, 2, 17, 2, 36, 0, 11, 25, 8, 19, 33, 5, 14};
        int from = 2;
        int to = 12;
        int n = to - from;

        double[] stackedX = new double[topology.inputs() * n];
        double[] stackedY = new double[topology.targetWidth() * n];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < topology.inputs(); k++) {
                stackedX[r * topology.inputs() + k] = block.x[rows[from + r] * topology.inputs() + k];
            }
            for (int k = 0; k < topology.targetWidth(); k++) {
                stackedY[r * topology.targetWidth() + k] = block.y[rows[from + r] * topology.targetWidth() + k];
            }
        }
        A stackedGrad = net.newArray(topology.parameterCount());
        double stackedLoss = net.lossAndGradient(params, net.toCompute(stackedX), net.toCompute(stackedY), n, stackedGrad,
                net.newWorkspace(n));
        double[] expected = toDouble(net, stackedGrad);
        assertTrue(stackedLoss > 0, "loss " + stackedLoss);

        for (int maxRows : new int[] {n, 3, 1, 64}) {
            Workspace ws = net.newWorkspace(maxRows);
            A grad = net.newArray(topology.parameterCount());
            double loss = net.accumulateGradient(params, block.x, block.y, rows, from, to, grad, ws);
            Approx.assertClose("loss, maxRows " + maxRows, stackedLoss, loss, tolerance);
            Approx.assertAllClose("gradient, maxRows " + maxRows, expected, toDouble(net, grad), tolerance);

            double again = net.accumulateGradient(params, block.x, block.y, rows, from, to, grad, ws);
            assertEquals(loss, again, 0.0, "the same rows give the same loss");
            double[] twice = toDouble(net, grad);
            for (int i = 0; i < twice.length; i++) {
                twice[i] /= 2;
            }
            Approx.assertAllClose("gradient added twice / 2, maxRows " + maxRows, expected, twice, tolerance);
        }

        A empty = net.newArray(topology.parameterCount());
        assertEquals(0.0, net.accumulateGradient(params, block.x, block.y, rows, 4, 4, empty, net.newWorkspace(4)));
        assertEquals(0.0, Arrays.stream(toDouble(net, empty)).map(Math::abs).sum(), "an empty range adds nothing");
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("topologiesAndPrecisions")
    void weightsOfOneGiveTheUnweightedBits(Topology topology, Precision precision) {
        checkOnes(Network.create(topology, precision), Block.draw(topology, 4));
    }

    private static <A> void checkOnes(Network<A> net, Block block) {
        Topology topology = net.topology();
        A params = net.toCompute(block.params);
        float[] ones = new float[BLOCK_ROWS];
        Arrays.fill(ones, 1f);
        int[] rows = {30, 2, 17, 2, 36, 0, 11, 25, 8, 19, 33, 5, 14};
        for (int maxRows : new int[] {rows.length, 3, 1}) {
            Workspace ws = net.newWorkspace(maxRows);
            A plain = net.newArray(topology.parameterCount());
            A weighted = net.newArray(topology.parameterCount());
            double plainLoss = net.accumulateGradient(params, block.x, block.y, rows, 0, rows.length, plain, ws);
            double weightedLoss = net.accumulateGradient(params, block.x, block.y, ones, rows, 0, rows.length, weighted, ws);
            assertEquals(plainLoss, weightedLoss, "accumulateGradient loss, maxRows " + maxRows);
            assertArrayEquals(toDouble(net, plain), toDouble(net, weighted), "accumulateGradient gradient, maxRows " + maxRows);

            double[] plainOut = new double[topology.outputs() * 20];
            double[] weightedOut = new double[topology.outputs() * 20];
            assertEquals(net.evaluate(params, block.x, block.y, 5, 20, plainOut, ws),
                    net.evaluate(params, block.x, block.y, ones, 5, 20, weightedOut, ws), "evaluate loss, maxRows " + maxRows);
            assertArrayEquals(plainOut, weightedOut);

            A x = net.toCompute(toDouble(block.x));
            A y = net.toCompute(toDouble(block.y));
            A denseOnes = net.toCompute(toDouble(ones));
            A densePlain = net.newArray(topology.parameterCount());
            A denseWeighted = net.newArray(topology.parameterCount());
            assertEquals(net.lossAndGradient(params, x, y, BLOCK_ROWS, densePlain, ws),
                    net.lossAndGradient(params, x, y, denseOnes, BLOCK_ROWS, denseWeighted, ws), "lossAndGradient loss, maxRows " + maxRows);
            assertArrayEquals(toDouble(net, densePlain), toDouble(net, denseWeighted), "lossAndGradient gradient, maxRows " + maxRows);
        }
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("topologiesAndPrecisions")
    void gatheredWeightsFollowTheirRows(Topology topology, Precision precision) {
        checkWeighted(Network.create(topology, precision), Block.draw(topology, 5));
    }

    private static <A> void checkWeighted(Network<A> net, Block block) {
        Topology topology = net.topology();
        double tolerance = Approx.tolerance(net.precision());
        A params = net.toCompute(block.params);
        float[] weights = new float[BLOCK_ROWS];
        for (int r = 0; r < BLOCK_ROWS; r++) {
            weights[r] = r % 5 == 0 ? 0f : 0.25f * (r % 7 + 1);
        }
        int[] rows = {30, 2, 17, 2, 36, 0, 11, 25, 8, 19, 33, 5, 14};
        int n = rows.length;
        double[] stackedX = new double[topology.inputs() * n];
        double[] stackedY = new double[topology.targetWidth() * n];
        double[] stackedWeights = new double[n];
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < topology.inputs(); k++) {
                stackedX[r * topology.inputs() + k] = block.x[rows[r] * topology.inputs() + k];
            }
            for (int k = 0; k < topology.targetWidth(); k++) {
                stackedY[r * topology.targetWidth() + k] = block.y[rows[r] * topology.targetWidth() + k];
            }
            stackedWeights[r] = weights[rows[r]];
        }
        A stackedGrad = net.newArray(topology.parameterCount());
        double stackedLoss = net.lossAndGradient(params, net.toCompute(stackedX), net.toCompute(stackedY), net.toCompute(stackedWeights),
                n, stackedGrad, net.newWorkspace(n));
        A unweighted = net.newArray(topology.parameterCount());
        double unweightedLoss = net.lossAndGradient(params, net.toCompute(stackedX), net.toCompute(stackedY), n, unweighted, net.newWorkspace(n));
        assertTrue(Math.abs(stackedLoss - unweightedLoss) > tolerance * Math.abs(unweightedLoss), "the weights change the loss");

        for (int maxRows : new int[] {n, 4, 1}) {
            Workspace ws = net.newWorkspace(maxRows);
            A grad = net.newArray(topology.parameterCount());
            double loss = net.accumulateGradient(params, block.x, block.y, weights, rows, 0, n, grad, ws);
            Approx.assertClose("weighted loss, maxRows " + maxRows, stackedLoss, loss, tolerance);
            Approx.assertAllClose("weighted gradient, maxRows " + maxRows, toDouble(net, stackedGrad), toDouble(net, grad), tolerance);
        }

        // evaluate weights rows [first, first + count) of the block by their own weights
        int first = 10;
        int count = 12;
        double expected = 0;
        Workspace ws = net.newWorkspace(5);
        double[] out = new double[topology.outputs()];
        for (int r = first; r < first + count; r++) {
            expected += weights[r] * net.evaluate(params, block.x, block.y, r, 1, out, ws);
        }
        double loss = net.evaluate(params, block.x, block.y, weights, first, count, new double[topology.outputs() * count], ws);
        Approx.assertClose("weighted evaluate loss", expected, loss, tolerance);
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("topologiesAndPrecisions")
    void evaluateMatchesForwardAndLossOfTheSameRows(Topology topology, Precision precision) {
        checkEvaluate(Network.create(topology, precision), Block.draw(topology, 2));
    }

    private static <A> void checkEvaluate(Network<A> net, Block block) {
        Topology topology = net.topology();
        double tolerance = Approx.tolerance(net.precision());
        A params = net.toCompute(block.params);
        int first = 5;
        int n = 20;
        double[] stackedX = new double[topology.inputs() * n];
        double[] stackedY = new double[topology.targetWidth() * n];
        System.arraycopy(toDouble(block.x), first * topology.inputs(), stackedX, 0, stackedX.length);
        System.arraycopy(toDouble(block.y), first * topology.targetWidth(), stackedY, 0, stackedY.length);
        A expectedOut = net.newArray(topology.outputs() * n);
        net.forward(params, net.toCompute(stackedX), n, expectedOut, net.newWorkspace(7));
        double expectedLoss = net.lossAndGradient(params, net.toCompute(stackedX), net.toCompute(stackedY), n,
                net.newArray(topology.parameterCount()), net.newWorkspace(n));

        Workspace ws = net.newWorkspace(6);
        double[] out = new double[topology.outputs() * n + 3];
        out[out.length - 1] = 42;
        double loss = net.evaluate(params, block.x, block.y, first, n, out, ws);
        Approx.assertClose("loss", expectedLoss, loss, tolerance);
        double[] written = Arrays.copyOf(out, topology.outputs() * n);
        Approx.assertAllClose("outputs", toDouble(net, expectedOut), written, tolerance);
        assertEquals(42, out[out.length - 1], "evaluate writes outputs × rowCount values only");

        double[] unlabelled = new double[topology.outputs() * n];
        assertTrue(Double.isNaN(net.evaluate(params, block.x, null, first, n, unlabelled, ws)));
        Approx.assertAllClose("outputs without targets", written, unlabelled, 0.0);

        if (topology.activation(topology.layers() - 1) == Activation.SOFTMAX) {
            for (int r = 0; r < n; r++) {
                double sum = 0;
                for (int k = 0; k < topology.outputs(); k++) {
                    double p = unlabelled[r * topology.outputs() + k];
                    assertTrue(p > 0 && p < 1, "probability " + p);
                    sum += p;
                }
                Approx.assertClose("softmax row sum", 1.0, sum, tolerance);
            }
        }
    }

    @Test
    void argumentsAreCheckedWithTheRoutineAndArgumentNamed() {
        Topology topology = Topology.of(new int[] {3, 4, 3}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        Network<double[]> net = Network.ofDouble(topology);
        Block block = Block.draw(topology, 3);
        double[] params = block.params;
        double[] grad = new double[topology.parameterCount()];
        Workspace ws = net.newWorkspace(4);
        int[] rows = {0, 1, 2};

        assertRejected("accumulateGradient: params", () -> net.accumulateGradient(new double[3], block.x, block.y, rows, 0, 3, grad, ws));
        assertRejected("accumulateGradient: grad", () -> net.accumulateGradient(params, block.x, block.y, rows, 0, 3, new double[1], ws));
        assertRejected("accumulateGradient: x", () -> net.accumulateGradient(params, new float[7], block.y, rows, 0, 3, grad, ws));
        assertRejected("accumulateGradient: y", () -> net.accumulateGradient(params, block.x, new float[5], rows, 0, 3, grad, ws));
        assertRejected("accumulateGradient: rows[1] = 37", () -> net.accumulateGradient(params, block.x, block.y, new int[] {0, BLOCK_ROWS}, 0, 2, grad, ws));
        assertRejected("accumulateGradient: rows range", () -> net.accumulateGradient(params, block.x, block.y, rows, 2, 4, grad, ws));
        float[] badLabels = block.y.clone();
        badLabels[1] = 3;
        assertRejected("accumulateGradient: y of row 1 is 3.0", () -> net.accumulateGradient(params, block.x, badLabels, rows, 0, 3, grad, ws));
        badLabels[1] = 0.5f;
        assertRejected("accumulateGradient: y of row 1 is 0.5", () -> net.accumulateGradient(params, block.x, badLabels, rows, 0, 3, grad, ws));
        assertRejected("evaluate: y of row 1", () -> net.evaluate(params, block.x, badLabels, 0, 3, new double[9], ws));
        assertRejected("evaluate: out", () -> net.evaluate(params, block.x, block.y, 0, 3, new double[8], ws));
        assertRejected("evaluate: rows [35, 38)", () -> net.evaluate(params, block.x, block.y, 35, 3, new double[9], ws));
        assertRejected("lossAndGradient: y of row 0 is -1.0",
                () -> net.lossAndGradient(params, new double[3], new double[] {-1}, 1, grad, ws));
        assertRejected("lossAndGradient: x", () -> net.lossAndGradient(params, new double[4], new double[] {0}, 1, grad, ws));
        assertRejected("forward: out", () -> net.forward(params, new double[3], 1, new double[2], ws));
        assertRejected("forward: the workspace was made for",
                () -> net.forward(params, new double[3], 1, new double[3], Network.ofFloat(topology).newWorkspace(4)));
        Topology other = Topology.of(new int[] {3, 5, 3}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        assertRejected("forward: the workspace was made for",
                () -> net.forward(params, new double[3], 1, new double[3], Network.ofDouble(other).newWorkspace(4)));
        assertRejected("newWorkspace: maxRows", () -> net.newWorkspace(0));

        float[] weights = new float[BLOCK_ROWS];
        Arrays.fill(weights, 1f);
        assertRejected("accumulateGradient: weights must hold one value per row of the block, 37, got 3",
                () -> net.accumulateGradient(params, block.x, block.y, new float[3], rows, 0, 3, grad, ws));
        for (float bad : new float[] {-1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            weights[2] = bad;
            assertRejected("accumulateGradient: weight of row 2 is " + bad,
                    () -> net.accumulateGradient(params, block.x, block.y, weights, rows, 0, 3, grad, ws));
            assertRejected("evaluate: weight of row 2 is " + bad,
                    () -> net.evaluate(params, block.x, block.y, weights, 0, 3, new double[9], ws));
            assertRejected("lossAndGradient: weight of row 0 is " + bad,
                    () -> net.lossAndGradient(params, new double[3], new double[] {0}, new double[] {bad}, 1, grad, ws));
        }
        weights[2] = 1f;
        assertEquals(0.0, net.accumulateGradient(params, block.x, block.y, weights, rows, 0, 0, grad, ws),
                "a row that is not used is not checked, and an empty range adds nothing");
        assertRejected("evaluate: weights must hold one value per row of the block, 37, got 36",
                () -> net.evaluate(params, block.x, block.y, new float[36], 0, 3, new double[9], ws));
        assertRejected("lossAndGradient: weights must hold 1 × n",
                () -> net.lossAndGradient(params, new double[3], new double[] {0}, new double[2], 1, grad, ws));
    }

    private static void assertRejected(String messageStart, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(messageStart), "message '" + e.getMessage() + "' should start with '" + messageStart + "'");
    }

    private static <A> double[] toDouble(Network<A> net, A values) {
        double[] result = new double[Array.getLength(values)];
        net.addTo(values, result);
        return result;
    }

    private static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }

    /** A block of {@value #BLOCK_ROWS} rows as the driver packs it, and parameters from {@link WeightInit}. */
    record Block(double[] params, float[] x, float[] y) {
        static Block draw(Topology topology, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] params = new double[topology.parameterCount()];
            WeightInit.initialize(topology, seed, params);
            for (int l = 0; l < topology.layers(); l++) {
                for (int i = topology.biasOffset(l); i < topology.biasOffset(l) + topology.size(l + 1); i++) {
                    params[i] = random.nextDouble(-0.2, 0.2);
                }
            }
            float[] x = new float[topology.inputs() * BLOCK_ROWS];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble(-2, 2);
            }
            float[] y = new float[topology.targetWidth() * BLOCK_ROWS];
            for (int i = 0; i < y.length; i++) {
                y[i] = switch (topology.loss()) {
                    case MSE -> (float) random.nextDouble(-1, 1);
                    case SOFTMAX_CROSS_ENTROPY -> random.nextInt(topology.outputs());
                    case BINARY_CROSS_ENTROPY -> random.nextInt(2);
                };
            }
            return new Block(params, x, y);
        }
    }
}
