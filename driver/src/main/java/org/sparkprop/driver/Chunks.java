package org.sparkprop.driver;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The driver's element-wise passes over a model's parameters (summing the partitions' gradients, the
 * optimizer's update, casting the weights for the executors), split into fixed chunks of {@value #SIZE} elements
 * (chunk c is [c·SIZE, (c+1)·SIZE)) that run on the driver's own fork-join pool when the model is large. The pool
 * has {@link #threads()} threads: the driver's cores ({@link #useThreads}; the trainer sets {@code spark.driver.cores}
 * where it is set, else the JVM's available processors). Every element is computed by the same operations in the
 * same order whichever thread runs its chunk, and reductions combine one partial result per chunk in chunk order
 * ({@link #forEachChunk}), so results do not depend on the number of threads.
 */
public final class Chunks {
    /** Elements per chunk. */
    public static final int SIZE = 1 << 16;
    /**
     * Fewer chunks than this run on the calling thread: handing them to other threads costs more than it saves. At 4,
     * a 203,530-parameter step's exchange (cast, sum) paid the pool's hand-offs: bench's per-epoch step overhead was
     * 0.57 to 0.59 ms in four runs on two vCPUs, 0.51 ms at 8 (the channel alone 0.16 to 0.17 against 0.13 ms).
     */
    static final int PARALLEL_FROM = 8;

    /** Pools by thread count, kept for the JVM's life (their threads are daemons and end when idle). */
    private static final ConcurrentHashMap<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();
    private static volatile ForkJoinPool pool = POOLS.computeIfAbsent(Runtime.getRuntime().availableProcessors(), ForkJoinPool::new);

    /** Work on the elements [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Work on the elements [from, to) of chunk {@code chunk}; a chunk may be given in several ascending ranges. */
    @FunctionalInterface
    public interface ChunkRange {
        void run(int chunk, int from, int to);
    }

    /**
     * The elements a pass covers, given chunk by chunk ({@link ChunkRange}: in parallel across chunks, ascending
     * within one): all of [0, n) ({@link #all}), or fewer where the rest are known to stay as they are.
     */
    @FunctionalInterface
    public interface Cover {
        /**
         * Runs {@code covered} over the covered elements and, where {@code rest} is not null, {@code rest} over the
         * other elements of [0, n): a chunk's ranges of both in ascending order on one thread, chunks in parallel.
         */
        void forEach(ChunkRange covered, ChunkRange rest);

        /** Runs {@code range} over the covered elements only. */
        default void forEach(ChunkRange range) {
            forEach(range, null);
        }
    }

    private Chunks() {
    }

    /** No element of [0, n). */
    public static Cover none(int n) {
        return (covered, rest) -> {
            if (rest != null) {
                forEachChunk(n, rest);
            }
        };
    }

    /** Every element of [0, n). */
    public static Cover all(int n) {
        return (covered, rest) -> forEachChunk(n, covered);
    }

    /** Threads of the pool. */
    public static int threads() {
        return pool.getParallelism();
    }

    /**
     * Passes use a pool of {@code threads} threads (at least 1) from now on; a pass already running keeps its pool
     * (pools are never shut down, so a pass in another thread is never refused).
     */
    public static void useThreads(int threads) {
        pool = POOLS.computeIfAbsent(Math.max(1, threads), ForkJoinPool::new);
    }

    /** The number of chunks of [0, n). */
    public static int chunkCount(int n) {
        return (int) ((n + (long) SIZE - 1) / SIZE);
    }

    /** The chunk that element i is in. */
    public static int chunkOf(int i) {
        return i / SIZE;
    }

    /** Runs {@code range} over [0, n) in chunks, in parallel for large n; returns when all are done. */
    public static void forEach(int n, Range range) {
        forEachChunk(n, (chunk, from, to) -> range.run(from, to));
    }

    /**
     * Runs {@code range} once per chunk of [0, n), with the chunk's index (for per-chunk partial results that the
     * caller combines in chunk order), in parallel for large n; returns when all are done.
     */
    public static void forEachChunk(int n, ChunkRange range) {
        int chunks = chunkCount(n);
        if (chunks < PARALLEL_FROM) {
            for (int c = 0; c < chunks; c++) {
                range.run(c, c * SIZE, (int) Math.min(n, (long) (c + 1) * SIZE));
            }
            return;
        }
        ForkJoinPool on = pool;
        on.submit(() -> IntStream.range(0, chunks).parallel()
                .forEach(c -> range.run(c, c * SIZE, (int) Math.min(n, (long) (c + 1) * SIZE)))).join();
    }
}
