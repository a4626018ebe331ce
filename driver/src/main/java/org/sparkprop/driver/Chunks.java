package org.sparkprop.driver;

import java.util.stream.IntStream;

/**
 * The driver's element-wise passes over a model's parameters (summing the partitions' gradients, the
 * optimizer's update, casting the weights for the executors), split into chunks of {@value #SIZE} elements that
 * run on the common fork-join pool when the model is large. Every element is computed by the same operations in
 * the same order whichever thread runs its chunk, so results do not depend on the machine's cores; reductions
 * (a norm, a sum) stay sequential for the same reason.
 */
public final class Chunks {
    /** Elements per chunk. */
    static final int SIZE = 1 << 16;
    /** Fewer chunks than this run on the calling thread: handing them to other threads costs more than it saves. */
    static final int PARALLEL_FROM = 4;

    /** Work on the elements [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private Chunks() {
    }

    /** Runs {@code range} over [0, n) in chunks, in parallel for large n; returns when all are done. */
    public static void forEach(int n, Range range) {
        int chunks = (int) ((n + (long) SIZE - 1) / SIZE);
        if (chunks < PARALLEL_FROM) {
            range.run(0, n);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> range.run(c * SIZE, (int) Math.min(n, (long) (c + 1) * SIZE)));
    }
}
