package org.sparkprop.driver.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Topology;

/**
 * JSON forms of a network's shape and its data schema, shared by model files and anything else that records
 * them (checkpoints, reports):
 * <pre>
 * topology: {"sizes": [4, 16, 3], "activations": ["relu", "softmax"], "loss": "cross_entropy"}
 * schema:   {"numFeatures": 4, "featureNames": [...], "labelColumns": ["species"], "labelKind": "classes",
 *            "classes": ["setosa", ...], "outputs": 3}
 * </pre>
 * The readers are for files that may come from anywhere: they check every field's type and range before
 * building anything, and report a problem as a {@link UserException} naming the file and the field.
 * {@code where} names the node being read, for example {@code "model /m/model.json: topology"}; its field
 * {@code sizes} is then named {@code "model /m/model.json: topology.sizes"}.
 */
public final class ModelJson {

    /**
     * Reads and writes every sparkprop JSON file: duplicate keys and trailing content are errors, and the
     * mapper never closes the streams it is given.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    /** Longest text of a JSON value quoted in an error message. */
    private static final int SHOWN_CHARS = 60;

    private ModelJson() {
    }

    /** A new empty JSON object. */
    public static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    /**
     * {@code values} as a JSON object (maps, lists, strings, numbers, booleans, nulls, records and beans
     * nest as Jackson converts them). Throws IllegalArgumentException for a value Jackson cannot convert.
     */
    public static ObjectNode object(Map<String, ?> values) {
        return MAPPER.valueToTree(values);
    }

    public static ObjectNode toJson(Topology topology) {
        ObjectNode node = newObject();
        ArrayNode sizes = node.putArray("sizes");
        for (int size : topology.sizes()) {
            sizes.add(size);
        }
        ArrayNode activations = node.putArray("activations");
        for (Activation activation : topology.activations()) {
            activations.add(activation.id());
        }
        node.put("loss", topology.loss().id());
        return node;
    }

    public static ObjectNode toJson(Schema schema) {
        ObjectNode node = newObject();
        node.put("numFeatures", schema.numFeatures());
        addTexts(node.putArray("featureNames"), schema.featureNames());
        addTexts(node.putArray("labelColumns"), schema.labelColumns());
        node.put("labelKind", schema.labelKind().name().toLowerCase(Locale.ROOT));
        addTexts(node.putArray("classes"), schema.classes());
        node.put("outputs", schema.outputs());
        return node;
    }

    /**
     * The topology that {@link #toJson(Topology)} wrote. The parameter count is worked out from the sizes
     * first, so a file describing a network too large for this build is refused before anything is allocated.
     */
    public static Topology readTopology(JsonNode node, String where) {
        ObjectNode object = requireObject(node, where);
        JsonNode sizesNode = requireArray(object.get("sizes"), where + ".sizes");
        int[] sizes = new int[sizesNode.size()];
        for (int l = 0; l < sizes.length; l++) {
            sizes[l] = requireInt(sizesNode.get(l), where + ".sizes[" + l + "]", 1, Integer.MAX_VALUE);
        }
        if (sizes.length < 2) {
            throw new UserException(where + ".sizes must hold at least an input and an output size, got " + sizes.length + " sizes");
        }
        long parameters = 0;
        int layer = 1;
        for (; layer < sizes.length && parameters <= Topology.MAX_PARAMETERS; layer++) {
            // each term is below 2^62 and parameters is at most 2^30 before it: no overflow
            parameters += (long) sizes[layer - 1] * sizes[layer] + sizes[layer];
        }
        if (parameters > Topology.MAX_PARAMETERS) {
            String shown = sizes.length <= 16 ? Arrays.toString(sizes) : "of " + sizes.length + " layers";
            throw new UserException(where + ": the network " + shown + " has " + (layer == sizes.length ? "" : "at least ")
                    + parameters + " parameters; this build supports at most " + Topology.MAX_PARAMETERS);
        }
        JsonNode activationsNode = requireArray(object.get("activations"), where + ".activations");
        Activation[] activations = new Activation[activationsNode.size()];
        for (int l = 0; l < activations.length; l++) {
            String name = where + ".activations[" + l + "]";
            String id = requireText(activationsNode.get(l), name);
            try {
                activations[l] = Activation.parse(id);
            } catch (IllegalArgumentException e) {
                throw new UserException(name + ": " + e.getMessage());
            }
        }
        String lossName = where + ".loss";
        Loss loss;
        try {
            loss = Loss.parse(requireText(object.get("loss"), lossName));
        } catch (IllegalArgumentException e) {
            throw new UserException(lossName + ": " + e.getMessage());
        }
        try {
            return new Topology(sizes, activations, loss);
        } catch (IllegalArgumentException e) {
            throw new UserException(where + ": " + e.getMessage());
        }
    }

