package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkprop.driver.TestBlocks;
import org.sparkprop.driver.TestBlocks.Rows;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.driver.optim.OptimizerSpec;
import org.sparkprop.driver.optim.ScheduleSpec;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import org.sparkprop.kernels.WeightInit;

/**
 * Row weights through whole training runs: weights of 1 change no bit, a weight of 2 is the row twice, rows and
 * steps of weight 0 move nothing. Full-batch runs (plain SGD, one step an epoch) make the comparisons independent of
 * how rows fall into mini-batches; runs whose rows differ sum in another order, so they agree to float rounding:
 * relative error |a − e| / max(|a| + |e|, {@value #FLOOR}) at most {@value #TOLERANCE}.
 *
 * <p>Hidden layers are ReLU: with the Vector API, tanh and sigmoid can round differently before and after the JIT
 * compiles them, so two tanh runs in one JVM need not agree in the last bit, weights or not.
 */
class WeightedTrainingTest {
    private static final int FEATURES = 5;
    private static final double TOLERANCE = 1e-4;
    private static final double FLOOR = 1e-3;
    /** Larger than every row count here: one step an epoch. */
    private static final int FULL_BATCH = 1_000;

    private static Schema schemaFor(Loss loss) {
        return loss == Loss.MSE
                ? new Schema(FEATURES, List.of(), List.of(), LabelKind.REGRESSION, List.of(), 1)
                : new Schema(FEATURES, List.of(), List.of(), LabelKind.CLASSES, List.of("a", "b", "c"), 3);
    }

    private static Rows rowsFor(Loss loss, int n, long seed) {
        return loss == Loss.MSE ? TestBlocks.regression(n, FEATURES, seed) : TestBlocks.classification(n, FEATURES, seed);
    }

    private static TrainConfig.Builder fullBatchSgd(Loss loss) {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {6};
        b.activation = Activation.RELU;
        b.loss = loss;
        b.optimizer = OptimizerKind.SGD;
        b.learningRate = 0.5;
        b.batchSize = FULL_BATCH;
        b.epochs = 5;
        b.patience = 0;
        return b;
    }

    /** Trains on {@code rows} in {@code partitions} partitions, validating on {@code validation} when not null. */
    private static TrainResult train(TrainConfig config, Loss loss, Rows rows, int partitions, Rows validation) {
        JavaSparkContext sc = TestSpark.context();
        Dataset data = TestBlocks.dataset(sc, rows, schemaFor(loss), partitions);
        Dataset held = validation == null ? null : TestBlocks.dataset(sc, validation, schemaFor(loss), 2);
        try {
            return new Trainer(sc, config).train(data, held, TrainListener.SILENT);
        } finally {
            data.unpersist();
            if (held != null) {
                held.unpersist();
            }
        }
    }

    static Stream<Arguments> precisionsAndWays() {
        return Stream.of(Precision.values()).flatMap(p -> Stream.of(Arguments.of(p, true), Arguments.of(p, false)));
    }

