package org.sparkprop.driver.train;

import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SimpleFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.sparkprop.driver.Chunks;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.data.Block;
import org.sparkprop.kernels.Dropout;
import org.sparkprop.kernels.Network;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction0;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * The per-epoch exchange, driver side: a stretch of steps, one or more epochs, runs as one Spark stage in barrier
 * execution mode (every partition's {@link EpochTask} at once; Spark reruns them together if one fails), submitted
 * without waiting; each step passes through the run's {@link EpochChannel}, which the tasks reach in memory in local
 * mode and through the run's {@link RpcChannel} endpoint on a cluster (or where {@value #CHANNEL} is {@code rpc}).
 * The stage writes an empty shuffle read by a one-task job, because Spark reruns a failed barrier stage only when it
 * is a shuffle's map stage.
 */
final class EpochStage implements StepExchange {
    /**
     * Spark setting (configuration, or a local property of the training thread): {@code rpc} sends local mode's
     * per-epoch steps through Spark's RPC environment, as on a cluster, instead of memory (for tests and bench).
     */
    static final String CHANNEL = "spark.sparkprop.epochChannel";
    /** How long the driver waits for deposits before it looks at the stage's job again. */
    private static final long POLL_MILLIS = 50;
    private static final ClassTag<Integer> INT = ClassTag$.MODULE$.apply(Integer.class);

    private final JavaSparkContext sc;
    private final JavaRDD<Block> blocks;
    private final Network<Object> network;
    private final EpochTask task;
    private final EpochChannel channel;
    /** Null where the tasks reach the channel in memory. */
    private final RpcChannel endpoint;
    private final WeightsCast cast;
    /** The tasks read the first layer from the driver's θ: in memory, on sparse blocks whose steps touch few of its columns. */
    private final boolean firstLayerInDouble;
    private SimpleFutureAction<BoxedUnit> job;

    /** @param fewColumns whether {@code blocks} are sparse and a step touches few first-layer columns ({@link StepExchange#open}) */
    EpochStage(JavaSparkContext sc, JavaRDD<Block> blocks, boolean fewColumns, Network<Object> network, long seed, Dropout dropout, int maxRows,
               BatchPlan plan) {
        this.sc = sc;
        this.blocks = blocks;
        this.network = network;
        this.channel = EpochChannel.open(network, plan, blocks.getNumPartitions());
        this.endpoint = overRpc(sc) ? RpcChannel.register(channel) : null;
        this.cast = new WeightsCast(network);
        this.firstLayerInDouble = fewColumns && endpoint == null;
        this.task = new EpochTask(channel.id, endpoint == null ? null : endpoint.name, network.topology(), network.precision(), seed, dropout,
                maxRows, StepJob.setting(sc, StepJob.SPARSE_SHARES, true));
    }

    /** True where the tasks must reach the driver through Spark's RPC environment: off local mode, or asked to. */
    static boolean overRpc(JavaSparkContext sc) {
        String local = sc.getLocalProperty(CHANNEL);
        String asked = local != null ? local : sc.getConf().get(CHANNEL, "memory");
        return !sc.sc().isLocal() || asked.trim().equalsIgnoreCase("rpc");
    }

    @Override
    public Exchange exchange() {
        return Exchange.PER_EPOCH;
    }

    @Override
    public long[] driverBytes() {
        return endpoint == null ? null : endpoint.bytes();
    }

    @Override
    public Object keptWeights() {
        return channel.weights;
    }

    @Override
    public boolean tasksReadFirstLayerInDouble() {
        return firstLayerInDouble;
    }

    @Override
    public void begin(String description) {
        channel.startStretch();
        RDD<Tuple2<Integer, Integer>> stage = blocks.rdd().barrier().mapPartitions(task, false, ClassTag$.MODULE$.apply(Tuple2.class));
        ShuffledRDD<Integer, Integer, Integer> shuffled = new ShuffledRDD<>(stage, new HashPartitioner(1), INT, INT, INT);
        List<Object> only = List.of(0);
        job = SparkJobs.described(sc, description, () -> sc.sc().submitJob(shuffled, new Drain(), CollectionConverters.asScala(only).toSeq(),
                new Ignore(), new Nothing()));
    }

    @Override
    public StepJob.Sums step(double[] weights, Chunks.Cover changed, long step, int epoch, int stepInEpoch, String description,
                             StepGradient gradientSum) {
        cast.into(weights, changed, channel.weights);
        if (firstLayerInDouble) {
            channel.driverWeights = weights;
        }
        channel.publish(step, epoch, stepInEpoch);
        try {
            while (!channel.awaitDeposits(POLL_MILLIS)) {
                if (job.isCompleted()) {
                    throw stageEnded();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the partitions' gradients of step " + (step + 1), e);
        }
        return StepJob.sum(channel.shares, gradientSum);
    }

    /** The exception for a stage whose job ended while the driver still waited for a step's gradients. */
    private RuntimeException stageEnded() {
        Try<BoxedUnit> outcome = job.value().get();
        if (outcome.isFailure()) {
            Throwable cause = outcome.failed().get();
            return cause instanceof RuntimeException r ? r : new IllegalStateException("the per-epoch stage failed", cause);
        }
        return new IllegalStateException("the per-epoch stage ended before the driver's last step (a bug)");
    }

    @Override
    public void end(boolean failed) {
        channel.finish();
        if (job == null) {
            return;
        }
        SimpleFutureAction<BoxedUnit> ending = job;
        job = null;
        if (failed) {
            ending.cancel();
        }
        try {
            scala.concurrent.Await.ready(ending, scala.concurrent.duration.Duration.Inf());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the per-epoch stage ended", e);
        }
        Try<BoxedUnit> outcome = ending.value().get();
        if (!failed && outcome.isFailure()) {
            Throwable cause = outcome.failed().get();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException("the per-epoch stage failed", cause);
        }
    }

    @Override
    public void close() {
        end(true);
        if (endpoint != null) {
            endpoint.close();
        }
        channel.close();
    }

    /** Reads the stage's (empty) shuffle output. */
    static final class Drain extends AbstractFunction1<Iterator<Tuple2<Integer, Integer>>, Integer> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer apply(Iterator<Tuple2<Integer, Integer>> rows) {
            int n = 0;
            while (rows.hasNext()) {
                rows.next();
                n++;
            }
            return n;
        }
    }

    private static final class Ignore extends AbstractFunction2<Object, Integer, BoxedUnit> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply(Object partition, Integer result) {
            return BoxedUnit.UNIT;
        }
    }

    private static final class Nothing extends AbstractFunction0<BoxedUnit> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public BoxedUnit apply() {
            return BoxedUnit.UNIT;
        }
    }
}
