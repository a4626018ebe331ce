package org.sparkprop.driver.train;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.TaskContext;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Topology;

/**
 * The per-epoch exchange's channel in local mode, where the barrier stage's tasks are threads of the driver's JVM:
 * weights and gradients pass through arrays allocated once per run, step by step.
 *
 * <p>The protocol, one step t (t counts the run's steps): the driver writes the weights, then {@link #publish}es t;
 * each partition's task, waiting in {@link #awaitWork}, computes its share of step t into a buffer of its own and
 * {@link #deposit}s it; the driver {@link #awaitDeposits waits} for every partition, sums them in partition order,
 * updates the weights and publishes t + 1. A deposit is taken only for the published step and only once per
 * partition, so tasks of a stage that Spark reruns after a failure (asking the channel which step is current), and
 * stale attempts still running, can neither add a gradient twice nor one computed from weights that changed under
 * them: the weights change only after every partition has deposited, the depositor's own share included.
 */
final class EpochChannel {
    private static final ConcurrentHashMap<Long, EpochChannel> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    /** How long a waiting task sleeps between looks at its task's kill flag. */
    private static final long TASK_POLL_MILLIS = 20;

    final long id;
    final BatchPlan plan;
    /** θ in the compute type, written by the driver before it publishes a step. */
    final Object weights;
    /** Each partition's share of the published step, as deposited (copied into buffers of the channel's own). */
    final StepShare[] shares;

    private final Topology topology;
    private final Object lock = new Object();
    /** Guarded by lock: the published step (-1 before the first), its epoch and step within the epoch. */
    private long published = -1;
    private int publishedEpoch;
    private int publishedStepInEpoch;
    /** Guarded by lock: the last step each partition deposited (-1 for none), and how many have yet to deposit. */
    private final long[] deposited;
    private int missing;
    /** Guarded by lock: true between stretches, when tasks return. */
    private boolean finished = true;

    private EpochChannel(Network<Object> network, BatchPlan plan, int partitions) {
        this.id = IDS.incrementAndGet();
        this.topology = network.topology();
        this.plan = plan;
        this.weights = network.newArray(topology.parameterCount());
        this.shares = new StepShare[partitions];
        for (int p = 0; p < partitions; p++) {
            shares[p] = new StepShare();
        }
        this.deposited = new long[partitions];
        java.util.Arrays.fill(deposited, -1);
    }

    /** A new channel for a run of {@code network} over {@code partitions} partitions; {@link #close} ends it. */
    static EpochChannel open(Network<Object> network, BatchPlan plan, int partitions) {
        EpochChannel channel = new EpochChannel(network, plan, partitions);
        OPEN.put(channel.id, channel);
        return channel;
    }

    /** The open channel with this id; a task that finds none runs outside the driver's JVM, which is a bug. */
    static EpochChannel get(long id) {
        EpochChannel channel = OPEN.get(id);
        if (channel == null) {
            throw new IllegalStateException("exchange channel " + id + " is not open in this JVM: the per-epoch exchange needs Spark's local mode");
        }
        return channel;
    }

    /** Channels open in this JVM (for tests: each run closes its own). */
    static int openCount() {
        return OPEN.size();
    }

    // ---- the driver's side

    /** Opens a stretch: tasks that start now wait for steps instead of returning. */
    void startStretch() {
        synchronized (lock) {
            finished = false;
        }
    }

    /** Ends the stretch: waiting tasks return, and tasks that start later return at once. */
    void finish() {
        synchronized (lock) {
            finished = true;
            lock.notifyAll();
        }
    }

    /** Step {@code step} (of the run) is step {@code stepInEpoch} of epoch {@code epoch}; the weights are written. */
    void publish(long step, int epoch, int stepInEpoch) {
        synchronized (lock) {
            published = step;
            publishedEpoch = epoch;
            publishedStepInEpoch = stepInEpoch;
            missing = shares.length;
            lock.notifyAll();
        }
    }

    /** Waits up to {@code millis} for every partition's deposit of the published step; true once all are in. */
    boolean awaitDeposits(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (lock) {
            while (missing > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000L));
            }
            return true;
        }
    }

    // ---- the tasks' side

    /**
     * The step partition {@code p} should compute next (its epoch and step within the epoch go into {@code where}),
     * or -1 once the stretch is over. Waits for the driver; a task that Spark kills stops waiting.
     *
     * @param context the task's, or null for a thread that is no Spark task ({@link ChannelProbe})
     * @param where   Modified: {epoch, step within the epoch}
     */
    long awaitWork(int p, TaskContext context, int[] where) throws InterruptedException {
        synchronized (lock) {
            while (!finished && published <= deposited[p]) {
                lock.wait(TASK_POLL_MILLIS);
                if (context != null) {
                    context.killTaskIfInterrupted();
                }
            }
            if (finished) {
                return -1;
            }
            where[0] = publishedEpoch;
            where[1] = publishedStepInEpoch;
            return published;
        }
    }

    /**
     * Partition {@code p}'s share of step {@code step} (Not modified; copied). Ignored unless the step is the
     * published one and the partition has not deposited it yet (another attempt did).
     */
    void deposit(int p, long step, StepShare share) {
        synchronized (lock) {
            if (step != published || deposited[p] >= step || finished) {
                return;
            }
            shares[p].copyFrom(share, topology);
            deposited[p] = step;
            if (--missing == 0) {
                lock.notifyAll();
            }
        }
    }

    void close() {
        finish();
        OPEN.remove(id);
    }
}
