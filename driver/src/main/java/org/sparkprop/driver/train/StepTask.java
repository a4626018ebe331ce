package org.sparkprop.driver.train;

import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.data.Block;
import org.sparkprop.kernels.ColumnSet;
import org.sparkprop.kernels.Dropout;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import scala.collection.Iterator;

/**
 * One training step on one partition (runs on an executor): the partition's share of the global mini-batch,
 * rows {@code [starts[p], ends[p])} of its epoch order, through the forward and backward passes against the
 * broadcast weights, each row weighted by the block's row weight where it has them. Returns the sums (with Σ of
 * the row weights, or the row count without them) as a {@link StepShare}; the driver averages. With a {@link HandOver} (local
 * mode) the weights come from it and the share goes into it, and the result is null.
 */
final class StepTask implements SparkJobs.PartitionFunction<Block, StepShare> {
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
    private final boolean sparseShares;

    StepTask(Broadcast<Object> weights, long handOver, Topology topology, Precision precision, long seed, Dropout dropout, int epoch,
             int maxRows, int[] starts, int[] ends, boolean sparseShares) {
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
        this.sparseShares = sparseShares;
    }

    @Override
    public StepShare apply(TaskContext context, Iterator<Block> blocks) {
        long start = System.nanoTime();
        int partition = context.partitionId();
        Block block = blocks.next();
        ExecutorKernels.Slot slot = ExecutorKernels.get(topology, precision, maxRows);
        HandOver memory = handOver != 0 ? HandOver.get(handOver) : null;
        StepShare into = memory != null ? memory.shares[partition] : slot.share;
        share(slot, memory != null ? memory.weights : weights.value(), null, block, seed, dropout, epoch, partition, starts[partition],
                ends[partition], sparseShares, into);
        into.computeNanos = System.nanoTime() - start;
        return memory != null ? null : into;
    }

    /**
     * A partition's share of a step, rows [from, to) of its epoch order, whichever exchange runs it: {@code into} is
     * overwritten with Σ w·∂L/∂θ, Σ w·loss, the row count and Σ w (its compute time is the caller's). A sparse block's
     * share is sparse (the first layer's touched columns only) where {@code sparseShares}, else dense. Dropout's masks are seeded from
     * (seed, epoch, partition) and follow the block row: every row is used once an epoch, so (epoch, partition, row)
     * names one use of a row, and a step recomputed by either exchange, a retried task or a resumed run drops the
     * same units.
     *
     * @param driverWeights null, or the driver's θ in double, whose first layer a sparse block's pass reads instead of
     *                      {@code weights}' ({@link TaskChannel#driverWeights})
     * @param into          Modified
     */
    static void share(ExecutorKernels.Slot slot, Object weights, double[] driverWeights, Block block, long seed, Dropout dropout, int epoch,
                      int partition, int from, int to, boolean sparseShares, StepShare into) {
        if (driverWeights != null && block.sparse == null) {
            throw new IllegalStateException("a dense block in a run whose tasks read the first layer from the driver's weights");
        }
        boolean sparse = block.sparse != null && sparseShares;
        Object gradient = sparse ? slot.sparseGradient() : into.denseGradient(slot.network);
        if (!sparse) {
            slot.network.zero(gradient);
        }
        double lossSum = 0;
        double weightSum = 0;
        int[] order = from < to ? EpochOrder.of(seed, epoch, partition, block.rows) : null;
        if (from < to) {
            long maskSeed = Dropout.maskSeed(seed, epoch, partition);
            if (block.sparse != null) {
                slot.sparseWorkspace().readFirstLayerFrom(driverWeights);
            }
            lossSum = block.sparse != null
                    ? slot.network.accumulateGradient(gradient, weights, block.sparse, block.targets, block.weights, order, from, to,
                            dropout, maskSeed, slot.sparseWorkspace())
                    : slot.network.accumulateGradient(weights, block.features, block.targets, block.weights, order, from, to,
                            dropout, maskSeed, gradient, slot.workspace());
            weightSum = block.weightSum(order, from, to);
        }
        if (sparse) {
            ColumnSet touched = slot.touched();
            if (from < to) {
                touched.addColumnsOf(block.sparse, order, from, to);
            }
            int[] columns = slot.touchedColumns();
            into.takeSparse(slot.network, gradient, columns, touched.sortedColumns(columns));
            slot.sparseGradientTaken();
        }
        into.setSums(lossSum, to - from, weightSum);
    }
}
