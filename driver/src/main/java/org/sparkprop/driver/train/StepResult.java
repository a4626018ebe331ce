package org.sparkprop.driver.train;

/**
 * What one partition sends back for one step: Σ∂L/∂θ over its rows (float[] or double[], the compute type),
 * Σ loss over its rows, and the row count. Small on purpose: the gradient stays in the compute type.
 */
public final class StepResult {
    public final Object gradientSum;
    public final double lossSum;
    public final long rows;

    public StepResult(Object gradientSum, double lossSum, long rows) {
        this.gradientSum = gradientSum;
        this.lossSum = lossSum;
        this.rows = rows;
    }
}
