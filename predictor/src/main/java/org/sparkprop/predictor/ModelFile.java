package org.sparkprop.predictor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/**
 * What {@link ModelFormat#read} read from a model directory, every check passed.
 *
 * @param formatVersion the format version of its model.json
 * @param topology      layer widths, activations, loss
 * @param precision     the compute type it was trained in, and predicts in
 * @param schema        the rows it reads and what its outputs mean
 * @param weights       topology.parameterCount() finite values, laid out as {@link Topology} says; the array read,
 *                      not a copy
 * @param modelSha256   the SHA-256 over everything a prediction depends on ({@link ModelFormat#modelSha256}),
 *                      computed for a file of version 1, which did not record it
 * @param training      the training configuration, as recorded
 * @param metrics       the final metrics, as recorded
 */
public record ModelFile(int formatVersion, Topology topology, Precision precision, ModelSchema schema, double[] weights,
                        String modelSha256, ObjectNode training, ObjectNode metrics) {
}
