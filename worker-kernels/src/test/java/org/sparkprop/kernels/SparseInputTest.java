package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sparse passes ({@link SparseRows} input): every gradient entry against central differences of the loss they
 * return (double, every hidden activation × output × loss, as {@link GradientCheckTest}); loss, gradient and outputs
 * against the dense passes on the same rows densified, in both precisions, with and without row weights, over
 * gathered row orders and chunked ranges; only the touched columns of the first layer's weights change, and
 * {@link ColumnSet} names them; empty rows; and bad input refused with what is wrong named.
 */
class SparseInputTest {
    /** Sparse against densified in double: the same products summed in another order. */
    private static final double DOUBLE_AGREEMENT = 1e-12;
    private static final int BLOCK_ROWS = 37;
    private static final int WIDTH = 40;
    /** Block rows without any non-zero. */
    private static final int[] EMPTY_ROWS = {2, 17, 36};
    /** A batch drawn from a partition's rows: shuffled, a repeat, and empty rows among them. */
    private static final int[] ROWS = {30, 2, 17, 2, 36, 0, 11, 25, 8, 19, 33, 5, 14, 21};

    // ---- gradient checks, double ----

    private static final double STEP = 1e-5;
    private static final double TOLERANCE = 1e-6;
    private static final double FLOOR = 1e-2;
    private static final double KINK_MARGIN = 1e-3;
    private static final int CHECK_INPUTS = 9;
    private static final int CHECK_ROWS = 7;
    /** Non-uniform weights for the {@value #CHECK_ROWS} rows, a zero among them. */
    private static final float[] CHECK_WEIGHTS = {0.5f, 2f, 0f, 1f, 3.25f, 0.125f, 1.5f};

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.sparkprop.kernels.GradientCheckTest#outputs")
    void oneLayerSparseGradientMatchesCentralDifferences(GradientCheckTest.Output output) {
        Topology topology = Topology.of(new int[] {CHECK_INPUTS, output.outputs()}, output.activation(), output.activation(), output.loss());
        checkEveryParameter(topology, null);
    }

    @ParameterizedTest(name = "hidden {0}, {1}")
    @MethodSource("org.sparkprop.kernels.GradientCheckTest#hiddenAndOutputs")
    void threeLayerSparseGradientMatchesCentralDifferences(Activation hidden, GradientCheckTest.Output output) {
        Topology topology = Topology.of(new int[] {CHECK_INPUTS, 5, 4, output.outputs()}, hidden, output.activation(), output.loss());
        checkEveryParameter(topology, null);
    }

    @ParameterizedTest(name = "hidden tanh, {0}")
    @MethodSource("org.sparkprop.kernels.GradientCheckTest#outputs")
    void weightedSparseGradientMatchesCentralDifferences(GradientCheckTest.Output output) {
        Topology topology = Topology.of(new int[] {CHECK_INPUTS, 5, output.outputs()}, Activation.TANH, output.activation(), output.loss());
        checkEveryParameter(topology, CHECK_WEIGHTS);
    }

    private static void checkEveryParameter(Topology topology, float[] weights) {
        for (long seed = 1; seed <= 100; seed++) {
            GradientCheckTest.Data data = GradientCheckTest.Data.draw(topology, seed, CHECK_ROWS);
            SparseRows x = drawRows(new SplittableRandom(seed), CHECK_ROWS, CHECK_INPUTS, 4, new int[] {3});
            float[] y = toFloat(data.y());
            if (minReluPreactivation(topology, data.params(), x) >= KINK_MARGIN) {
                double error = maxRelativeError(Network.ofDouble(topology), data.params(), x, y, weights);
                assertTrue(error <= TOLERANCE, topology + (weights == null ? "" : ", weighted")
                        + ": largest relative error " + error + " > " + TOLERANCE);
                return;
            }
        }
        fail(topology + ": no seed in 1..100 keeps the ReLU pre-activations " + KINK_MARGIN + " away from 0");
    }

