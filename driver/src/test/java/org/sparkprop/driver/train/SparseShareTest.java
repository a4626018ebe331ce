package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.DataReader;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/**
 * Sparse blocks' shares carry the first layer's gradient as the touched input columns only; the driver's sum of
 * them gives the bits that dense shares give: the same weights.bin, byte for byte, through either exchange and
 * through broadcast and task results, with and without clipping and penalties, and whatever the number of the
 * driver's threads. lazy-adam moves only touched columns, is Adam on dense data and resumes exactly. ReLU networks,
 * as in {@link ExchangeTest}.
 */
class SparseShareTest {
    /** 2^14 inputs, 16 hidden: 262,243 parameters, five chunks of the driver's passes. */
    static final int FEATURES = 1 << 14;
    private static Dataset sparse;

    @BeforeAll
    static void data(@TempDir Path dir) throws IOException {
        InputSpec train = new InputSpec(write(dir.resolve("train.libsvm"), 500, 3).toString(), DataFormat.LIBSVM, FEATURES, List.of());
        sparse = DataReader.readForTraining(TestSpark.context(), train, LabelKind.CLASSES, null, 2);
        assertTrue(sparse.sparse());
    }

    @AfterAll
    static void release() {
        sparse.unpersist();
    }

    /** Rows of 8 to 15 non-zeros among FEATURES, one of them naming the class; some values negative. */
    static Path write(Path file, int rows, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            int label = random.nextInt(3);
            TreeMap<Integer, Double> row = new TreeMap<>();
            row.put(1 + label * 50 + random.nextInt(50), 1.0);
            int n = 8 + random.nextInt(8);
            while (row.size() < n) {
                row.put(1 + random.nextInt(FEATURES), random.nextDouble() * 2 - 0.5);
            }
            text.append(label);
            row.forEach((k, v) -> text.append(' ').append(k).append(':').append(String.format(Locale.ROOT, "%.3f", v)));
            text.append('\n');
        }
        return Files.writeString(file, text);
    }

    private static TrainConfig.Builder base() {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {16};
        b.activation = Activation.RELU;
        b.batchSize = 40;
        b.epochs = 2;
        b.patience = 0;
        b.seed = 17;
        b.learningRate = 0.01;
        return b;
    }

    /** A run with the exchange, sparse shares on or off and the driver's threads as given (local properties). */
    private static TrainResult train(TrainConfig config, String exchange, boolean sparseShares, int driverThreads) {
        JavaSparkContext sc = TestSpark.context();
        sc.setLocalProperty(Exchange.SETTING, exchange);
        sc.setLocalProperty(StepJob.SPARSE_SHARES, Boolean.toString(sparseShares));
        sc.setLocalProperty(Trainer.DRIVER_CORES, Integer.toString(driverThreads));
        try {
            TrainResult result = new Trainer(sc, config).train(sparse, null, TrainListener.SILENT);
            assertEquals(exchange, result.exchange());
            return result;
        } finally {
            sc.setLocalProperty(Exchange.SETTING, null);
            sc.setLocalProperty(StepJob.SPARSE_SHARES, null);
            sc.setLocalProperty(Trainer.DRIVER_CORES, null);
        }
    }

    private static byte[] weightsBin(TrainResult result, Precision precision, Path dir) throws IOException {
        Model model = new Model(result.topology(), precision, sparse.schema(), result.weights(), null, null);
        ModelStore.save(model, dir.toString(), Map.of(), false, new Configuration());
        return Files.readAllBytes(dir.resolve("weights.bin"));
    }

    @Test
    void sparseSharesGiveTheDenseSharesWeightsBinByteForByteThroughEitherExchange(@TempDir Path dir) throws IOException {
        int n = 0;
        for (Precision precision : Precision.values()) {
            for (OptimizerKind optimizer : new OptimizerKind[] {OptimizerKind.ADAM, OptimizerKind.LAZY_ADAM, OptimizerKind.MOMENTUM}) {
                TrainConfig.Builder b = base();
                b.precision = precision;
                b.optimizer = optimizer;
                if (optimizer == OptimizerKind.MOMENTUM) {
                    b.clipNorm = 0.05;
                    b.clipValue = 0.001;
                    b.l2 = 1e-4;
                }
                TrainConfig config = b.build();
                String what = precision + ", " + optimizer;
                // lazy-adam learns which columns a step touched from sparse shares only (dense ones make it adam)
                boolean lazy = optimizer == OptimizerKind.LAZY_ADAM;
                byte[] reference = weightsBin(train(config, "per-step", lazy, 2), precision, dir.resolve("m" + n++));
                for (String exchange : new String[] {"per-step", "per-epoch"}) {
                    TrainResult result = train(config, exchange, true, 2);
                    assertArrayEquals(reference, weightsBin(result, precision, dir.resolve("m" + n++)), what + ", " + exchange);
                }
                // through broadcast and task results: the weights cast whole every step, the shares serialized
                TestSpark.context().setLocalProperty(StepJob.LOCAL_HAND_OVER, "false");
                try {
                    TrainResult result = train(config, "per-step", true, 2);
                    assertArrayEquals(reference, weightsBin(result, precision, dir.resolve("m" + n++)), what + ", broadcast");
                } finally {
                    TestSpark.context().setLocalProperty(StepJob.LOCAL_HAND_OVER, null);
                }
                // per epoch through Spark's RPC environment, as on a cluster: the shares encoded and decoded (Deposit)
                TestSpark.context().setLocalProperty(EpochStage.CHANNEL, "rpc");
                try {
                    TrainResult result = train(config, "per-epoch", true, 2);
                    assertArrayEquals(reference, weightsBin(result, precision, dir.resolve("m" + n++)), what + ", per-epoch over rpc");
                } finally {
                    TestSpark.context().setLocalProperty(EpochStage.CHANNEL, null);
                }
            }
        }
    }

    @Test
    void theDriversThreadCountChangesNoBit() {
        TrainConfig.Builder b = base();
        b.clipNorm = 0.05;
        TrainConfig config = b.build();
        TrainResult one = train(config, "per-step", true, 1);
        for (int threads : new int[] {2, 3}) {
            TrainResult more = train(config, "per-step", true, threads);
            assertArrayEquals(one.weights(), more.weights(), threads + " threads");
            for (int e = 0; e < one.history().size(); e++) {
                assertEquals(one.history().get(e).gradientNorm(), more.history().get(e).gradientNorm(), 0.0, threads + " threads");
            }
        }
    }

    /**
     * The driver's sum of sparse shares against the dense sum of the same gradients, value by value (−0.0 included);
     * and a sparse share carries only its touched columns.
     */
    @Test
    void theSumOfSparseSharesIsTheDenseSumToTheBit() {
        Topology topology = Topology.of(new int[] {300_000, 4, 3}, Activation.RELU, Activation.SOFTMAX, org.sparkprop.kernels.Loss.SOFTMAX_CROSS_ENTROPY);
        @SuppressWarnings("unchecked")
        Network<Object> network = (Network<Object>) Network.create(topology, Precision.FLOAT);
        SplittableRandom random = new SplittableRandom(5);
        StepGradient sparseSum = new StepGradient(topology);
        StepGradient denseSum = new StepGradient(topology);
        for (int step = 0; step < 3; step++) {
            StepShare[] sparseShares = new StepShare[3];
            StepShare[] denseShares = new StepShare[3];
            for (int p = 0; p < 3; p++) {
                float[] gradient = new float[topology.parameterCount()];
                int[] columns = random.ints(50 + random.nextInt(100), 0, topology.inputs()).distinct().sorted().toArray();
                for (int c : columns) {
                    for (int o = 0; o < 4; o++) {
                        int k = random.nextInt(4);
                        gradient[c * 4 + o] = k == 0 ? -0.0f : k == 1 ? 0f : (float) random.nextGaussian();
                    }
                }
                for (int i = topology.biasOffset(0); i < gradient.length; i++) {
                    gradient[i] = (float) random.nextGaussian();
                }
                denseShares[p] = new StepShare();
                System.arraycopy(gradient, 0, (float[]) denseShares[p].denseGradient(network), 0, gradient.length);
                StepShare taken = new StepShare();
                taken.takeSparse(network, gradient, columns, columns.length);
                for (float v : gradient) {
                    assertEquals(0, Float.floatToRawIntBits(v), "taking a share leaves the buffer at +0.0");
                }
                assertArrayEquals(columns, taken.columns());
                assertEquals(columns.length * 4 + topology.parameterCount() - topology.biasOffset(0), taken.gradientLength(topology));
                sparseShares[p] = new StepShare();
                sparseShares[p].copyFrom(taken, topology);
                assertFalse(denseShares[p].sparse());
                assertTrue(sparseShares[p].sparse());
            }
            sparseSum.sum(sparseShares);
            denseSum.sum(denseShares);
            assertArrayEquals(denseSum.values, sparseSum.values, "step " + step);
            assertHeldAndRestTileTheGradient(sparseSum);
        }
    }

    /**
     * A sum is the shares' values added from +0.0 in partition order, whatever the previous sums and the driver left
     * in the array: shares dense and sparse in every mix, step after step, with NaN written everywhere between steps
     * (as the update writes its own values there). A dense first share is written over the array instead of added to
     * zeros, so this fails if a value of the previous step survives or if −0.0 + −0.0 is not +0.0 there.
     */
    @Test
    void eachSumStartsFromZeroWhateverThePreviousStepLeftAndWhicheverFormTheSharesTake() {
        Topology topology = Topology.of(new int[] {5_000, 4, 3}, Activation.RELU, Activation.SOFTMAX, org.sparkprop.kernels.Loss.SOFTMAX_CROSS_ENTROPY);
        @SuppressWarnings("unchecked")
        Network<Object> network = (Network<Object>) Network.create(topology, Precision.FLOAT);
        SplittableRandom random = new SplittableRandom(8);
        StepGradient sum = new StepGradient(topology);
        boolean[][] forms = {{false, false, false}, {true, true, true}, {false, true, true}, {true, false, false}, {false, false, true},
                {true, true, false}, {false, false, false}};
        for (boolean[] sparse : forms) {
            StepShare[] shares = new StepShare[sparse.length];
            double[] expected = new double[topology.parameterCount()];
            for (int p = 0; p < shares.length; p++) {
                float[] gradient = new float[topology.parameterCount()];
                int[] columns = random.ints(20 + random.nextInt(40), 0, topology.inputs()).distinct().sorted().toArray();
                for (int c : columns) {
                    for (int o = 0; o < 4; o++) {
                        gradient[c * 4 + o] = random.nextInt(3) == 0 ? -0.0f : (float) random.nextGaussian();
                    }
                }
                for (int i = topology.biasOffset(0); i < gradient.length; i++) {
                    gradient[i] = random.nextInt(3) == 0 ? -0.0f : (float) random.nextGaussian();
                }
                for (int i = 0; i < gradient.length; i++) {
                    expected[i] += gradient[i];
                }
                shares[p] = new StepShare();
                if (sparse[p]) {
                    shares[p].takeSparse(network, gradient, columns, columns.length);
                } else {
                    System.arraycopy(gradient, 0, (float[]) shares[p].denseGradient(network), 0, gradient.length);
                }
            }
            sum.sum(shares);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(sum.values[i]),
                        java.util.Arrays.toString(sparse) + " at " + i + ": " + expected[i] + " against " + sum.values[i]);
            }
            java.util.Arrays.fill(sum.values, Double.NaN);
            sum.holdAll();
        }
    }

    /** forEachHeld's held ranges and the rest cover every value once, in order within a chunk; the rest are +0.0. */
    private static void assertHeldAndRestTileTheGradient(StepGradient sum) {
        double[] v = sum.values;
        byte[] seen = new byte[v.length];
        int[] next = new int[org.sparkprop.driver.Chunks.chunkCount(v.length)];
        java.util.Arrays.setAll(next, c -> c * org.sparkprop.driver.Chunks.SIZE);
        java.util.concurrent.atomic.AtomicInteger restValues = new java.util.concurrent.atomic.AtomicInteger();
        sum.forEachHeld(false, (chunk, from, to) -> {
            assertEquals(next[chunk], from, "ranges of chunk " + chunk + " run in order, without a gap");
            next[chunk] = to;
            for (int i = from; i < to; i++) {
                seen[i]++;
            }
        }, (chunk, from, to) -> {
            assertEquals(next[chunk], from, "ranges of chunk " + chunk + " run in order, without a gap");
            next[chunk] = to;
            for (int i = from; i < to; i++) {
                seen[i]++;
                assertEquals(0L, Double.doubleToRawLongBits(v[i]), "a value left out is +0.0 at " + i);
                restValues.incrementAndGet();
            }
        });
        for (int i = 0; i < v.length; i++) {
            assertEquals(1, seen[i], "value " + i + " is passed on once");
        }
        assertTrue(restValues.get() > v.length / 2, "most of a sparse step's first layer is left out: " + restValues.get());
    }
    /**
     * In local mode the per-epoch tasks read the first layer from the driver's θ in double only where a step's rows
     * hold fewer non-zeros than {@link StepExchange#FEW_COLUMNS} of its columns; elsewhere (a batch of 500 rows of
     * about 12 non-zeros here: 6,000 for 16,384 columns) the driver casts it for them, and the run keeps its bits.
     */
    @Test
    void tasksReadTheFirstLayerInDoubleOnlyWhereAStepTouchesFewOfItsColumns(@TempDir Path dir) throws IOException {
        JavaSparkContext sc = TestSpark.context();
        Topology topology = Topology.of(new int[] {FEATURES, 16, 3}, Activation.RELU, Activation.SOFTMAX,
                org.sparkprop.kernels.Loss.SOFTMAX_CROSS_ENTROPY);
        @SuppressWarnings("unchecked")
        Network<Object> network = (Network<Object>) Network.create(topology, Precision.FLOAT);
        BatchPlan plan = BatchPlan.of(new int[] {250, 250}, 40);
        double limit = StepExchange.FEW_COLUMNS * FEATURES;
        sc.setLocalProperty(Exchange.SETTING, "per-epoch");
        try {
            for (double nonZeros : new double[] {0, limit - 1, limit, 10 * limit}) {
                try (StepExchange exchange = StepExchange.open(sc, sparse.blocks(), new StepExchange.SparseInput(nonZeros, 20), network, 1, org.sparkprop.kernels.Dropout.NONE, 40, plan)) {
                    assertEquals(nonZeros < limit, exchange.tasksReadFirstLayerInDouble(), nonZeros + " non-zeros a step");
                }
            }
            try (StepExchange dense = StepExchange.open(sc, sparse.blocks(), null, network, 1, org.sparkprop.kernels.Dropout.NONE, 40, plan)) {
                assertFalse(dense.tasksReadFirstLayerInDouble(), "dense blocks");
            }
        } finally {
            sc.setLocalProperty(Exchange.SETTING, null);
        }
        TrainConfig.Builder b = base();
        b.batchSize = 500;
        b.epochs = 3;
        TrainConfig config = b.build();
        assertArrayEquals(weightsBin(train(config, "per-step", true, 2), Precision.FLOAT, dir.resolve("per-step")),
                weightsBin(train(config, "per-epoch", true, 2), Precision.FLOAT, dir.resolve("per-epoch")), "the driver casts the first layer");
    }

    /**
     * Through Spark's RPC environment (as on a cluster) a task of sparse rows asks, with each deposit, for the
     * first-layer columns of its next step's rows and gets only those with the other layers: the run keeps its bits
     * (with validation, so that every epoch is a stretch whose first reply the tasks must ask again for), and the
     * driver sends a small part of the weights a step.
     */
    @Test
    void throughSparkRpcATaskOfSparseRowsGetsOnlyItsRowsFirstLayerColumns(@TempDir Path dir) throws IOException {
        JavaSparkContext sc = TestSpark.context();
        TrainConfig.Builder b = base();
        b.epochs = 3;
        TrainConfig config = b.build();
        byte[] perStep = weightsBin(train(config, "per-step", true, 2), Precision.FLOAT, dir.resolve("per-step"));
        sc.setLocalProperty(EpochStage.CHANNEL, "rpc");
        try {
            assertArrayEquals(perStep, weightsBin(train(config, "per-epoch", true, 2), Precision.FLOAT, dir.resolve("rpc")), "one stretch");
            sc.setLocalProperty(Exchange.SETTING, "per-epoch");
            TrainResult validated = new Trainer(sc, config).train(sparse, sparse, TrainListener.SILENT);
            assertArrayEquals(perStep, weightsBin(validated, Precision.FLOAT, dir.resolve("rpc-validated")), "a stretch an epoch");

            Topology topology = validated.topology();
            @SuppressWarnings("unchecked")
            Network<Object> network = (Network<Object>) Network.create(topology, Precision.FLOAT);
            BatchPlan plan = BatchPlan.of(new int[] {250, 250}, 40);
            double[] weights = new double[topology.parameterCount()];
            org.sparkprop.kernels.WeightInit.initialize(topology, 17, weights);
            StepGradient gradient = new StepGradient(topology);
            int steps = 10;
            try (StepExchange exchange = StepExchange.open(sc, sparse.blocks(), new StepExchange.SparseInput(40 * 12, 15), network, 17,
                    org.sparkprop.kernels.Dropout.NONE, 40, plan)) {
                exchange.begin("rpc bytes");
                for (int t = 0; t < steps; t++) {
                    exchange.step(weights, null, t, 0, t, null, gradient);
                }
                exchange.end(false);
                long[] bytes = exchange.driverBytes();
                long allWeights = 4L * topology.parameterCount();
                // two partitions of 20 rows of 8 to 15 non-zeros: at most 300 of the 16,384 columns each
                assertTrue(bytes[1] < 2L * (steps + 1) * allWeights / 40, bytes[1] + " bytes out in " + steps + " steps, weights " + allWeights);
                assertTrue(bytes[0] < 2L * (steps + 1) * allWeights / 20, bytes[0] + " bytes in");
            }
        } finally {
            sc.setLocalProperty(EpochStage.CHANNEL, null);
            sc.setLocalProperty(Exchange.SETTING, null);
        }
    }

    @Test
    void lazyAdamsFirstStepIsAdamsAndColumnsNoRowTouchesKeepTheirStartingWeights() {
        TrainConfig.Builder b = base();
        b.epochs = 1;
        b.batchSize = 500;
        b.optimizer = OptimizerKind.ADAM;
        TrainResult adam = train(b.build(), "per-step", true, 2);
        b.optimizer = OptimizerKind.LAZY_ADAM;
        TrainResult lazy = train(b.build(), "per-step", true, 2);
        assertEquals(1, lazy.steps());
        assertArrayEquals(adam.weights(), lazy.weights(), "one step: Adam's m and v start at 0, so it moves only touched columns too");

        b.batchSize = 100;
        b.epochs = 2;
        TrainResult lazier = train(b.build(), "per-epoch", true, 2);
        b.optimizer = OptimizerKind.ADAM;
        TrainResult adams = train(b.build(), "per-epoch", true, 2);
        Topology topology = lazier.topology();
        double[] start = new double[topology.parameterCount()];
        org.sparkprop.kernels.WeightInit.initialize(topology, 17, start);
        java.util.BitSet present = presentColumns();
        int out = topology.size(1);
        int untouched = 0;
        int differ = 0;
        for (int c = 0; c < topology.inputs(); c++) {
            for (int o = 0; o < out; o++) {
                int i = topology.weightOffset(0) + c * out + o;
                if (!present.get(c)) {
                    untouched++;
                    assertEquals(start[i], lazier.weights()[i], 0.0, "column " + c + " is in no row");
                    assertEquals(start[i], adams.weights()[i], 0.0, "Adam's moments stay 0 there too");
                } else if (lazier.weights()[i] != adams.weights()[i]) {
                    differ++;
                }
            }
        }
        assertTrue(untouched > 0 && differ > 0, untouched + " untouched weights, " + differ + " where lazy Adam and Adam differ");
    }

    /** The input columns that some training row has a non-zero in. */
    private static java.util.BitSet presentColumns() {
        java.util.BitSet present = new java.util.BitSet();
        for (int[] part : sparse.blocks().map(block -> block.sparse.indices()).collect()) {
            for (int column : part) {
                present.set(column);
            }
        }
        return present;
    }

    @Test
    void onDenseDataLazyAdamIsAdamToTheBit() {
        JavaSparkContext sc = TestSpark.context();
        org.sparkprop.driver.data.Schema schema = new org.sparkprop.driver.data.Schema(5, List.of(), List.of(), LabelKind.CLASSES,
                List.of("a", "b", "c"), 3);
        Dataset dense = org.sparkprop.driver.TestBlocks.dataset(sc, org.sparkprop.driver.TestBlocks.classification(300, 5, 2), schema, 2);
        try {
            TrainConfig.Builder b = base();
            b.hidden = new int[] {8};
            b.optimizer = OptimizerKind.ADAM;
            TrainResult adam = new Trainer(sc, b.build()).train(dense, null, TrainListener.SILENT);
            b.optimizer = OptimizerKind.LAZY_ADAM;
            TrainResult lazy = new Trainer(sc, b.build()).train(dense, null, TrainListener.SILENT);
            assertArrayEquals(adam.weights(), lazy.weights());
        } finally {
            dense.unpersist();
        }
    }

    @Test
    void anInterruptedLazyAdamRunResumedEndsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) {
        TrainConfig.Builder b = base();
        b.optimizer = OptimizerKind.LAZY_ADAM;
        b.epochs = 3;
        TrainConfig config = b.build();
        TrainResult whole = train(config, "per-epoch", true, 2);
        Checkpoints every5 = new Checkpoints(dir.toString(), 5, 2, true);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new Trainer(TestSpark.context(), config).train(sparse, null, null, every5, new TrainListener() {
                    int seen;

                    @Override
                    public void onStep(int epoch, int epochs, int step, int stepsPerEpoch, double runningLoss, double rowsPerSecond) {
                        if (++seen == 23) {
                            throw new IllegalStateException("crash");
                        }
                    }
                }));
        TrainResult resumed = new Trainer(TestSpark.context(), config).train(sparse, null, null, every5, TrainListener.SILENT);
        assertTrue(resumed.resumedFrom() != null);
        assertArrayEquals(whole.weights(), resumed.weights());
    }
}
