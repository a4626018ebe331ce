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
 * call. On the native BLAS, so that what is counted is ours (netlib's Java implementations are not part of the
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

    /**
     * Bytes this thread allocated in {@value #MEASURED_CALLS} calls once warmed up: after {@value #WARM_UP_CALLS}
     * calls and then windows of {@value #MEASURED_CALLS} until one allocates nothing, {@value #MOST_CALLS} at most.
     */
    private static <A> long bytesAllocated(Network<A> network, Topology topology) {
        AccumulateGradientTest.Block block = AccumulateGradientTest.Block.draw(topology, 3);
        A params = network.toCompute(block.params());
        A grad = network.newArray(topology.parameterCount());
        Workspace workspace = network.newWorkspace(4);
        int[] rows = IntStream.range(0, 11).map(i -> (i * 5) % 37).toArray();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            network.accumulateGradient(params, block.x(), block.y(), rows, 0, rows.length, grad, workspace);
        }
        // warmed up: the first window of MEASURED_CALLS that allocates nothing (or MOST_CALLS)
        int calls = WARM_UP_CALLS;
        long bytes;
        do {
            bytes = bytesAllocatedBy(threads, thread, MEASURED_CALLS,
                    () -> network.accumulateGradient(params, block.x(), block.y(), rows, 0, rows.length, grad, workspace));
            calls += MEASURED_CALLS;
        } while (bytes != 0 && calls < MOST_CALLS);
        // then the claim, over a window of its own
        return bytesAllocatedBy(threads, thread, MEASURED_CALLS,
                () -> network.accumulateGradient(params, block.x(), block.y(), rows, 0, rows.length, grad, workspace));
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
