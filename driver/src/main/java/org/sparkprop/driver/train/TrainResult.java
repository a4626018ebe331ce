package org.sparkprop.driver.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.sparkprop.kernels.Topology;

/**
 * The outcome of a run.
 *
 * @param topology         the trained network's shape
 * @param weights          the final weights (the best epoch's when early stopping kept them)
 * @param history          one record per epoch run
 * @param steps            optimizer steps taken
 * @param stopReason       why the loop ended: "epochs", "converged" (tolerance) or "early stopping"
 * @param bestEpoch        the epoch whose weights were kept
 * @param trainSeconds     the training loop alone: from cached data to the last step
 * @param samplesPerSecond rows processed by steps per second of the training loop
 * @param metricName       "accuracy" or "rmse": the validation metric's name
 * @param resumedFrom      the checkpoint the run resumed from (and newer ones skipped as damaged), or null
 * @param exchange         how the steps travelled: "per-epoch" or "per-step" ({@link Exchange})
 */
public record TrainResult(Topology topology, double[] weights, List<EpochRecord> history, long steps, String stopReason,
                          int bestEpoch, double trainSeconds, double samplesPerSecond, String metricName, String resumedFrom,
                          String exchange) {

    /** The content of training.json. */
    public ObjectNode historyJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        ArrayNode epochs = n.putArray("epochs");
        history.forEach(e -> epochs.add(e.toJson(metricName)));
        n.put("steps", steps);
        n.put("stopReason", stopReason);
        n.put("bestEpoch", bestEpoch);
        n.put("train_seconds", trainSeconds);
        n.put("samples_per_second", samplesPerSecond);
        n.put("exchange", exchange);
        if (resumedFrom != null) {
            n.put("resumedFrom", resumedFrom);
        }
        return n;
    }
}
