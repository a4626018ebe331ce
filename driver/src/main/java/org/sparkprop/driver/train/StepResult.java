package org.sparkprop.driver.train;

/**
 * What one partition sends back for one step: Σ∂L/∂θ over its rows (float[] or double[], the compute type),
 * Σ loss over its rows, the row count, and how long the task computed. Small on purpose: the gradient stays in
 * the compute type.
 */
public final class StepResult implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Null where the gradient went into a {@link HandOver}. */
    public final Object gradientSum;
    public final double lossSum;
    public final long rows;
    /**
     * Nanoseconds the task spent on its partition's share (epoch order, forward and backward pass), from its
     * start to its result, Spark's own work around the task aside; a step's time minus its slowest task's is the
     * step's overhead.
     */
    public final long computeNanos;

    public StepResult(Object gradientSum, double lossSum, long rows, long computeNanos) {
        this.gradientSum = gradientSum;
        this.lossSum = lossSum;
        this.rows = rows;
        this.computeNanos = computeNanos;
    }

    /** The longest {@link #computeNanos} of a step's results. */
    public static long slowestComputeNanos(StepResult[] parts) {
        long slowest = 0;
        for (StepResult part : parts) {
            slowest = Math.max(slowest, part.computeNanos);
        }
        return slowest;
    }
}
