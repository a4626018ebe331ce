package org.sparkprop.driver.train;

import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.data.Block;
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
    private final int epoch;
    private final int maxRows;
    private final int[] starts;
    private final int[] ends;

    StepTask(Broadcast<Object> weights, long handOver, Topology topology, Precision precision, long seed, int epoch, int maxRows,
             int[] starts, int[] ends) {
        this.weights = weights;
        this.handOver = handOver;
        this.topology = topology;
        this.precision = precision;
        this.seed = seed;
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
        slot.network.zero(gradient);
        int from = starts[partition];
        int to = ends[partition];
        double loss = 0;
        double weightSum = 0;
        if (from < to) {
            int[] order = EpochOrder.of(seed, epoch, partition, block.rows);
            Object params = memory != null ? memory.weights : weights.value();
            loss = block.sparse != null
                    ? slot.network.accumulateGradient(gradient, params, block.sparse, block.targets, block.weights, order, from, to,
                            slot.sparseWorkspace())
                    : slot.network.accumulateGradient(params, block.features, block.targets, block.weights, order, from, to, gradient,
                            slot.workspace());
            weightSum = block.weightSum(order, from, to);
        }
        return new StepResult(memory != null ? null : gradient, loss, to - from, weightSum, System.nanoTime() - start);
    }
}