    /** The schema that {@link #toJson(Schema)} wrote. */
    public static Schema readSchema(JsonNode node, String where) {
        ObjectNode object = requireObject(node, where);
        int numFeatures = requireInt(object.get("numFeatures"), where + ".numFeatures", 1, Integer.MAX_VALUE);
        List<String> featureNames = requireTexts(object.get("featureNames"), where + ".featureNames");
        List<String> labelColumns = requireTexts(object.get("labelColumns"), where + ".labelColumns");
        String kindName = where + ".labelKind";
        String kindText = requireText(object.get("labelKind"), kindName);
        LabelKind labelKind = null;
        for (LabelKind kind : LabelKind.values()) {
            if (kind.name().equalsIgnoreCase(kindText)) {
                labelKind = kind;
            }
        }
        if (labelKind == null) {
            throw new UserException(kindName + " must be one of regression, classes, binary, multilabel, got " + shown(object.get("labelKind")));
        }
        List<String> classes = requireTexts(object.get("classes"), where + ".classes");
        int outputs = requireInt(object.get("outputs"), where + ".outputs", 1, Integer.MAX_VALUE);
        try {
            return new Schema(numFeatures, featureNames, labelColumns, labelKind, classes, outputs);
        } catch (IllegalArgumentException e) {
            throw new UserException(where + ": " + e.getMessage());
        }
    }

    /**
     * A deep copy of {@code object} as JSON reads it back (an empty object for null), so that in-memory and
     * loaded values compare equal. {@code name} names the argument in the IllegalArgumentException thrown
     * when Jackson cannot write a value of it.
     */
    static ObjectNode canonical(ObjectNode object, String name) {
        if (object == null) {
            return newObject();
        }
        try {
            return (ObjectNode) MAPPER.readTree(MAPPER.writeValueAsBytes(object));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(name + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON back from memory failed", e);
        }
    }

    static ObjectNode requireObject(JsonNode value, String name) {
        if (!require(value, name).isObject()) {
            throw new UserException(name + " must be a JSON object, got " + shown(value));
        }
        return (ObjectNode) value;
    }

    static JsonNode requireArray(JsonNode value, String name) {
        if (!require(value, name).isArray()) {
            throw new UserException(name + " must be a JSON array, got " + shown(value));
        }
        return value;
    }

    static String requireText(JsonNode value, String name) {
        if (!require(value, name).isTextual()) {
            throw new UserException(name + " must be a string, got " + shown(value));
        }
        return value.textValue();
    }

    static List<String> requireTexts(JsonNode value, String name) {
        JsonNode array = requireArray(value, name);
        List<String> texts = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            texts.add(requireText(array.get(i), name + "[" + i + "]"));
        }
        return texts;
    }

    /** An integer in [min, max]; a fraction or a number beyond the range of long is refused too. */
    static long requireLong(JsonNode value, String name, long min, long max) {
        if (!require(value, name).isIntegralNumber() || !value.canConvertToLong()) {
            throw new UserException(name + " must be an integer from " + min + " to " + max + ", got " + shown(value));
        }
        long v = value.longValue();
        if (v < min || v > max) {
            throw new UserException(name + " must be an integer from " + min + " to " + max + ", got " + v);
        }
        return v;
    }

    static int requireInt(JsonNode value, String name, int min, int max) {
        return (int) requireLong(value, name, min, max);
    }

    private static JsonNode require(JsonNode value, String name) {
        if (value == null || value.isMissingNode()) {
            throw new UserException(name + " is missing");
        }
        return value;
    }

    /** A JSON value as text for an error message, cut short if long. */
    static String shown(JsonNode value) {
        String text = value.toString();
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "…";
    }

    private static void addTexts(ArrayNode array, List<String> texts) {
        for (String text : texts) {
            array.add(text);
        }
    }
}
