package org.sparkprop.driver.train;

import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.data.Block;
import org.sparkprop.kernels.Network;

/**
 * One training step's Spark job: broadcasts the weights in the compute type, runs {@link StepTask} on every
 * partition (rows {@code [starts[p], ends[p])} of partition p's epoch order) through
 * {@link SparkJobs#runOnPartitions} (a named function: no closure cleaning), sums the partitions' results in
 * partition order, and destroys the broadcast.
 */
public final class StepJob {
    private StepJob() {
    }

    /**
     * Σloss and row count of one step, and its slowest task's compute time; Σgrad is in the caller's array.
     *
     * @param slowestComputeNanos the largest {@link StepResult#computeNanos} of the step's tasks
     */
    public record Sums(double lossSum, long rows, long slowestComputeNanos) {
    }

    /**
     * Runs one step.
     *
     * @param weights     θ in double (Not modified); sent in the network's compute type
     * @param seed        seed of the epoch orders
     * @param maxRows     rows per forward/backward chunk on the executors
     * @param gradientSum Modified: overwritten with Σ∂L/∂θ over the step's rows
     */
    public static Sums run(JavaSparkContext sc, JavaRDD<Block> blocks, Network<Object> network, double[] weights, long seed,
                           int epoch, int maxRows, int[] starts, int[] ends, String description, double[] gradientSum) {
        Broadcast<Object> broadcast = sc.broadcast(network.toCompute(weights));
        StepResult[] parts;
        try {
            StepTask task = new StepTask(broadcast, network.topology(), network.precision(), seed, epoch, maxRows, starts, ends);
            parts = SparkJobs.runOnPartitions(sc, blocks, task, StepResult.class, description);
        } finally {
            broadcast.destroy();
        }
        Arrays.fill(gradientSum, 0);
        double lossSum = 0;
        long rows = 0;
        for (StepResult part : parts) {
            network.addTo(part.gradientSum, gradientSum);
            lossSum += part.lossSum;
            rows += part.rows;
        }
        return new Sums(lossSum, rows, StepResult.slowestComputeNanos(parts));
    }
}
