package org.sparkprop.driver.train;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.sparkprop.kernels.Network;

/**
 * Weights and per-partition gradients that a training run's steps pass between driver and tasks through memory,
 * for local mode, where the executor runs in the driver's JVM. Spark would otherwise serialize the weights into a
 * broadcast and every task's gradient into its result and back (docs/architecture.md, 'How a step travels through Spark'; about half of a step's cost beyond a
 * bare job in {@code local[2]}). The arrays are allocated once per run: the driver writes {@link #weights} between
 * jobs, task p writes {@code shares[p]} during one (its buffers made on first use: a sparse share is small), the driver reads them after it; the job's submission and
 * completion order those accesses.
 */
final class HandOver {
    private static final ConcurrentHashMap<Long, HandOver> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    /** Non-zero key by which tasks find this hand-over. */
    final long id;
    /** θ in the compute type. */
    final Object weights;
    /** Casts θ into {@link #weights}. */
    final WeightsCast cast;
    /** Each partition's share of the current step. */
    final StepShare[] shares;

    private HandOver(Network<Object> network, int partitions) {
        int parameters = network.topology().parameterCount();
        this.id = IDS.incrementAndGet();
        this.weights = network.newArray(parameters);
        this.cast = new WeightsCast(network);
        this.shares = new StepShare[partitions];
        for (int p = 0; p < partitions; p++) {
            shares[p] = new StepShare();
        }
    }

    /** A new hand-over for a run of {@code network} over {@code partitions} partitions; {@link #close} ends it. */
    static HandOver open(Network<Object> network, int partitions) {
        HandOver handOver = new HandOver(network, partitions);
        OPEN.put(handOver.id, handOver);
        return handOver;
    }

    /** The open hand-over with this id; a task that finds none runs outside the driver's JVM, which is a bug. */
    static HandOver get(long id) {
        HandOver handOver = OPEN.get(id);
        if (handOver == null) {
            throw new IllegalStateException("hand-over " + id + " is not open in this JVM: in-memory steps need Spark's local mode");
        }
        return handOver;
    }

    void close() {
        OPEN.remove(id);
    }

    /** Hand-overs open in this JVM (for tests: each run closes its own). */
    static int openCount() {
        return OPEN.size();
    }
}
