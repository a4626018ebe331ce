package org.sparkprop.kernels;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a kernel on the Vector API ({@link VectorMath}'s activations, {@link VectorArrays}' sum) runs there yet:
 * the scalar loops (the same bits) until the kernel has computed a set number of elements in this JVM, then the
 * Vector API for good.
 *
 * <p>Why: the Vector API's code runs boxed, a vector object per operation, until C2 has compiled it, and C2 gets to
 * it late, because that slow code makes the API's own methods hot and they fill C2's queue first. On the project's
 * machine a sigmoid over 32,768 floats took 7 to 45 ms a call for its first 80 calls in a fresh JVM, then 21 µs;
 * the scalar loop took 35 ms for its first call, 0.4 ms for the next 30 and 0.19 to 0.24 ms once C2 had compiled
 * it. Counted over a fresh JVM's first 300 calls, the Vector API's warm-up cost 0.7 to 0.8 s for sigmoid and tanh
 * and 0.5 s for ReLU's backward pass (most of it loading and compiling the API itself), the scalar loops' 20 to
 * 60 ms; in a JVM whose other kernels had already warmed the API, a sigmoid network's first epoch still took 0.3 s
 * instead of 0.11 s. So a short run (a test, a small model, the first epochs of any run) is fastest on the scalar
 * loops, a long one on the Vector API once warm; the gate runs the scalar loops until they have lost about what
 * the warm-up costs, then switches (the ski-rental rule, within twice the better choice made in hindsight). The
 * thresholds are elements, not time, so the choice never depends on how busy the machine is; they are counted per
 * kernel, over all threads, from this JVM's start (docs/benchmarks.md, "Activations that start on the scalar
 * loops").
 */
final class VectorGate {
    /**
     * Sigmoid and tanh: the scalar loops take 4.4 to 7.5 ns an element where the Vector API takes 0.6 (float; 8.5
     * against 1.6 in double), so 2^26 elements lose about 0.45 s: what the float sigmoid's warm-up cost in a JVM
     * whose other kernels had loaded the API already (0.46 s in {@code bench}'s end-to-end section), and less than in
     * a fresh JVM.
     */
    static final long EXPONENTIAL_ELEMENTS = 1L << 26;
    /** The ReLU family's backward pass and leaky ReLU: the scalar loops lose 0.9 ns an element, so 2^28 lose 0.25 s. */
    static final long RELU_ELEMENTS = 1L << 28;
    /**
     * The driver's sum of float shares into double ({@link ArrayMath#sumInto}): the scalar loop loses 0.26 ns an
     * element (two shares of 203,530 values: 150 µs against 45 µs), so 2^30 lose 0.28 s, about what the sum's Vector
     * API cost a fresh JVM's first ReLU run (3 epochs of 784-128-10: 1.01 to 1.10 s with it, 0.74 to 0.79 s without).
     */
    static final long SUM_ELEMENTS = 1L << 30;

    private final long threshold;
    private final AtomicLong scalarElements = new AtomicLong();
    private volatile boolean open;

    /** A gate that opens after {@code threshold} elements, as {@link ElementMath} chose for this JVM. */
    VectorGate(long threshold) {
        this(threshold, ElementMath.VECTOR, ElementMath.EAGER);
    }

    /** A gate that never opens without {@code vector}, opens at once with {@code eager}, else after {@code threshold}. */
    VectorGate(long threshold, boolean vector, boolean eager) {
        this.threshold = !vector ? Long.MAX_VALUE : eager ? 0 : threshold;
        this.open = this.threshold == 0;
    }

    /** True where a call over {@code n} elements runs on the Vector API; otherwise it counts them for the scalar loop. */
    boolean vector(int n) {
        if (open) {
            return true;
        }
        if (threshold == Long.MAX_VALUE) {
            return false;
        }
        if (scalarElements.addAndGet(n) > threshold) {
            open = true;
        }
        return false;
    }

    /** True once calls run on the Vector API. */
    boolean isOpen() {
        return open;
    }

    /** Elements computed on the scalar loops so far (for tests). */
    long scalarElements() {
        return scalarElements.get();
    }
}
