package org.sparkprop.driver.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Topology;

class ModelJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WHERE = "model m/model.json: topology";

    private static JsonNode parse(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static String topologyRefused(String json) throws Exception {
        JsonNode node = parse(json);
        return assertThrows(UserException.class, () -> ModelJson.readTopology(node, WHERE)).getMessage();
    }

    @Test
    void topologyAndSchemaRoundTrip() throws Exception {
        Topology topology = new Topology(new int[] {3, 8, 8, 2},
                new Activation[] {Activation.RELU, Activation.LEAKY_RELU, Activation.SIGMOID}, Loss.BINARY_CROSS_ENTROPY);
        JsonNode written = parse(ModelJson.toJson(topology).toString());
        assertEquals(parse("{\"sizes\":[3,8,8,2],\"activations\":[\"relu\",\"leaky_relu\",\"sigmoid\"],\"loss\":\"binary_cross_entropy\"}"), written);
        assertEquals(topology, ModelJson.readTopology(written, WHERE));

        Schema schema = new Schema(3, List.of("a", "b", "c"), List.of("x", "y"), LabelKind.MULTILABEL, List.of(), 2);
        JsonNode schemaJson = parse(ModelJson.toJson(schema).toString());
        assertEquals("multilabel", schemaJson.get("labelKind").textValue());
        assertEquals(schema, ModelJson.readSchema(schemaJson, "s"));
    }

    @Test
    void badTopologiesAreRefusedNamingTheField() throws Exception {
        assertEquals(WHERE + ".sizes[1] must be an integer from 1 to 2147483647, got 0",
                topologyRefused("{\"sizes\":[4,0],\"activations\":[\"identity\"],\"loss\":\"mse\"}"));
        assertEquals(WHERE + ".sizes[0] must be an integer from 1 to 2147483647, got 2.5",
                topologyRefused("{\"sizes\":[2.5,1],\"activations\":[\"identity\"],\"loss\":\"mse\"}"));
        assertEquals(WHERE + ".sizes[0] must be an integer from 1 to 2147483647, got \"4\"",
                topologyRefused("{\"sizes\":[\"4\",1],\"activations\":[\"identity\"],\"loss\":\"mse\"}"));
        assertEquals(WHERE + ".sizes must hold at least an input and an output size, got 1 sizes",
                topologyRefused("{\"sizes\":[4],\"activations\":[],\"loss\":\"mse\"}"));
        assertEquals(WHERE + ".activations[0] must be one of identity, relu, leaky_relu, sigmoid, tanh, softmax, got \"gelu\"",
                topologyRefused("{\"sizes\":[4,1],\"activations\":[\"gelu\"],\"loss\":\"mse\"}"));
        assertEquals(WHERE + ".loss must be one of mse, cross_entropy, binary_cross_entropy, got \"ce\\nmse\"",
                topologyRefused("{\"sizes\":[4,1],\"activations\":[\"identity\"],\"loss\":\"ce\\nmse\"}"));
        assertEquals(WHERE + ".loss is missing", topologyRefused("{\"sizes\":[4,1],\"activations\":[\"identity\"]}"));
        assertEquals(WHERE + ": expected 1 activations (one per dense layer), got 2",
                topologyRefused("{\"sizes\":[4,1],\"activations\":[\"identity\",\"identity\"],\"loss\":\"mse\"}"));
        assertEquals(WHERE + " must be a JSON object, got [4,1]", topologyRefused("[4,1]"));
    }

    @Test
    void parameterCountsBeyondTheLimitAreRefusedWithoutOverflow() throws Exception {
        // five layers of 2^31-1: each term is about 2^62, a long sum of them would wrap around
        int max = Integer.MAX_VALUE;
        String sizes = "[" + max + "," + max + "," + max + "," + max + "," + max + "]";
        String message = topologyRefused("{\"sizes\":" + sizes + ",\"activations\":[\"relu\",\"relu\",\"relu\",\"identity\"],\"loss\":\"mse\"}");
        long firstLayer = (long) max * max + max;
        assertEquals(WHERE + ": the network [" + max + ", " + max + ", " + max + ", " + max + ", " + max + "] has at least "
                + firstLayer + " parameters; at most " + Topology.MAX_PARAMETERS + " are supported", message);
    }

    @Test
    void textFromTheFileCannotBreakAMessageIntoLines() throws Exception {
        JsonNode text = parse("\"tanh\\nrelu\\u2028\\u0085x\"");
        assertEquals("\"tanh\\nrelu\\u2028\\u0085x\"", ModelJson.shown(text));
        assertEquals("a\\u000ab\\u2029c\\u0000", ModelJson.oneLine("a\nb\u2029c\u0000"));
    }

    @Test
    void aLongNetworkIsShownByItsEnds() {
        int[] sizes = new int[40];
        Arrays.fill(sizes, 2);
        sizes[0] = 4;
        sizes[39] = 3;
        Topology topology = Topology.of(sizes, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        assertEquals("4 -relu-> … (39 dense layers) … -softmax-> 3 (loss cross_entropy)", ModelJson.shown(topology));
        Topology small = Topology.of(new int[] {4, 5, 3}, Activation.TANH, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        assertEquals(small.toString(), ModelJson.shown(small));
    }

    @Test
    void badSchemasAreRefusedNamingTheField() throws Exception {
        JsonNode kind = parse("{\"numFeatures\":2,\"featureNames\":[],\"labelColumns\":[],\"labelKind\":\"ordinal\",\"classes\":[],\"outputs\":1}");
        assertEquals("s.labelKind must be one of regression, classes, binary, multilabel, got \"ordinal\"",
                assertThrows(UserException.class, () -> ModelJson.readSchema(kind, "s")).getMessage());
        JsonNode names = parse("{\"numFeatures\":2,\"featureNames\":[\"a\"],\"labelColumns\":[],\"labelKind\":\"regression\",\"classes\":[],\"outputs\":1}");
        assertEquals("s: 1 feature names for 2 features",
                assertThrows(UserException.class, () -> ModelJson.readSchema(names, "s")).getMessage());
        JsonNode classes = parse("{\"numFeatures\":2,\"featureNames\":[],\"labelColumns\":[],\"labelKind\":\"classes\",\"classes\":[\"a\",7],\"outputs\":2}");
        assertEquals("s.classes[1] must be a string, got 7",
                assertThrows(UserException.class, () -> ModelJson.readSchema(classes, "s")).getMessage());
    }

    @Test
    void mapsBecomeJsonObjects() throws Exception {
        assertEquals(parse("{\"a\":1,\"b\":[\"x\"],\"c\":{\"d\":0.5}}"),
                ModelJson.object(Map.of("a", 1, "b", List.of("x"), "c", Map.of("d", 0.5))));
    }
}
