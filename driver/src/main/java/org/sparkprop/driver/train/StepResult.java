package org.sparkprop.driver.train;

/**
 * What one partition sends back for one step: Σ w·∂L/∂θ over its rows (float[] or double[], the compute type),
 * Σ w·loss over its rows, the row count, Σ w, and how long the task computed; w is a row's weight, 1 where the
 * block has none. Small on purpose: the gradient stays in the compute type.
 */
public final class StepResult implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Null where the gradient went into a {@link HandOver}. */
    public final Object gradientSum;
    public final double lossSum;
    public final long rows;
    /** Σ of the rows' weights, in double; equal to {@link #rows} where the block has no weights. */
    public final double weightSum;
    /**
     * Nanoseconds the task spent on its partition's share (epoch order, forward and backward pass), from its
     * start to its result, Spark's own work around the task aside; a step's time minus its slowest task's is the
     * step's overhead.
     */
    public final long computeNanos;

    public StepResult(Object gradientSum, double lossSum, long rows, double weightSum, long computeNanos) {
        this.gradientSum = gradientSum;
        this.lossSum = lossSum;
        this.rows = rows;
        this.weightSum = weightSum;
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
