package org.sparkprop.driver.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.sparkprop.driver.Chunks;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.data.Block;
import org.sparkprop.kernels.Dropout;
import org.sparkprop.kernels.Network;

/**
 * The training steps of one run, one Spark job each: every partition runs {@link StepTask} (rows
 * {@code [starts[p], ends[p])} of partition p's epoch order) through {@link SparkJobs#runOnPartitions} (a named
 * function: no closure cleaning), and the driver sums the partitions' gradients in partition order.
 *
 * <p>On a cluster the weights travel as a broadcast in the compute type, destroyed after the step, and each
 * task's gradient comes back as its result. In local mode, where the tasks run in the driver's JVM, both pass
 * through memory instead ({@link HandOver}), unless {@value #LOCAL_HAND_OVER} is false. Both ways compute the same
 * sums to the bit.
 */
public final class StepJob implements AutoCloseable {
    /** Spark setting: false sends local mode's steps through broadcast and task results too. */
    public static final String LOCAL_HAND_OVER = "spark.sparkprop.localHandOver";
    /**
     * Spark setting: false sends sparse blocks' shares dense, all parameters, as dense blocks' (to compare; the weights
     * are the same to the bit). Read as {@value #LOCAL_HAND_OVER} is, for either exchange.
     */
    public static final String SPARSE_SHARES = "spark.sparkprop.sparseShares";

    /**
     * Σ w·loss, row count and Σ w of one step, and its slowest task's compute time; Σ w·grad is in the caller's
     * array. w is a row's weight, 1 for rows of blocks without weights, so without weights lossSum is Σloss and
     * weightSum equals rows exactly. The caller divides the sums by weightSum; 0 where every row of the step
     * weighs 0 (then the gradient sum is 0 too).
     *
     * @param weightSum           Σ w over the step's rows, summed in partition order
     * @param slowestComputeNanos the largest {@link StepShare#computeNanos} of the step's tasks
     */
    public record Sums(double lossSum, long rows, double weightSum, long slowestComputeNanos) {
    }

    private final JavaSparkContext sc;
    private final JavaRDD<Block> blocks;
    private final Network<Object> network;
    private final long seed;
    private final Dropout dropout;
    private final int maxRows;
    /** Null: weights by broadcast, gradients as task results. */
    private final HandOver handOver;
    private final boolean sparseShares;

    private StepJob(JavaSparkContext sc, JavaRDD<Block> blocks, Network<Object> network, long seed, Dropout dropout, int maxRows,
                    boolean inMemory) {
        if (inMemory && !sc.sc().isLocal()) {
            throw new IllegalArgumentException("in-memory steps need Spark's local mode; the master is " + sc.master());
        }
        this.sc = sc;
        this.blocks = blocks;
        this.network = network;
        this.seed = seed;
        this.dropout = dropout;
        this.maxRows = maxRows;
        this.handOver = inMemory ? HandOver.open(network, blocks.getNumPartitions()) : null;
        this.sparseShares = setting(sc, SPARSE_SHARES, true);
    }

    /** A boolean Spark setting: this thread's local property where set, else Spark's configuration, else the default. */
    static boolean setting(JavaSparkContext sc, String name, boolean otherwise) {
        String local = sc.getLocalProperty(name);
        return local != null ? Boolean.parseBoolean(local) : sc.getConf().getBoolean(name, otherwise);
    }

    /**
     * Steps of {@code network} over {@code blocks}; in memory where Spark runs in local mode and
     * {@value #LOCAL_HAND_OVER} is not false, as a local property of this thread ({@code sc.setLocalProperty})
     * or else in Spark's configuration.
     *
     * @param seed    seed of the epoch orders
     * @param maxRows rows per forward/backward chunk on the executors
     */
    public static StepJob open(JavaSparkContext sc, JavaRDD<Block> blocks, Network<Object> network, long seed, int maxRows) {
        return open(sc, blocks, network, seed, Dropout.NONE, maxRows);
    }

    /** As above, with dropout on the hidden layers while training; its masks are seeded from (seed, epoch, partition). */
    public static StepJob open(JavaSparkContext sc, JavaRDD<Block> blocks, Network<Object> network, long seed, Dropout dropout, int maxRows) {
        boolean inMemory = sc.sc().isLocal() && setting(sc, LOCAL_HAND_OVER, true);
        return new StepJob(sc, blocks, network, seed, dropout, maxRows, inMemory);
    }

    /** As {@link #open}, with the way chosen by the caller (to compare both); in memory needs local mode. */
    public static StepJob open(JavaSparkContext sc, JavaRDD<Block> blocks, Network<Object> network, long seed, int maxRows, boolean inMemory) {
        return open(sc, blocks, network, seed, Dropout.NONE, maxRows, inMemory);
    }

    /** As above, with dropout. */
    public static StepJob open(JavaSparkContext sc, JavaRDD<Block> blocks, Network<Object> network, long seed, Dropout dropout, int maxRows,
                               boolean inMemory) {
        return new StepJob(sc, blocks, network, seed, dropout, maxRows, inMemory);
    }

    /** The weights in the compute type that in-memory steps keep between steps; null through broadcasts. */
    Object keptWeights() {
        return handOver != null ? handOver.weights : null;
    }

    /** True when this run's steps pass weights and gradients through memory. */
    public boolean inMemory() {
        return handOver != null;
    }

    /**
     * Runs one step.
     *
     * @param weights     θ in double (Not modified); sent in the network's compute type
     * @param changed     the elements of θ that changed since this job's previous step, or null for all: in memory only
     *                    those are cast again
     * @param gradientSum Modified: overwritten with Σ w·∂L/∂θ over the step's rows
     */
    public Sums run(double[] weights, Chunks.Cover changed, int epoch, int[] starts, int[] ends, String description, StepGradient gradientSum) {
        StepShare[] parts;
        if (handOver != null) {
            handOver.cast.into(weights, changed, handOver.weights);
            StepTask task = new StepTask(null, handOver.id, network.topology(), network.precision(), seed, dropout, epoch, maxRows, starts, ends,
                    sparseShares);
            SparkJobs.runOnPartitions(sc, blocks, task, StepShare.class, description);
            parts = handOver.shares;
        } else {
            Object computeWeights = network.newArray(weights.length);
            Chunks.forEach(weights.length, (from, to) -> network.castInto(weights, computeWeights, from, to));
            Broadcast<Object> broadcast = sc.broadcast(computeWeights);
            try {
                StepTask task = new StepTask(broadcast, 0, network.topology(), network.precision(), seed, dropout, epoch, maxRows, starts, ends,
                        sparseShares);
                parts = SparkJobs.runOnPartitions(sc, blocks, task, StepShare.class, description);
            } finally {
                broadcast.destroy();
            }
        }
        return sum(parts, gradientSum);
    }

    /**
     * The step's sums: the shares' gradients into {@code gradientSum} (each value in partition order) and their
     * loss, rows and weight in partition order. Both exchanges end a step here.
     */
    static Sums sum(StepShare[] parts, StepGradient gradientSum) {
        double lossSum = 0;
        long rows = 0;
        double weightSum = 0;
        for (StepShare part : parts) {
            lossSum += part.lossSum;
            rows += part.rows;
            weightSum += part.weightSum;
        }
        gradientSum.sum(parts);
        return new Sums(lossSum, rows, weightSum, StepShare.slowestComputeNanos(parts));
    }

    /** Ends the in-memory hand-over, if any. */
    @Override
    public void close() {
        if (handOver != null) {
            handOver.close();
        }
    }
}
