package org.sparkprop.driver.train;

import org.sparkprop.kernels.Topology;

/** Hears about a run's progress; the command line turns this into log lines. */
public interface TrainListener {
    TrainListener SILENT = new TrainListener() {
    };

    /** Called once the data are cached and the batches are planned, before the first step. */
    default void onStart(Topology topology, long rows, int partitions, int stepsPerEpoch) {
    }

    /** Called after every epoch, validation included. */
    default void onEpoch(EpochRecord record, int epochs, String metricName) {
    }
}
