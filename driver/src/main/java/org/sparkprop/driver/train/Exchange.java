package org.sparkprop.driver.train;

import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.UserException;

/**
 * How a run's steps travel through Spark (docs/architecture.md, 'How a step travels through Spark'), chosen by the
 * Spark setting {@value #SETTING}: {@code auto} (the default), {@code per-epoch} or {@code per-step}.
 * <ul>
 *   <li>{@link #PER_STEP}: one Spark job per mini-batch ({@link StepJob}); the reference, and the fallback.</li>
 *   <li>{@link #PER_EPOCH}: one Spark stage in barrier execution mode runs the steps of one or more epochs
 *       ({@link EpochStage}); its tasks exchange weights and gradients with the driver step by step through memory.
 *       Local mode only so far; it needs a task slot for every partition at once.</li>
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

    /**
     * The exchange for a run over {@code partitions} partitions: what {@value #SETTING} asks for where it can run,
     * else per-step with the reason. A local property of this thread wins over Spark's configuration.
     */
    public static Choice choose(JavaSparkContext sc, int partitions) {
        String local = sc.getLocalProperty(SETTING);
        String asked = (local != null ? local : sc.getConf().get(SETTING, "auto")).trim().toLowerCase(Locale.ROOT);
        if (asked.equals(PER_STEP.id)) {
            return new Choice(PER_STEP, SETTING + "=per-step", false);
        }
        if (!asked.equals(PER_EPOCH.id) && !asked.equals("auto")) {
            throw new UserException(SETTING + " must be auto, per-epoch or per-step, got '" + asked + "'");
        }
        String prefix = asked.equals("auto") ? SETTING + "=auto:" : SETTING + "=per-epoch" + (sc.sc().isLocal() ? ":" : ", but");
        if (!sc.sc().isLocal()) {
            return new Choice(PER_STEP, prefix + " per-epoch runs in local mode only so far (master " + sc.master()
                    + "; its cluster channel through Spark's RPC environment is not built): one job per step", true);
        }
        int slots = sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
        if (slots < partitions) {
            return new Choice(PER_STEP, String.format(Locale.ROOT,
                    "%s per-epoch needs a task slot for each of the %d partitions at once (barrier mode) and %s has %d: one job per step",
                    prefix, partitions, sc.master(), slots), true);
        }
        return new Choice(PER_EPOCH, String.format(Locale.ROOT, "%s in local mode with %d task slots for %d partitions: one barrier stage per stretch of epochs",
                prefix, slots, partitions), false);
    }
}
