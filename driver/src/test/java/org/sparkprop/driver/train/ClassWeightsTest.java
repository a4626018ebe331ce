package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.TestBlocks;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;

/** Class weights: balanced lifts a 9:1 minority's recall; weights of ones are no weights to the bit; misuse is refused. */
class ClassWeightsTest {
    private static final int FEATURES = 3;
    private static final Schema SCHEMA = new Schema(FEATURES, List.of(), List.of(), LabelKind.CLASSES, List.of("common", "rare"), 2);

    /** Class 0 nine times as often as class 1; the first feature is N(0, 1) for class 0 and N(1.2, 1) for class 1. */
    private static TestBlocks.Rows imbalanced(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * FEATURES];
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            y[r] = r % 10 == 9 ? 1 : 0;
            for (int f = 0; f < FEATURES; f++) {
                x[r * FEATURES + f] = (float) (gaussian(random) + (f == 0 ? 1.2 * y[r] : 0));
            }
        }
        return new TestBlocks.Rows(x, y, null, FEATURES, 1);
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static TrainConfig config(String classWeights) {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {8};
        b.activation = Activation.RELU;
        b.patience = 0;
        b.epochs = 8;
        b.batchSize = 50;
        b.learningRate = 0.01;
        b.classWeights = ClassWeights.parse(classWeights);
        return b.build();
    }

    private static double minorityRecall(Dataset train, Dataset test, TrainConfig config) {
        JavaSparkContext sc = TestSpark.context();
        TrainResult result = new Trainer(sc, config).train(train, null, TrainListener.SILENT);
        Metrics metrics = Evaluator.evaluate(sc, result.topology(), config.precision(), result.weights(), SCHEMA, test.blocks(), "test");
        return metrics.recall(1);
    }

    @Test
    void balancedLiftsTheMinorityClasssRecall() {
        JavaSparkContext sc = TestSpark.context();
        Dataset train = TestBlocks.dataset(sc, imbalanced(2000, 1), SCHEMA, 2);
        Dataset test = TestBlocks.dataset(sc, imbalanced(1000, 2), SCHEMA, 2);
        try {
            double plain = minorityRecall(train, test, config("none"));
            double balanced = minorityRecall(train, test, config("balanced"));
            assertTrue(balanced > plain + 0.3, "minority recall: " + plain + " unweighted, " + balanced + " balanced");
        } finally {
            train.unpersist();
            test.unpersist();
        }
    }

    @Test
    void balancedIsRowsOverClassesTimesRowsOfTheClass() {
        assertArrayEquals(new double[] {2000 / (2.0 * 1800), 2000 / (2.0 * 200)}, ClassWeights.BALANCED.forClasses(new long[] {1800, 200}));
        assertArrayEquals(new double[] {1, 4}, ClassWeights.parse(" 1, 4 ").forClasses(new long[] {5, 5}));
        assertEquals("1,0.25", ClassWeights.parse("1.0,0.250").toString());
    }

    /** Weights of ones, with and without a sample weight column, give the unweighted run's weights to the bit. */
    @Test
    void weightsOfOnesAreNoWeights() {
        JavaSparkContext sc = TestSpark.context();
        TestBlocks.Rows rows = imbalanced(400, 3);
        float[] sample = new float[rows.count()];
        for (int r = 0; r < sample.length; r++) {
            sample[r] = 0.5f + (r % 4);
        }
        for (TestBlocks.Rows data : new TestBlocks.Rows[] {rows, rows.withWeights(sample)}) {
            Dataset train = TestBlocks.dataset(sc, data, SCHEMA, 2);
            try {
                TrainResult none = new Trainer(sc, config("none")).train(train, null, TrainListener.SILENT);
                TrainResult ones = new Trainer(sc, config("1,1")).train(train, null, TrainListener.SILENT);
                assertArrayEquals(none.weights(), ones.weights(), data.weights() == null ? "no sample weights" : "sample weights");
                for (int e = 0; e < none.history().size(); e++) {
                    assertEquals(none.history().get(e).trainLoss(), ones.history().get(e).trainLoss(), 0.0);
                }
            } finally {
                train.unpersist();
            }
        }
    }

    @Test
    void refusesWeightsThatDoNotFitTheData() {
        JavaSparkContext sc = TestSpark.context();
        Dataset train = TestBlocks.dataset(sc, imbalanced(100, 4), SCHEMA, 1);
        try {
            UserException e = assertThrows(UserException.class,
                    () -> new Trainer(sc, config("1,2,3")).train(train, null, TrainListener.SILENT));
            assertEquals("class-weights has 3 weights; the data have 2 classes (common, rare)", e.getMessage());
        } finally {
            train.unpersist();
        }
        TrainConfig.Builder regression = TrainConfig.builder();
        regression.loss = Loss.MSE;
        regression.classWeights = ClassWeights.BALANCED;
        InvalidSettingException e = assertThrows(InvalidSettingException.class, regression::build);
        assertEquals(TrainSettings.CLASS_WEIGHTS, e.setting());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> TrainSettings.CLASS_WEIGHTS.check("1,-2"));
        assertEquals("weight 2 must be a finite number ≥ 0, got -2", bad.getMessage());
    }
}
