package org.sparkprop.driver.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.rpc.RpcCallContext;
import org.apache.spark.rpc.RpcEndpoint;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.util.RpcUtils;
import org.sparkprop.driver.Chunks;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import scala.PartialFunction;
import scala.concurrent.Await;
import scala.concurrent.Future;
import scala.concurrent.duration.Duration;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractPartialFunction;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * The per-epoch exchange through Spark's own RPC environment (on a cluster, where the stage's tasks run in executor
 * JVMs): an endpoint of the run's, registered on the driver in {@code SparkEnv.get().rpcEnv()}, in front of the run's
 * {@link EpochChannel}; each task reaches it through {@link Remote}. No sockets or servers of sparkprop's own.
 *
 * <p>One message each way per step and task. A task asks with its deposit of step t (its first ask deposits nothing),
 * and the endpoint replies when the driver has published the task's next step (at once if it is published already):
 * {step, epoch, first row, end row} and the weights. A reply to a task that has nothing to do waits, in the endpoint's
 * list, for the driver's next publish or the stretch's end: nothing polls for it or sleeps (a waiting task wakes on
 * the reply, and looks at its kill flag every 20 ms meanwhile). Messages are byte, int and long arrays (in arrays of
 * Object) only, so that the RPC environment's Java serialization never needs sparkprop's classes (which a netty
 * thread's class loader may not see). The weights are encoded once per step (in chunks, on the driver's cores); each
 * reply copies those bytes. Spark may hand the endpoint several asks at once (it is not a ThreadSafeRpcEndpoint):
 * the channel's lock guards its state, and the deposits are decoded outside it, side by side.
 */
final class RpcChannel implements RpcEndpoint {
    /** The reply that ends a task's stretch. */
    private static final long[] FINISHED = {-1};
    /** How long a task waits for a reply before it looks at its kill flag again. */
    private static final Duration TASK_POLL = Duration.create(EpochChannel.TASK_POLL_MILLIS, "ms");

    private final RpcEnv rpcEnv;
    private final EpochChannel channel;
    final String name;
    private final RpcEndpointRef ref;
    /** Guarded by channel.lock: asks that wait for the driver's next step. */
    private final List<Waiting> waiting = new ArrayList<>();
    /** Guarded by channel.lock: the published weights as bytes, and the step they are of (-1 for none yet). */
    private final byte[] weightBytes;
    private long weightBytesStep = -1;
    private final int[] where = new int[3];
    private final int[] next = new int[3];
    /** Guarded by channel.lock: the bytes of the asks received (deposits, columns) and of the weights replied, since registering. */
    private long bytesIn;
    private long bytesOut;
    /** Serializes the replies with weights, side by side and off the lock (see {@link #answer}). */
    private final ExecutorService replies;

    private record Waiting(int partition, int[] columns, RpcCallContext context) {
    }

