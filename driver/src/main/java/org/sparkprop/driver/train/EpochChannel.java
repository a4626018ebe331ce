package org.sparkprop.driver.train;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.TaskContext;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Topology;

/**
 * The per-epoch exchange's state on the driver, and its channel in local mode, where the barrier stage's tasks are
 * threads of the driver's JVM: weights and gradients pass through arrays allocated once per run, step by step. On a
 * cluster the tasks reach the same state through {@link RpcChannel}, the run's endpoint in Spark's RPC environment.
 *
 * <p>The protocol, one step t (t counts the run's steps): the driver writes the weights, then {@link #publish}es t;
 * each partition's task, waiting in {@link #awaitWork}, computes its share of step t into a buffer of its own and
 * {@link #deposit}s it; the driver {@link #awaitDeposits waits} for every partition, sums them in partition order,
 * updates the weights and publishes t + 1. A deposit is taken only for the published step and only once per
 * partition, so tasks of a stage that Spark reruns after a failure (asking the channel which step is current), and
 * stale attempts still running, can neither add a gradient twice nor one computed from weights that changed under
 * them: the weights change only after every partition has deposited, the depositor's own share included.
 */
final class EpochChannel implements TaskChannel {
    private static final ConcurrentHashMap<Long, EpochChannel> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();
    /** How long a waiting task sleeps between looks at its task's kill flag. */
    static final long TASK_POLL_MILLIS = 20;
    /** {@link #work}'s answer while partition p has nothing to do yet. */
    static final long WAIT = -2;

    final long id;
    final Topology topology;
    final BatchPlan plan;
    /** θ in the compute type, written by the driver before it publishes a step. */
    final Object weights;
    /** The driver's θ in double where tasks read the first layer there ({@link TaskChannel#driverWeights}), else null. */
    volatile double[] driverWeights;
    /** Each partition's share of the published step, as deposited (copied or decoded into buffers of the channel's own). */
    final Deposit[] deposits;
    /** deposits[p].share, for the driver's sum. */
    final StepShare[] shares;

    /** Guards the fields below, and whatever the RPC endpoint does with them. */
    final Object lock = new Object();
    /** Guarded by lock: the published step (-1 before the first), its epoch and step within the epoch. */
    private long published = -1;
    private int publishedEpoch;
    private int publishedStepInEpoch;
    /**
     * Guarded by lock: the last step each partition deposited or is writing (-1 for none), whether its write is under
     * way, and how many partitions have yet to deposit the published step.
     */
    private final long[] deposited;
    private final boolean[] writing;
    private int missing;
    /** Guarded by lock: true between stretches, when tasks return. */
    private boolean finished = true;
    /** Guarded by lock: told of every publish and finish (the RPC endpoint's waiting tasks), or null. */
    private Runnable onChange;

    private EpochChannel(Network<Object> network, BatchPlan plan, int partitions) {
        this.id = IDS.incrementAndGet();
        this.topology = network.topology();
        this.plan = plan;
        this.weights = network.newArray(topology.parameterCount());
        this.deposits = new Deposit[partitions];
        this.shares = new StepShare[partitions];
        for (int p = 0; p < partitions; p++) {
            shares[p] = new StepShare();
            deposits[p] = new Deposit(topology, shares[p]);
        }
        this.deposited = new long[partitions];
        this.writing = new boolean[partitions];
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
            throw new IllegalStateException("exchange channel " + id + " is not open in this JVM: the in-memory channel needs Spark's local mode");
        }
        return channel;
    }

    /** Channels open in this JVM (for tests: each run closes its own). */
    static int openCount() {
        return OPEN.size();
    }

    /** {@code listener} runs, under {@link #lock}, after every publish and finish. */
    void onChange(Runnable listener) {
        synchronized (lock) {
            onChange = listener;
        }
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
            changed();
        }
    }

    /** Step {@code step} (of the run) is step {@code stepInEpoch} of epoch {@code epoch}; the weights are written. */
    void publish(long step, int epoch, int stepInEpoch) {
        synchronized (lock) {
            published = step;
            publishedEpoch = epoch;
            publishedStepInEpoch = stepInEpoch;
            missing = deposits.length;
            changed();
        }
    }

    private void changed() {
        lock.notifyAll();
        if (onChange != null) {
            onChange.run();
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

    // ---- the tasks' side, whichever transport

    /**
     * Without waiting (caller holds {@link #lock}): the step partition {@code p} should compute next, with
     * {epoch, first row, end row} in {@code where}; -1 once the stretch is over; {@link #WAIT} while there is none yet.
     */
    long work(int p, int[] where) {
        if (finished) {
            return -1;
        }
        if (published <= deposited[p]) {
            return WAIT;
        }
        where[0] = publishedEpoch;
        where[1] = plan.start(publishedStepInEpoch, p);
        where[2] = plan.start(publishedStepInEpoch + 1, p);
        return published;
    }

    /**
     * Where partition {@code p}'s step after the published one would take its rows (caller holds {@link #lock}):
     * {epoch, first row, end row} into {@code next}, the next epoch's first step after an epoch's last (whether or
     * not the run goes on).
     */
    void next(int p, int[] next) {
        int t = publishedStepInEpoch + 1;
        boolean sameEpoch = t < plan.steps();
        next[0] = sameEpoch ? publishedEpoch : publishedEpoch + 1;
        next[1] = plan.start(sameEpoch ? t : 0, p);
        next[2] = plan.start(sameEpoch ? t + 1 : 1, p);
    }

    /**
     * Reserves partition {@code p}'s share of {@code step} for the caller (who holds {@link #lock}) if it is to be
     * taken: only for the published step, once per partition, within a stretch, and not while another write of p's
     * share is under way. The caller then writes it into {@code deposits[p]} outside the lock (two partitions' writes
     * run side by side) and ends with {@link #written}. The driver reads no deposit before every partition's is written.
     */
    boolean reserve(int p, long step) {
        if (step != published || deposited[p] >= step || finished || writing[p]) {
            return false;
        }
        writing[p] = true;
        deposited[p] = step;
        return true;
    }

    /**
     * Ends {@link #reserve}'s write of partition {@code p}'s share of {@code step} (caller holds {@link #lock}):
     * counted if {@code ok}; if the write failed, the step is p's to deposit again.
     */
    void written(int p, long step, boolean ok) {
        writing[p] = false;
        if (!ok) {
            deposited[p] = step - 1;
        } else if (step == published && !finished && --missing == 0) {
            lock.notifyAll();
        }
    }

    // ---- TaskChannel, in local mode

    @Override
    public long awaitWork(int p, TaskContext context, int[] where) throws InterruptedException {
        synchronized (lock) {
            long step;
            while ((step = work(p, where)) == WAIT) {
                lock.wait(TASK_POLL_MILLIS);
                if (context != null) {
                    context.killTaskIfInterrupted();
                }
            }
            return step;
        }
    }

    @Override
    public Object weights() {
        return weights;
    }

    @Override
    public double[] driverWeights() {
        return driverWeights;
    }

    /** Copies the share in, if {@link #reserve} says so (another attempt may have deposited it). */
    @Override
    public void deposit(Deposit share) {
        int p = share.partition;
        long step = share.step;
        synchronized (lock) {
            if (!reserve(p, step)) {
                return;
            }
        }
        boolean ok = false;
        try {
            deposits[p].copyFrom(share);
            ok = true;
        } finally {
            synchronized (lock) {
                written(p, step, ok);
            }
        }
    }

    void close() {
        finish();
        OPEN.remove(id);
    }
}
