package org.sparkprop.kernels;

import dev.ludovic.netlib.blas.BLAS;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Arithmetic speed on the calling thread: BLAS gemm alone, the gemm calls of one forward and backward pass alone,
 * and the pass itself ({@link Network#accumulateGradient}), so that the pass can be stated as a fraction of the
 * BLAS it stands on. Each measurement warms up, then times {@value #ROUNDS} rounds of repeated calls and keeps the
 * fastest round's time per call: on a machine that other work shares, the fastest round is the one least
 * disturbed, and for arithmetic that is what the hardware does. Used by {@code sparkprop bench}; the JMH harness (module {@code benchmarks}) times the
 * same calls, made by the {@code ...Call} methods here.
 */
public final class Throughput {
    private static final int ROUNDS = 10;

    private Throughput() {
    }

    /** The time of one call (the fastest round's) and the floating-point operations it does. */
    public record Measurement(double secondsPerCall, double flops) {
        public double gflops() {
            return flops / secondsPerCall / 1e9;
        }
    }

    /** 2·m·n·k: the multiply-adds of one gemm counted as two operations. */
    public static double gemmFlops(int m, int n, int k) {
        return 2.0 * m * n * k;
    }

    /**
     * Operations of the gemm calls of one forward and backward pass over {@code rows} rows: per dense layer
     * Z = W·X (2·out·in·rows) and dW += dZ·Xᵀ (the same), and for every layer but the first dX = Wᵀ·dZ (the same
     * again). Element-wise work (activations, loss, bias sums) is not counted.
     */
    public static double passFlops(Topology topology, int rows) {
        double flops = 0;
        for (int l = 0; l < topology.layers(); l++) {
            double layer = gemmFlops(topology.size(l + 1), rows, topology.size(l));
            flops += l == 0 ? 2 * layer : 3 * layer;
        }
        return flops;
    }

    /** C (m × n) = op(A)·op(B) with op given by transA, transB ("N" or "T"), in the given precision. */
    public static Measurement gemm(BLAS blas, Precision precision, String transA, String transB, int m, int n, int k,
                                   double seconds) {
        return new Measurement(time(new Runnable[] {gemmCall(blas, precision, transA, transB, m, n, k)}, seconds)[0], gemmFlops(m, n, k));
    }

    /**
     * A forward and backward pass against its gemm calls alone.
     *
     * @param pass  {@link Network#accumulateGradient} over the rows
     * @param gemms the gemm calls that pass makes, with their shapes, transpositions and betas, on their own: the
     *              time the pass would take if everything around gemm were free
     */
    public record PassAndGemms(Measurement pass, Measurement gemms) {
        /** The pass's speed as a fraction of its gemm calls' alone. */
        public double fraction() {
            return gemms.secondsPerCall() / pass.secondsPerCall();
        }
    }

    /**
     * {@link Network#accumulateGradient} over {@code rows} rows (see {@link #passCall}) and the same gemm calls alone
     * (see {@link #passGemmsCall}) on the network's BLAS, in alternating rounds so that both see the same machine.
     */
    public static PassAndGemms passAndGemms(Network<?> network, BLAS blas, int rows, double seconds) {
        Topology topology = network.topology();
        double[] times = time(new Runnable[] {passCall(network, rows), passGemmsCall(blas, network.precision(), topology, rows)}, seconds);
        double flops = passFlops(topology, rows);
        return new PassAndGemms(new Measurement(times[0], flops), new Measurement(times[1], flops));
    }

    /** One gemm C (m × n) = op(A)·op(B) on random operands of its own. */
    public static Runnable gemmCall(BLAS blas, Precision precision, String transA, String transB, int m, int n, int k) {
        return new Gemm(blas, precision, transA, transB, m, n, k, 0, new SplittableRandom(1))::run;
    }

    /**
     * The gemm calls of one forward and backward pass of {@code topology} over {@code rows} rows, on random operands
     * of their own: per layer forward Z = W·X (N, N, beta 1 onto the biases), then from the output backward
     * dW += dZ·Xᵀ (N, T, beta 1) and, but for the first layer, dX = Wᵀ·dZ (T, N, beta 0).
     */
    public static Runnable passGemmsCall(BLAS blas, Precision precision, Topology topology, int rows) {
        SplittableRandom random = new SplittableRandom(2);
        int layers = topology.layers();
        Gemm[] calls = new Gemm[3 * layers - 1];
        int c = 0;
        for (int l = 0; l < layers; l++) {
            calls[c++] = new Gemm(blas, precision, "N", "N", topology.size(l + 1), rows, topology.size(l), 1, random);
        }
        for (int l = layers - 1; l >= 0; l--) {
            calls[c++] = new Gemm(blas, precision, "N", "T", topology.size(l + 1), topology.size(l), rows, 1, random);
            if (l > 0) {
                calls[c++] = new Gemm(blas, precision, "T", "N", topology.size(l), rows, topology.size(l + 1), 0, random);
            }
        }
        return () -> {
            for (Gemm call : calls) {
                call.run();
            }
        };
    }

    /**
     * {@link Network#accumulateGradient} over {@code rows} rows of a block of random data (drawn in a shuffled
     * order, as a training step does), in one chunk, into a gradient buffer of its own.
     */
    public static <A> Runnable passCall(Network<A> network, int rows) {
        Topology topology = network.topology();
        SplittableRandom random = new SplittableRandom(3);
        int blockRows = 2 * rows;
        float[] x = new float[topology.inputs() * blockRows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        float[] y = new float[topology.targetWidth() * blockRows];
        for (int i = 0; i < y.length; i++) {
            y[i] = topology.loss() == Loss.SOFTMAX_CROSS_ENTROPY ? random.nextInt(topology.outputs()) : (float) random.nextDouble();
        }
        double[] initial = new double[topology.parameterCount()];
        WeightInit.initialize(topology, 4, initial);
        A params = network.toCompute(initial);
        A grad = network.newArray(topology.parameterCount());
        Workspace workspace = network.newWorkspace(rows);
        int[] order = random.ints(blockRows, 0, blockRows).toArray();
        return () -> network.accumulateGradient(params, x, y, order, 0, rows, grad, workspace);
    }

    /**
     * Runs a small network's pass with each hidden activation in each precision, {@code seconds} in all, so that the
     * JIT has compiled the element-wise code before anything is timed: the activations on the Vector API
     * ({@link ElementMath}) run boxed and slowly until C2 compiles them, which takes longer than a measurement's
     * own warm-up (a 784-128-10 pass timed for a second right after start-up measured at half its speed).
     */
    public static void warmUpJit(double seconds) {
        Activation[] hidden = {Activation.RELU, Activation.LEAKY_RELU, Activation.SIGMOID, Activation.TANH};
        double share = seconds / hidden.length / Precision.values().length;
        for (Precision precision : Precision.values()) {
            for (Activation activation : hidden) {
                Topology topology = Topology.of(new int[] {64, 48, 10}, activation, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
                Runnable pass = passCall(Network.create(topology, precision), 64);
                long end = System.nanoTime() + (long) (share * 1e9);
                do {
                    pass.run();
                } while (System.nanoTime() < end);
            }
        }
    }

    /**
     * Sums a float share into double ({@link ArrayMath#sumInto}, the driver's side of a step) until the sum has left
     * its scalar loop ({@link VectorGate#SUM_ELEMENTS} elements, about 0.4 s) and then 2^28 elements more on the
     * Vector API, for C2 to compile it: as a long run's first few thousand steps would, so that a step timed after
     * this is a long run's. Returns at once where the Vector API does not run.
     */
    public static void warmUpSum() {
        if (!ArrayMath.VECTOR) {
            return;
        }
        float[] share = new float[1 << 16];
        double[] sum = new double[share.length];
        Arrays.fill(share, 1f);
        long calls = 0;
        for (long onVectors = 0; onVectors < 1L << 28; calls++) {
            // a share written, a share added, in turn: both of the sum's loops compiled
            ArrayMath.sumInto(share, 0, sum, 0, share.length, calls % 2 == 0);
            if (ArrayMath.SUM.isOpen()) {
                onVectors += share.length;
            }
        }
    }

    /**
     * Seconds per call of each of {@code calls} in its fastest of {@value #ROUNDS} rounds, after a quarter of the time
     * warming up; the calls take turns round by round.
     */
    static double[] time(Runnable[] calls, double seconds) {
        double share = seconds / calls.length;
        long[] callsPerRound = new long[calls.length];
        for (int c = 0; c < calls.length; c++) {
            long warmUpEnd = System.nanoTime() + (long) (share * 0.25e9);
            long count = 0;
            long start = System.nanoTime();
            do {
                calls[c].run();
                count++;
            } while (System.nanoTime() < warmUpEnd);
            double perCall = (System.nanoTime() - start) / 1e9 / count;
            callsPerRound[c] = Math.max(1, (long) (share * 0.75 / ROUNDS / perCall));
        }
        double[] best = new double[calls.length];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int r = 0; r < ROUNDS; r++) {
            for (int c = 0; c < calls.length; c++) {
                long roundStart = System.nanoTime();
                for (long i = 0; i < callsPerRound[c]; i++) {
                    calls[c].run();
                }
                best[c] = Math.min(best[c], (System.nanoTime() - roundStart) / 1e9 / callsPerRound[c]);
            }
        }
        return best;
    }

    /** One gemm call with its operands, C = op(A)·op(B) + beta·C, filled with random values. */
    private static final class Gemm {
        private final BLAS blas;
        private final String transA;
        private final String transB;
        private final int m;
        private final int n;
        private final int k;
        private final int beta;
        private final float[] af;
        private final float[] bf;
        private final float[] cf;
        private final double[] ad;
        private final double[] bd;
        private final double[] cd;

        Gemm(BLAS blas, Precision precision, String transA, String transB, int m, int n, int k, int beta, SplittableRandom random) {
            this.blas = blas;
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.beta = beta;
            boolean single = precision == Precision.FLOAT;
            af = single ? randomFloats(m * k, random) : null;
            bf = single ? randomFloats(k * n, random) : null;
            cf = single ? new float[m * n] : null;
            ad = single ? null : random.doubles(m * k).toArray();
            bd = single ? null : random.doubles(k * n).toArray();
            cd = single ? null : new double[m * n];
        }

        void run() {
            int lda = transA.equals("N") ? m : k;
            int ldb = transB.equals("N") ? k : n;
            if (cf != null) {
                blas.sgemm(transA, transB, m, n, k, 1f, af, lda, bf, ldb, beta, cf, m);
            } else {
                blas.dgemm(transA, transB, m, n, k, 1.0, ad, lda, bd, ldb, beta, cd, m);
            }
        }

        private static float[] randomFloats(int length, SplittableRandom random) {
            float[] values = new float[length];
            for (int i = 0; i < length; i++) {
                values[i] = (float) random.nextDouble();
            }
            return values;
        }
    }
}
