package org.sparkprop.driver.train;

import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.data.Block;
import org.sparkprop.kernels.Dropout;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import scala.collection.Iterator;

/**
 * One training step on one partition (runs on an executor): the partition's share of the global mini-batch,
 * rows {@code [starts[p], ends[p])} of its epoch order, through the forward and backward passes against the
 * broadcast weights, each row weighted by the block's row weight where it has them. Returns the sums (with Σ of
 * the row weights, or the row count without them); the driver averages. With a {@link HandOver} (local mode) the weights come
 * from it and the gradient goes into it, and the result carries no gradient.
 */
final class StepTask implements SparkJobs.PartitionFunction<Block, StepResult> {
    private static final long serialVersionUID = 1L;

    /** The weights, or null with a hand-over. */
    private final Broadcast<Object> weights;
    /** {@link HandOver#id}, or 0 with a broadcast. */
    private final long handOver;
    private final Topology topology;
    private final Precision precision;
    private final long seed;
    private final Dropout dropout;
    private final int epoch;
    private final int maxRows;
    private final int[] starts;
    private final int[] ends;

    StepTask(Broadcast<Object> weights, long handOver, Topology topology, Precision precision, long seed, Dropout dropout, int epoch,
             int maxRows, int[] starts, int[] ends) {
        this.weights = weights;
        this.handOver = handOver;
        this.topology = topology;
        this.precision = precision;
        this.seed = seed;
        this.dropout = dropout;
        this.epoch = epoch;
        this.maxRows = maxRows;
        this.starts = starts;
        this.ends = ends;
    }

    @Override
    public StepResult apply(TaskContext context, Iterator<Block> blocks) {
        long start = System.nanoTime();
        int partition = context.partitionId();
        Block block = blocks.next();
        ExecutorKernels.Slot slot = ExecutorKernels.get(topology, precision, maxRows);
        HandOver memory = handOver != 0 ? HandOver.get(handOver) : null;
        Object gradient = memory != null ? memory.gradients[partition] : slot.gradient;
        int from = starts[partition];
        int to = ends[partition];
        double[] sums = new double[2];
        share(slot, memory != null ? memory.weights : weights.value(), block, seed, dropout, epoch, partition, from, to, gradient, sums);
        return new StepResult(memory != null ? null : gradient, sums[0], to - from, sums[1], System.nanoTime() - start);
    }

    /**
     * A partition's share of a step, rows [from, to) of its epoch order, whichever exchange runs it: the gradient
     * is overwritten with Σ w·∂L/∂θ, and {@code sums} with {Σ w·loss, Σ w}. Dropout's masks are seeded from
     * (seed, epoch, partition) and follow the block row: every row is used once an epoch, so (epoch, partition, row)
     * names one use of a row, and a step recomputed by either exchange, a retried task or a resumed run drops the
     * same units.
     *
     * @param gradient Modified
     * @param sums     Modified
     */
    static void share(ExecutorKernels.Slot slot, Object weights, Block block, long seed, Dropout dropout, int epoch, int partition,
                      int from, int to, Object gradient, double[] sums) {
        slot.network.zero(gradient);
        sums[0] = 0;
        sums[1] = 0;
        if (from < to) {
            int[] order = EpochOrder.of(seed, epoch, partition, block.rows);
            long maskSeed = Dropout.maskSeed(seed, epoch, partition);
            sums[0] = block.sparse != null
                    ? slot.network.accumulateGradient(gradient, weights, block.sparse, block.targets, block.weights, order, from, to,
                            dropout, maskSeed, slot.sparseWorkspace())
                    : slot.network.accumulateGradient(weights, block.features, block.targets, block.weights, order, from, to,
                            dropout, maskSeed, gradient, slot.workspace());
            sums[1] = block.weightSum(order, from, to);
        }
    }
}
