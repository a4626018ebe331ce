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
 * the reply, and looks at its kill flag every 20 ms meanwhile). Messages are byte arrays and
 * long arrays only, so that the RPC environment's Java serialization never needs sparkprop's classes (which a netty
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
    /** Guarded by channel.lock: the bytes of the deposits received and of the weights replied, since registering. */
    private long bytesIn;
    private long bytesOut;
    /** Serializes the replies with weights, side by side and off the lock (see {@link #answer}). */
    private final ExecutorService replies;

    private record Waiting(int partition, RpcCallContext context) {
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

    /** About the bytes of one step's message each way for {@code network}: a deposit, or the weights and their header. */
    static long messageBytes(Network<?> network) {
        return Deposit.HEADER + (long) network.topology().parameterCount() * (network.precision() == Precision.FLOAT ? Float.BYTES : Double.BYTES);
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
                return message instanceof byte[];
            }

            @Override
            public <A1, B1> B1 applyOrElse(A1 message, scala.Function1<A1, B1> otherwise) {
                if (!(message instanceof byte[] bytes)) {
                    return otherwise.apply(message);
                }
                received(bytes, context);
                @SuppressWarnings("unchecked")
                B1 unit = (B1) BoxedUnit.UNIT;
                return unit;
            }
        };
    }

    /** A task's ask: its deposit, if any, is taken as the channel says; the reply goes now or at the next publish. */
    private void received(byte[] bytes, RpcCallContext context) {
        int p = Deposit.partition(bytes);
        long step = Deposit.step(bytes);
        if (p < 0 || p >= channel.deposits.length) {
            throw new IllegalArgumentException("a deposit for partition " + p + " of " + channel.deposits.length);
        }
        boolean reserved;
        synchronized (channel.lock) {
            bytesIn += bytes.length;
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
                if (ok && !answer(p, context)) {
                    waiting.add(new Waiting(p, context));
                }
            }
        }
    }

    /** Replies to the asks that have work now or whose stretch ended (runs under channel.lock). */
    private void answerWaiting() {
        for (Iterator<Waiting> i = waiting.iterator(); i.hasNext(); ) {
            Waiting w = i.next();
            if (answer(w.partition, w.context)) {
                i.remove();
            }
        }
    }

    /** Replies to partition p's ask if the channel has its next step, or the stretch is over; false to wait. */
    private boolean answer(int p, RpcCallContext context) {
        long step = channel.work(p, where);
        if (step == EpochChannel.WAIT) {
            return false;
        }
        if (step < 0) {
            context.reply(FINISHED);
            return true;
        }
        if (weightBytesStep != step) {
            Chunks.forEach(Deposit.length(channel.weights), (from, to) -> Deposit.put(weightBytes, channel.weights, from, to));
            weightBytesStep = step;
        }
        // Spark serializes a reply in the thread that sends it: a pool's thread, so that the driver's thread (which
        // publishes) does not serialize every partition's copy of the weights in turn, under the lock. weightBytes
        // changes only when the next step is published, after every partition has deposited this one: only a reply
        // to an attempt whose partition another attempt has served already can be read while it changes, and that
        // attempt's deposit of this step is refused.
        Object[] reply = {new long[] {step, where[0], where[1], where[2]}, weightBytes};
        bytesOut += weightBytes.length;
        replies.execute(() -> context.reply(reply));
        return true;
    }

    /** {bytes in, bytes out}: the deposits' bytes this endpoint received and the weights' bytes it replied, so far. */
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
     */
    static final class Remote implements TaskChannel {
        private final RpcEndpointRef driver;
        private final Object weights;
        private byte[] buffer;
        /** The reply to the last ask, or null before the first. */
        private Future<Object> reply;

        /**
         * @param weights Modified: receives each step's weights; a float[] or double[] of the parameter count
         */
        Remote(String endpoint, Object weights) {
            SparkEnv env = SparkEnv.get();
            this.driver = RpcUtils.makeDriverRef(endpoint, env.conf(), env.rpcEnv());
            this.weights = weights;
        }

        /** For {@link ChannelProbe}: a task's side that reaches the endpoint through {@code driver}. */
        Remote(RpcEndpointRef driver, Object weights) {
            this.driver = driver;
            this.weights = weights;
        }

        @Override
        public long awaitWork(int p, TaskContext context, int[] where) throws InterruptedException {
            if (reply == null) {
                ask(Deposit.nothing(p));
            }
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
            if (answer.get() instanceof long[]) {
                return -1;
            }
            Object[] work = (Object[]) answer.get();
            long[] head = (long[]) work[0];
            where[0] = (int) head[1];
            where[1] = (int) head[2];
            where[2] = (int) head[3];
            Deposit.get(ByteBuffer.wrap((byte[]) work[1]).order(ByteOrder.LITTLE_ENDIAN), weights);
            return head[0];
        }

        @Override
        public Object weights() {
            return weights;
        }

        @Override
        public void deposit(Deposit share) {
            buffer = share.encode(buffer);
            ask(buffer);
        }

        /** Sends {@code bytes}, serialized before this returns; the reply waits for the driver's next step. */
        private void ask(byte[] bytes) {
            reply = driver.ask(bytes, RpcUtils.INFINITE_TIMEOUT(), ClassTag$.MODULE$.Any());
        }
    }
}
