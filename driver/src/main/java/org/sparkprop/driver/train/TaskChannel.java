package org.sparkprop.driver.train;

import org.apache.spark.TaskContext;

/**
 * A per-epoch task's side of the exchange ({@link EpochTask}): wait for the driver's next step, compute, deposit.
 * In local mode it is the run's {@link EpochChannel} itself (memory); on a cluster it is {@link RpcChannel.Remote},
 * one per task, which talks to the driver's {@link RpcChannel} endpoint through Spark's RPC environment.
 */
interface TaskChannel {
    /**
     * The step partition {@code p} should compute next, or -1 once the stretch is over. Waits for the driver; a task
     * that Spark kills stops waiting.
     *
     * @param context the task's, or null for a thread that is no Spark task ({@link ChannelProbe})
     * @param where   Modified: {epoch, first row, end row} of the partition's share in its epoch order
     */
    long awaitWork(int p, TaskContext context, int[] where) throws InterruptedException;

    /** The weights of the step {@link #awaitWork} returned, in the compute type (Not modified). */
    Object weights();

    /**
     * The driver's own θ in double, where a task may read the first layer's weights there instead of in
     * {@link #weights} (which then holds stale ones): in local mode, on sparse input. Else null. Not modified.
     */
    default double[] driverWeights() {
        return null;
    }

    /** A partition's share of the step {@link #awaitWork} returned; {@code share} is the caller's again on return. */
    void deposit(Deposit share);
}
