package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestBlocks;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.DataReader;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Topology;

/**
 * The per-epoch path allocates nothing weight-sized per step once warmed up (issue 15), on either side: the
 * driver's thread (the channel's publish and wait, the partitions' sum, the update, Adam) and the stage's task
 * threads ({@link EpochTask}: the wait, the passes, the deposit). Measured as worker-kernels' AllocationTest does,
 * with the JVM's per-thread allocation counter, here over a window of steps late in a real run in local[2]: what
 * each side allocates over the whole window of {@value #WINDOW} steps must stay below one weights array, so no step
 * allocates one. (What remains is a few hundred bytes a step: records and lambdas of the step's bookkeeping.) Sparse
 * blocks too (issue 13): their shares' buffers stop growing once the largest share has been seen. Through the RPC
 * endpoint each side stays below 1 % of a weights array a step (Spark's ask adds about a kilobyte a message).
 */
class EpochAllocationTest {
    /** 64-512-256-3: 165,379 weights, 661,516 bytes in float; big enough that a per-step copy would show at once. */
    private static final int FEATURES = 64;
    private static final Schema SCHEMA = new Schema(FEATURES, List.of(), List.of(), LabelKind.CLASSES, List.of("a", "b", "c"), 3);
    private static final int BATCH = 8;
    private static final int ROWS = 400;
    private static final int EPOCHS = 40;
    /** The window: steps [FIRST, FIRST + WINDOW) of the run's 2,000 (1-based, counted when the listener hears them). */
    private static final long FIRST = 1_200;
    private static final long WINDOW = 600;

    @Test
    void perEpochStepsAllocateNoWeightsArrayOnTheDriverOrTheTasks() {
        JavaSparkContext sc = TestSpark.context();
        Dataset data = TestBlocks.dataset(sc, TestBlocks.classification(ROWS, FEATURES, 3), SCHEMA, 2);
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {512, 256};
        try {
            assertNoWeightsArrayPerStep(data, b, "dense", "memory", 1);
        } finally {
            data.unpersist();
        }
    }

    /**
     * Through the RPC endpoint (local mode: Spark's dispatcher hands the messages over unserialized, so what is
     * measured is sparkprop's side of the RPC channel: the tasks decode the weights into their own array and encode
     * their deposits into their own buffer; the driver encodes the weights once per step into one buffer). Spark's
     * ask allocates about a kilobyte of bookkeeping a message (futures, callbacks, the request), so the bound is 1 %
     * of a weights array a step.
     */
    @Test
    void perEpochStepsThroughTheRpcEndpointAllocateNoWeightsArrayOnTheDriverOrTheTasks() {
        JavaSparkContext sc = TestSpark.context();
        Dataset data = TestBlocks.dataset(sc, TestBlocks.classification(ROWS, FEATURES, 3), SCHEMA, 2);
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {512, 256};
        try {
            assertNoWeightsArrayPerStep(data, b, "dense", "rpc", WINDOW / 100);
        } finally {
            data.unpersist();
        }
    }

    /**
     * Sparse blocks: the shares' buffers grow to the largest share early in the run and are reused after; the driver's
     * sum, passes and lazy-adam's update allocate nothing weight-sized either. The tasks' bound is a sixteenth of a
     * weights array a step, not one array in the window: the sparse kernels of worker-kernels allocate about 8 KB a
     * call (not this test's subject; a weights-sized share or copy a step would still fail it sixteen times over).
     */
    @Test
    void sparsePerEpochStepsAllocateNoWeightsArrayWithAdamOrLazyAdam(@TempDir Path dir) throws IOException {
        JavaSparkContext sc = TestSpark.context();
        InputSpec spec = new InputSpec(SparseShareTest.write(dir.resolve("train.libsvm"), ROWS, 9).toString(), DataFormat.LIBSVM,
                SparseShareTest.FEATURES, List.of());
        Dataset data = DataReader.readForTraining(sc, spec, LabelKind.CLASSES, null, 2);
        try {
            assertTrue(data.sparse());
            for (OptimizerKind optimizer : new OptimizerKind[] {OptimizerKind.LAZY_ADAM, OptimizerKind.ADAM}) {
                TrainConfig.Builder b = TrainConfig.builder();
                b.hidden = new int[] {16};
                b.optimizer = optimizer;
                assertNoWeightsArrayPerStep(data, b, "sparse, " + optimizer, "memory", WINDOW / 16);
            }
        } finally {
            data.unpersist();
        }
    }

