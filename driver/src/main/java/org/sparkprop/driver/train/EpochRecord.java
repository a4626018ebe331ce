package org.sparkprop.driver.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One epoch of a run, as training.json and the log line show it.
 *
 * @param epoch            1-based
 * @param trainLoss        mean loss of the epoch's steps over their rows (weights changing within the epoch), no penalty;
 *                         weighted by the rows' weights where the data have them
 * @param validationLoss   mean loss on the validation set after the epoch (weighted as trainLoss); NaN without one
 * @param validationMetric accuracy (classification) or RMSE (regression) on the validation set; NaN without one
 * @param samplesPerSecond training rows per second of the epoch's steps
 * @param elapsedSeconds   seconds since the training loop started, at the end of this epoch
 * @param learningRate     the rate of the epoch's last step
 * @param gradientNorm     mean global L2 norm of the averaged gradient before clipping, over the epoch's steps
 */
public record EpochRecord(int epoch, double trainLoss, double validationLoss, double validationMetric,
                          double samplesPerSecond, double elapsedSeconds, double learningRate, double gradientNorm) {

    public ObjectNode toJson(String metricName) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("epoch", epoch);
        n.put("trainLoss", trainLoss);
        if (!Double.isNaN(validationLoss)) {
            n.put("validationLoss", validationLoss);
            n.put("validation_" + metricName, validationMetric);
        }
        n.put("samplesPerSecond", samplesPerSecond);
        n.put("elapsedSeconds", elapsedSeconds);
        n.put("learningRate", learningRate);
        n.put("gradientNorm", gradientNorm);
        return n;
    }
}
