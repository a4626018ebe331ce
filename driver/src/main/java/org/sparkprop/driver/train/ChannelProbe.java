package org.sparkprop.driver.train;

import org.apache.spark.SparkEnv;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcEnv;
import org.sparkprop.driver.Chunks;
import org.sparkprop.kernels.Network;

/**
 * The per-epoch channel's round trip alone, with no compute, for {@code bench} (issue 15 asked for it before
 * anything else): the driver casts a weights-sized array into the channel and publishes a step; one thread per
 * partition, standing in for the stage's tasks, wakes, and deposits a weights-sized gradient; the driver's wait for
 * every deposit ends. The threads are plain threads, not Spark tasks: what is timed is the channel's hand-offs,
 * copies and messages, not Spark's scheduling, which a per-epoch stage pays once per stretch.
 *
 * <p>In memory ({@link #roundTrips}) the threads use the {@link EpochChannel} as local mode's tasks do. Through RPC
 * ({@link #rpcRoundTrips}) they ask the run's {@link RpcChannel} endpoint in the driver's RPC environment from an RPC
 * environment of their own in client mode, as an executor does: each message is serialized and crosses a TCP
 * connection (loopback), so a round trip costs what it costs a cluster's executor, less the network's wire time.
 */
public final class ChannelProbe {
    /** How long the driver waits for deposits before it looks whether a thread died. */
    private static final long POLL_MILLIS = 50;

    private ChannelProbe() {
    }

    /**
     * Times {@code trips} round trips of {@code network}'s weights over an in-memory channel of {@code partitions}
     * partitions.
     *
     * @param weights θ in double (Not modified), cast into the channel before each publish as a step does
     * @return each round trip's nanoseconds: from the cast's start to the last deposit seen by the driver
     */
    public static long[] roundTrips(Network<Object> network, double[] weights, int partitions, int trips) {
        return time(network, weights, partitions, trips, false, false).nanos();
    }

    /**
     * As {@link #roundTrips}, through Spark's RPC environment: the driver's (this JVM's SparkContext must be running)
     * and a client one for the threads. Works in any master mode.
     */
    public static Trips rpcRoundTrips(Network<Object> network, double[] weights, int partitions, int trips) {
        return time(network, weights, partitions, trips, true, false);
    }

    /**
     * Timed round trips.
     *
     * @param nanos    each round trip's nanoseconds
     * @param bytesIn  through RPC: the deposits' bytes the driver's endpoint received, per trip (the threads' first
     *                 asks, which deposit nothing, left out); 0 in memory
     * @param bytesOut through RPC: the weights' bytes it sent, per trip; 0 in memory
     */
    public record Trips(long[] nanos, long bytesIn, long bytesOut) {
    }

    /**
     * @param echo true (for tests): each thread deposits the weights it received as its gradient, and the driver
     *             checks, after each timed trip, that every deposit holds the weights it published
     */
    static Trips time(Network<Object> network, double[] weights, int partitions, int trips, boolean rpc, boolean echo) {
        int[] oneRowEach = new int[partitions];
        java.util.Arrays.fill(oneRowEach, 1);
        EpochChannel channel = EpochChannel.open(network, BatchPlan.of(oneRowEach, partitions), partitions);
        RpcChannel endpoint = null;
        RpcEnv client = null;
        Thread[] tasks = new Thread[partitions];
        try {
            TaskChannel[] sides = new TaskChannel[partitions];
            if (rpc) {
                endpoint = RpcChannel.register(channel);
                SparkEnv env = SparkEnv.get();
                client = RpcEnv.create("sparkprop-channel-probe", env.rpcEnv().address().host(), 0, env.conf(), env.securityManager(), true);
                RpcEndpointRef ref = client.setupEndpointRef(env.rpcEnv().address(), endpoint.name);
                for (int p = 0; p < partitions; p++) {
                    sides[p] = new RpcChannel.Remote(ref, network.newArray(network.topology().parameterCount()));
                }
            } else {
                java.util.Arrays.fill(sides, channel);
            }
            channel.startStretch();
            for (int p = 0; p < partitions; p++) {
                int partition = p;
                TaskChannel side = sides[p];
                Deposit share = new Deposit(network.topology(), new StepShare());
                share.share.denseGradient(network);
                tasks[p] = new Thread(() -> deposit(side, partition, share, echo), "channel probe " + p);
                tasks[p].setDaemon(true);
                tasks[p].start();
            }
            long[] nanos = new long[trips];
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
                for (int p = 0; echo && p < partitions; p++) {
                    if (!java.util.Objects.deepEquals(channel.weights, channel.deposits[p].share.values()) || channel.deposits[p].step != i) {
                        throw new IllegalStateException("partition " + p + " deposited other numbers than the weights of step " + (i + 1));
                    }
                }
            }
            if (endpoint == null) {
                return new Trips(nanos, 0, 0);
            }
            long[] bytes = endpoint.bytes();
            return new Trips(nanos, (bytes[0] - partitions * (long) Deposit.nothing(0).length) / trips, bytes[1] / trips);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing the channel", e);
        } finally {
            channel.close();
            for (Thread task : tasks) {
                if (task == null) {
                    continue;
                }
                try {
                    task.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (endpoint != null) {
                endpoint.close();
            }
            if (client != null) {
                client.shutdown();
            }
        }
    }

    /** A partition's side: each published step, its gradient deposited untouched (or the weights, echoed), until the stretch ends. */
    private static void deposit(TaskChannel side, int partition, Deposit share, boolean echo) {
        int[] where = new int[3];
        try {
            long step;
            while ((step = side.awaitWork(partition, null, where)) >= 0) {
                if (echo) {
                    System.arraycopy(side.weights(), 0, share.share.values(), 0, Deposit.length(side.weights()));
                }
                side.deposit(share.set(partition, step));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
