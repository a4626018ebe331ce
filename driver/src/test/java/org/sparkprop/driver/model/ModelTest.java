package org.sparkprop.driver.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

class ModelTest {

    private static final Topology IRIS = Topology.of(new int[] {4, 5, 3}, Activation.TANH, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);

    private static Schema classes(int features, List<String> classes) {
        return new Schema(features, List.of(), List.of("y"), LabelKind.CLASSES, classes, classes.size());
    }

    private static IllegalArgumentException refused(Topology topology, Schema schema, double[] weights) {
        return assertThrows(IllegalArgumentException.class,
                () -> new Model(topology, Precision.DOUBLE, schema, weights, null, null));
    }

    @Test
    void theWeightCountMustMatchTheTopology() {
        IllegalArgumentException e = refused(IRIS, classes(4, List.of("a", "b", "c")), new double[42]);
        assertEquals("the network 4 -tanh-> 5 -softmax-> 3 (loss cross_entropy) has 43 parameters but 42 weights were given", e.getMessage());
    }

    @Test
    void theSchemaMustFitTheTopology() {
        double[] weights = new double[43];
        assertEquals("the schema has 2 outputs but the network 4 -tanh-> 5 -softmax-> 3 (loss cross_entropy) has 3",
                refused(IRIS, classes(4, List.of("a", "b")), weights).getMessage());
        assertEquals("the schema has 5 features but the network 4 -tanh-> 5 -softmax-> 3 (loss cross_entropy) has 4 inputs",
                refused(IRIS, classes(5, List.of("a", "b", "c")), weights).getMessage());
        Schema regression = new Schema(4, List.of(), List.of("y1", "y2", "y3"), LabelKind.REGRESSION, List.of(), 3);
        assertEquals("labels of kind REGRESSION do not fit loss cross_entropy", refused(IRIS, regression, weights).getMessage());
        Schema unnamedClasses = new Schema(4, List.of(), List.of("y"), LabelKind.CLASSES, List.of(), 3);
        assertEquals("labels of kind CLASSES with 3 outputs need 3 class labels, the schema has 0",
                refused(IRIS, unnamedClasses, weights).getMessage());

        Topology binary = Topology.of(new int[] {2, 1}, Activation.SIGMOID, Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY);
        Schema oneClass = new Schema(2, List.of(), List.of("y"), LabelKind.BINARY, List.of("yes"), 1);
        assertEquals("labels of kind BINARY with 1 outputs need 2 class labels, the schema has 1",
                refused(binary, oneClass, new double[3]).getMessage());
        Schema twoClasses = new Schema(2, List.of(), List.of("y"), LabelKind.BINARY, List.of("no", "yes"), 1);
        assertEquals(3, new Model(binary, Precision.FLOAT, twoClasses, new double[3], null, null).weights().length);
    }

    @Test
    void classLabelsMustDifferAndLabelColumnsMatchTheOutputs() {
        double[] weights = new double[43];
        assertEquals("the class labels must differ from each other, got 3 labels of which 2 differ",
                refused(IRIS, classes(4, List.of("a", "b", "a")), weights).getMessage());
        Schema twoLabelColumns = new Schema(4, List.of(), List.of("y", "z"), LabelKind.CLASSES, List.of("a", "b", "c"), 3);
        assertEquals("labels of kind CLASSES with 3 outputs come from 1 label column (or none, for LibSVM), the schema has 2",
                refused(IRIS, twoLabelColumns, weights).getMessage());

        Topology regression = Topology.of(new int[] {4, 2}, Activation.IDENTITY, Activation.IDENTITY, Loss.MSE);
        Schema threeColumns = new Schema(4, List.of(), List.of("y1", "y2", "y2"), LabelKind.REGRESSION, List.of(), 2);
        assertEquals("labels of kind REGRESSION with 2 outputs come from 2 label columns (or none, for LibSVM), the schema has 3",
                refused(regression, threeColumns, new double[10]).getMessage());
        Schema libSvm = new Schema(4, List.of(), List.of(), LabelKind.REGRESSION, List.of(), 2);
        assertEquals(10, new Model(regression, Precision.DOUBLE, libSvm, new double[10], null, null).weights().length);
    }

    @Test
    void weightsMustBeFinite() {
        double[] weights = new double[43];
        weights[7] = Double.POSITIVE_INFINITY;
        assertEquals("weight 7 is Infinity; a model's weights must be finite",
                refused(IRIS, classes(4, List.of("a", "b", "c")), weights).getMessage());
    }

    @Test
    void theModelIsImmutable() {
        double[] weights = new double[43];
        ObjectNode metrics = ModelJson.object(Map.of("loss", 0.5));
        Model model = new Model(IRIS, Precision.FLOAT, classes(4, List.of("a", "b", "c")), weights, null, metrics);
        weights[0] = 1;
        metrics.put("loss", 9.0);
        model.weights()[1] = 2;
        model.metrics().put("loss", 8.0);
        assertEquals(0.0, model.weights()[0]);
        assertEquals(0.0, model.weights()[1]);
        assertEquals(0.5, model.metrics().get("loss").doubleValue());
        assertEquals(ModelJson.newObject(), model.training(), "null means an empty object");
    }

    @Test
    void equalityIsBitExactOnWeightsAndIgnoresHowNumbersWereBuilt() {
        Schema schema = classes(4, List.of("a", "b", "c"));
        ObjectNode longSeed = ModelJson.newObject().put("seed", 42L);
        ObjectNode intSeed = ModelJson.newObject().put("seed", 42);
        Model a = new Model(IRIS, Precision.FLOAT, schema, new double[43], longSeed, null);
        Model b = new Model(IRIS, Precision.FLOAT, schema, new double[43], intSeed, null);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        double[] negativeZero = new double[43];
        negativeZero[0] = -0.0;
        assertNotEquals(a, new Model(IRIS, Precision.FLOAT, schema, negativeZero, intSeed, null));
        assertTrue(a.toString().contains("43 parameters"), a.toString());
    }

    @Test
    void jsonThatCannotBeWrittenIsRefusedAtOnce() {
        ObjectNode training = ModelJson.newObject();
        training.putPOJO("value", new Object());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Model(IRIS, Precision.FLOAT,
                classes(4, List.of("a", "b", "c")), new double[43], training, null));
        assertTrue(e.getMessage().startsWith("training cannot be written as JSON: "), e.getMessage());
    }
}
