package org.sparkprop.driver.train;

import org.sparkprop.kernels.Topology;

/** Hears about a run's progress; the command line turns this into log lines. */
public interface TrainListener {
    TrainListener SILENT = new TrainListener() {
    };

    /** Called once the data are cached and the batches are planned, before the first step. */
    default void onStart(Topology topology, long rows, int partitions, int stepsPerEpoch) {
    }

    /**
     * Called after every optimizer step.
     *
     * @param epoch         1-based epoch
     * @param step          1-based step within the epoch, of {@code steps}
     * @param runningLoss   mean training loss of the epoch's steps so far
     * @param rowsPerSecond training rows per second of the epoch's steps so far
     */
    default void onStep(int epoch, int epochs, int step, int steps, double runningLoss, double rowsPerSecond) {
    }

    /** Called after every epoch, validation included. */
    default void onEpoch(EpochRecord record, int epochs, String metricName) {
    }
}
