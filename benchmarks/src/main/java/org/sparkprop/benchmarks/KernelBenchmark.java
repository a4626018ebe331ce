package org.sparkprop.benchmarks;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Blas;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Throughput;
import org.sparkprop.kernels.Topology;

/**
 * One forward and backward pass ({@code pass}: {@link Network#accumulateGradient}) against the same gemm calls
 * alone ({@code gemms}), per network, precision and BLAS, on one thread. Time per call; GFLOP/s is
 * {@link Throughput#passFlops} over it (784-128-10 at 256 rows: 104.7 MFLOP; 784-1024-1024-10: 2,448.4 MFLOP),
 * and pass/gemms time is the fraction of BLAS speed that {@code sparkprop bench} prints. Run it as README
 * "Performance" says (OPENBLAS_NUM_THREADS=1).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class KernelBenchmark {
    /** Layer widths, input to output. */
    @Param({"784-128-10", "784-1024-1024-10"})
    public String network;

    /** Rows per pass: one partition's share of a batch. */
    @Param({"256"})
    public int rows;

    @Param({"float", "double"})
    public String precision;

    /**
     * The hidden layers' activation ({@link Activation#parse}); relu by default, as {@code bench} times. With
     * {@code -p activation=identity,relu,sigmoid,tanh} the element-wise work's share shows, and with
     * {@code -jvmArgsAppend -Dsparkprop.vectorMath=false} the scalar loops' (README, "Activations").
     */
    @Param({"relu"})
    public String activation;

    /** native (the library {@link Blas} loads) or java (netlib's vectorized Java). */
    @Param({"native", "java"})
    public String blas;

    private Runnable pass;
    private Runnable gemms;

    @Setup
    public void setUp() {
        BLAS implementation = switch (blas) {
            case "native" -> {
                if (!Blas.isNative()) {
                    throw new IllegalStateException("no native BLAS: " + Blas.description());
                }
                yield NativeBLAS.getInstance();
            }
            case "java" -> JavaBLAS.getInstance();
            default -> throw new IllegalArgumentException("blas must be native or java, got " + blas);
        };
        int[] sizes = Arrays.stream(network.split("-")).mapToInt(Integer::parseInt).toArray();
        Topology topology = Topology.of(sizes, Activation.parse(activation), Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        Precision p = Precision.parse(precision);
        pass = Throughput.passCall(Network.create(topology, p, implementation), rows);
        gemms = Throughput.passGemmsCall(implementation, p, topology, rows);
    }

    @Benchmark
    public void pass() {
        pass.run();
    }

    @Benchmark
    public void gemms() {
        gemms.run();
    }
}