    /**
     * Through {@code channel} (memory or rpc), the driver and the tasks each allocate less than {@code arrays}
     * weights arrays over the window, the driver less than one in memory.
     */
    private static void assertNoWeightsArrayPerStep(Dataset data, TrainConfig.Builder b, String what, String channel, long arrays) {
        JavaSparkContext sc = TestSpark.context();
        b.activation = Activation.RELU;
        b.batchSize = BATCH;
        b.epochs = EPOCHS;
        b.learningRate = 0.001;
        b.patience = 0;
        b.seed = 5;
        Window window = new Window();
        sc.setLocalProperty(Exchange.SETTING, "per-epoch");
        sc.setLocalProperty(EpochStage.CHANNEL, channel);
        TrainResult result;
        try {
            result = new Trainer(sc, b.build()).train(data, null, window);
        } finally {
            sc.setLocalProperty(Exchange.SETTING, null);
            sc.setLocalProperty(EpochStage.CHANNEL, null);
        }
        assertEquals("per-epoch", result.exchange());
        assertTrue(window.closed, "the window was measured");
        assertEquals(2, window.taskThreads, "one task thread per partition, the same through the window");
        long weightsBytes = 4L * window.parameters;
        System.out.printf("%s per-epoch (%s), %,d steps: driver %,d bytes (%,.0f a step), tasks %,d bytes (%,.0f a step); one weights array %,d bytes%n",
                what, channel, WINDOW, window.driverBytes, window.driverBytes / (double) WINDOW, window.taskBytes, window.taskBytes / (double) WINDOW,
                weightsBytes);
        long driverArrays = channel.equals("memory") ? 1 : arrays;
        assertTrue(window.driverBytes < driverArrays * weightsBytes, what + ": the driver allocated " + window.driverBytes + " bytes in " + WINDOW
                + " steps; one weights array is " + weightsBytes);
        assertTrue(window.taskBytes < arrays * weightsBytes, what + ": the tasks allocated " + window.taskBytes + " bytes in " + WINDOW
                + " steps; one weights array is " + weightsBytes);
    }

    /** Reads the counters at the window's first and last step, from the driver's thread (where the listener runs). */
    private static final class Window implements TrainListener {
        private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long parameters;
        long step;
        long[] taskIds;
        long[] taskStart;
        long driverStart;
        long driverBytes;
        long taskBytes;
        int taskThreads;
        boolean closed;

        @Override
        public void onStart(Topology topology, long rows, int partitions, int stepsPerEpoch) {
            parameters = topology.parameterCount();
        }

        @Override
        public void onStep(int epoch, int epochs, int stepInEpoch, int steps, double runningLoss, double rowsPerSecond) {
            step++;
            if (step == FIRST) {
                // the stage's tasks: executor threads that are running a task of the stage now
                taskIds = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("Executor task launch worker") && t.getState() != Thread.State.TERMINATED)
                        .filter(t -> threads.getThreadAllocatedBytes(t.getId()) > 0)
                        .mapToLong(Thread::getId).toArray();
                taskStart = threads.getThreadAllocatedBytes(taskIds);
                driverStart = threads.getCurrentThreadAllocatedBytes();
            } else if (step == FIRST + WINDOW) {
                driverBytes = threads.getCurrentThreadAllocatedBytes() - driverStart;
                long[] taskEnd = threads.getThreadAllocatedBytes(taskIds);
                for (int i = 0; i < taskIds.length; i++) {
                    if (taskEnd[i] > taskStart[i]) {
                        taskBytes += taskEnd[i] - taskStart[i];
                        taskThreads++;
                    }
                }
                closed = true;
            }
        }
    }
}
