package org.sparkprop.driver.optim;

import java.io.Serializable;

/**
 * The learning rate as a function of the step, immutable and validated. Steps s = 0, 1, … count optimizer
 * steps (mini-batches) from the start of the run.
 *
 * <ul>
 *   <li>Warm-up, for s &lt; warmupSteps: baseRate·(s+1)/warmupSteps, a linear ramp that reaches baseRate at
 *       its last step.</li>
 *   <li>Afterwards, with s' = s − warmupSteps:
 *     <ul>
 *       <li>{@link ScheduleKind#CONSTANT}: baseRate.</li>
 *       <li>{@link ScheduleKind#STEP}: baseRate·gamma^⌊s'/(stepSize·stepsPerEpoch)⌋: stepSize counts
 *           epochs, like EXPONENTIAL's gamma, so the schedule reads the same whatever the batch size.</li>
 *       <li>{@link ScheduleKind#EXPONENTIAL}: baseRate·gamma^(s'/stepsPerEpoch): gamma is the factor per
 *           epoch, applied smoothly step by step, so the schedule reads the same whatever the batch size.</li>
 *       <li>{@link ScheduleKind#COSINE}: minRate + (baseRate − minRate)·(1 + cos(π·s'/T'))/2 with
 *           T' = totalSteps − warmupSteps, and minRate from s' = T' on (Loshchilov and Hutter 2017, "SGDR",
 *           one cycle without restarts). The last step of a run, s = totalSteps − 1, is just above minRate,
 *           as in PyTorch's CosineAnnealingLR.</li>
 *     </ul>
 *   </li>
 * </ul>
 * Fields a kind does not use are still validated; the factories set them to neutral values (stepSize 1,
 * gamma 1, minRate 0).
 *
 * @param kind        the shape after warm-up
 * @param baseRate    r, finite and &gt; 0
 * @param warmupSteps ≥ 0; 0 for no warm-up
 * @param stepSize    epochs between decays for STEP, ≥ 1
 * @param gamma       decay factor in (0, 1]: per stepSize epochs for STEP, per epoch for EXPONENTIAL
 * @param minRate     the final rate for COSINE, in [0, baseRate]
 */
public record ScheduleSpec(ScheduleKind kind, double baseRate, long warmupSteps, long stepSize, double gamma,
                           double minRate) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default decay factor of {@link ScheduleKind#STEP}, per stepSize epochs. */
    public static final double DEFAULT_STEP_GAMMA = 0.1;
    /** Default decay factor of {@link ScheduleKind#EXPONENTIAL}, per epoch. */
    public static final double DEFAULT_EXPONENTIAL_GAMMA = 0.95;
    /** Default final rate of {@link ScheduleKind#COSINE}. */
    public static final double DEFAULT_MIN_RATE = 0.0;

    public ScheduleSpec {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required");
        }
        if (!(baseRate > 0 && Double.isFinite(baseRate))) {
            throw new IllegalArgumentException("baseRate must be finite and > 0, got " + baseRate);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
        if (stepSize < 1) {
            throw new IllegalArgumentException("stepSize must be at least 1, got " + stepSize);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
        }
        if (!(minRate >= 0 && minRate <= baseRate)) {
            throw new IllegalArgumentException("minRate must be in [0, baseRate " + baseRate + "], got " + minRate);
        }
    }

    public static ScheduleSpec constant(double baseRate) {
        return new ScheduleSpec(ScheduleKind.CONSTANT, baseRate, 0, 1, 1, 0);
    }

    /** baseRate·gamma^⌊s'/(stepSize·stepsPerEpoch)⌋: a decay every stepSize epochs. */
    public static ScheduleSpec step(double baseRate, long stepSize, double gamma) {
        return new ScheduleSpec(ScheduleKind.STEP, baseRate, 0, stepSize, gamma, 0);
    }

    /** baseRate·gammaPerEpoch^(s'/stepsPerEpoch). */
    public static ScheduleSpec exponential(double baseRate, double gammaPerEpoch) {
        return new ScheduleSpec(ScheduleKind.EXPONENTIAL, baseRate, 0, 1, gammaPerEpoch, 0);
    }

    /** From baseRate down to minRate at totalSteps. */
    public static ScheduleSpec cosine(double baseRate, double minRate) {
        return new ScheduleSpec(ScheduleKind.COSINE, baseRate, 0, 1, 1, minRate);
    }

    /** The same schedule after a linear warm-up of {@code warmupSteps} steps. */
    public ScheduleSpec withWarmup(long warmupSteps) {
        return new ScheduleSpec(kind, baseRate, warmupSteps, stepSize, gamma, minRate);
    }

    /**
     * The learning rate of step {@code step}.
     *
     * @param step          s, the 0-based step, ≥ 0
     * @param totalSteps    steps in the whole run, ≥ 1; for COSINE more than warmupSteps
     * @param stepsPerEpoch mini-batches per epoch, ≥ 1 (used by STEP and EXPONENTIAL)
     */
    public double rate(long step, long totalSteps, long stepsPerEpoch) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
        }
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("stepsPerEpoch must be at least 1, got " + stepsPerEpoch);
        }
        if (kind == ScheduleKind.COSINE && totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("a cosine schedule needs totalSteps (" + totalSteps
                    + ") greater than warmupSteps (" + warmupSteps + ")");
        }
        if (step < warmupSteps) {
            return baseRate * (step + 1) / warmupSteps;
        }
        long sinceWarmup = step - warmupSteps;
        return switch (kind) {
            case CONSTANT -> baseRate;
            case STEP -> baseRate * Math.pow(gamma, sinceWarmup / (stepSize * stepsPerEpoch));
            case EXPONENTIAL -> baseRate * Math.pow(gamma, (double) sinceWarmup / stepsPerEpoch);
            case COSINE -> {
                long decaySteps = totalSteps - warmupSteps;
                if (sinceWarmup >= decaySteps) {
                    yield minRate;
                }
                // (1 + cos 2x)/2 = cos²x: stays above 0 near the end, where 1 + cos(π s'/T') rounds to 0 for large T'.
                double half = Math.cos(Math.PI * sinceWarmup / (2.0 * decaySteps));
                yield minRate + (baseRate - minRate) * half * half;
            }
        };
    }
}
