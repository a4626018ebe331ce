package org.sparkprop.driver.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Objects;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import org.sparkprop.predictor.ModelFormat;

/**
 * A trained network and its provenance: the shape, the compute precision it was trained in, the data schema it
 * reads, the flat weights (laid out as {@link Topology} describes, double on the driver), the full training
 * configuration and the final metrics. Immutable: the weights and the JSON objects are copied in and out.
 *
 * <p>{@code training} and {@code metrics} are kept in the form they take after a trip through JSON (numbers
 * as JSON reads them back), so a model equals the one {@link ModelStore#load} returns for it.
 *
 * @param topology  layer widths, activations, loss
 * @param precision float or double forward and backward passes
 * @param schema    what the training data looked like; numFeatures = topology inputs, outputs = topology outputs
 * @param weights   topology.parameterCount() finite values
 * @param training  the training configuration (any JSON object); null means none recorded
 * @param metrics   the final metrics (any JSON object); null means none recorded
 */
public record Model(Topology topology, Precision precision, Schema schema, double[] weights, ObjectNode training,
                    ObjectNode metrics) implements java.io.Serializable {

    public Model {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(weights, "weights");
        if (weights.length != topology.parameterCount()) {
            throw new IllegalArgumentException("the network " + ModelJson.shown(topology) + " has " + topology.parameterCount()
                    + " parameters but " + weights.length + " weights were given");
        }
        checkFits(topology, schema);
        int bad = firstNonFinite(weights);
        if (bad >= 0) {
            throw new IllegalArgumentException("weight " + bad + " is " + weights[bad] + "; a model's weights must be finite");
        }
        weights = weights.clone();
        training = ModelJson.canonical(training, "training");
        metrics = ModelJson.canonical(metrics, "metrics");
    }

    /** A copy of the weights. */
    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public ObjectNode training() {
        return training.deepCopy();
    }

    @Override
    public ObjectNode metrics() {
        return metrics.deepCopy();
    }

    /**
     * Throws IllegalArgumentException unless {@code schema} describes data that {@code topology} can train on:
     * as many features as inputs, as many outputs, labels of the kind the loss trains on, label columns for a
     * CSV input (none for LibSVM; one holding a class label, else one per output), and for classification one
     * distinct class label per class index.
     */
    static void checkFits(Topology topology, Schema schema) {
        ModelFormat.checkFits(topology, ModelJson.toModelSchema(schema));
    }

    /** Index of the first NaN or infinite value in {@code values}, or -1 if all are finite. */
    static int firstNonFinite(double[] values) {
        return ModelFormat.firstNonFinite(values);
    }

    /** Equal topology, precision, schema, JSON objects, and bit-identical weights. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Model m && topology.equals(m.topology) && precision == m.precision
                && schema.equals(m.schema) && Arrays.equals(weights, m.weights)
                && training.equals(m.training) && metrics.equals(m.metrics);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topology, precision, schema, Arrays.hashCode(weights), training, metrics);
    }

    @Override
    public String toString() {
        return "Model[" + topology + ", " + precision + ", " + weights.length + " parameters, " + schema.labelKind()
                + " labels, metrics " + metrics + "]";
    }
}
