package org.sparkprop.predictor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/**
 * The model directory's format, read and written in this one place, with no file system of its own: the driver's
 * {@code ModelStore} hands it Hadoop's streams, {@link Predictor} local files. A model directory holds
 * <ul>
 *   <li>{@value #MODEL_FILE}: {@code format} ({@value #FORMAT}), {@code formatVersion} ({@value #FORMAT_VERSION}),
 *       {@code sparkpropVersion}, {@code createdAt}, {@code topology} and {@code schema}, {@code precision},
 *       {@code parameterCount}, {@code weights} ({@code file}, {@code encoding}, {@code count}, {@code sha256}),
 *       {@code modelSha256} (see {@link #modelSha256}), {@code training} and {@code metrics} (JSON objects);</li>
 *   <li>{@value #WEIGHTS_FILE}: the parameterCount weights as little-endian IEEE 754 float64, nothing else;</li>
 *   <li>further files, such as the trainer's {@value #TRAINING_FILE}; a Spark ML model's {@code metadata/}.</li>
 * </ul>
 * <pre>
 * topology: {"sizes": [4, 16, 3], "activations": ["relu", "softmax"], "loss": "cross_entropy"}
 * schema:   {"numFeatures": 4, "featureNames": [...], "labelColumns": ["species"], "labelKind": "classes",
 *            "classes": ["setosa", ...], "outputs": 3, "weightColumn": "w"}
 * </pre>
 * {@code weightColumn} is there only for a model trained with sample weights: the column that is never a feature,
 * by which evaluation weighs the rows of data that still hold it and which prediction skips.
 *
 * <p>{@code training} records the training configuration, training-only settings included: {@code dropout} (the
 * rates, "0" for none) and {@code class-weights} ("balanced", the weights in class order, or "none"; null for
 * regression). They are provenance: a prediction never applies dropout or weights, and {@code modelSha256} does not
 * cover them.
 *
 * <p>Reading treats the directory as untrusted input: JSON is read bounded by {@link Json#MAPPER}, every field's
 * type and range is checked before anything is allocated (no allocation is sized by a number read from a file),
 * the weights' length, SHA-256 and finiteness are verified, and so is {@code modelSha256}, which covers everything
 * a prediction depends on. Every problem is a {@link ModelFormatException} whose one-line message names the file
 * and what is wrong with it.
 *
 * <p>Format versions: 1 had no {@code modelSha256}; 2 requires it; 3 adds the schema's {@code weightColumn} (an
 * older reader would take a weighted model's data for unweighted ones). Files of versions 1 and 2 still load, version
 * 1 with the checks above except {@code modelSha256}; a {@code weightColumn} in a file of version 1 or 2 is refused,
 * and so is a newer version, with a sentence saying so.
 */
public final class ModelFormat {

    public static final String FORMAT = "sparkprop-model";
    /** The format version this build writes, and the newest it reads. */
    public static final int FORMAT_VERSION = 3;
    /** The first format version whose model.json must carry {@code modelSha256}. */
    private static final int FIRST_VERSION_WITH_MODEL_SHA256 = 2;
    /** The first format version whose schema may name a {@code weightColumn}. */
    private static final int FIRST_VERSION_WITH_WEIGHT_COLUMN = 3;
    public static final String MODEL_FILE = "model.json";
    public static final String WEIGHTS_FILE = "weights.bin";
    /** The trainer's history. */
    public static final String TRAINING_FILE = "training.json";
    public static final String WEIGHTS_ENCODING = "float64-le";
    /** Largest model.json read; topology, schema (feature names), configuration and metrics fit many times over. */
    public static final long MAX_MODEL_JSON_BYTES = 16L << 20;
    /** Largest extra JSON file read back, such as a training history with one entry per step. */
    public static final long MAX_EXTRA_JSON_BYTES = 256L << 20;

