package org.sparkprop.driver.optim;

import java.util.Locale;

/**
 * How the learning rate changes after warm-up; s' counts the steps since warm-up ended and r is the base rate.
 * The formulas, with their parameters, are on {@link ScheduleSpec}.
 */
public enum ScheduleKind {
    /** r. */
    CONSTANT("constant"),
    /** r·γ^⌊s'/stepSize⌋: multiplied by γ every stepSize steps. */
    STEP("step"),
    /** r·γ^(s'/stepsPerEpoch): a smooth decay by γ per epoch. */
    EXPONENTIAL("exponential"),
    /** Cosine annealing from r down to minRate at the last step (Loshchilov and Hutter 2017, SGDR, without restarts). */
    COSINE("cosine");

    private final String id;

    ScheduleKind(String id) {
        this.id = id;
    }

    /** The name used on the command line and in checkpoints. */
    public String id() {
        return id;
    }

    public static ScheduleKind parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        for (ScheduleKind k : values()) {
            if (k.id.equals(key)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown schedule '" + name + "'; expected one of constant, step, exponential, cosine");
    }

    @Override
    public String toString() {
        return id;
    }
}
