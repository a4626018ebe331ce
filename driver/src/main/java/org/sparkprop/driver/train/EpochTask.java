package org.sparkprop.driver.train;

import java.util.Collections;
import org.apache.spark.TaskContext;
import org.sparkprop.driver.FaultPoints;
import org.sparkprop.driver.data.Block;
import org.sparkprop.kernels.ColumnSet;
import org.sparkprop.kernels.Dropout;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One partition's task in a per-epoch stage (barrier mode): until the driver ends the stretch, it waits for the next
 * step on its {@link TaskChannel} (in local mode the run's {@link EpochChannel} in memory, else {@link RpcChannel}
 * through Spark's RPC environment), computes its partition's share as {@link StepTask} does, and deposits it. A task
 * of a rerun stage asks the channel which step is current and continues from there. Its output is empty: the stage exists for the exchange, and writes to a shuffle only
 * so that Spark reruns it after a failure (a failed barrier result stage is not rerun).
 */
final class EpochTask extends AbstractFunction1<Iterator<Block>, Iterator<Tuple2<Integer, Integer>>> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Fault point for tests: throw once, in partition 0 on the stage's first attempt, when computing this step of the run. */
    static final String FAIL_AT_STEP = "sparkprop.fail.exchangeTaskAtStep";

    private final long channel;
    /** The driver's {@link RpcChannel} endpoint, or null for the in-memory channel {@link #channel}. */
    private final String endpoint;
    private final Topology topology;
    private final Precision precision;
    private final long seed;
    private final Dropout dropout;
    private final int maxRows;
    private final boolean sparseShares;

    EpochTask(long channel, String endpoint, Topology topology, Precision precision, long seed, Dropout dropout, int maxRows,
              boolean sparseShares) {
        this.channel = channel;
        this.endpoint = endpoint;
        this.topology = topology;
        this.precision = precision;
        this.seed = seed;
        this.dropout = dropout;
        this.maxRows = maxRows;
        this.sparseShares = sparseShares;
    }

    @Override
    public Iterator<Tuple2<Integer, Integer>> apply(Iterator<Block> blocks) {
        TaskContext context = TaskContext.get();
        int partition = context.partitionId();
        Block block = blocks.next();
        ExecutorKernels.Slot slot = ExecutorKernels.get(topology, precision, maxRows);
        TaskChannel exchange = endpoint == null ? EpochChannel.get(channel)
                : new RpcChannel.Remote(endpoint, slot.network.newArray(topology.parameterCount()), topology,
                        block.sparse == null ? null : columnsOf(block, partition));
        Deposit deposit = new Deposit(topology, slot.share);
        int[] where = new int[3];
        long failAt = Long.getLong(FAIL_AT_STEP, -1);
        try {
            long step;
            while ((step = exchange.awaitWork(partition, context, where)) >= 0) {
                long start = System.nanoTime();
                int from = where[1];
                int to = where[2];
                if (step == failAt && partition == 0 && context.stageAttemptNumber() == 0) {
                    FaultPoints.fail("exchange task, step " + (step + 1));
                }
                StepTask.share(slot, exchange.weights(), exchange.driverWeights(), block, seed, dropout, where[0], partition, from, to,
                        sparseShares, slot.share);
                slot.share.computeNanos = System.nanoTime() - start;
                exchange.deposit(deposit.set(partition, step));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.killTaskIfInterrupted();
            throw new IllegalStateException("interrupted while waiting for the driver's next step", e);
        }
        return CollectionConverters.asScala(Collections.<Tuple2<Integer, Integer>>emptyIterator());
    }

    /** The first-layer columns that the sparse rows of {@code block} touch, for a step's rows [from, to) of an epoch. */
    private RpcChannel.Remote.Columns columnsOf(Block block, int partition) {
        ColumnSet set = new ColumnSet(topology.inputs());
        return (epoch, from, to) -> {
            set.clear();
            if (from < to) {
                set.addColumnsOf(block.sparse, EpochOrder.of(seed, epoch, partition, block.rows), from, to);
            }
            int[] columns = new int[set.size()];
            set.sortedColumns(columns);
            return columns;
        };
    }
}
