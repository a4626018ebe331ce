package org.sparkprop.driver.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Topology;
import org.sparkprop.predictor.Json;
import org.sparkprop.predictor.ModelFormat;
import org.sparkprop.predictor.ModelFormatException;
import org.sparkprop.predictor.ModelSchema;
import org.sparkprop.predictor.OutputKind;

/**
 * JSON forms of a network's shape and its data schema, shared by model files and anything else that records
 * them (checkpoints, reports):
 * <pre>
 * topology: {"sizes": [4, 16, 3], "activations": ["relu", "softmax"], "loss": "cross_entropy"}
 * schema:   {"numFeatures": 4, "featureNames": [...], "labelColumns": ["species"], "labelKind": "classes",
 *            "classes": ["setosa", ...], "outputs": 3, "weightColumn": "w"}   (weightColumn only where there is one)
 * </pre>
 * The forms, their readers and the hardened mapper live in the Spark-free predictor module ({@link ModelFormat},
 * {@link Json}), which reads model directories without Spark; this class is their face on the driver's side: it
 * takes and gives the driver's {@link Schema}, and reports a problem as a {@link UserException} naming the file and
 * the field. {@code where} names the node being read, for example {@code "model /m/model.json: topology"}; its
 * field {@code sizes} is then named {@code "model /m/model.json: topology.sizes"}.
 */
public final class ModelJson {

    /** Reads and writes every sparkprop JSON file: see {@link Json#MAPPER}. */
    static final ObjectMapper MAPPER = Json.MAPPER;

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
        return ModelFormat.toJson(topology);
    }

    public static ObjectNode toJson(Schema schema) {
        return ModelFormat.toJson(toModelSchema(schema));
    }

    /** The topology that {@link #toJson(Topology)} wrote (see {@link ModelFormat#readTopology}). */
    public static Topology readTopology(JsonNode node, String where) {
        return checked(() -> ModelFormat.readTopology(node, where));
    }

    /** The schema that {@link #toJson(Schema)} wrote. */
    public static Schema readSchema(JsonNode node, String where) {
        return toSchema(checked(() -> ModelFormat.readSchema(node, where)));
    }

    /** The predictor module's form of {@code schema}. */
    public static ModelSchema toModelSchema(Schema schema) {
        return new ModelSchema(schema.numFeatures(), schema.featureNames(), schema.labelColumns(),
                OutputKind.valueOf(schema.labelKind().name()), schema.classes(), schema.outputs(), schema.weightColumn());
    }

    /** The driver's form of {@code schema}. */
    public static Schema toSchema(ModelSchema schema) {
        return new Schema(schema.numFeatures(), schema.featureNames(), schema.labelColumns(),
                LabelKind.valueOf(schema.kind().name()), schema.classes(), schema.outputs(), schema.weightColumn());
    }

    /** What {@code read} returns; a {@link ModelFormatException} it throws becomes a {@link UserException}. */
    static <T> T checked(Supplier<T> read) {
        try {
            return read.get();
        } catch (ModelFormatException e) {
            throw new UserException(e.getMessage(), e);
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
        if (readsBackAsIs(object)) {
            // what JSON reading made, such as a loaded file's tree: a copy is enough, and costs less than a round trip
            return object.deepCopy();
        }
        try {
            return (ObjectNode) MAPPER.readTree(MAPPER.writeValueAsBytes(object));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(name + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("reading JSON back from memory failed", e);
        }
    }

    /**
     * True if writing {@code node} as JSON and reading it back gives an equal tree: it holds only objects, arrays,
     * strings, booleans, nulls, finite doubles and integers of the narrowest of int, long and BigInteger that
     * holds them, the nodes {@link #MAPPER} reads.
     */
    private static boolean readsBackAsIs(JsonNode node) {
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (!readsBackAsIs(child)) {
                    return false;
                }
            }
            return true;
        }
        return switch (node.getNodeType()) {
            case STRING, BOOLEAN, NULL -> true;
            case NUMBER -> node.isInt() || (node.isLong() && !node.canConvertToInt())
                    || (node.isBigInteger() && !node.canConvertToLong()) || (node.isDouble() && Double.isFinite(node.doubleValue()));
            default -> false;
        };
    }

    /** A JSON value as text for an error message: on one line, cut short if long. */
    static String shown(JsonNode value) {
        return Json.shown(value);
    }

    /** A network for an error message (see {@link ModelFormat#shown(Topology)}). */
    static String shown(Topology topology) {
        return ModelFormat.shown(topology);
    }

    /** {@code text} on one line (see {@link Json#oneLine}). */
    static String oneLine(String text) {
        return Json.oneLine(text);
    }
}
