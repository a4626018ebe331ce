package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.lang.management.ManagementFactory;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A training step's forward and backward passes allocate nothing once warmed up: the buffers live in the
 * {@link Workspace} and the caller's gradient. Measured with the JVM's per-thread allocation counter around
 * repeated {@link Network#accumulateGradient} calls, every activation and loss, both precisions, several chunks per
 * call; for sparse input ({@link SparseRows}) the same, with a sparse evaluate and the {@link ColumnSet} of the step. On the native BLAS, so that what is counted is ours (netlib's Java implementations are not part of the
 * claim); skipped where no native BLAS loads.
 */
class AllocationTest {
    private static final int WARM_UP_CALLS = 2_000;
    private static final int MEASURED_CALLS = 200;
    /**
     * Calls after which the JIT must have compiled everything: the Vector API's activations (VectorMath) allocate a
     * box per vector until C2 compiles them, which with these tiny layers takes some ten thousand calls.
     */
    private static final int MOST_CALLS = 100_000;

    static Stream<Arguments> cases() {
        Stream<Topology> topologies = Stream.of(
                Topology.of(new int[] {16, 12, 4}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY),
                Topology.of(new int[] {16, 12, 8, 3}, Activation.TANH, Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY),
                Topology.of(new int[] {16, 12, 2}, Activation.LEAKY_RELU, Activation.IDENTITY, Loss.MSE),
                Topology.of(new int[] {16, 12, 2}, Activation.SIGMOID, Activation.TANH, Loss.MSE));
        return topologies.flatMap(t -> Stream.of(Precision.values()).map(p -> Arguments.of(t, p)));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("cases")
    void accumulateGradientAllocatesNothingAfterWarmUp(Topology topology, Precision precision) {
        assumeTrue(Blas.isNative(), "no native BLAS here: " + Blas.description());
        assertEquals(0, bytesAllocated(Network.create(topology, precision, NativeBLAS.getInstance()), topology),
                "bytes allocated by " + MEASURED_CALLS + " calls");
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("cases")
    void sparsePassesAllocateNothingAfterWarmUp(Topology topology, Precision precision) {
        assumeTrue(Blas.isNative(), "no native BLAS here: " + Blas.description());
        assertEquals(0, sparseBytesAllocated(Network.create(topology, precision, NativeBLAS.getInstance()), topology),
                "bytes allocated by " + MEASURED_CALLS + " calls");
    }

    private static <A> long bytesAllocated(Network<A> network, Topology topology) {
        AccumulateGradientTest.Block block = AccumulateGradientTest.Block.draw(topology, 3);
        A params = network.toCompute(block.params());
        A grad = network.newArray(topology.parameterCount());
        Workspace workspace = network.newWorkspace(4);
        int[] rows = IntStream.range(0, 11).map(i -> (i * 5) % 37).toArray();
        return bytesAllocatedOnceWarm(
                () -> network.accumulateGradient(params, block.x(), block.y(), rows, 0, rows.length, grad, workspace));
    }

    /**
     * A sparse step as the driver will take it: weighted and unweighted sparse accumulateGradient (an empty row among
     * the rows), the columns they touched, listed, and a sparse evaluate.
     */
    private static <A> long sparseBytesAllocated(Network<A> network, Topology topology) {
        SparseInputTest.Block block = SparseInputTest.Block.draw(topology, 3);
        A params = network.toCompute(block.params());
        A grad = network.newArray(topology.parameterCount());
        Workspace workspace = network.newSparseWorkspace(4);
        int[] rows = IntStream.range(0, 11).map(i -> (i * 5) % 37).toArray();
        ColumnSet touched = new ColumnSet(topology.inputs());
        int[] columns = new int[topology.inputs()];
        double[] out = new double[topology.outputs() * 9];
        return bytesAllocatedOnceWarm(() -> {
            network.accumulateGradient(grad, params, block.x(), block.y(), rows, 0, rows.length, workspace);
            network.accumulateGradient(grad, params, block.x(), block.y(), block.weights(), rows, 0, rows.length, workspace);
            touched.clear();
            touched.addColumnsOf(block.x(), rows, 0, rows.length);
            touched.sortedColumns(columns);
            network.evaluate(out, params, block.x(), block.y(), block.weights(), 14, 9, workspace);
        });
    }

    /**
     * Bytes this thread allocated in {@value #MEASURED_CALLS} calls once warmed up: after {@value #WARM_UP_CALLS}
     * calls and then windows of {@value #MEASURED_CALLS} until one allocates nothing, {@value #MOST_CALLS} at most.
     */
    private static long bytesAllocatedOnceWarm(Runnable call) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            call.run();
        }
        // warmed up: the first window of MEASURED_CALLS that allocates nothing (or MOST_CALLS)
        int calls = WARM_UP_CALLS;
        long bytes;
        do {
            bytes = bytesAllocatedBy(threads, thread, MEASURED_CALLS, call);
            calls += MEASURED_CALLS;
        } while (bytes != 0 && calls < MOST_CALLS);
        // then the claim, over a window of its own
        return bytesAllocatedBy(threads, thread, MEASURED_CALLS, call);
    }

    private static long bytesAllocatedBy(ThreadMXBean threads, long thread, int calls, Runnable call) {
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return threads.getThreadAllocatedBytes(thread) - before;
    }

    /** The counter itself, read twice with nothing between, counts nothing: a zero above means nothing was allocated. */
    @Test
    void theCounterReadsZeroForNoWork() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        threads.getThreadAllocatedBytes(thread);
        long before = threads.getThreadAllocatedBytes(thread);
        long after = threads.getThreadAllocatedBytes(thread);
        assertEquals(0, after - before);
    }
}
