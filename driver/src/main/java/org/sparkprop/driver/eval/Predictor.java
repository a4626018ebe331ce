package org.sparkprop.driver.eval;

import java.util.Iterator;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.data.Block;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/** Network outputs for every row, streamed to the driver block by block, in the order of the blocks. */
public final class Predictor {
    private Predictor() {
    }

    /**
     * Hands {@code sink} each block's outputs (outputs × rows, row r's at r·outputs: probabilities for softmax
     * and sigmoid outputs), one partition at a time in partition order.
     */
    public static void forEachBlock(JavaSparkContext sc, Topology topology, Precision precision, double[] weights,
                                    JavaRDD<Block> blocks, Consumer<double[]> sink) {
        Broadcast<Object> broadcast = sc.broadcast(Network.create(topology, precision).toCompute(weights));
        try {
            SparkJobs.described(sc, "predict", () -> {
                Iterator<double[]> outputs = blocks.map(new BlockOutputs(broadcast, topology, precision)).toLocalIterator();
                outputs.forEachRemaining(sink);
                return null;
            });
        } finally {
            broadcast.destroy();
        }
    }

    /** The network's weights for {@link #outputs}, broadcast in its compute precision; the caller destroys it. */
    public static Broadcast<Object> broadcast(JavaSparkContext sc, Topology topology, Precision precision, double[] weights) {
        return sc.broadcast(Network.create(topology, precision).toCompute(weights));
    }

    /**
     * Each block's outputs, as {@link #forEachBlock} hands them, computed on the executors when the RDD is: one
     * array per block, in the partitions of {@code blocks}, for work that stays distributed (writing a DataFrame).
     */
    public static JavaRDD<double[]> outputs(Broadcast<Object> weights, Topology topology, Precision precision, JavaRDD<Block> blocks) {
        return blocks.map(new BlockOutputs(weights, topology, precision));
    }

    /** Forward pass over one block (runs on an executor). */
    private static final class BlockOutputs implements Function<Block, double[]> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Object> weights;
        private final Topology topology;
        private final Precision precision;

        BlockOutputs(Broadcast<Object> weights, Topology topology, Precision precision) {
            this.weights = weights;
            this.topology = topology;
            this.precision = precision;
        }

        @Override
        public double[] call(Block block) {
            int chunk = Math.max(1, Math.min(block.rows, EvalTask.CHUNK_ROWS));
            BlockForward forward = new BlockForward(topology, precision, chunk);
            int outputs = topology.outputs();
            double[] all = new double[block.rows * outputs];
            double[] out = new double[chunk * outputs];
            for (int first = 0; first < block.rows; first += chunk) {
                int count = Math.min(chunk, block.rows - first);
                forward.evaluate(weights.value(), block, false, first, count, out);
                System.arraycopy(out, 0, all, first * outputs, count * outputs);
            }
            return all;
        }
    }
}
