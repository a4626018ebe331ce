package org.sparkprop.driver.train;

import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.RpcUtils;
import org.sparkprop.driver.UserException;

/**
 * How a run's steps travel through Spark (docs/architecture.md, 'How a step travels through Spark'), chosen by the
 * Spark setting {@value #SETTING}: {@code auto} (the default), {@code per-epoch} or {@code per-step}.
 * <ul>
 *   <li>{@link #PER_STEP}: one Spark job per mini-batch ({@link StepJob}); the reference, and the fallback.</li>
 *   <li>{@link #PER_EPOCH}: one Spark stage in barrier execution mode runs the steps of one or more epochs
 *       ({@link EpochStage}); its tasks exchange weights and gradients with the driver step by step, through memory
 *       in local mode and through Spark's RPC environment on a cluster. It needs a task slot for every partition at
 *       once, and a fixed set of executors (barrier mode does not run with dynamic allocation).</li>
 * </ul>
 * Both give the same weights to the bit.
 */
public enum Exchange {
    PER_EPOCH("per-epoch"),
    PER_STEP("per-step");

    /** Spark setting (configuration, or a local property of the training thread): auto, per-epoch or per-step. */
    public static final String SETTING = "spark.sparkprop.exchange";

    private final String id;

    Exchange(String id) {
        this.id = id;
    }

    /** The setting's spelling: per-epoch, per-step. */
    public String id() {
        return id;
    }

    /**
     * The exchange a run takes, and why, in words for its log.
     *
     * @param fellBack true where per-epoch was possible in principle (auto or asked for) and the run takes per-step
     */
    public record Choice(Exchange exchange, String why, boolean fellBack) {
    }

    /** How long a run on a cluster waits for executors to register until there is a task slot for every partition. */
    static final long SLOT_WAIT_MILLIS = 10_000;

    /**
     * The exchange for a run over {@code partitions} partitions: what {@value #SETTING} asks for where it can run,
     * else per-step with the reason. A local property of this thread wins over Spark's configuration.
     *
     * @param messageBytes the bytes of one step's message each way on a cluster (weights or a gradient)
     */
    public static Choice choose(JavaSparkContext sc, int partitions, long messageBytes) {
        String local = sc.getLocalProperty(SETTING);
        String asked = (local != null ? local : sc.getConf().get(SETTING, "auto")).trim().toLowerCase(Locale.ROOT);
        if (asked.equals(PER_STEP.id)) {
            return new Choice(PER_STEP, SETTING + "=per-step", false);
        }
        if (!asked.equals(PER_EPOCH.id) && !asked.equals("auto")) {
            throw new UserException(SETTING + " must be auto, per-epoch or per-step, got '" + asked + "'");
        }
        String prefix = SETTING + "=" + asked + ":";
        boolean localMode = sc.sc().isLocal();
        if (!localMode && sc.sc().conf().getBoolean("spark.dynamicAllocation.enabled", false)) {
            return new Choice(PER_STEP, prefix + " per-epoch needs a fixed set of executors (barrier mode), and spark.dynamicAllocation.enabled"
                    + " is true: one job per step", true);
        }
        long maxMessage = RpcUtils.maxMessageSizeBytes(sc.sc().conf());
        if (!localMode && messageBytes > maxMessage) {
            return new Choice(PER_STEP, String.format(Locale.ROOT,
                    "%s per-epoch sends the weights through Spark's RPC environment, and a step's %,d bytes exceed spark.rpc.message.maxSize"
                            + " (%,d bytes): one job per step", prefix, messageBytes, maxMessage), true);
        }
        int slots = slots(sc, partitions, localMode ? 0 : SLOT_WAIT_MILLIS);
        if (slots < partitions) {
            return new Choice(PER_STEP, String.format(Locale.ROOT,
                    "%s per-epoch needs a task slot for each of the %d partitions at once (barrier mode) and %s has %d: one job per step",
                    prefix, partitions, sc.master(), slots), true);
        }
        return new Choice(PER_EPOCH, String.format(Locale.ROOT, "%s %s with %d task slots for %d partitions: one barrier stage per stretch of epochs",
                prefix, localMode ? "in local mode" : "on " + sc.master() + " through Spark's RPC environment", slots, partitions), false);
    }

    /**
     * The task slots of the default resource profile, waiting up to {@code millis} while there are fewer than
     * {@code partitions} (executors register with the driver some time after it starts).
     */
    private static int slots(JavaSparkContext sc, int partitions, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            int slots = sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
            if (slots >= partitions || System.nanoTime() >= deadline) {
                return slots;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return slots;
            }
        }
    }
}
