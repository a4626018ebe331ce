package org.sparkprop.driver.train;

import java.util.ArrayList;
import java.util.List;
import org.sparkprop.driver.optim.OptimizerState;

/**
 * Everything a run has that its configuration and data do not determine: where it is (epoch, step), the
 * weights and the optimizer's state, the epoch's running sums, early stopping's best so far, and the history.
 * A checkpoint is this, written down; restored, the run continues exactly as if it had not stopped.
 */
final class RunState {
    /** The epoch in progress (0-based). */
    int epoch;
    /** The next step within the epoch (0-based); equal to the steps per epoch once the epoch's steps are done. */
    int stepInEpoch;
    /** Steps taken in the run. */
    long step;
    final double[] weights;
    final OptimizerState optimizer;
    /** The epoch's Σ w·loss, Σ rows, Σ w and Σ gradient norms over the steps taken so far (w: row weight, else 1). */
    double epochLoss;
    long epochRows;
    double epochWeight;
    double epochNormSum;
    /** Seconds spent in the epoch's steps so far, and in the whole run before this process took it over. */
    double epochStepSeconds;
    double elapsedBefore;
    /** All steps' rows and seconds, for the run's samples per second. */
    long rowsProcessed;
    double stepSeconds;
    /** Early stopping: the best validation loss, its epoch (1-based, 0 for none) and weights (null for none). */
    double bestValidationLoss = Double.POSITIVE_INFINITY;
    int bestEpoch;
    double[] bestWeights;
    /** The previous epoch's training loss, for the tolerance; NaN before the first epoch ends. */
    double previousLoss = Double.NaN;
    final List<EpochRecord> history = new ArrayList<>();
    /** Why the run stopped before its epoch budget ("early stopping", "converged"), or null while it goes on. */
    String stopReason;
    /** The checkpoint this process resumed from, and any newer ones it had to skip; null for a fresh start. */
    String resumedFrom;

    RunState(double[] weights, OptimizerState optimizer) {
        this.weights = weights;
        this.optimizer = optimizer;
    }

    /** Clears the running sums at the start of an epoch. */
    void startEpoch() {
        stepInEpoch = 0;
        epochLoss = 0;
        epochRows = 0;
        epochWeight = 0;
        epochNormSum = 0;
        epochStepSeconds = 0;
    }
}
