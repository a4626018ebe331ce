package org.sparkprop.driver.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.TestBlocks;
import org.sparkprop.driver.TestBlocks.Rows;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/**
 * Weighted evaluation against sums done by hand: single-layer networks whose outputs are known (logits equal to
 * the features; ŷ = 2x + 0.5), a few rows with chosen weights, two partitions. Without weights the same rows give
 * the counted metrics.
 */
class WeightedMetricsTest {
    private static final double TOLERANCE = 1e-12;

    /** Logits (x0, x1, 0): W = [[1, 0], [0, 1], [0, 0]], b = 0. */
    private static final Topology CLASSIFIER = Topology.of(new int[] {2, 3}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
    private static final Schema CLASSES = new Schema(2, List.of(), List.of(), LabelKind.CLASSES, List.of("a", "b", "c"), 3);

    /** Rows (x0, x1 | class), predicted class argmax(x0, x1, 0). */
    private static final float[] CLASS_X = {2, 0, 0, 2, -1, -1, 3, 1, 0, 1, -2, -3};
    private static final float[] CLASS_Y = {0, 1, 2, 1, 2, 0};
    private static final float[] CLASS_WEIGHTS = {2f, 0.5f, 1f, 3f, 1.5f, 0f};

    private static double[] classifierParams() {
        double[] params = new double[CLASSIFIER.parameterCount()];
        params[CLASSIFIER.weightOffset(0)] = 1; // W[0, 0]: column-major, 3 rows
        params[CLASSIFIER.weightOffset(0) + 3 + 1] = 1; // W[1, 1]
        return params;
    }

    private static Metrics evaluate(Topology topology, double[] params, Schema schema, Rows rows) {
        JavaSparkContext sc = TestSpark.context();
        Dataset data = TestBlocks.dataset(sc, rows, schema, 2);
        try {
            return Evaluator.evaluate(sc, topology, Precision.DOUBLE, params, schema, data.blocks(), "weighted metrics");
        } finally {
            data.unpersist();
        }
    }

    @Test
    void weightedClassificationMetricsAreTheHandSums() {
        Rows rows = new Rows(CLASS_X, CLASS_Y, CLASS_WEIGHTS, 2, 1);
        Metrics m = evaluate(CLASSIFIER, classifierParams(), CLASSES, rows);
        // predicted 0, 1, 2, 0, 1, 2: rows 3, 4 (weights 3, 1.5) and 5 (weight 0) wrong
        // weighted confusion (actual × predicted): a: {2, 0, 0}, b: {3, 0.5, 0}, c: {0, 1.5, 1}
        assertTrue(m.weighted());
        assertEquals(6, m.count());
        assertEquals(8.0, m.weightSum());
        assertEquals(3.5 / 8, m.accuracy(), TOLERANCE);
        assertEquals(2.0 / 5, m.precision(0), TOLERANCE);
        assertEquals(0.5 / 2, m.precision(1), TOLERANCE);
        assertEquals(1.0, m.precision(2), TOLERANCE);
        assertEquals(1.0, m.recall(0), TOLERANCE);
        assertEquals(0.5 / 3.5, m.recall(1), TOLERANCE);
        assertEquals(1 / 2.5, m.recall(2), TOLERANCE);
        assertEquals(3.0, m.weightedConfusion(1, 0));
        assertEquals(1, m.confusion(1, 0), "the confusion matrix counts rows");
        assertEquals(1, m.confusion(0, 2), "a row of weight 0 is counted, and weighs nothing");
        assertEquals(0.0, m.weightedConfusion(0, 2));

        double lossSum = 0;
        for (int r = 0; r < CLASS_Y.length; r++) {
            double[] z = {CLASS_X[2 * r], CLASS_X[2 * r + 1], 0};
            double logSumExp = Math.log(Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]));
            lossSum += CLASS_WEIGHTS[r] * (logSumExp - z[(int) CLASS_Y[r]]);
        }
        assertEquals(lossSum / 8, m.loss(), TOLERANCE);

        ObjectNode json = m.toJson();
        assertEquals(6, json.get("count").asLong());
        assertEquals(8.0, json.get("weightSum").asDouble());
        assertEquals(3.5 / 8, json.get("accuracy").asDouble(), TOLERANCE);
        assertEquals(1, json.get("confusionMatrix").get(1).get(0).asLong());
        assertEquals(3.0, json.get("weightedConfusionMatrix").get(1).get(0).asDouble());
        assertTrue(m.toTable().contains("weights "), m.toTable());
    }

    @Test
    void withoutWeightsTheSameRowsGiveTheCountedMetrics() {
        Metrics m = evaluate(CLASSIFIER, classifierParams(), CLASSES, new Rows(CLASS_X, CLASS_Y, null, 2, 1));
        assertFalse(m.weighted());
        assertEquals(6.0, m.weightSum());
        assertEquals(3.0 / 6, m.accuracy(), TOLERANCE);
        assertEquals(1.0 / 2, m.precision(0), TOLERANCE);
        assertEquals(1.0 / 2, m.recall(1), TOLERANCE);
        ObjectNode json = m.toJson();
        assertFalse(json.has("weightSum"), "unweighted JSON keeps its fields: " + json);
        assertFalse(json.has("weightedConfusionMatrix"), json.toString());
        assertFalse(m.toTable().contains("weights "), m.toTable());
    }

    @Test
    void weightedRegressionMetricsAreTheHandSums() {
        Topology line = Topology.of(new int[] {1, 1}, Activation.RELU, Activation.IDENTITY, Loss.MSE);
        double[] params = new double[line.parameterCount()];
        params[line.weightOffset(0)] = 2;
        params[line.biasOffset(0)] = 0.5;
        Schema schema = new Schema(1, List.of(), List.of(), LabelKind.REGRESSION, List.of(), 1);
        // ŷ = 2x + 0.5: errors ŷ − y = −0.5, 0.5, 0.5, 0.5, 1.5
        float[] x = {0, 1, 2, -1, 3};
        float[] y = {1, 2, 4, -2, 5};
        float[] weights = {1f, 2f, 0.5f, 1.5f, 3f};
        Metrics m = evaluate(line, params, schema, new Rows(x, y, weights, 1, 1));
        assertTrue(m.weighted());
        assertEquals(8.0, m.weightSum());
        // Σw e² = 0.25 + 0.5 + 0.125 + 0.375 + 6.75 = 8; Σw|e| = 0.5 + 1 + 0.25 + 0.75 + 4.5 = 7
        assertEquals(1.0, m.mse(), TOLERANCE);
        assertEquals(1.0, m.rmse(), TOLERANCE);
        assertEquals(7.0 / 8, m.mae(), TOLERANCE);
        assertEquals(1.0, m.loss(), TOLERANCE, "MSE with one output: the loss is the mse");
        // ȳ = Σw y / Σw = 19/8; Σw (y − ȳ)² = 52.875
        assertEquals(1 - 8 / 52.875, m.r2(), TOLERANCE);
        assertEquals(1 - 8 / 52.875, m.toJson().get("r2").asDouble(), TOLERANCE);
    }
}
