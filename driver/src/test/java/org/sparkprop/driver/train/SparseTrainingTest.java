package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
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
import org.sparkprop.driver.data.Storage;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.driver.eval.Predictor;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.kernels.Topology;

/**
 * Training and evaluation on sparse blocks: the same rows cached sparse and dense give the same weights within
 * float tolerance (the sums run in another order), sparse runs repeat to the bit, and an interrupted sparse run
 * resumed from a checkpoint ends where an uninterrupted one does.
 */
class SparseTrainingTest {
    private static final int FEATURES = 400;
    private static final int CLASSES = 3;
    private static Dataset sparse;
    private static Dataset dense;
    private static Dataset sparseTest;
    private static Dataset denseTest;

    @BeforeAll
    static void data(@TempDir Path dir) throws IOException {
        JavaSparkContext sc = TestSpark.context();
        InputSpec train = InputSpec.of(write(dir.resolve("train.libsvm"), 600, 1).toString(), DataFormat.LIBSVM);
        InputSpec test = new InputSpec(write(dir.resolve("test.libsvm"), 200, 2).toString(), DataFormat.LIBSVM, FEATURES, List.of());
        sparse = DataReader.readForTraining(sc, train, LabelKind.CLASSES, null, 3);
        dense = DataReader.readForTraining(sc, train.withStorage(Storage.DENSE), LabelKind.CLASSES, null, 3);
        sparseTest = DataReader.readOrdered(sc, test, sparse.schema());
        denseTest = DataReader.readOrdered(sc, test.withStorage(Storage.DENSE), sparse.schema());
        assertTrue(sparse.sparse() && sparseTest.sparse());
        assertFalse(dense.sparse() || denseTest.sparse());
    }

    @AfterAll
    static void release() {
        for (Dataset d : List.of(sparse, dense, sparseTest, denseTest)) {
            d.unpersist();
        }
    }

    /**
     * Rows of about 10 non-zeros among FEATURES (density 2.5%); the class is which of three groups of "words"
     * (columns 0-9, 10-19, 20-29) the row draws one extra word from, so a network can learn it.
     */
    private static Path write(Path file, int rows, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            int label = random.nextInt(CLASSES);
            java.util.TreeMap<Integer, Double> row = new java.util.TreeMap<>();
            row.put(1 + label * 10 + random.nextInt(10), 1.0);
            while (row.size() < 10) {
                row.put(1 + random.nextInt(FEATURES), random.nextDouble());
            }
            text.append(label);
            row.forEach((k, v) -> text.append(' ').append(k).append(':').append(String.format(Locale.ROOT, "%.3f", v)));
            text.append('\n');
        }
        return Files.writeString(file, text);
    }

    private static TrainConfig config(int epochs) {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {16};
        b.batchSize = 32;
        b.epochs = epochs;
        b.patience = 0;
        b.optimizer = OptimizerKind.ADAM;
        b.learningRate = 0.01;
        return b.build();
    }

    private static TrainResult run(Dataset train, Dataset validation, int epochs, Checkpoints checkpoints, TrainListener listener) {
        return new Trainer(TestSpark.context(), config(epochs)).train(train, validation, null, checkpoints, listener);
    }

    @Test
    void sparseAndDenseRunsGiveTheSameWeightsWithinFloatTolerance() {
        TrainResult s = run(sparse, sparseTest, 3, Checkpoints.NONE, TrainListener.SILENT);
        TrainResult d = run(dense, denseTest, 3, Checkpoints.NONE, TrainListener.SILENT);
        double worst = 0;
        for (int i = 0; i < d.weights().length; i++) {
            worst = Math.max(worst, Math.abs(s.weights()[i] - d.weights()[i]) / (1e-3 + Math.abs(d.weights()[i])));
        }
        assertTrue(worst < 1e-3, "largest relative difference of a weight: " + worst);
        for (int e = 0; e < d.history().size(); e++) {
            assertEquals(d.history().get(e).trainLoss(), s.history().get(e).trainLoss(), 1e-5 * d.history().get(e).trainLoss());
            assertEquals(d.history().get(e).validationLoss(), s.history().get(e).validationLoss(), 1e-5 * d.history().get(e).validationLoss());
        }
        // The rows are learnable: well above chance on held-out rows.
        Metrics m = Evaluator.evaluate(TestSpark.context(), s.topology(), config(3).precision(), s.weights(), sparse.schema(),
                sparseTest.blocks(), "evaluate");
        Metrics md = Evaluator.evaluate(TestSpark.context(), s.topology(), config(3).precision(), s.weights(), sparse.schema(),
                denseTest.blocks(), "evaluate");
        assertTrue(m.headline() > 0.8, "accuracy " + m.headline());
        assertEquals(md.loss(), m.loss(), 1e-6 * md.loss());
        assertEquals(md.headline(), m.headline());
        List<double[]> ps = outputs(s.topology(), s.weights(), sparseTest);
        List<double[]> pd = outputs(s.topology(), s.weights(), denseTest);
        assertEquals(pd.size(), ps.size());
        for (int b = 0; b < pd.size(); b++) {
            assertArrayEquals(pd.get(b), ps.get(b), 1e-6);
        }
    }

    private static List<double[]> outputs(Topology topology, double[] weights, Dataset data) {
        List<double[]> all = new ArrayList<>();
        Predictor.forEachBlock(TestSpark.context(), topology, config(1).precision(), weights, data.blocks(), all::add);
        return all;
    }

    @Test
    void sparseRunsRepeatBitForBit() {
        TrainResult a = run(sparse, sparseTest, 2, Checkpoints.NONE, TrainListener.SILENT);
        TrainResult b = run(sparse, sparseTest, 2, Checkpoints.NONE, TrainListener.SILENT);
        assertArrayEquals(a.weights(), b.weights());
        assertEquals(a.history().get(1).validationLoss(), b.history().get(1).validationLoss(), 0.0);
    }

    @Test
    void anInterruptedSparseRunResumedEndsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) {
        TrainResult whole = run(sparse, sparseTest, 3, Checkpoints.NONE, TrainListener.SILENT);
        Checkpoints every7 = new Checkpoints(dir.toString(), 7, 2, true);
        assertThrows(IllegalStateException.class, () -> run(sparse, sparseTest, 3, every7, new TrainListener() {
            int seen;

            @Override
            public void onStep(int epoch, int epochs, int step, int stepsPerEpoch, double runningLoss, double rowsPerSecond) {
                if (++seen == 30) {
                    throw new IllegalStateException("crash");
                }
            }
        }));
        TrainResult resumed = run(sparse, sparseTest, 3, every7, TrainListener.SILENT);
        assertNotNull(resumed.resumedFrom());
        assertArrayEquals(whole.weights(), resumed.weights());
        assertEquals(whole.steps(), resumed.steps());
    }
}
