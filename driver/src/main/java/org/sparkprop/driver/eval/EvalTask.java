package org.sparkprop.driver.eval;

import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import scala.collection.Iterator;

/** Forward pass and metric sums over every row of a partition, weighted where its blocks have weights (runs on an executor). */
final class EvalTask implements SparkJobs.PartitionFunction<Block, EvalStats> {
    private static final long serialVersionUID = 1L;
    static final int CHUNK_ROWS = 1024;

    private final Broadcast<Object> weights;
    private final Topology topology;
    private final Precision precision;
    private final LabelKind kind;

    EvalTask(Broadcast<Object> weights, Topology topology, Precision precision, LabelKind kind) {
        this.weights = weights;
        this.topology = topology;
        this.precision = precision;
        this.kind = kind;
    }

    @Override
    public EvalStats apply(TaskContext context, Iterator<Block> blocks) {
        BlockForward forward = new BlockForward(topology, precision, CHUNK_ROWS);
        int outputs = topology.outputs();
        double[] out = new double[CHUNK_ROWS * outputs];
        EvalStats stats = new EvalStats(kind, outputs);
        Object params = weights.value();
        while (blocks.hasNext()) {
            Block block = blocks.next();
            for (int first = 0; first < block.rows; first += CHUNK_ROWS) {
                int count = Math.min(CHUNK_ROWS, block.rows - first);
                double loss = forward.evaluate(params, block, true, first, count, out);
                stats.add(out, outputs, block.targets, first * block.targetWidth, block.weights, first, count, loss);
            }
        }
        return stats;
    }
}
