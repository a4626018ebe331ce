package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.TestBlocks;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Topology;

/**
 * The per-epoch path allocates nothing weight-sized per step once warmed up (issue 15), on either side: the
 * driver's thread (the channel's publish and wait, the partitions' sum, the update, Adam) and the stage's task
 * threads ({@link EpochTask}: the wait, the passes, the deposit). Measured as worker-kernels' AllocationTest does,
 * with the JVM's per-thread allocation counter, here over a window of steps late in a real run in local[2]: what
 * each side allocates over the whole window of {@value #WINDOW} steps must stay below one weights array, so no step
 * allocates one. (What remains is a few hundred bytes a step: records and lambdas of the step's bookkeeping.) Through
 * the RPC endpoint each side stays below 1 % of a weights array a step (Spark's ask adds about a kilobyte a message).
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
        measure("memory");
    }

    /**
     * Through the RPC endpoint (local mode: Spark's dispatcher hands the messages over unserialized, so what is
     * measured is sparkprop's side of the RPC channel: the tasks decode the weights into their own array and encode
     * their deposits into their own buffer; the driver encodes the weights once per step into one buffer).
     */
    @Test
    void perEpochStepsThroughTheRpcEndpointAllocateNoWeightsArrayOnTheDriverOrTheTasks() {
        measure("rpc");
    }

    private static void measure(String channel) {
        JavaSparkContext sc = TestSpark.context();
        Dataset data = TestBlocks.dataset(sc, TestBlocks.classification(ROWS, FEATURES, 3), SCHEMA, 2);
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {512, 256};
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
            data.unpersist();
        }
        assertEquals("per-epoch", result.exchange());
        assertTrue(window.closed, "the window was measured");
        assertEquals(2, window.taskThreads, "one task thread per partition, the same through the window");
        long weightsBytes = 4L * window.parameters;
        System.out.printf("per-epoch (" + channel + "), %,d steps: driver %,d bytes (%,.0f a step), tasks %,d bytes (%,.0f a step); one weights array %,d bytes%n",
                WINDOW, window.driverBytes, window.driverBytes / (double) WINDOW, window.taskBytes, window.taskBytes / (double) WINDOW,
                weightsBytes);
        // in memory: less than one weights array over the whole window; through the endpoint, Spark's ask allocates
        // about a kilobyte of bookkeeping a message (futures, callbacks, the request), so: less than 1 % of one a step
        long bound = channel.equals("memory") ? weightsBytes : WINDOW * weightsBytes / 100;
        assertTrue(window.driverBytes < bound, "the driver allocated " + window.driverBytes + " bytes in " + WINDOW
                + " steps; one weights array is " + weightsBytes);
        assertTrue(window.taskBytes < bound, "the tasks allocated " + window.taskBytes + " bytes in " + WINDOW
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
