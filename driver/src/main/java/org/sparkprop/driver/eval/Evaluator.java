package org.sparkprop.driver.eval;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/** Evaluates weights on cached blocks: one Spark job, sums merged on the driver in partition order. */
public final class Evaluator {
    private Evaluator() {
    }

    public static Metrics evaluate(JavaSparkContext sc, Topology topology, Precision precision, double[] weights,
                                   Schema schema, JavaRDD<Block> blocks, String description) {
        Object computeWeights = Network.create(topology, precision).toCompute(weights);
        Broadcast<Object> broadcast = sc.broadcast(computeWeights);
        try {
            EvalStats[] parts = SparkJobs.runOnPartitions(sc, blocks,
                    new EvalTask(broadcast, topology, precision, schema.labelKind()), EvalStats.class, description);
            EvalStats total = new EvalStats(schema.labelKind(), topology.outputs());
            for (EvalStats part : parts) {
                total.merge(part);
            }
            return new Metrics(schema, total);
        } finally {
            broadcast.destroy();
        }
    }
}
