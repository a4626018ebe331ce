package org.sparkprop.driver.train;

import org.sparkprop.driver.Chunks;
import org.sparkprop.kernels.Network;

/**
 * The per-epoch channel's round trip alone, with no compute, for {@code bench} (issue 15 asked for it before
 * anything else): the driver casts a weights-sized array into the channel and publishes a step; one thread per
 * partition, standing in for the stage's tasks, wakes, and deposits a weights-sized gradient (copied in); the
 * driver's wait for every deposit ends. The threads are plain threads, not Spark tasks: what is timed is
 * {@link EpochChannel}'s hand-offs and copies, not Spark's scheduling, which a per-epoch stage pays once per stretch.
 */
public final class ChannelProbe {
    /** How long the driver waits for deposits before it looks whether a thread died. */
    private static final long POLL_MILLIS = 50;

    private ChannelProbe() {
    }

    /**
     * Times {@code trips} round trips of {@code network}'s weights over a channel of {@code partitions} partitions.
     *
     * @param weights θ in double (Not modified), cast into the channel before each publish as a step does
     * @return each round trip's nanoseconds: from the cast's start to the last deposit seen by the driver
     */
    public static long[] roundTrips(Network<Object> network, double[] weights, int partitions, int trips) {
        int[] oneRowEach = new int[partitions];
        java.util.Arrays.fill(oneRowEach, 1);
        EpochChannel channel = EpochChannel.open(network, BatchPlan.of(oneRowEach, partitions), partitions);
        channel.startStretch();
        Thread[] tasks = new Thread[partitions];
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            StepShare share = new StepShare();
            share.denseGradient(network);
            tasks[p] = new Thread(() -> deposit(channel, partition, share), "channel probe " + p);
            tasks[p].setDaemon(true);
            tasks[p].start();
        }
        long[] nanos = new long[trips];
        try {
            for (int i = 0; i < trips; i++) {
                long start = System.nanoTime();
                Chunks.forEach(weights.length, (from, to) -> network.castInto(weights, channel.weights, from, to));
                channel.publish(i, 0, 0);
                while (!channel.awaitDeposits(POLL_MILLIS)) {
                    for (Thread task : tasks) {
                        if (!task.isAlive()) {
                            throw new IllegalStateException("a channel probe thread ended before step " + (i + 1));
                        }
                    }
                }
                nanos[i] = System.nanoTime() - start;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing the channel", e);
        } finally {
            channel.close();
            for (Thread task : tasks) {
                try {
                    task.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return nanos;
    }

    /** A partition's side: each published step, its dense share deposited untouched, until the stretch ends. */
    private static void deposit(EpochChannel channel, int partition, StepShare share) {
        int[] where = new int[2];
        try {
            long step;
            while ((step = channel.awaitWork(partition, null, where)) >= 0) {
                channel.deposit(partition, step, share);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