    @ParameterizedTest(name = "{0}, in memory {1}")
    @MethodSource("precisionsAndWays")
    void weightsOfOneGiveTheUnweightedRunToTheBit(Precision precision, boolean inMemory) {
        JavaSparkContext sc = TestSpark.context();
        Rows rows = TestBlocks.classification(300, FEATURES, 2);
        Rows held = TestBlocks.classification(90, FEATURES, 3);
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {8, 6};
        b.activation = Activation.RELU;
        b.precision = precision;
        b.epochs = 4;
        b.batchSize = 16;
        b.patience = 2;
        b.tolerance = 1e-6;
        TrainConfig config = b.build();
        sc.setLocalProperty(StepJob.LOCAL_HAND_OVER, Boolean.toString(inMemory));
        try {
            TrainResult plain = train(config, Loss.SOFTMAX_CROSS_ENTROPY, rows, 3, held);
            TrainResult ones = train(config, Loss.SOFTMAX_CROSS_ENTROPY, rows.withWeight(1f), 3, held.withWeight(1f));
            assertArrayEquals(plain.weights(), ones.weights(), "the weights a model file would hold, bit for bit");
            assertEquals(plain.history().size(), ones.history().size());
            for (int e = 0; e < plain.history().size(); e++) {
                EpochRecord p = plain.history().get(e);
                EpochRecord o = ones.history().get(e);
                assertEquals(p.trainLoss(), o.trainLoss(), "train loss of epoch " + (e + 1));
                assertEquals(p.validationLoss(), o.validationLoss(), "validation loss of epoch " + (e + 1));
                assertEquals(p.validationMetric(), o.validationMetric(), "validation accuracy of epoch " + (e + 1));
                assertEquals(p.gradientNorm(), o.gradientNorm(), "gradient norm of epoch " + (e + 1));
            }
        } finally {
            sc.setLocalProperty(StepJob.LOCAL_HAND_OVER, null);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Loss.class, names = {"SOFTMAX_CROSS_ENTROPY", "MSE"})
    void aWeightOfTwoTrainsAsTheRowTwice(Loss loss) {
        Rows base = rowsFor(loss, 60, 7);
        int[] doubled = {3, 17, 40, 41, 59};
        float[] weights = new float[base.count()];
        Arrays.fill(weights, 1f);
        for (int r : doubled) {
            weights[r] = 2f;
        }
        TrainConfig config = fullBatchSgd(loss).build();
        TrainResult weighted = train(config, loss, base.withWeights(weights), 2, null);
        TrainResult twice = train(config, loss, base.append(base.select(doubled)), 3, null);
        TrainResult once = train(config, loss, base, 2, null);

        assertClose("weights", twice.weights(), weighted.weights());
        assertClose("train loss by epoch", trainLosses(twice), trainLosses(weighted));
        assertTrue(maxRelativeError(twice.weights(), once.weights()) > 100 * TOLERANCE,
                "the doubled rows make a difference the comparison can see");
    }

    @ParameterizedTest
    @EnumSource(value = Loss.class, names = {"SOFTMAX_CROSS_ENTROPY", "MSE"})
    void rowsOfWeightZeroMoveNothing(Loss loss) {
        Rows base = rowsFor(loss, 60, 8);
        Rows ignored = rowsFor(loss, 25, 9).withWeight(0f);
        // 15 weightless rows first: the first of 3 partitions holds them and only 13 of the others
        Rows mixed = ignored.select(IntStream.range(0, 15).toArray())
                .append(base.withWeight(1f))
                .append(ignored.select(IntStream.range(15, 25).toArray()));
        TrainConfig config = fullBatchSgd(loss).build();
        TrainResult withZeros = train(config, loss, mixed, 3, null);
        TrainResult without = train(config, loss, base, 2, null);
        assertClose("weights", without.weights(), withZeros.weights());
        assertClose("train loss by epoch, a mean over the rows that weigh", trainLosses(without), trainLosses(withZeros));
    }

    @Test
    void stepsWhoseRowsAllWeighZeroLeaveTheWeightsAndAddNoLoss() {
        Rows base = TestBlocks.classification(10, FEATURES, 11);
        float[] weights = new float[base.count()];
        weights[2] = 1f;
        TrainConfig.Builder b = fullBatchSgd(Loss.SOFTMAX_CROSS_ENTROPY);
        b.batchSize = 1;
        b.epochs = 3;
        TrainConfig config = b.build();
        // 10 steps an epoch, 9 of them on one row of weight 0: no division by 0, no move, no loss
        TrainResult mostlyZero = train(config, Loss.SOFTMAX_CROSS_ENTROPY, base.withWeights(weights), 2, null);
        TrainResult oneRow = train(config, Loss.SOFTMAX_CROSS_ENTROPY, base.select(2), 1, null);
        assertEquals(30, mostlyZero.steps());
        assertEquals(3, oneRow.steps());
        assertArrayEquals(oneRow.weights(), mostlyZero.weights());
        assertArrayEquals(trainLosses(oneRow), trainLosses(mostlyZero), "the epoch's loss is its one weighing row's");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStepOfWeightlessRowsSumsToZeroWeightAndZeroGradient() {
        JavaSparkContext sc = TestSpark.context();
        Rows base = TestBlocks.classification(10, FEATURES, 12);
        float[] weights = {1f, 2f, 0.5f, 1f, 3f, 0f, 0f, 0f, 0f, 0f};
        Schema schema = schemaFor(Loss.SOFTMAX_CROSS_ENTROPY);
        Dataset data = TestBlocks.dataset(sc, base.withWeights(weights), schema, 2);
        Trainer trainer = new Trainer(sc, fullBatchSgd(Loss.SOFTMAX_CROSS_ENTROPY).build());
        Topology topology = trainer.topologyFor(schema);
        double[] params = new double[topology.parameterCount()];
        WeightInit.initialize(topology, 3, params);
        Network<Object> network = (Network<Object>) Network.create(topology, Precision.FLOAT);
        for (boolean inMemory : new boolean[] {true, false}) {
            double[] gradient = new double[params.length];
            Arrays.fill(gradient, 42);
            StepJob.Sums zero = trainer.sumGradients(data.blocks(), network, params, 0, 8, new int[] {0, 0}, new int[] {0, 5}, inMemory,
                    "weightless step", gradient);
            assertEquals(5, zero.rows());
            assertEquals(0.0, zero.weightSum());
            assertEquals(0.0, zero.lossSum());
            assertArrayEquals(new double[params.length], gradient, "in memory " + inMemory);

            StepJob.Sums all = trainer.sumGradients(data.blocks(), network, params, 0, 8, new int[] {0, 0}, new int[] {5, 5}, inMemory,
                    "whole step", gradient);
            assertEquals(10, all.rows());
            assertEquals(7.5, all.weightSum(), "Σw in double, of both partitions");
            assertTrue(all.lossSum() > 0 && Arrays.stream(gradient).anyMatch(g -> g != 0));
        }
        data.unpersist();
    }

    @Test
    void dataWhoseEveryRowWeighsZeroAreRefused() {
        Rows rows = TestBlocks.classification(20, FEATURES, 13).withWeight(0f);
        UserException e = assertThrows(UserException.class,
                () -> train(fullBatchSgd(Loss.SOFTMAX_CROSS_ENTROPY).build(), Loss.SOFTMAX_CROSS_ENTROPY, rows, 2, null));
        assertTrue(e.getMessage().startsWith("every row of the training data has weight 0"), e.getMessage());
    }

    private static double[] trainLosses(TrainResult result) {
        return result.history().stream().mapToDouble(EpochRecord::trainLoss).toArray();
    }

    private static double maxRelativeError(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(actual[i]) + Math.abs(expected[i]), FLOOR));
        }
        return worst;
    }

    private static void assertClose(String what, double[] expected, double[] actual) {
        double error = maxRelativeError(expected, actual);
        assertTrue(error <= TOLERANCE, what + ": largest relative error " + error + " > " + TOLERANCE);
    }
}
