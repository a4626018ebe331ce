package org.sparkprop.driver.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.Chunks;
import org.sparkprop.driver.data.Block;
import org.sparkprop.kernels.Dropout;
import org.sparkprop.kernels.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run's steps reach the partitions ({@link Exchange}): the trainer opens a stretch of steps with
 * {@link #begin}, runs its steps with {@link #step} and closes it with {@link #end}; between stretches it may run
 * Spark jobs of its own (validation). Per step, a stretch is nothing and each step a job; per epoch, a stretch is
 * one barrier stage.
 */
public interface StepExchange extends AutoCloseable {
    Logger LOG = LoggerFactory.getLogger("org.sparkprop");

    /**
     * On sparse blocks in memory, the per-epoch tasks read the first layer from the driver's θ in double where a step's
     * rows hold fewer non-zeros than this share of its columns: each read then costs a cast, but the driver need not
     * cast the whole first layer for them each step. (Measured on 10,000-128-20 at 100 non-zeros a row, batch 256:
     * reading double made an epoch 10 % slower, at 25,600 non-zeros a step for 10,000 columns; at 100,000 columns the
     * two ways took the same time; on builtin:text, 3,072 non-zeros a step for 262,144 columns, reading double made
     * it 20 % faster.)
     */
    double FEW_COLUMNS = 0.25;

    /**
     * Sparse blocks, as the exchange sees them.
     *
     * @param nonZerosAStep      the non-zeros of a step's rows on average
     * @param mostNonZerosInARow the most non-zeros in one row
     */
    record SparseInput(double nonZerosAStep, int mostNonZerosInARow) {
    }

    /**
     * The exchange {@link Exchange#choose} picks for these blocks, opened, with its choice logged.
     *
     * @param sparse the blocks' figures where they are sparse; null where they are dense
     */
    static StepExchange open(JavaSparkContext sc, JavaRDD<Block> blocks, SparseInput sparse, Network<Object> network, long seed,
                             Dropout dropout, int maxRows, BatchPlan plan) {
        int inputs = network.topology().inputs();
        // a task of sparse rows gets and sends only the first-layer columns of its step's rows
        int columns = sparse == null ? inputs : (int) Math.min(inputs, (long) plan.largestShare() * sparse.mostNonZerosInARow());
        Exchange.Choice choice = Exchange.choose(sc, blocks.getNumPartitions(), RpcChannel.messageBytes(network, columns));
        if (choice.fellBack()) {
            LOG.warn("exchange: {} ({})", choice.exchange().id(), choice.why());
        } else {
            LOG.info("exchange: {} ({})", choice.exchange().id(), choice.why());
        }
        return choice.exchange() == Exchange.PER_EPOCH
                ? new EpochStage(sc, blocks, sparse != null && sparse.nonZerosAStep() < FEW_COLUMNS * inputs, network, seed, dropout, maxRows, plan)
                : new PerStep(StepJob.open(sc, blocks, network, seed, dropout, maxRows), plan);
    }

    /**
     * The per-epoch exchange, whatever {@value Exchange#SETTING} says (for {@code bench}, which times both ways): it
     * needs a task slot for every partition of {@code blocks}.
     */
    static StepExchange perEpoch(JavaSparkContext sc, JavaRDD<Block> blocks, Network<Object> network, long seed, int maxRows, BatchPlan plan) {
        return new EpochStage(sc, blocks, false, network, seed, Dropout.NONE, maxRows, plan);
    }

    Exchange exchange();

    /**
     * The compute-type array that this exchange keeps θ in between steps, for its tasks to read (the caller may write
     * changed weights into it itself between steps, and then leaves them out of {@link #step}'s {@code changed}); or
     * null where the exchange sends a fresh copy every step.
     */
    Object keptWeights();

    /**
     * True where the tasks read the first layer's weights from {@link #step}'s {@code weights} itself (in local mode,
     * on sparse input: a step reads only the columns its rows touch), so that the caller need not write them into
     * {@link #keptWeights}.
     */
    default boolean tasksReadFirstLayerInDouble() {
        return false;
    }

    /**
     * {bytes in, bytes out}: what the driver received (deposits, asked columns) and sent (weights) through Spark's RPC environment
     * since this exchange opened, as the messages' contents (Spark's framing not counted); null where the steps do
     * not travel so (in memory, or per step).
     */
    default long[] driverBytes() {
        return null;
    }

    /** Opens a stretch of steps, labelled {@code description} in the Spark UI. */
    void begin(String description);

    /**
     * Runs step {@code stepInEpoch} of epoch {@code epoch}, the run's step {@code step} (0-based).
     *
     * @param weights     θ in double (Not modified)
     * @param changed     the elements of θ that changed since the exchange's previous step and that the caller did not
     *                    write into {@link #keptWeights} itself (the exchange casts only those where it keeps θ between
     *                    steps, all of them at its first step), or null for all of them
     * @param description the step's label where a step is a job of its own (per step); null for the per-epoch exchange
     * @param gradientSum Modified: overwritten with Σ w·∂L/∂θ over the step's rows, summed in partition order
     */
    StepJob.Sums step(double[] weights, Chunks.Cover changed, long step, int epoch, int stepInEpoch, String description,
                      StepGradient gradientSum);

    /** Closes the stretch; {@code failed}: the driver stopped in it (its tasks are released, its job cancelled). */
    void end(boolean failed);

    @Override
    void close();

    /** One Spark job per step. */
    final class PerStep implements StepExchange {
        private final StepJob steps;
        private final BatchPlan plan;

        PerStep(StepJob steps, BatchPlan plan) {
            this.steps = steps;
            this.plan = plan;
        }

        @Override
        public Exchange exchange() {
            return Exchange.PER_STEP;
        }

        @Override
        public Object keptWeights() {
            return steps.keptWeights();
        }

        @Override
        public void begin(String description) {
        }

        @Override
        public StepJob.Sums step(double[] weights, Chunks.Cover changed, long step, int epoch, int stepInEpoch, String description,
                                 StepGradient gradientSum) {
            return steps.run(weights, changed, epoch, plan.starts(stepInEpoch), plan.starts(stepInEpoch + 1), description, gradientSum);
        }

        @Override
        public void end(boolean failed) {
        }

        @Override
        public void close() {
            steps.close();
        }
    }
}