    /** Weights per chunk when encoding or decoding weights.bin. */
    private static final int CHUNK_WEIGHTS = 8192;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    /** A sparkprop version as a message may quote it from a file. */
    private static final Pattern VERSION_TEXT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+_-]{0,39}");
    /** Most dense layers of a network spelled out in an error message. */
    private static final int SHOWN_LAYERS = 16;

    private ModelFormat() {
    }

    /**
     * Reads the model in {@code dir}, checking everything (see the class comment).
     *
     * @throws ModelFormatException naming the file and the problem, for a missing, damaged, altered or foreign
     *                              model, or one written in a newer format version
     */
    public static ModelFile read(ModelDirectory dir) {
        String source = "model " + dir.path(MODEL_FILE);
        ObjectNode json = readObject(dir, MODEL_FILE, MAX_MODEL_JSON_BYTES);

        JsonNode format = json.get("format");
        if (format == null || !format.isTextual() || !format.textValue().equals(FORMAT)) {
            throw new ModelFormatException(source + ": not a sparkprop model file (format is "
                    + (format == null ? "missing" : Json.shown(format)) + ", expected \"" + FORMAT + "\")");
        }
        long version = Json.requireLong(json.get("formatVersion"), source + ": formatVersion", 1, Long.MAX_VALUE);
        if (version > FORMAT_VERSION) {
            JsonNode writer = json.get("sparkpropVersion");
            throw new ModelFormatException(source + ": written in format version " + version
                    + (writer != null && writer.isTextual() && VERSION_TEXT.matcher(writer.textValue()).matches()
                            ? " by sparkprop " + writer.textValue() : "")
                    + "; this build (sparkprop " + sparkpropVersion() + ") reads format version " + FORMAT_VERSION
                    + " only, so load it with a newer sparkprop");
        }

        Topology topology = readTopology(json.get("topology"), source + ": topology");
        ModelSchema schema = readSchema(json.get("schema"), source + ": schema");
        if (schema.weightColumn() != null && version < FIRST_VERSION_WITH_WEIGHT_COLUMN) {
            throw new ModelFormatException(source + ": schema.weightColumn is a field of format version " + FIRST_VERSION_WITH_WEIGHT_COLUMN
                    + " and later, but the file says format version " + version + " (file damaged or altered)");
        }
        try {
            checkFits(topology, schema);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(source + ": " + e.getMessage());
        }
        Precision precision = Json.requireName(json.get("precision"), () -> source + ": precision", Precision::parse, Precision.values());
        long parameterCount = Json.requireLong(json.get("parameterCount"), source + ": parameterCount", 1, Topology.MAX_PARAMETERS);
        if (parameterCount != topology.parameterCount()) {
            throw new ModelFormatException(source + ": parameterCount is " + parameterCount + " but the network " + shown(topology)
                    + " has " + topology.parameterCount() + " parameters");
        }

        String weightsWhere = source + ": weights";
        ObjectNode weightsJson = Json.requireObject(json.get("weights"), weightsWhere);
        String weightsFile = Json.requireText(weightsJson.get("file"), weightsWhere + ".file");
        if (!weightsFile.equals(WEIGHTS_FILE)) {
            throw new ModelFormatException(weightsWhere + ".file must be \"" + WEIGHTS_FILE + "\", got " + Json.shown(weightsJson.get("file")));
        }
        String encoding = Json.requireText(weightsJson.get("encoding"), weightsWhere + ".encoding");
        if (!encoding.equals(WEIGHTS_ENCODING)) {
            throw new ModelFormatException(weightsWhere + ".encoding must be \"" + WEIGHTS_ENCODING + "\", got "
                    + Json.shown(weightsJson.get("encoding")));
        }
        long count = Json.requireLong(weightsJson.get("count"), weightsWhere + ".count", 1, Topology.MAX_PARAMETERS);
        if (count != parameterCount) {
            throw new ModelFormatException(weightsWhere + ".count is " + count + " but parameterCount is " + parameterCount);
        }
        String sha256 = Json.requireText(weightsJson.get("sha256"), weightsWhere + ".sha256");
        if (!SHA256_HEX.matcher(sha256).matches()) {
            throw new ModelFormatException(weightsWhere + ".sha256 must be 64 hexadecimal digits, got " + Json.shown(weightsJson.get("sha256")));
        }
        byte[] weightsSha256 = HexFormat.of().parseHex(sha256);
        ObjectNode training = Json.requireObject(json.get("training"), source + ": training");
        ObjectNode metrics = Json.requireObject(json.get("metrics"), source + ": metrics");

        String computed = modelSha256(topology, precision, schema, count, weightsSha256);
        JsonNode modelSha256 = json.get("modelSha256");
        if (modelSha256 != null || version >= FIRST_VERSION_WITH_MODEL_SHA256) {
            String claimed = Json.requireText(modelSha256, source + ": modelSha256");
            if (!SHA256_HEX.matcher(claimed).matches()) {
                throw new ModelFormatException(source + ": modelSha256 must be 64 hexadecimal digits, got " + Json.shown(modelSha256));
            }
            if (!claimed.equalsIgnoreCase(computed)) {
                throw new ModelFormatException(source + ": modelSha256 does not match the topology, precision, schema and weights"
                        + " the file describes (file damaged or altered)");
            }
        }

        double[] weights = readWeights(dir, (int) count, weightsSha256);
        return new ModelFile((int) version, topology, precision, schema, weights, computed, training, metrics);
    }

    /**
     * The JSON object in the file {@code file} of {@code dir}, read only if at most {@code maxBytes} long.
     *
     * @throws ModelFormatException when the file or the directory is missing, too large, not JSON or not an object
     */
    public static ObjectNode readObject(ModelDirectory dir, String file, long maxBytes) {
        String source = "model " + dir.path(file);
        ModelDirectory.Entry entry;
        try {
            entry = dir.entry(file);
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot read the file: " + e.getMessage(), e);
        }
        if (!entry.exists()) {
            throw missing(dir, source);
        }
        if (entry.directory()) {
            throw new ModelFormatException(source + ": is a directory, not a file");
        }
        byte[] bytes;
        try (InputStream in = dir.open(file)) {
            bytes = Json.readBounded(in, entry.length(), maxBytes, source);
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot read the file: " + e.getMessage(), e);
        }
        JsonNode json = Json.parse(bytes, source);
        if (!json.isObject()) {
            throw new ModelFormatException(source + ": the file must hold a JSON object, got " + Json.shown(json));
        }
        return (ObjectNode) json;
    }

    /**
     * model.json's content for a model: what {@link #read} checks, {@code modelSha256} computed here.
     *
     * @param weightsSha256 the SHA-256 of weights.bin in hexadecimal, as {@link #writeWeights} returns it
     */
    public static ObjectNode describe(Topology topology, Precision precision, ModelSchema schema, String weightsSha256,
                                      ObjectNode training, ObjectNode metrics) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("format", FORMAT);
        json.put("formatVersion", FORMAT_VERSION);
        json.put("sparkpropVersion", sparkpropVersion());
        json.put("createdAt", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        json.set("topology", toJson(topology));
        json.put("precision", precision.toString());
        json.set("schema", toJson(schema));
        int count = topology.parameterCount();
        json.put("parameterCount", count);
        ObjectNode weights = json.putObject("weights");
        weights.put("file", WEIGHTS_FILE);
        weights.put("encoding", WEIGHTS_ENCODING);
        weights.put("count", count);
        weights.put("sha256", weightsSha256);
        json.put("modelSha256", modelSha256(topology, precision, schema, count, HexFormat.of().parseHex(weightsSha256)));
        json.set("training", training);
        json.set("metrics", metrics);
        return json;
    }

    /**
     * The SHA-256, in lower-case hexadecimal, of everything a model's predictions depend on: the UTF-8 bytes of
     * the compact JSON as Jackson writes it (no white space, fields in this order, strings with JSON's escapes)
     * <pre>
     * {"topology":T,"precision":P,"schema":S,"weights":{"count":N,"sha256":H}}
     * </pre>
     * where T and S are {@link #toJson(Topology)} and {@link #toJson(ModelSchema)} of what was read, P is the
     * precision's name, N the weight count and H the weights' SHA-256 in lower case. Computed from the values read
     * rather than the file's text, it does not change with white space, field order or the spelling of a number,
     * and it covers the weights through their checksum. S holds {@code weightColumn} only where the model has one, so
     * a model without sample weights has the same modelSha256 in every format version. The training configuration and
     * the metrics are provenance, not inputs to a prediction, and are not covered.
     */
    public static String modelSha256(Topology topology, Precision precision, ModelSchema schema, long count, byte[] weightsSha256) {
        ObjectNode described = Json.MAPPER.createObjectNode();
        described.set("topology", toJson(topology));
        described.put("precision", precision.toString());
        described.set("schema", toJson(schema));
        described.putObject("weights").put("count", count).put("sha256", HexFormat.of().formatHex(weightsSha256));
        try {
            return Sha256.hex(Json.MAPPER.writeValueAsBytes(described));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers is always written", e);
        }
    }

    /** Writes {@code weights} as little-endian float64 to {@code out} and returns the SHA-256 of the bytes, in hexadecimal. */
    public static String writeWeights(OutputStream out, double[] weights) throws IOException {
        MessageDigest digest = Sha256.digest();
        byte[] chunk = new byte[CHUNK_WEIGHTS * Double.BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < weights.length; from += CHUNK_WEIGHTS) {
            int n = Math.min(CHUNK_WEIGHTS, weights.length - from);
            buffer.clear();
            buffer.asDoubleBuffer().put(weights, from, n);
            out.write(chunk, 0, n * Double.BYTES);
            digest.update(chunk, 0, n * Double.BYTES);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Reads {@code count} weights from weights.bin after checking its length, then checks their SHA-256 against
     * {@code expectedSha256} and that each is finite.
     */
    private static double[] readWeights(ModelDirectory dir, int count, byte[] expectedSha256) {
        String source = "model " + dir.path(WEIGHTS_FILE);
        long expectedBytes = (long) count * Double.BYTES;
        ModelDirectory.Entry entry;
        try {
            entry = dir.entry(WEIGHTS_FILE);
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot read the file: " + e.getMessage(), e);
        }
        if (!entry.exists()) {
            throw new ModelFormatException(source + ": file not found");
        }
        if (entry.length() != expectedBytes) {
            throw new ModelFormatException(source + ": the file is " + entry.length() + " bytes but " + MODEL_FILE + " says it holds "
                    + count + " weights of 8 bytes (" + expectedBytes + " bytes); it is truncated or damaged");
        }
        double[] weights = new double[count];
        MessageDigest digest = Sha256.digest();
        byte[] chunk = new byte[Math.min(count, CHUNK_WEIGHTS) * Double.BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        try (InputStream in = dir.open(WEIGHTS_FILE)) {
            for (int from = 0; from < count; from += CHUNK_WEIGHTS) {
                int n = Math.min(CHUNK_WEIGHTS, count - from);
                readFully(in, chunk, n * Double.BYTES);
                digest.update(chunk, 0, n * Double.BYTES);
                buffer.clear();
                buffer.asDoubleBuffer().get(weights, from, n);
            }
            if (in.read() != -1) {
                throw new ModelFormatException(source + ": the file grew while it was read; expected " + expectedBytes + " bytes");
            }
        } catch (EOFException e) {
            throw new ModelFormatException(source + ": the file shrank while it was read; expected " + expectedBytes + " bytes", e);
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot read the file: " + e.getMessage(), e);
        }
        if (!MessageDigest.isEqual(digest.digest(), expectedSha256)) {
            throw new ModelFormatException(source + ": checksum does not match the sha256 in " + MODEL_FILE + " (file damaged or altered)");
        }
        int bad = firstNonFinite(weights);
        if (bad >= 0) {
            throw new ModelFormatException(source + ": weight " + bad + " is " + weights[bad] + "; a model's weights must be finite");
        }
        return weights;
    }

    private static void readFully(InputStream in, byte[] bytes, int length) throws IOException {
        if (in.readNBytes(bytes, 0, length) != length) {
            throw new EOFException();
        }
    }

    /** The error for a missing file of a model directory: the directory itself may be what is missing. */
    private static ModelFormatException missing(ModelDirectory dir, String source) {
        try {
            if (!dir.exists()) {
                return new ModelFormatException("model directory " + dir.name() + " does not exist");
            }
        } catch (IOException e) {
            return new ModelFormatException(source + ": file not found (and the directory cannot be inspected: " + e.getMessage() + ")", e);
        }
        return new ModelFormatException(source + ": file not found");
    }

    public static ObjectNode toJson(Topology topology) {
        ObjectNode node = Json.MAPPER.createObjectNode();
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

    public static ObjectNode toJson(ModelSchema schema) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("numFeatures", schema.numFeatures());
        addTexts(node.putArray("featureNames"), schema.featureNames());
        addTexts(node.putArray("labelColumns"), schema.labelColumns());
        node.put("labelKind", schema.kind().id());
        addTexts(node.putArray("classes"), schema.classes());
        node.put("outputs", schema.outputs());
        if (schema.weightColumn() != null) {
            node.put("weightColumn", schema.weightColumn());
        }
        return node;
    }

    /**
     * The topology that {@link #toJson(Topology)} wrote. Nothing is allocated beyond what the JSON already
     * holds: the parameter count, and with it any claim of a network too large for this build, is checked by
     * {@link Topology}'s constructor before weights are read. {@code where} names the node being read, for
     * example {@code "model /m/model.json: topology"}; its field {@code sizes} is then named
     * {@code "model /m/model.json: topology.sizes"}.
     */
    public static Topology readTopology(JsonNode node, String where) {
        ObjectNode object = Json.requireObject(node, where);
        JsonNode sizesNode = Json.requireArray(object.get("sizes"), where + ".sizes");
        int[] sizes = new int[sizesNode.size()];
        for (int l = 0; l < sizes.length; l++) {
            // an element's name is made only for an error: for a long list, a string per element costs more than the list
            JsonNode size = sizesNode.get(l);
            sizes[l] = size.isInt() && size.intValue() >= 1 ? size.intValue()
                    : Json.requireInt(size, where + ".sizes[" + l + "]", 1, Integer.MAX_VALUE);
        }
        if (sizes.length < 2) {
            throw new ModelFormatException(where + ".sizes must hold at least an input and an output size, got " + sizes.length + " sizes");
        }
        JsonNode activationsNode = Json.requireArray(object.get("activations"), where + ".activations");
        Activation[] activations = new Activation[activationsNode.size()];
        Activation[] known = Activation.values();
        for (int l = 0; l < activations.length; l++) {
            int index = l;
            activations[l] = Json.requireName(activationsNode.get(l), () -> where + ".activations[" + index + "]", Activation::parse, known);
        }
        Loss loss = Json.requireName(object.get("loss"), () -> where + ".loss", Loss::parse, Loss.values());
        try {
            return new Topology(sizes, activations, loss);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage());
        }
    }

    /** The schema that {@link #toJson(ModelSchema)} wrote; {@code where} as for {@link #readTopology}. */
    public static ModelSchema readSchema(JsonNode node, String where) {
        ObjectNode object = Json.requireObject(node, where);
        int numFeatures = Json.requireInt(object.get("numFeatures"), where + ".numFeatures", 1, Integer.MAX_VALUE);
        List<String> featureNames = Json.requireTexts(object.get("featureNames"), where + ".featureNames");
        List<String> labelColumns = Json.requireTexts(object.get("labelColumns"), where + ".labelColumns");
        String kindName = where + ".labelKind";
        String kindText = Json.requireText(object.get("labelKind"), kindName);
        OutputKind labelKind = null;
        for (OutputKind kind : OutputKind.values()) {
            if (kind.name().equalsIgnoreCase(kindText)) {
                labelKind = kind;
            }
        }
        if (labelKind == null) {
            throw new ModelFormatException(kindName + " must be one of regression, classes, binary, multilabel, got " + Json.shown(object.get("labelKind")));
        }
        List<String> classes = Json.requireTexts(object.get("classes"), where + ".classes");
        int outputs = Json.requireInt(object.get("outputs"), where + ".outputs", 1, Integer.MAX_VALUE);
        JsonNode weightNode = object.get("weightColumn");
        String weightColumn = weightNode == null ? null : Json.requireText(weightNode, where + ".weightColumn");
        try {
            return new ModelSchema(numFeatures, featureNames, labelColumns, labelKind, classes, outputs, weightColumn);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage());
        }
    }

    /**
     * Throws IllegalArgumentException unless {@code schema} describes data that {@code topology} can train on:
     * as many features as inputs, as many outputs, labels of the kind the loss trains on, label columns for a
     * CSV input (none for LibSVM; one holding a class label, else one per output), and for classification one
     * distinct class label per class index.
     */
    public static void checkFits(Topology topology, ModelSchema schema) {
        if (schema.outputs() != topology.outputs()) {
            throw new IllegalArgumentException("the schema has " + schema.outputs() + " outputs but the network "
                    + shown(topology) + " has " + topology.outputs());
        }
        if (schema.numFeatures() != topology.inputs()) {
            throw new IllegalArgumentException("the schema has " + schema.numFeatures() + " features but the network "
                    + shown(topology) + " has " + topology.inputs() + " inputs");
        }
        OutputKind kind = schema.kind();
        Loss loss = topology.loss();
        boolean fits = switch (loss) {
            case MSE -> kind == OutputKind.REGRESSION;
            case SOFTMAX_CROSS_ENTROPY -> kind == OutputKind.CLASSES;
            case BINARY_CROSS_ENTROPY -> kind == OutputKind.BINARY || kind == OutputKind.MULTILABEL;
        };
        if (!fits) {
            throw new IllegalArgumentException("labels of kind " + kind + " do not fit loss " + loss);
        }
        int expectedClasses = switch (kind) {
            case CLASSES -> schema.outputs();
            case BINARY -> 2;
            case REGRESSION, MULTILABEL -> 0;
        };
        if (schema.classes().size() != expectedClasses) {
            throw new IllegalArgumentException("labels of kind " + kind + " with " + schema.outputs() + " outputs need "
                    + expectedClasses + " class labels, the schema has " + schema.classes().size());
        }
        if (new HashSet<>(schema.classes()).size() != schema.classes().size()) {
            throw new IllegalArgumentException("the class labels must differ from each other, got " + schema.classes().size()
                    + " labels of which " + new HashSet<>(schema.classes()).size() + " differ");
        }
        int labelColumns = kind == OutputKind.CLASSES || kind == OutputKind.BINARY ? 1 : schema.outputs();
        if (!schema.labelColumns().isEmpty() && schema.labelColumns().size() != labelColumns) {
            throw new IllegalArgumentException("labels of kind " + kind + " with " + schema.outputs() + " outputs come from "
                    + labelColumns + (labelColumns == 1 ? " label column" : " label columns") + " (or none, for LibSVM),"
                    + " the schema has " + schema.labelColumns().size());
        }
    }

    /** Index of the first NaN or infinite value in {@code values}, or -1 if all are finite. */
    public static int firstNonFinite(double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A network for an error message: as {@link Topology#toString()} prints it, or for more than
     * {@value #SHOWN_LAYERS} dense layers its ends and the number of layers.
     */
    public static String shown(Topology topology) {
        if (topology.layers() <= SHOWN_LAYERS) {
            return topology.toString();
        }
        return topology.inputs() + " -" + topology.activation(0) + "-> … (" + topology.layers() + " dense layers) … -"
                + topology.activation(topology.layers() - 1) + "-> " + topology.outputs() + " (loss " + topology.loss() + ")";
    }

    /** The version of sparkprop this code belongs to, from its jar's manifest; "development" outside a jar. */
    public static String sparkpropVersion() {
        String version = ModelFormat.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    private static void addTexts(ArrayNode array, List<String> texts) {
        for (String text : texts) {
            array.add(text);
        }
    }
}
