package org.sparkprop.driver.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
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

    /** Deepest nesting of objects and arrays read. */
    static final int MAX_DEPTH = 64;

    /**
     * Reads and writes every sparkprop JSON file: duplicate keys and trailing content are errors, and the
     * mapper never closes the streams it is given. Field names are not canonicalized (nor interned): Jackson
     * would otherwise keep every name it meets in a table shared by all later reads, so that each file read
     * would leave state behind and one with many odd names would make later reads copy a larger table.
     * Nesting deeper than {@value #MAX_DEPTH} is refused: sparkprop's files nest a few levels, and a deeply
     * nested tree costs about a hundred bytes of memory per byte of its text.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    /** Longest text of a JSON value quoted in an error message. */
    private static final int SHOWN_CHARS = 60;
    /** Most dense layers of a network spelled out in an error message. */
    private static final int SHOWN_LAYERS = 16;

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
     * The topology that {@link #toJson(Topology)} wrote. Nothing is allocated beyond what the JSON already
     * holds: the parameter count, and with it any claim of a network too large for this build, is checked by
     * {@link Topology}'s constructor before weights are read.
     */
    public static Topology readTopology(JsonNode node, String where) {
        ObjectNode object = requireObject(node, where);
        JsonNode sizesNode = requireArray(object.get("sizes"), where + ".sizes");
        int[] sizes = new int[sizesNode.size()];
        for (int l = 0; l < sizes.length; l++) {
            // an element's name is made only for an error: for a long list, a string per element costs more than the list
            JsonNode size = sizesNode.get(l);
            sizes[l] = size.isInt() && size.intValue() >= 1 ? size.intValue()
                    : requireInt(size, where + ".sizes[" + l + "]", 1, Integer.MAX_VALUE);
        }
        if (sizes.length < 2) {
            throw new UserException(where + ".sizes must hold at least an input and an output size, got " + sizes.length + " sizes");
        }
        JsonNode activationsNode = requireArray(object.get("activations"), where + ".activations");
        Activation[] activations = new Activation[activationsNode.size()];
        Activation[] known = Activation.values();
        for (int l = 0; l < activations.length; l++) {
            int index = l;
            activations[l] = requireName(activationsNode.get(l), () -> where + ".activations[" + index + "]", Activation::parse, known);
        }
        Loss loss = requireName(object.get("loss"), () -> where + ".loss", Loss::parse, Loss.values());
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

    /**
     * The constant that {@code parse} makes of the string {@code value}. A string it refuses is reported with
     * {@code known}, the constants whose texts it reads, and the value as JSON (so that a file's text never
     * breaks the message into lines). {@code name} is asked for only to report a problem.
     */
    static <E> E requireName(JsonNode value, Supplier<String> name, Function<String, E> parse, E[] known) {
        if (value == null || !value.isTextual()) {
            requireText(value, name.get());
        }
        try {
            return parse.apply(value.textValue());
        } catch (IllegalArgumentException e) {
            throw new UserException(name.get() + " must be one of "
                    + Arrays.stream(known).map(Object::toString).collect(Collectors.joining(", ")) + ", got " + shown(value));
        }
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
            JsonNode text = array.get(i);
            texts.add(text.isTextual() ? text.textValue() : requireText(text, name + "[" + i + "]"));
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

    /** A JSON value as text for an error message: on one line, cut short if long. */
    static String shown(JsonNode value) {
        String text = value.toString();
        return oneLine(text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "…");
    }

    /**
     * A network for an error message: as {@link Topology#toString()} prints it, or for more than
     * {@value #SHOWN_LAYERS} dense layers its ends and the number of layers.
     */
    static String shown(Topology topology) {
        if (topology.layers() <= SHOWN_LAYERS) {
            return topology.toString();
        }
        return topology.inputs() + " -" + topology.activation(0) + "-> … (" + topology.layers() + " dense layers) … -"
                + topology.activation(topology.layers() - 1) + "-> " + topology.outputs() + " (loss " + topology.loss() + ")";
    }

    /**
     * {@code text} with every control character and line or paragraph separator written as a Java escape
     * (backslash, u, four hexadecimal digits), so that text from a file keeps an error message on one line.
     */
    static String oneLine(String text) {
        StringBuilder line = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                line.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        return line.toString();
    }

    private static void addTexts(ArrayNode array, List<String> texts) {
        for (String text : texts) {
            array.add(text);
        }
    }
}
