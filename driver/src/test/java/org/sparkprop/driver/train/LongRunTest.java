package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.RDDInfo;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import scala.Function1;

/**
 * 2,000 steps in local[2]: live broadcast blocks, cached RDD blocks, the lineage a step reads and the driver's heap
 * after a full GC stay flat. Spark's own history of iterative jobs: broadcasts leaked per iteration, lineage grown
 * until a StackOverflowError.
 */
class LongRunTest {
    private static final int FEATURES = 4;

    record Sample(int broadcastBlocks, int cachedPartitions, int persistentRdds, String lineage, long heapBytes) {
    }

    @Test
    void twoThousandStepsStayFlat() {
        JavaSparkContext sc = TestSpark.context();
        SplittableRandom random = new SplittableRandom(9);
        int n = 100;
        float[] x = new float[n * FEATURES];
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            for (int f = 0; f < FEATURES; f++) {
                x[r * FEATURES + f] = (float) random.nextDouble(-1, 1);
            }
            y[r] = x[r * FEATURES] > 0 ? 1 : 0;
        }
        Schema schema = new Schema(FEATURES, List.of(), List.of(), LabelKind.CLASSES, List.of("no", "yes"), 2);
        Dataset data = TrainerTest.dataset(sc, x, y, FEATURES, 1, schema, 2);
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {8};
        b.batchSize = 5;
        b.epochs = 100;
        b.patience = 0;
        Function1<BlockId, Object> isBroadcast = BlockId::isBroadcast;
        // Earlier test classes in this JVM may leave broadcasts for Spark's ContextCleaner: counted once, before.
        System.gc();
        int before = SparkEnv.get().blockManager().getMatchingBlockIds(isBroadcast).size();
        List<Sample> samples = new ArrayList<>();
        TrainListener probe = new TrainListener() {
            @Override
            public void onEpoch(EpochRecord record, int epochs, String metricName) {
                if (record.epoch() % 10 == 0) {
                    int cached = Arrays.stream(TestSpark.rddStorage(sc)).mapToInt(RDDInfo::numCachedPartitions).sum();
                    System.gc();
                    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    samples.add(new Sample(SparkEnv.get().blockManager().getMatchingBlockIds(isBroadcast).size(), cached,
                            sc.getPersistentRDDs().size(), data.blocks().toDebugString(), heap));
                }
            }
        };
        // the steps as a cluster runs them: a weights broadcast per step (local mode would hand them over in memory)
        sc.setLocalProperty(StepJob.LOCAL_HAND_OVER, "false");
        TrainResult result;
        try {
            result = new Trainer(sc, b.build()).train(data, null, probe);
        } finally {
            sc.setLocalProperty(StepJob.LOCAL_HAND_OVER, null);
        }
        assertEquals(2000, result.steps());
        assertEquals(10, samples.size());
        Sample first = samples.get(0);
        for (Sample s : samples) {
            // 200 steps pass between samples, each with a weights broadcast and a task-binary broadcast. The weights'
            // are destroyed after each step (asynchronously), Spark's ContextCleaner removes task binaries after a GC:
            // a few dozen live blocks at any time, never a number that grows with the steps.
            assertTrue(s.broadcastBlocks() < before + 100, "live broadcast blocks (" + before + " before training): " + samples);
            assertEquals(first.cachedPartitions(), s.cachedPartitions(), "cached partitions");
            assertEquals(first.persistentRdds(), s.persistentRdds(), "persisted RDDs");
            assertEquals(first.lineage(), s.lineage(), "the lineage a step reads does not grow");
        }
        long early = (samples.get(0).heapBytes() + samples.get(1).heapBytes() + samples.get(2).heapBytes()) / 3;
        long late = (samples.get(7).heapBytes() + samples.get(8).heapBytes() + samples.get(9).heapBytes()) / 3;
        // Spark's status store keeps the last jobs and tasks (spark.ui.retainedJobs, retainedTasks; SparkSetup lowers
        // them), so the heap grows for the first steps and then stays level.
        assertTrue(late < early + (32L << 20), "driver heap after GC: " + early / (1 << 20) + " MiB early, " + late / (1 << 20)
                + " MiB late; samples " + samples.stream().map(s -> s.heapBytes() >> 20).toList());
        data.unpersist();
    }
}
