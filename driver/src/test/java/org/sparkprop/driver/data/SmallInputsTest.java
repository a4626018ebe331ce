package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.driver.train.EpochRecord;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainListener;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.driver.train.Trainer;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/**
 * Inputs at the edges, each with a clear outcome and never a 0/0: empty files among good ones, no rows at all, more
 * partitions than rows, fewer rows than a batch, and labels in validation or evaluation data never seen in training.
 */
class SmallInputsTest {
    private static final String HEADER = "a,b,label";

    private final JavaSparkContext sc = TestSpark.context();

    @TempDir
    Path dir;

    private static TrainConfig config(int batchSize, int epochs) {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {4};
        b.batchSize = batchSize;
        b.epochs = epochs;
        b.patience = 0;
        return b.build();
    }

    private Dataset train(Path input, int partitions) {
        return DataReader.readForTraining(sc, InputSpec.of(input.toString(), DataFormat.CSV), LabelKind.CLASSES, null, partitions);
    }

    /** Trains and checks what every run must give: one record per epoch, every number in it finite. */
    private TrainResult trainFinite(Dataset data, Dataset validation, TrainConfig config, AtomicInteger stepsPerEpoch) {
        TrainResult result = new Trainer(sc, config).train(data, validation, new TrainListener() {
            @Override
            public void onStart(Topology topology, long rows, int partitions, int steps) {
                stepsPerEpoch.set(steps);
            }
        });
        assertEquals(config.epochs(), result.history().size());
        for (EpochRecord r : result.history()) {
            assertTrue(Double.isFinite(r.trainLoss()) && Double.isFinite(r.samplesPerSecond()) && Double.isFinite(r.gradientNorm()), r.toString());
            if (validation != null) {
                assertTrue(Double.isFinite(r.validationLoss()) && Double.isFinite(r.validationMetric()), r.toString());
            }
        }
        assertTrue(Double.isFinite(result.samplesPerSecond()), "samples per second " + result.samplesPerSecond());
        return result;
    }

    @Test
    void emptyFilesAmongGoodOnesAddNothing() throws IOException {
        TestData.write(dir.resolve("in/a.csv"), HEADER, "1,2,x", "3,4,y", "5,6,x");
        Files.createFile(dir.resolve("in/b.csv"));
        TestData.write(dir.resolve("in/c.csv"), HEADER);
        TestData.write(dir.resolve("in/d.csv"), "", "   ", "");
        TestData.write(dir.resolve("in/e.csv"), HEADER, "7,8,y", "9,10,x");
        Dataset data = train(dir.resolve("in"), 3);
        assertEquals(5, data.rows());
        assertEquals(0, data.badRows());
        trainFinite(data, null, config(2, 2), new AtomicInteger());
        data.unpersist();

        Dataset ordered = DataReader.readOrdered(sc, InputSpec.of(dir.resolve("in").toString(), DataFormat.CSV), data.schema());
        assertEquals(List.of(3, 0, 0, 0, 2), ordered.blocks().map(b -> b.rows).collect());
        Topology topology = new Trainer(sc, config(2, 1)).topologyFor(data.schema());
        Metrics m = Evaluator.evaluate(sc, topology, Precision.FLOAT, new double[topology.parameterCount()], data.schema(),
                ordered.blocks(), "evaluate with zero weights");
        assertEquals(5, m.count());
        assertEquals(Math.log(2), m.loss(), 1e-6, "zero weights give both classes probability 1/2");
        ordered.unpersist();
    }

    @Test
    void noRowsAtAllIsOneSentence() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        Files.createFile(dir.resolve("empty/a.csv"));
        TestData.write(dir.resolve("empty/b.csv"), HEADER);
        TestData.write(dir.resolve("empty/c.csv"), "", "\t");
        String expected = "no rows in " + dir.resolve("empty") + " (3 files)";
        assertEquals(expected, assertThrows(UserException.class, () -> train(dir.resolve("empty"), 2)).getMessage());
        Schema schema = new Schema(2, List.of("a", "b"), List.of("label"), LabelKind.CLASSES, List.of("x", "y"), 2);
        InputSpec in = InputSpec.of(dir.resolve("empty").toString(), DataFormat.CSV);
        assertEquals(expected, assertThrows(UserException.class, () -> DataReader.readOrdered(sc, in, schema)).getMessage());
        assertEquals(expected, assertThrows(UserException.class, () -> DataReader.readForPrediction(sc, in, schema)).getMessage());
    }

    @Test
    void morePartitionsThanRowsLeavesEmptyPartitionsThatTrainFine() {
        Path file = TestData.write(dir.resolve("three.csv"), HEADER, "1,2,x", "3,4,y", "5,6,x");
        Dataset data = train(file, 8);
        List<Integer> rows = data.blocks().map(b -> b.rows).collect();
        assertEquals(8, rows.size());
        assertEquals(3, rows.stream().mapToInt(Integer::intValue).sum());
        assertEquals(5, rows.stream().filter(r -> r == 0).count());
        AtomicInteger steps = new AtomicInteger();
        TrainResult result = trainFinite(data, null, config(2, 3), steps);
        assertEquals(2, steps.get(), "ceil(3 / 2) steps per epoch");
        assertEquals(6, result.steps());
        data.unpersist();
    }

    @Test
    void fewerRowsThanABatchIsOneStepPerEpoch() {
        Path file = TestData.write(dir.resolve("five.csv"), HEADER, "1,2,x", "3,4,y", "5,6,x", "7,8,y", "9,10,x");
        Dataset data = train(file, 2);
        AtomicInteger steps = new AtomicInteger();
        TrainResult result = trainFinite(data, data, config(32, 4), steps);
        assertEquals(1, steps.get());
        assertEquals(4, result.steps());
        data.unpersist();
    }

    @Test
    void aLabelNeverSeenInTrainingIsNamedOrSkipped() {
        Dataset data = train(TestData.write(dir.resolve("train.csv"), HEADER, "1,2,x", "3,4,y", "5,6,x", "7,8,y"), 2);
        Path validation = TestData.write(dir.resolve("validation.csv"), HEADER, "1,2,x", "3,4,z", "5,6,y");
        InputSpec in = InputSpec.of(validation.toString(), DataFormat.CSV);
        assertEquals(validation + ":3: label 'z' was not seen in training (known: x, y)",
                assertThrows(UserException.class, () -> DataReader.readOrdered(sc, in, data.schema())).getMessage());

        Dataset kept = DataReader.readOrdered(sc, in.withBadRows(BadRowPolicy.of(1L, null)), data.schema());
        assertEquals(2, kept.rows());
        assertEquals(1, kept.badRows());
        trainFinite(data, kept, config(32, 2), new AtomicInteger());
        kept.unpersist();

        Path unseen = TestData.write(dir.resolve("unseen.csv"), HEADER, "1,2,z", "3,4,w");
        assertEquals("no rows in " + unseen + " (1 file; all 2 rows read were bad and skipped)",
                assertThrows(UserException.class, () -> DataReader.readOrdered(sc,
                        InputSpec.of(unseen.toString(), DataFormat.CSV).withBadRows(BadRowPolicy.of(5L, null)), data.schema()))
                        .getMessage());
        data.unpersist();
    }
}