    /**
     * The largest relative error over all parameters between the sparse pass's gradient and central differences
     * of the loss it returns, over all rows in a gathered order, two rows a chunk.
     */
    private static double maxRelativeError(Network<double[]> net, double[] params, SparseRows x, float[] y, float[] weights) {
        int[] rows = {4, 0, 6, 3, 1, 5, 2};
        Workspace ws = net.newSparseWorkspace(2);
        double[] analytic = new double[params.length];
        double loss = net.accumulateGradient(analytic, params, x, y, weights, rows, 0, rows.length, ws);
        assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
        double[] scratch = new double[params.length];
        double[] theta = params.clone();
        double worst = 0;
        for (int i = 0; i < theta.length; i++) {
            theta[i] = params[i] + STEP;
            double plus = net.accumulateGradient(scratch, theta, x, y, weights, rows, 0, rows.length, ws);
            theta[i] = params[i] - STEP;
            double minus = net.accumulateGradient(scratch, theta, x, y, weights, rows, 0, rows.length, ws);
            theta[i] = params[i];
            worst = Math.max(worst, Approx.relativeError(analytic[i], (plus - minus) / (2 * STEP), FLOOR));
        }
        return worst;
    }

    /** The smallest |z| over the rows and the units of every ReLU-like layer: sparse evaluate of prefixes of the network. */
    private static double minReluPreactivation(Topology topology, double[] params, SparseRows x) {
        double min = Double.POSITIVE_INFINITY;
        for (int l = 0; l < topology.layers(); l++) {
            if (!topology.activation(l).reluLike()) {
                continue;
            }
            Activation[] acts = Arrays.copyOf(topology.activations(), l + 1);
            acts[l] = Activation.IDENTITY;
            Topology prefix = new Topology(Arrays.copyOf(topology.sizes(), l + 2), acts, Loss.MSE);
            Network<double[]> net = Network.ofDouble(prefix);
            double[] z = new double[prefix.outputs() * x.rows()];
            net.evaluate(z, Arrays.copyOf(params, prefix.parameterCount()), x, null, 0, x.rows(), net.newSparseWorkspace(3));
            for (double v : z) {
                min = Math.min(min, Math.abs(v));
            }
        }
        return min;
    }

    // ---- sparse against densified ----