    private RpcChannel(RpcEnv rpcEnv, EpochChannel channel) {
        this.rpcEnv = rpcEnv;
        this.channel = channel;
        this.name = "sparkprop-exchange-" + channel.id;
        this.weightBytes = new byte[Deposit.bytes(channel.weights)];
        this.replies = Executors.newFixedThreadPool(Math.min(channel.deposits.length, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, name + "-reply");
            t.setDaemon(true);
            return t;
        });
        this.ref = rpcEnv.setupEndpoint(name, this);
        channel.onChange(this::answerWaiting);
    }

    /** The endpoint of {@code channel}, registered in the driver's RPC environment until {@link #close}. */
    static RpcChannel register(EpochChannel channel) {
        return new RpcChannel(SparkEnv.get().rpcEnv(), channel);
    }

    /**
     * About the bytes of one step's message each way for {@code network}, where a task's steps touch at most
     * {@code columns} of the first layer's input columns (all of them on dense rows): a deposit, or the weights and
     * their header.
     */
    static long messageBytes(Network<?> network, int columns) {
        Topology topology = network.topology();
        long indices = columns < topology.inputs() ? (long) columns * Integer.BYTES : 0;
        return Deposit.HEADER + indices + Deposit.columnsLength(topology, columns) * (network.precision() == Precision.FLOAT ? Float.BYTES : Double.BYTES);
    }

    @Override
    public RpcEnv rpcEnv() {
        return rpcEnv;
    }

    @Override
    public PartialFunction<Object, BoxedUnit> receiveAndReply(RpcCallContext context) {
        return new AbstractPartialFunction<>() {
            @Override
            public boolean isDefinedAt(Object message) {
                return message instanceof Object[];
            }

            @Override
            public <A1, B1> B1 applyOrElse(A1 message, scala.Function1<A1, B1> otherwise) {
                if (!(message instanceof Object[] ask)) {
                    return otherwise.apply(message);
                }
                received((byte[]) ask[0], (int[]) ask[1], context);
                @SuppressWarnings("unchecked")
                B1 unit = (B1) BoxedUnit.UNIT;
                return unit;
            }
        };
    }

    /**
     * A task's ask: its deposit, if any, is taken as the channel says; the reply goes now or at the next publish.
     *
     * @param columns the first layer's columns whose weights the task wants with its next step (ascending; a task of
     *                sparse rows asks for those its next rows touch), or null for all the weights
     */
    private void received(byte[] bytes, int[] columns, RpcCallContext context) {
        int p = Deposit.partition(bytes);
        long step = Deposit.step(bytes);
        if (p < 0 || p >= channel.deposits.length) {
            throw new IllegalArgumentException("a deposit for partition " + p + " of " + channel.deposits.length);
        }
        boolean reserved;
        synchronized (channel.lock) {
            bytesIn += bytes.length + (columns == null ? 0 : (long) columns.length * Integer.BYTES);
            reserved = step >= 0 && channel.reserve(p, step);
        }
        boolean ok = false;
        try {
            if (reserved) {
                // outside the lock: the other partitions' deposits are decoded side by side
                channel.deposits[p].decode(bytes);
            }
            ok = true;
        } finally {
            synchronized (channel.lock) {
                if (reserved) {
                    channel.written(p, step, ok);
                }
                if (ok && !answer(p, columns, context)) {
                    waiting.add(new Waiting(p, columns, context));
                }
            }
        }
    }

    /** Replies to the asks that have work now or whose stretch ended (runs under channel.lock). */
    private void answerWaiting() {
        for (Iterator<Waiting> i = waiting.iterator(); i.hasNext(); ) {
            Waiting w = i.next();
            if (answer(w.partition, w.columns, w.context)) {
                i.remove();
            }
        }
    }

    /**
     * Replies to partition p's ask if the channel has its next step, or the stretch is over; false to wait. A reply with
     * work is {{step, epoch, first row, end row, and the same three of the step after it}, the weights}: all of them,
     * or where the ask named first-layer columns, {@link Deposit#columns} of them.
     */
    private boolean answer(int p, int[] columns, RpcCallContext context) {
        long step = channel.work(p, where);
        if (step == EpochChannel.WAIT) {
            return false;
        }
        if (step < 0) {
            context.reply(FINISHED);
            return true;
        }
        channel.next(p, next);
        long[] head = {step, where[0], where[1], where[2], next[0], next[1], next[2]};
        // Spark serializes a reply in the thread that sends it: a pool's thread, so that the driver's thread (which
        // publishes) does not serialize every partition's copy of the weights in turn, under the lock. The weights
        // change only when the next step is published, after every partition has deposited this one: only a reply
        // to an attempt whose partition another attempt has served already can be read while they change, and that
        // attempt's deposit of this step is refused.
        if (columns == null) {
            if (weightBytesStep != step) {
                Chunks.forEach(Deposit.length(channel.weights), (from, to) -> Deposit.put(weightBytes, channel.weights, from, to));
                weightBytesStep = step;
            }
            bytesOut += weightBytes.length;
            reply(context, () -> new Object[] {head, weightBytes});
        } else {
            bytesOut += Deposit.columnsLength(channel.topology, columns.length) * Deposit.elementBytes(channel.weights);
            reply(context, () -> new Object[] {head, Deposit.columns(channel.weights, channel.topology, columns)});
        }
        return true;
    }

    /** Builds and sends a reply on the pool; a reply that cannot be built or sent fails the ask (the task throws). */
    private void reply(RpcCallContext context, java.util.function.Supplier<Object[]> reply) {
        replies.execute(() -> {
            try {
                context.reply(reply.get());
            } catch (RuntimeException | Error e) {
                context.sendFailure(e);
            }
        });
    }

    /** {bytes in, bytes out}: the asks' bytes (deposits, columns) this endpoint received and the weights' bytes it replied, so far. */
    long[] bytes() {
        synchronized (channel.lock) {
            return new long[] {bytesIn, bytesOut};
        }
    }

    /** Ends the stretch's waiting asks and removes the endpoint. */
    void close() {
        channel.finish();
        rpcEnv.stop(ref);
        replies.shutdown();
    }

    /**
     * A task's side on an executor: asks the driver's endpoint by name, and reads each step's weights into an array of
     * its own, allocated once per task. Per step it allocates what Spark's RPC environment does for one ask: the
     * deposit's bytes are the task's own buffer, but Java serialization copies them into a message buffer, and the
     * reply's weights arrive as a new byte array.
     *
     * <p>A task of sparse rows ({@code columns} not null) asks, with each deposit, for the first-layer columns that its
     * next step's rows touch, and gets only those of the first layer's weights (with all the others): the only ones
     * its step reads, so the rest of its copy may be stale. The driver's reply says where the step's rows are; where
     * they are not the rows the task asked for (its first ask, or a stage rerun), it asks again for theirs.
     */
    static final class Remote implements TaskChannel {
        /** The sorted first-layer columns that a partition's rows [from, to) of an epoch touch. */
        interface Columns {
            int[] of(int epoch, int from, int to);
        }

        private static final int[] NONE = {};

        private final RpcEndpointRef driver;
        private final Object weights;
        private final Topology topology;
        /** Null: every step's reply carries all the weights. */
        private final Columns columns;
        /** The columns of the last ask, and {epoch, first row, end row} of the rows they are for ({-1, ...} for none). */
        private int[] asked;
        private final int[] askedFor = {-1, -1, -1};
        /** {epoch, first row, end row} of the step after the last one received. */
        private final int[] next = new int[3];
        private byte[] buffer;
        /** The reply to the last ask, or null before the first. */
        private Future<Object> reply;

        /**
         * @param weights Modified: receives each step's weights; a float[] or double[] of the parameter count
         * @param columns for a task of sparse rows, the first-layer columns of its rows; else null
         */
        Remote(String endpoint, Object weights, Topology topology, Columns columns) {
            SparkEnv env = SparkEnv.get();
            this.driver = RpcUtils.makeDriverRef(endpoint, env.conf(), env.rpcEnv());
            this.weights = weights;
            this.topology = topology;
            this.columns = columns;
        }

        /** For {@link ChannelProbe}: a task's side that reaches the endpoint through {@code driver}, all weights each step. */
        Remote(RpcEndpointRef driver, Object weights) {
            this.driver = driver;
            this.weights = weights;
            this.topology = null;
            this.columns = null;
        }

        @Override
        public long awaitWork(int p, TaskContext context, int[] where) throws InterruptedException {
            if (reply == null) {
                ask(Deposit.nothing(p), columns == null ? null : NONE, -1, -1, -1);
            }
            while (true) {
                Object answer = awaitReply(context);
                if (answer instanceof long[]) {
                    return -1;
                }
                Object[] work = (Object[]) answer;
                long[] head = (long[]) work[0];
                where[0] = (int) head[1];
                where[1] = (int) head[2];
                where[2] = (int) head[3];
                if (columns != null && (askedFor[0] != where[0] || askedFor[1] != where[1] || askedFor[2] != where[2])) {
                    // the reply holds the first-layer columns of other rows than this step's: ask for theirs
                    ask(Deposit.nothing(p), columns.of(where[0], where[1], where[2]), where[0], where[1], where[2]);
                    continue;
                }
                if (columns == null) {
                    Deposit.get(ByteBuffer.wrap((byte[]) work[1]).order(ByteOrder.LITTLE_ENDIAN), weights);
                } else {
                    Deposit.getColumns((byte[]) work[1], weights, topology, asked);
                }
                next[0] = (int) head[4];
                next[1] = (int) head[5];
                next[2] = (int) head[6];
                return head[0];
            }
        }

        /** Waits for the last ask's reply, looking at the task's kill flag meanwhile; a failed ask throws. */
        private Object awaitReply(TaskContext context) throws InterruptedException {
            while (!reply.isCompleted()) {
                try {
                    Await.ready(reply, TASK_POLL);
                } catch (java.util.concurrent.TimeoutException e) {
                    // look at the kill flag, and wait on
                }
                if (context != null) {
                    context.killTaskIfInterrupted();
                }
            }
            Try<Object> answer = reply.value().get();
            reply = null;
            if (answer.isFailure()) {
                Throwable cause = answer.failed().get();
                throw cause instanceof RuntimeException r ? r : new IllegalStateException("the driver's exchange endpoint failed", cause);
            }
            return answer.get();
        }

        @Override
        public Object weights() {
            return weights;
        }

        @Override
        public void deposit(Deposit share) {
            buffer = share.encode(buffer);
            if (columns == null) {
                ask(buffer, null, -1, -1, -1);
            } else {
                ask(buffer, columns.of(next[0], next[1], next[2]), next[0], next[1], next[2]);
            }
        }

        /**
         * Sends {@code bytes} and the first-layer columns wanted (null for all the weights) for rows [from, to) of
         * epoch {@code epoch}, serialized before this returns; the reply waits for the driver's next step.
         */
        private void ask(byte[] bytes, int[] wanted, int epoch, int from, int to) {
            asked = wanted;
            askedFor[0] = epoch;
            askedFor[1] = from;
            askedFor[2] = to;
            reply = driver.ask(new Object[] {bytes, wanted}, RpcUtils.INFINITE_TIMEOUT(), ClassTag$.MODULE$.Any());
        }
    }
}
