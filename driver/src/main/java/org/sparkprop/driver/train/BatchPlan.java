package org.sparkprop.driver.train;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Which rows of each partition go into each mini-batch of an epoch.
 *
 * <p>A batch is global: step t takes rows [t·B, (t+1)·B) of one virtual sequence of all N rows, so every
 * step but the last has exactly B rows, the last has the rest, and there are ceil(N / B) steps. The sequence
 * interleaves the partitions in proportion to their sizes: row i (in the epoch's order) of a partition of
 * n rows sits at key (i + ½) / n, ties broken by partition index. So partition p's share of step t is a
 * contiguous range [start(t, p), start(t + 1, p)) of its own epoch order, every row is used exactly once per
 * epoch, and the plan depends only on the partition sizes and B (the order within a partition is
 * {@link EpochOrder}'s).
 */
public final class BatchPlan {
    private final int partitions;
    private final int steps;
    /** starts[t * partitions + p]: rows of partition p used before step t; t in [0, steps]. */
    private final int[] starts;

    private BatchPlan(int partitions, int steps, int[] starts) {
        this.partitions = partitions;
        this.steps = steps;
        this.starts = starts;
    }

    /**
     * @param rowsPerPartition rows in each partition (Not modified)
     * @param batchSize        global batch size B ≥ 1
     */
    public static BatchPlan of(int[] rowsPerPartition, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        int p = rowsPerPartition.length;
        long total = Arrays.stream(rowsPerPartition).asLongStream().sum();
        if (total == 0) {
            throw new IllegalArgumentException("no rows to plan batches for");
        }
        int steps = (int) ((total + batchSize - 1) / batchSize);
        int[] starts = new int[(steps + 1) * p];
        int[] taken = new int[p];
        // Entries are partitions, ordered by the key of their next row: (2·taken + 1) / (2·n), compared exactly.
        PriorityQueue<Integer> next = new PriorityQueue<>((a, b) -> {
            long left = (2L * taken[a] + 1) * rowsPerPartition[b];
            long right = (2L * taken[b] + 1) * rowsPerPartition[a];
            return left != right ? Long.compare(left, right) : Integer.compare(a, b);
        });
        for (int q = 0; q < p; q++) {
            if (rowsPerPartition[q] > 0) {
                next.add(q);
            }
        }
        for (int t = 1; t <= steps; t++) {
            long end = Math.min((long) t * batchSize, total);
            for (long position = (long) (t - 1) * batchSize; position < end; position++) {
                int q = next.poll();
                taken[q]++;
                if (taken[q] < rowsPerPartition[q]) {
                    next.add(q);
                }
            }
            System.arraycopy(taken, 0, starts, t * p, p);
        }
        return new BatchPlan(p, steps, starts);
    }

    public int steps() {
        return steps;
    }

    /** First position, in partition p's epoch order, of its rows in step t (t in [0, steps]). */
    public int start(int step, int partition) {
        return starts[step * partitions + partition];
    }

    /** Start positions of step t for every partition (a copy). */
    public int[] starts(int step) {
        return Arrays.copyOfRange(starts, step * partitions, (step + 1) * partitions);
    }

    /** The most rows any partition contributes to one step. */
    public int largestShare() {
        int largest = 0;
        for (int t = 0; t < steps; t++) {
            for (int q = 0; q < partitions; q++) {
                largest = Math.max(largest, start(t + 1, q) - start(t, q));
            }
        }
        return largest;
    }
}
