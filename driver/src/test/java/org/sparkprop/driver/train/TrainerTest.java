package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.TestBlocks;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.DataReader;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.PartitionFigures;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import org.sparkprop.kernels.WeightInit;
import org.sparkprop.kernels.Workspace;

class TrainerTest {
    private static final int FEATURES = 5;
    private static final int CLASSES = 3;

    /** Rows with features in [-1, 1] and class labels from a fixed rule, so a network can learn them. */
    private static float[][] classificationRows(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * FEATURES];
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            for (int f = 0; f < FEATURES; f++) {
                x[r * FEATURES + f] = (float) (random.nextDouble() * 2 - 1);
            }
            double score = x[r * FEATURES] + 0.5 * x[r * FEATURES + 1];
            y[r] = score < -0.3 ? 0 : score < 0.3 ? 1 : 2;
        }
        return new float[][] {x, y};
    }

    /** Splits rows (features x, targets y of width w) into `partitions` contiguous blocks, one per partition, cached. */
    static Dataset dataset(JavaSparkContext sc, float[] x, float[] y, int inputs, int targetWidth, Schema schema, int partitions) {
        return TestBlocks.dataset(sc, new TestBlocks.Rows(x, y, null, inputs, targetWidth), schema, partitions);
    }

    private static Schema classSchema() {
        return new Schema(FEATURES, List.of(), List.of(), LabelKind.CLASSES, List.of("a", "b", "c"), CLASSES);
    }

    private static TrainConfig.Builder base() {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {8, 6};
        b.activation = Activation.TANH;
        b.patience = 0;
        return b;
    }

    @Test
    @SuppressWarnings("unchecked")
    void gradientSummedBySparkEqualsTheSingleProcessGradient() {
        JavaSparkContext sc = TestSpark.context();
        int n = 200;
        float[][] rows = classificationRows(n, 1);
        TrainConfig.Builder b = base();
        b.precision = Precision.DOUBLE;
        TrainConfig config = b.build();
        Trainer trainer = new Trainer(sc, config);
        Topology topology = trainer.topologyFor(classSchema());
        Network<double[]> network = Network.ofDouble(topology);
        double[] weights = new double[topology.parameterCount()];
        WeightInit.initialize(topology, 5, weights);

        double[] x = new double[n * FEATURES];
        double[] y = new double[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rows[0][i];
        }
        for (int i = 0; i < n; i++) {
            y[i] = rows[1][i];
        }
        double[] expected = new double[topology.parameterCount()];
        Workspace ws = network.newWorkspace(n);
        double expectedLoss = network.lossAndGradient(weights, x, y, n, expected, ws);

        for (int partitions : new int[] {1, 2, 7}) {
            Dataset data = dataset(sc, rows[0], rows[1], FEATURES, 1, classSchema(), partitions);
            int[] starts = new int[partitions];
            int[] ends = new int[partitions];
            for (int p = 0; p < partitions; p++) {
                ends[p] = (int) ((long) n * (p + 1) / partitions) - (int) ((long) n * p / partitions);
            }
            double[] gradient = new double[topology.parameterCount()];
            StepJob.Sums sums = trainer.sumGradients(data.blocks(), (Network<Object>) (Network<?>) network, weights, 0,
                    Trainer.MAX_CHUNK_ROWS, starts, ends, false, "test gradient", gradient);
            assertEquals(n, sums.rows());
            assertEquals(expectedLoss, sums.lossSum(), 1e-9 * Math.abs(expectedLoss));
            for (int i = 0; i < gradient.length; i++) {
                double scale = Math.max(Math.max(Math.abs(expected[i]), Math.abs(gradient[i])), 1e-8);
                assertTrue(Math.abs(expected[i] - gradient[i]) <= 1e-6 * scale,
                        partitions + " partitions, parameter " + i + ": " + gradient[i] + " vs " + expected[i]);
            }
            // local mode's in-memory hand-over sums the same partitions' gradients in the same order: the same bits
            double[] inMemory = new double[topology.parameterCount()];
            StepJob.Sums memorySums = trainer.sumGradients(data.blocks(), (Network<Object>) (Network<?>) network, weights, 0,
                    Trainer.MAX_CHUNK_ROWS, starts, ends, true, "test gradient in memory", inMemory);
            assertArrayEquals(gradient, inMemory, partitions + " partitions");
            assertEquals(sums.lossSum(), memorySums.lossSum(), 0.0);
            assertEquals(sums.rows(), memorySums.rows());
            data.unpersist();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void floatStepsInMemoryEqualStepsThroughBroadcastAndResults() {
        JavaSparkContext sc = TestSpark.context();
        float[][] rows = classificationRows(150, 3);
        Trainer trainer = new Trainer(sc, base().build());
        Topology topology = trainer.topologyFor(classSchema());
        Network<Object> network = (Network<Object>) Network.create(topology, Precision.FLOAT);
        double[] weights = new double[topology.parameterCount()];
        WeightInit.initialize(topology, 8, weights);
        Dataset data = dataset(sc, rows[0], rows[1], FEATURES, 1, classSchema(), 3);
        BatchPlan plan = BatchPlan.of(new int[] {50, 50, 50}, 40);
        for (int t = 0; t < plan.steps(); t++) {
            double[] viaSpark = new double[topology.parameterCount()];
            double[] inMemory = new double[topology.parameterCount()];
            StepJob.Sums a = trainer.sumGradients(data.blocks(), network, weights, 1, 16, plan.starts(t), plan.starts(t + 1), false, "spark", viaSpark);
            StepJob.Sums b = trainer.sumGradients(data.blocks(), network, weights, 1, 16, plan.starts(t), plan.starts(t + 1), true, "memory", inMemory);
            assertArrayEquals(viaSpark, inMemory, "step " + t);
            assertEquals(a.lossSum(), b.lossSum(), 0.0);
            assertEquals(a.rows(), b.rows());
            assertTrue(a.rows() > 0 && Arrays.stream(viaSpark).anyMatch(g -> g != 0), "a step with rows has a gradient");
        }
        data.unpersist();
    }

    @Test
    void sameSeedAndPartitionsGiveBitIdenticalWeights() {
        JavaSparkContext sc = TestSpark.context();
        float[][] rows = classificationRows(300, 2);
        TrainConfig.Builder b = base();
        b.epochs = 3;
        b.seed = 11;
        b.batchSize = 16;
        TrainConfig config = b.build();
        Dataset data = dataset(sc, rows[0], rows[1], FEATURES, 1, classSchema(), 3);
        TrainResult first = new Trainer(sc, config).train(data, null, TrainListener.SILENT);
        TrainResult second = new Trainer(sc, config).train(data, null, TrainListener.SILENT);
        assertArrayEquals(first.weights(), second.weights());
        b.seed = 12;
        TrainResult other = new Trainer(sc, b.build()).train(data, null, TrainListener.SILENT);
        assertFalse(Arrays.equals(first.weights(), other.weights()), "another seed, other weights");
        assertEquals(3, first.history().size());
        assertEquals(3L * 19, first.steps(), "ceil(300 / 16) = 19 steps per epoch");
        data.unpersist();
    }

    /**
     * A run on data read by sparkprop takes its partitions' rows and weights from the job that cached the data and
     * starts with its first step; on data whose figures are not known it runs a job for them first. The weights are
     * the same to the bit.
     */
    @Test
    void aRunOnDataReadBySparkpropRunsNoJobOfItsOwnBeforeItsFirstStep() throws Exception {
        JavaSparkContext sc = TestSpark.context();
        Dataset read = DataReader.readForTraining(sc, InputSpec.of("builtin:iris", DataFormat.CSV), LabelKind.CLASSES, null, 2);
        Dataset unknown = new Dataset(read.schema(), read.blocks(), read.rows(), read.badRows());
        assertEquals(2, read.partitions().length);
        assertEquals(read.rows(), Arrays.stream(read.partitions()).mapToLong(PartitionFigures::rows).sum());
        TrainConfig.Builder b = base();
        b.epochs = 2;
        b.batchSize = 16;
        List<String> jobs = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.add(String.valueOf(start.properties().getProperty("spark.job.description")));
            }
        };
        sc.sc().addSparkListener(listener);
        try {
            TrainResult fromRead = new Trainer(sc, b.build()).train(read, null, TrainListener.SILENT);
            sc.sc().listenerBus().waitUntilEmpty(60_000);
            List<String> readJobs = List.copyOf(jobs);
            jobs.clear();
            TrainResult fromUnknown = new Trainer(sc, b.build()).train(unknown, null, TrainListener.SILENT);
            sc.sc().listenerBus().waitUntilEmpty(60_000);
            assertFalse(readJobs.contains("train: cache data"), "jobs of the run on read data: " + readJobs);
            assertTrue(jobs.contains("train: cache data"), "jobs of the run on data of unknown figures: " + jobs);
            assertArrayEquals(fromRead.weights(), fromUnknown.weights());
        } finally {
            sc.sc().removeSparkListener(listener);
            read.unpersist();
        }
    }

    @Test
    void everyOptimizerReducesTheLossOfAConvexProblem() {
        JavaSparkContext sc = TestSpark.context();
        // Linear least squares: no hidden layer, identity output, MSE: convex in the weights.
        int n = 256;
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[n * FEATURES];
        float[] y = new float[n];
        double[] truth = {1.5, -2, 0.5, 3, -1};
        for (int r = 0; r < n; r++) {
            double target = 0.7;
            for (int f = 0; f < FEATURES; f++) {
                x[r * FEATURES + f] = (float) (random.nextDouble() * 2 - 1);
                target += truth[f] * x[r * FEATURES + f];
            }
            y[r] = (float) target;
        }
        Schema schema = new Schema(FEATURES, List.of(), List.of(), LabelKind.REGRESSION, List.of(), 1);
        Dataset data = dataset(sc, x, y, FEATURES, 1, schema, 2);
        for (OptimizerKind kind : OptimizerKind.values()) {
            TrainConfig.Builder b = TrainConfig.builder();
            b.hidden = new int[0];
            b.loss = Loss.MSE;
            b.optimizer = kind;
            b.learningRate = kind == OptimizerKind.ADAM || kind == OptimizerKind.ADAMW ? 0.05 : 0.1;
            b.batchSize = 32;
            b.epochs = 10;
            b.patience = 0;
            TrainConfig config = b.build();
            Trainer trainer = new Trainer(sc, config);
            Topology topology = trainer.topologyFor(schema);
            double[] initial = new double[topology.parameterCount()];
            WeightInit.initialize(topology, config.seed(), initial);
            double before = Evaluator.evaluate(sc, topology, config.precision(), initial, schema, data.blocks(), "before").loss();
            TrainResult result = trainer.train(data, null, TrainListener.SILENT);
            double after = Evaluator.evaluate(sc, topology, config.precision(), result.weights(), schema, data.blocks(), "after").loss();
            assertTrue(after < 0.05 * before, kind + ": loss " + before + " -> " + after);
        }
        data.unpersist();
    }

    @Test
    void earlyStoppingKeepsTheBestWeightsAndToleranceStopsEarly() {
        JavaSparkContext sc = TestSpark.context();
        float[][] rows = classificationRows(200, 4);
        float[][] held = classificationRows(100, 5);
        Dataset train = dataset(sc, rows[0], rows[1], FEATURES, 1, classSchema(), 2);
        Dataset validation = dataset(sc, held[0], held[1], FEATURES, 1, classSchema(), 2);
        TrainConfig.Builder b = base();
        b.epochs = 40;
        b.patience = 2;
        b.learningRate = 0.05;
        TrainResult result = new Trainer(sc, b.build()).train(train, validation, TrainListener.SILENT);
        double best = result.history().stream().mapToDouble(EpochRecord::validationLoss).min().orElseThrow();
        assertEquals(best, result.history().get(result.bestEpoch() - 1).validationLoss());
        if (result.stopReason().equals("early stopping")) {
            assertEquals(result.bestEpoch() + 2, result.history().size());
        }
        double kept = Evaluator.evaluate(sc, result.topology(), Precision.FLOAT, result.weights(), classSchema(), validation.blocks(), "kept").loss();
        assertEquals(best, kept, 1e-12, "the weights returned are the best epoch's");

        b.patience = 0;
        b.tolerance = 0.5;
        TrainResult converged = new Trainer(sc, b.build()).train(train, null, TrainListener.SILENT);
        assertEquals("converged", converged.stopReason());
        assertTrue(converged.history().size() < 40);
        train.unpersist();
        validation.unpersist();
    }

    @Test
    void divergenceStopsInTheStepWhereItAppears() {
        JavaSparkContext sc = TestSpark.context();
        float[][] rows = classificationRows(100, 6);
        Dataset data = dataset(sc, rows[0], rows[1], FEATURES, 1, classSchema(), 2);
        TrainConfig.Builder b = base();
        b.optimizer = OptimizerKind.SGD;
        b.learningRate = 1e6;
        b.activation = Activation.RELU;
        b.batchSize = 10;
        int openBefore = HandOver.openCount();
        UserException e = assertThrows(UserException.class, () -> new Trainer(sc, b.build()).train(data, null, TrainListener.SILENT));
        assertTrue(e.getMessage().startsWith("training diverged in epoch 1, step "), e.getMessage());
        assertTrue(e.getMessage().contains("--learning-rate"), e.getMessage());
        assertEquals(openBefore, HandOver.openCount(), "a run that fails leaves no in-memory hand-over (its arrays) behind");
        data.unpersist();
    }
}