    static Stream<Arguments> topologiesAndPrecisions() {
        Topology[] topologies = {
            Topology.of(new int[] {WIDTH, 8, 5, 4}, Activation.TANH, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY),
            Topology.of(new int[] {WIDTH, 7, 3}, Activation.RELU, Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY),
            Topology.of(new int[] {WIDTH, 9, 2}, Activation.LEAKY_RELU, Activation.IDENTITY, Loss.MSE),
            Topology.of(new int[] {WIDTH, 6}, Activation.SOFTMAX, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY),
        };
        return Stream.of(topologies).flatMap(t -> Stream.of(Precision.values()).map(p -> Arguments.of(t, p)));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("topologiesAndPrecisions")
    void sparseAccumulateGradientMatchesTheDenseOneOnTheDensifiedRows(Topology topology, Precision precision) {
        Block block = Block.draw(topology, 11);
        checkAgainstDense(Network.create(topology, precision), block, null);
        checkAgainstDense(Network.create(topology, precision), block, block.weights);
    }

    private static <A> void checkAgainstDense(Network<A> net, Block block, float[] weights) {
        Topology topology = net.topology();
        double tolerance = agreement(net.precision());
        A params = net.toCompute(block.params);
        float[] dense = block.x.toDense();
        int from = 1;
        int to = ROWS.length - 1;
        Workspace denseWs = net.newWorkspace(to - from);
        A expected = net.newArray(topology.parameterCount());
        double expectedLoss = net.accumulateGradient(params, dense, block.y, weights, ROWS, from, to, expected, denseWs);
        assertTrue(expectedLoss > 0, "loss " + expectedLoss);
        ColumnSet touched = new ColumnSet(WIDTH);
        touched.addColumnsOf(block.x, ROWS, from, to);
        assertTrue(touched.size() > 0 && touched.size() < WIDTH, "some columns touched, not all: " + touched);

        for (int maxRows : new int[] {to - from, 5, 1, 64}) {
            for (Workspace ws : new Workspace[] {net.newSparseWorkspace(maxRows), net.newWorkspace(maxRows)}) {
                String what = (weights == null ? "" : "weighted ") + "maxRows " + maxRows + (ws.holdsDenseInput() ? ", dense workspace" : "");
                A grad = net.newArray(topology.parameterCount());
                double loss = net.accumulateGradient(grad, params, block.x, block.y, weights, ROWS, from, to, ws);
                Approx.assertClose("loss, " + what, expectedLoss, loss, tolerance);
                assertAllClose("gradient, " + what, toDouble(net, expected), toDouble(net, grad), tolerance, Approx.FLOOR);

                // the gradient is added to what grad holds; the columns the rows do not touch keep their bits
                double[] start = new double[topology.parameterCount()];
                for (int i = 0; i < start.length; i++) {
                    start[i] = 0.25 * ((i % 7) - 3);
                }
                A sum = net.toCompute(start);
                net.accumulateGradient(sum, params, block.x, block.y, weights, ROWS, from, to, ws);
                double[] added = toDouble(net, sum);
                for (int i = 0; i < added.length; i++) {
                    added[i] -= start[i];
                }
                // judged absolutely: the sum is rounded at start's magnitude
                assertAllClose("gradient added, " + what, toDouble(net, grad), added, tolerance, 1.0);
                assertUntouchedColumnsUnchanged(net, topology, touched, net.toCompute(start), sum, what);
            }
        }
    }

    /** Every parameter of the first layer's weight columns outside {@code touched} keeps its bits. */
    private static <A> void assertUntouchedColumnsUnchanged(Network<A> net, Topology topology, ColumnSet touched, A before, A after,
                                                            String what) {
        double[] b = toDouble(net, before);
        double[] a = toDouble(net, after);
        int out = topology.size(1);
        int changed = 0;
        for (int column = 0; column < topology.inputs(); column++) {
            for (int o = 0; o < out; o++) {
                int i = topology.weightOffset(0) + column * out + o;
                if (!touched.contains(column)) {
                    assertEquals(b[i], a[i], 0.0, what + ": W_0 column " + column + " is not touched by the rows, entry " + o);
                } else if (a[i] != b[i]) {
                    changed++;
                }
            }
        }
        assertTrue(changed > 0, what + ": the touched columns received gradient");
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("topologiesAndPrecisions")
    void aFirstLayerReadFromDoubleWeightsGivesTheBitsOfTheCastParams(Topology topology, Precision precision) {
        checkFirstLayerFromDouble(Network.create(topology, precision), Block.draw(topology, 14));
    }

    private static <A> void checkFirstLayerFromDouble(Network<A> net, Block block) {
        Topology topology = net.topology();
        int n = topology.parameterCount();
        A params = net.toCompute(block.params);
        // params whose first layer is NaN: read from block.params instead, it must not be read at all
        double[] spoiled = block.params.clone();
        Arrays.fill(spoiled, topology.weightOffset(0), topology.biasOffset(0), Double.NaN);
        A spoiledParams = net.toCompute(spoiled);
        for (int maxRows : new int[] {ROWS.length, 4}) {
            Workspace ws = net.newSparseWorkspace(maxRows);
            A expected = net.newArray(n);
            double expectedLoss = net.accumulateGradient(expected, params, block.x, block.y, block.weights, ROWS, 0, ROWS.length, ws);
            ws.readFirstLayerFrom(block.params);
            A actual = net.newArray(n);
            double loss = net.accumulateGradient(actual, spoiledParams, block.x, block.y, block.weights, ROWS, 0, ROWS.length, ws);
            assertEquals(expectedLoss, loss, 0.0, "loss, maxRows " + maxRows);
            assertArrayEquals(toDouble(net, expected), toDouble(net, actual), "gradient, maxRows " + maxRows);
            ws.readFirstLayerFrom(null);
            assertTrue(Double.isNaN(net.accumulateGradient(net.newArray(n), spoiledParams, block.x, block.y, block.weights, ROWS, 0,
                    ROWS.length, ws)), "back to params, whose first layer is NaN");
        }
        Workspace ws = net.newSparseWorkspace(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ws.readFirstLayerFrom(new double[n - 1]));
        assertTrue(e.getMessage().contains("has " + n + " parameters"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("topologiesAndPrecisions")
    void sparseWeightsOfOneGiveTheUnweightedBits(Topology topology, Precision precision) {
        checkOnes(Network.create(topology, precision), Block.draw(topology, 12));
    }

    private static <A> void checkOnes(Network<A> net, Block block) {
        A params = net.toCompute(block.params);
        float[] ones = new float[BLOCK_ROWS];
        Arrays.fill(ones, 1f);
        for (int maxRows : new int[] {ROWS.length, 3, 1}) {
            Workspace ws = net.newSparseWorkspace(maxRows);
            A plain = net.newArray(net.topology().parameterCount());
            A weighted = net.newArray(net.topology().parameterCount());
            assertEquals(net.accumulateGradient(plain, params, block.x, block.y, ROWS, 0, ROWS.length, ws),
                    net.accumulateGradient(weighted, params, block.x, block.y, ones, ROWS, 0, ROWS.length, ws), "loss, maxRows " + maxRows);
            assertArrayEquals(toDouble(net, plain), toDouble(net, weighted), "gradient, maxRows " + maxRows);
            double[] plainOut = new double[net.topology().outputs() * 20];
            double[] weightedOut = new double[net.topology().outputs() * 20];
            assertEquals(net.evaluate(plainOut, params, block.x, block.y, 5, 20, ws),
                    net.evaluate(weightedOut, params, block.x, block.y, ones, 5, 20, ws), "evaluate loss, maxRows " + maxRows);
            assertArrayEquals(plainOut, weightedOut);
        }
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("topologiesAndPrecisions")
    void sparseEvaluateMatchesTheDenseOneOnTheDensifiedRows(Topology topology, Precision precision) {
        checkEvaluate(Network.create(topology, precision), Block.draw(topology, 13));
    }

    private static <A> void checkEvaluate(Network<A> net, Block block) {
        Topology topology = net.topology();
        double tolerance = agreement(net.precision());
        A params = net.toCompute(block.params);
        float[] dense = block.x.toDense();
        int first = 1;
        int n = 30;
        int outputs = topology.outputs();
        for (float[] weights : new float[][] {null, block.weights}) {
            double[] expected = new double[outputs * n];
            double expectedLoss = net.evaluate(params, dense, block.y, weights, first, n, expected, net.newWorkspace(8));
            for (int maxRows : new int[] {n, 7, 1}) {
                String what = (weights == null ? "" : "weighted ") + "maxRows " + maxRows;
                Workspace ws = net.newSparseWorkspace(maxRows);
                double[] out = new double[outputs * n + 2];
                out[out.length - 1] = 42;
                double loss = net.evaluate(out, params, block.x, block.y, weights, first, n, ws);
                Approx.assertClose("evaluate loss, " + what, expectedLoss, loss, tolerance);
                assertAllClose("outputs, " + what, expected, Arrays.copyOf(out, outputs * n), tolerance, Approx.FLOOR);
                assertEquals(42, out[out.length - 1], "evaluate writes outputs × rowCount values only");

                double[] unlabelled = new double[outputs * n];
                assertTrue(Double.isNaN(net.evaluate(unlabelled, params, block.x, null, weights, first, n, ws)));
                assertArrayEquals(Arrays.copyOf(out, outputs * n), unlabelled, "outputs do not depend on targets or weights");
            }
        }
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("topologiesAndPrecisions")
    void emptyRowsGiveTheOutputsOfZeroInput(Topology topology, Precision precision) {
        checkEmpty(Network.create(topology, precision), Block.draw(topology, 14));
    }

    private static <A> void checkEmpty(Network<A> net, Block block) {
        Topology topology = net.topology();
        double tolerance = agreement(net.precision());
        A params = net.toCompute(block.params);
        // x of zeros through the dense pass: what a row without non-zeros must give
        float[] zeros = new float[topology.inputs() * BLOCK_ROWS];
        Workspace ws = net.newSparseWorkspace(4);
        A expected = net.newArray(topology.parameterCount());
        double expectedLoss = net.accumulateGradient(params, zeros, block.y, EMPTY_ROWS, 0, EMPTY_ROWS.length, expected, net.newWorkspace(4));
        A grad = net.newArray(topology.parameterCount());
        double loss = net.accumulateGradient(grad, params, block.x, block.y, EMPTY_ROWS, 0, EMPTY_ROWS.length, ws);
        Approx.assertClose("loss of empty rows", expectedLoss, loss, tolerance);
        assertAllClose("gradient of empty rows", toDouble(net, expected), toDouble(net, grad), tolerance, Approx.FLOOR);
        double[] g = toDouble(net, grad);
        for (int i = topology.weightOffset(0); i < topology.biasOffset(0); i++) {
            assertEquals(0.0, g[i], 0.0, "empty rows give no first-layer weight gradient, entry " + i);
        }
        ColumnSet touched = new ColumnSet(WIDTH);
        touched.addColumnsOf(block.x, EMPTY_ROWS, 0, EMPTY_ROWS.length);
        assertEquals(0, touched.size());

        double[] out = new double[topology.outputs()];
        double[] expectedOut = new double[topology.outputs()];
        net.evaluate(out, params, block.x, null, EMPTY_ROWS[1], 1, ws);
        net.evaluate(params, zeros, null, EMPTY_ROWS[1], 1, expectedOut, net.newWorkspace(1));
        assertAllClose("outputs of an empty row", expectedOut, out, tolerance, Approx.FLOOR);

        SparseRows none = new SparseRows(WIDTH, new int[] {0, 0, 0}, new int[0], new float[0]);
        double[] twoOut = new double[2 * topology.outputs()];
        net.evaluate(twoOut, params, none, null, 0, 2, ws);
        assertAllClose("a block without non-zeros", expectedOut, Arrays.copyOf(twoOut, topology.outputs()), tolerance, Approx.FLOOR);
    }

    /**
     * FloatNetwork's sparse kernels take several non-zeros of a row at a time; every element must still receive its
     * terms one by one in the non-zeros' order. Rows of 0 to 9 non-zeros cover every remainder.
     */
    @Test
    void floatSparseKernelsGiveTheBitsOfOneNonZeroAtATime() {
        int width = 40;
        int nOut = 13;
        SplittableRandom random = new SplittableRandom(17);
        SparseRows x = drawRows(random, 30, width, 9, new int[] {4});
        int rows = x.rows();
        int[] order = random.ints(0, rows).limit(rows).toArray();
        int offset = 7;
        double[] weights = random.doubles(offset + width * nOut).map(v -> v * 2 - 1).toArray();
        float[] params = new float[weights.length];
        for (int i = 0; i < weights.length; i++) {
            params[i] = (float) weights[i];
        }
        float[] dZ = new float[rows * nOut];
        for (int i = 0; i < dZ.length; i++) {
            dZ[i] = (float) random.nextGaussian();
        }
        float[] expectedZ = new float[rows * nOut];
        float[] expectedGrad = new float[params.length];
        for (int c = 0; c < rows; c++) {
            int row = order[c];
            for (int k = x.rowStart[row]; k < x.rowStart[row + 1]; k++) {
                for (int o = 0; o < nOut; o++) {
                    expectedZ[c * nOut + o] += x.values[k] * params[offset + x.index[k] * nOut + o];
                    expectedGrad[offset + x.index[k] * nOut + o] += x.values[k] * dZ[c * nOut + o];
                }
            }
        }
        FloatNetwork net = (FloatNetwork) Network.create(Topology.of(new int[] {width, nOut}, Activation.IDENTITY, Activation.IDENTITY, Loss.MSE),
                Precision.FLOAT);
        float[] z = new float[rows * nOut];
        net.sparseMultAdd(z, params, offset, nOut, x, order, 0, rows);
        assertArrayEquals(expectedZ, z);
        float[] fromDouble = new float[rows * nOut];
        net.sparseMultAddFromDouble(fromDouble, weights, offset, nOut, x, order, 0, rows);
        assertArrayEquals(expectedZ, fromDouble);
        float[] grad = new float[params.length];
        net.sparseMultTransBAdd(grad, offset, dZ, nOut, x, order, 0, rows);
        assertArrayEquals(expectedGrad, grad);
    }

    // ---- ColumnSet ----

    @Test
    void columnSetListsTheDistinctColumnsOfTheRowsAscending() {
        SparseRows x = drawRows(new SplittableRandom(5), BLOCK_ROWS, 200, 9, EMPTY_ROWS);
        ColumnSet set = new ColumnSet(200);
        TreeSet<Integer> expected = new TreeSet<>();
        for (int i = 3; i < 11; i++) {
            for (int k = x.rowStart(ROWS[i]); k < x.rowEnd(ROWS[i]); k++) {
                expected.add(x.index(k));
            }
        }
        set.addColumnsOf(x, ROWS, 3, 11);
        set.addColumnsOf(x, ROWS, 3, 11);
        assertEquals(expected.size(), set.size(), "adding the same rows twice adds nothing");
        int[] columns = new int[200];
        assertEquals(expected.size(), set.sortedColumns(columns));
        assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), Arrays.copyOf(columns, expected.size()));
        for (int c = 0; c < 200; c++) {
            assertEquals(expected.contains(c), set.contains(c), "column " + c);
        }

        for (int r = 4; r < 9; r++) {
            for (int k = x.rowStart(r); k < x.rowEnd(r); k++) {
                expected.add(x.index(k));
            }
        }
        set.addColumnsOf(x, 4, 5);
        assertEquals(expected.size(), set.sortedColumns(columns), "a union over calls");
        assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), Arrays.copyOf(columns, expected.size()));

        set.clear();
        assertEquals(0, set.size());
        assertEquals(0, set.sortedColumns(new int[0]));
        assertRejected("ColumnSet.addColumnsOf: x has 200 columns, the set 201", () -> new ColumnSet(201).addColumnsOf(x, 0, 1));
        assertRejected("ColumnSet.addColumnsOf: rows[1] = 37", () -> set.addColumnsOf(x, new int[] {0, BLOCK_ROWS}, 0, 2));
        assertRejected("ColumnSet.addColumnsOf: rows [30, 40)", () -> set.addColumnsOf(x, 30, 10));
        set.addColumnsOf(x, 0, 3);
        assertRejected("ColumnSet.sortedColumns: columns must hold the set's " + set.size(), () -> set.sortedColumns(new int[set.size() - 1]));
    }

    @Test
    void columnSetHandlesTheLastWordsColumns() {
        SparseRows x = new SparseRows(130, new int[] {0, 4}, new int[] {0, 63, 64, 129}, new float[] {1, 2, 3, 4});
        ColumnSet set = new ColumnSet(130);
        set.addColumnsOf(x, 0, 1);
        int[] columns = new int[4];
        assertEquals(4, set.sortedColumns(columns));
        assertArrayEquals(new int[] {0, 63, 64, 129}, columns);
        assertTrue(!set.contains(130) && !set.contains(-1) && !set.contains(1));
    }

    // ---- SparseRows ----

    @Test
    void sparseRowsAreCheckedOnceWithWhatIsWrongNamed() {
        int[] rowStart = {0, 2, 2, 3};
        int[] index = {1, 4, 0};
        float[] values = {1f, -2f, 3f};
        SparseRows ok = new SparseRows(5, rowStart, index, values);
        assertEquals(3, ok.rows());
        assertEquals(3, ok.nonZeros());
        assertRejected("SparseRows: width must be at least 1, got 0", () -> new SparseRows(0, rowStart, index, values));
        assertRejected("SparseRows: rowStart must hold rows + 1 offsets", () -> new SparseRows(5, new int[0], new int[0], new float[0]));
        assertRejected("SparseRows: rowStart must hold rows + 1 offsets", () -> new SparseRows(5, null, index, values));
        assertRejected("SparseRows: index is null", () -> new SparseRows(5, rowStart, null, values));
        assertRejected("SparseRows: values is null", () -> new SparseRows(5, rowStart, index, null));
        assertRejected("SparseRows: index and values must be as long as each other, got 3 and 2",
                () -> new SparseRows(5, rowStart, index, new float[2]));
        assertRejected("SparseRows: rowStart[0] must be 0, got 1", () -> new SparseRows(5, new int[] {1, 2, 2, 3}, index, values));
        assertRejected("SparseRows: rowStart[2] = 1 is below rowStart[1] = 2; offsets must not decrease",
                () -> new SparseRows(5, new int[] {0, 2, 1, 3}, index, values));
        assertRejected("SparseRows: rowStart[3] (the last offset) = 2 must equal the number of non-zeros, index.length = 3",
                () -> new SparseRows(5, new int[] {0, 1, 2, 2}, index, values));
        assertRejected("SparseRows: index[1] = 5 (row 0) is not a column in [0, 5)",
                () -> new SparseRows(5, rowStart, new int[] {1, 5, 0}, values));
        assertRejected("SparseRows: index[2] = -1 (row 2) is not a column in [0, 5)",
                () -> new SparseRows(5, rowStart, new int[] {1, 4, -1}, values));
        assertRejected("SparseRows: index[1] = 1 (row 0) is not above the row's previous column 1; columns must ascend within a row",
                () -> new SparseRows(5, rowStart, new int[] {1, 1, 0}, values));
        assertRejected("SparseRows: index[1] = 0 (row 0) is not above the row's previous column 1",
                () -> new SparseRows(5, rowStart, new int[] {1, 0, 0}, values));
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            assertRejected("SparseRows: values[2] = " + bad + " (row 2, column 0) is not finite",
                    () -> new SparseRows(5, rowStart, index, new float[] {1f, 2f, bad}));
        }
        assertRejected("SparseRows.ofDense: x must hold width × rows = 3 × rows values, got 4", () -> SparseRows.ofDense(3, new float[4]));

        // copied: changing the caller's arrays afterwards changes nothing
        index[0] = 3;
        values[0] = 9f;
        rowStart[1] = 1;
        assertArrayEquals(new int[] {1, 4, 0}, ok.indices());
        assertArrayEquals(new float[] {1f, -2f, 3f}, ok.values());
        assertArrayEquals(new int[] {0, 2, 2, 3}, ok.rowStarts());
        assertArrayEquals(new float[] {0, 1, 0, 0, -2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0}, ok.toDense());
        assertEquals(ok, SparseRows.ofDense(5, ok.toDense()));
        assertNotEquals(ok, SparseRows.ofDense(5, new float[15]));
    }

    @Test
    void deserializedSparseRowsAreEqualAndChecked() throws IOException, ClassNotFoundException {
        SparseRows x = drawRows(new SplittableRandom(3), 5, 20, 4, new int[] {1});
        assertEquals(x, deserialize(serialize(x)));
        assertEquals(x.hashCode(), deserialize(serialize(x)).hashCode());
        // one index of the stream out of range: the constructor's check refuses it on the way in
        byte[] bytes = serialize(new SparseRows(20, new int[] {0, 1}, new int[] {7}, new float[] {0.5f}));
        byte[] other = serialize(new SparseRows(20, new int[] {0, 1}, new int[] {13}, new float[] {0.5f}));
        int at = -1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != other[i]) {
                assertEquals(-1, at, "the two streams differ in one byte");
                at = i;
            }
        }
        assertTrue(at >= 0);
        bytes[at] = 122;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> deserialize(bytes));
        assertTrue(e.getMessage().startsWith("SparseRows: index[0] = 122 (row 0) is not a column in [0, 20)"), e.getMessage());
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Test
    void sparsePassesCheckTheirArgumentsWithTheRoutineNamed() {
        Topology topology = Topology.of(new int[] {WIDTH, 4, 3}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        Network<double[]> net = Network.ofDouble(topology);
        Block block = Block.draw(topology, 3);
        double[] params = block.params;
        double[] grad = new double[topology.parameterCount()];
        Workspace ws = net.newSparseWorkspace(4);
        int[] rows = {0, 1, 2};
        SparseRows narrow = new SparseRows(WIDTH - 1, new int[] {0, 0}, new int[0], new float[0]);

        assertRejected("accumulateGradient: x is null", () -> net.accumulateGradient(grad, params, null, block.y, rows, 0, 3, ws));
        assertRejected("accumulateGradient: x has 39 columns, the network 40 inputs",
                () -> net.accumulateGradient(grad, params, narrow, new float[1], new int[] {0}, 0, 1, ws));
        assertRejected("accumulateGradient: y must hold targetWidth × rows = 1 × 37 values for the 37 rows of x, got null",
                () -> net.accumulateGradient(grad, params, block.x, null, rows, 0, 3, ws));
        assertRejected("accumulateGradient: y must hold", () -> net.accumulateGradient(grad, params, block.x, new float[5], rows, 0, 3, ws));
        assertRejected("accumulateGradient: grad", () -> net.accumulateGradient(new double[1], params, block.x, block.y, rows, 0, 3, ws));
        assertRejected("accumulateGradient: params", () -> net.accumulateGradient(grad, new double[3], block.x, block.y, rows, 0, 3, ws));
        assertRejected("accumulateGradient: grad and params are the same array",
                () -> net.accumulateGradient(params, params, block.x, block.y, rows, 0, 3, ws));
        assertRejected("accumulateGradient: rows[1] = 37",
                () -> net.accumulateGradient(grad, params, block.x, block.y, new int[] {0, BLOCK_ROWS}, 0, 2, ws));
        assertRejected("accumulateGradient: rows range", () -> net.accumulateGradient(grad, params, block.x, block.y, rows, 2, 4, ws));
        float[] badLabels = block.y.clone();
        badLabels[1] = 3;
        assertRejected("accumulateGradient: y of row 1 is 3.0", () -> net.accumulateGradient(grad, params, block.x, badLabels, rows, 0, 3, ws));
        assertRejected("evaluate: y of row 1 is 3.0", () -> net.evaluate(new double[9], params, block.x, badLabels, 0, 3, ws));
        assertRejected("accumulateGradient: weights must hold one value per row of the block, 37, got 3",
                () -> net.accumulateGradient(grad, params, block.x, block.y, new float[3], rows, 0, 3, ws));
        float[] weights = block.weights.clone();
        weights[2] = Float.NaN;
        assertRejected("accumulateGradient: weight of row 2 is NaN",
                () -> net.accumulateGradient(grad, params, block.x, block.y, weights, rows, 0, 3, ws));
        assertRejected("evaluate: weight of row 2 is NaN", () -> net.evaluate(new double[9], params, block.x, block.y, weights, 0, 3, ws));
        assertRejected("evaluate: out must hold outputs × rowCount = 3 × 3 values, got 8",
                () -> net.evaluate(new double[8], params, block.x, block.y, 0, 3, ws));
        assertRejected("evaluate: rows [35, 38) are not within the block of 37 rows",
                () -> net.evaluate(new double[9], params, block.x, null, 35, 3, ws));
        assertRejected("evaluate: x has 39 columns", () -> net.evaluate(new double[3], params, narrow, null, 0, 1, ws));
        assertRejected("accumulateGradient: the workspace was made for",
                () -> net.accumulateGradient(grad, params, block.x, block.y, rows, 0, 3, Network.ofFloat(topology).newSparseWorkspace(4)));
        // a sparse workspace has no room for gathered dense inputs
        float[] dense = block.x.toDense();
        assertRejected("accumulateGradient: the workspace was made by newSparseWorkspace",
                () -> net.accumulateGradient(params, dense, block.y, rows, 0, 3, grad, ws));
        assertRejected("evaluate: the workspace was made by newSparseWorkspace",
                () -> net.evaluate(params, dense, block.y, 0, 3, new double[9], ws));
        assertRejected("newSparseWorkspace: maxRows must be at least 1, got 0", () -> net.newSparseWorkspace(0));
        // the dense in-place passes need no gathered inputs and take a sparse workspace
        double[] out = new double[3];
        net.forward(params, Arrays.copyOf(toDouble(dense), WIDTH), 1, out, ws);
        assertEquals(0.0, net.accumulateGradient(grad, params, block.x, block.y, rows, 1, 1, ws), "an empty range adds nothing");
    }

    @Test
    void aSparseWorkspaceDoesNotGrowWithTheInputs() {
        Topology topology = Topology.of(new int[] {1 << 22, 4, 3}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        Network<float[]> net = Network.ofFloat(topology);
        // dense, 1024 rows of 2^22 inputs would not fit in one array; sparse needs only the hidden layers
        assertRejected("newWorkspace: maxRows 1024 × the widest layer 4194304", () -> net.newWorkspace(1024));
        Workspace ws = net.newSparseWorkspace(1024);
        assertEquals(0, ((float[]) ws.activations[0]).length);
        assertEquals(4 * 1024, ((float[]) ws.activations[1]).length);
    }

    // ---- helpers ----

    private static double agreement(Precision precision) {
        return precision == Precision.DOUBLE ? DOUBLE_AGREEMENT : Approx.FLOAT_TOLERANCE;
    }

    /** As {@link Approx#assertAllClose} with a floor of one's own. */
    private static void assertAllClose(String what, double[] expected, double[] actual, double tolerance, double floor) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double error = Approx.relativeError(actual[i], expected[i], floor);
            if (!(error <= tolerance)) {
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (relative error " + error + " > " + tolerance + ")");
            }
        }
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

    private static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }

    /**
     * rows × width CSR rows with 1 .. mostNonZeros distinct random columns each (values normal, never 0), except the
     * rows named empty, which have none.
     */
    static SparseRows drawRows(SplittableRandom random, int rows, int width, int mostNonZeros, int[] empty) {
        int[] rowStart = new int[rows + 1];
        int[] index = new int[rows * mostNonZeros];
        float[] values = new float[rows * mostNonZeros];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            int row = r;
            if (Arrays.stream(empty).noneMatch(e -> e == row)) {
                int[] columns = random.ints(0, width).distinct().limit(1 + random.nextInt(mostNonZeros)).sorted().toArray();
                for (int column : columns) {
                    index[k] = column;
                    double v = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
                    values[k] = v == 0 ? 1f : (float) v;
                    k++;
                }
            }
            rowStart[r + 1] = k;
        }
        return new SparseRows(width, rowStart, Arrays.copyOf(index, k), Arrays.copyOf(values, k));
    }

    /** A block of {@value #BLOCK_ROWS} sparse rows, its targets and row weights, and parameters from {@link WeightInit}. */
    record Block(double[] params, SparseRows x, float[] y, float[] weights) {
        static Block draw(Topology topology, long seed) {
            AccumulateGradientTest.Block dense = AccumulateGradientTest.Block.draw(topology, seed);
            SplittableRandom random = new SplittableRandom(seed + 1000);
            SparseRows x = drawRows(random, BLOCK_ROWS, topology.inputs(), 6, EMPTY_ROWS);
            float[] weights = new float[BLOCK_ROWS];
            for (int r = 0; r < BLOCK_ROWS; r++) {
                weights[r] = r % 5 == 0 ? 0f : 0.25f * (r % 7 + 1);
            }
            return new Block(dense.params(), x, dense.y(), weights);
        }
    }
}
