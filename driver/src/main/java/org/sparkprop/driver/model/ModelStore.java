package org.sparkprop.driver.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/**
 * Saves and loads model directories through Hadoop's FileSystem API (local paths, {@code file:}, {@code hdfs:},
 * any scheme Hadoop knows). A model directory holds
 * <ul>
 *   <li>{@value #MODEL_FILE}: {@code format} ({@value #FORMAT}), {@code formatVersion} ({@value #FORMAT_VERSION}),
 *       {@code sparkpropVersion}, {@code createdAt}, {@code topology} and {@code schema} (as {@link ModelJson}
 *       writes them), {@code precision}, {@code parameterCount}, {@code weights} ({@code file}, {@code encoding},
 *       {@code count}, {@code sha256}), {@code modelSha256} (see {@link #modelSha256}), {@code training} and
 *       {@code metrics} (JSON objects);</li>
 *   <li>{@value #WEIGHTS_FILE}: the parameterCount weights as little-endian IEEE 754 float64, nothing else;</li>
 *   <li>any further JSON files handed to {@link #save}, such as the trainer's {@value #TRAINING_FILE}.</li>
 * </ul>
 *
 * <p>Saving is atomic where the file system's directory rename is (local, HDFS; not object stores): everything
 * is written to a sibling {@code <dir>.tmp-<random>} first and renamed into place, so {@code dir} never holds a
 * half-written model. Replacing a model moves the old one aside to {@code <dir>.old-<random>}, renames the new
 * one in, then deletes the old. One writer per directory is assumed.
 *
 * <p>Loading treats the directory as untrusted input: every size and count is checked against its limit before
 * anything is allocated (no allocation is sized by a number read from a file, so memory grows only with the files'
 * real size), the weights' length and SHA-256 are verified, and so is {@code modelSha256}, which covers everything
 * a prediction depends on. Every problem is reported as a {@link UserException} whose one-line message names the
 * file and what is wrong with it. A file that passes these checks predicts exactly like the model that was saved;
 * {@code ModelLoaderFuzzTest} holds the loader to that with thousands of damaged files.
 *
 * <p>Format versions: 1 had no {@code modelSha256}; 2 requires it. Files of version 1 still load, with the
 * checks above except that one.
 *
 * <p>Hadoop's client-side checksum files ({@code .crc}) are neither written nor read: the SHA-256 in
 * {@value #MODEL_FILE} covers the weights, and stale {@code .crc} files would make a hand-copied model unreadable.
 */
public final class ModelStore {

    public static final String FORMAT = "sparkprop-model";
    /** The format version this build writes, and the newest it reads. */
    public static final int FORMAT_VERSION = 2;
    /** The first format version whose model.json must carry {@code modelSha256}. */
    private static final int FIRST_VERSION_WITH_MODEL_SHA256 = 2;
    public static final String MODEL_FILE = "model.json";
    public static final String WEIGHTS_FILE = "weights.bin";
    /** The trainer's history, saved as one of the extra JSON files. */
    public static final String TRAINING_FILE = "training.json";
    public static final String WEIGHTS_ENCODING = "float64-le";
    /** Largest model.json read; topology, schema (feature names), configuration and metrics fit many times over. */
    public static final long MAX_MODEL_JSON_BYTES = 16L << 20;
    /** Largest extra JSON file read back, such as a training history with one entry per step. */
    public static final long MAX_EXTRA_JSON_BYTES = 256L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
    private static final Pattern EXTRA_FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*\\.json");
    /** Weights per chunk when encoding or decoding weights.bin. */
    private static final int CHUNK_WEIGHTS = 8192;
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    /** A sparkprop version as a message may quote it from a file. */
    private static final Pattern VERSION_TEXT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+_-]{0,39}");

    private ModelStore() {
    }

    /**
     * Writes {@code model} to the directory {@code dir}, atomically.
     *
     * @param model          the model. Not modified.
     * @param dir            the model directory, a path or URI; its parent is created when missing
     * @param extraJsonFiles further files to write into the directory, by file name (letters, digits, '_', '.',
     *                       '-', ending in ".json", not {@value #MODEL_FILE}), for example {@value #TRAINING_FILE}
     * @param overwrite      replace an existing model at {@code dir}; without it an existing {@code dir} is refused.
     *                       Even with it, only an empty directory or one holding a {@value #MODEL_FILE} is replaced.
     * @param conf           the Hadoop configuration that resolves {@code dir}'s file system
     * @throws UserException when {@code dir} exists and may not be replaced, or writing fails
     */
    public static void save(Model model, String dir, Map<String, ? extends JsonNode> extraJsonFiles, boolean overwrite,
                            Configuration conf) {
        for (String name : extraJsonFiles.keySet()) {
            if (!EXTRA_FILE_NAME.matcher(name).matches() || name.equals(MODEL_FILE)) {
                throw new IllegalArgumentException("extra model file name '" + name + "' must be a plain file name ending in .json, not " + MODEL_FILE);
            }
        }
        Path given = parse(dir);
        FileSystem fs = fileSystem(given, dir, conf);
        Path target = fs.makeQualified(given);
        Path parent = target.getParent();
        if (parent == null) {
            throw new UserException("model directory " + dir + " cannot be the root of a file system");
        }
        checkReplaceable(fs, target, dir, overwrite);
        Path temporary = new Path(parent, target.getName() + ".tmp-" + randomSuffix());
        boolean committed = false;
        try {
            if (!fs.mkdirs(temporary)) {
                throw new IOException("cannot create the directory " + temporary);
            }
            String sha256 = writeWeights(fs, new Path(temporary, WEIGHTS_FILE), model.weights());
            for (Map.Entry<String, ? extends JsonNode> extra : extraJsonFiles.entrySet()) {
                writeJson(fs, new Path(temporary, extra.getKey()), extra.getValue());
            }
            writeJson(fs, new Path(temporary, MODEL_FILE), describe(model, sha256));
            commit(fs, temporary, target, dir, overwrite);
            committed = true;
        } catch (IOException e) {
            throw new UserException("cannot write model directory " + dir + ": " + e.getMessage(), e);
        } finally {
            if (!committed) {
                deleteQuietly(fs, temporary);
            }
        }
    }

    /**
     * Reads the model in {@code dir}, checking everything (see the class comment).
     *
     * @throws UserException naming the file and the problem, for a missing, damaged, altered or foreign model,
     *                       or one written in a newer format version
     */
    public static Model load(String dir, Configuration conf) {
        Path root = parse(dir);
        FileSystem fs = fileSystem(root, dir, conf);
        Path modelPath = new Path(root, MODEL_FILE);
        String source = "model " + modelPath;
        ObjectNode json = readObject(fs, modelPath, dir, MAX_MODEL_JSON_BYTES);

        JsonNode format = json.get("format");
        if (format == null || !format.isTextual() || !format.textValue().equals(FORMAT)) {
            throw new UserException(source + ": not a sparkprop model file (format is "
                    + (format == null ? "missing" : ModelJson.shown(format)) + ", expected \"" + FORMAT + "\")");
        }
        long version = ModelJson.requireLong(json.get("formatVersion"), source + ": formatVersion", 1, Long.MAX_VALUE);
        if (version > FORMAT_VERSION) {
            JsonNode writer = json.get("sparkpropVersion");
            throw new UserException(source + ": written in format version " + version
                    + (writer != null && writer.isTextual() && VERSION_TEXT.matcher(writer.textValue()).matches()
                            ? " by sparkprop " + writer.textValue() : "")
                    + "; this build (sparkprop " + sparkpropVersion() + ") reads format version " + FORMAT_VERSION
                    + " only, so load it with a newer sparkprop");
        }

        Topology topology = ModelJson.readTopology(json.get("topology"), source + ": topology");
        Schema schema = ModelJson.readSchema(json.get("schema"), source + ": schema");
        try {
            Model.checkFits(topology, schema);
        } catch (IllegalArgumentException e) {
            throw new UserException(source + ": " + e.getMessage());
        }
        Precision precision = ModelJson.requireName(json.get("precision"), () -> source + ": precision", Precision::parse, Precision.values());
        long parameterCount = ModelJson.requireLong(json.get("parameterCount"), source + ": parameterCount", 1, Topology.MAX_PARAMETERS);
        if (parameterCount != topology.parameterCount()) {
            throw new UserException(source + ": parameterCount is " + parameterCount + " but the network " + ModelJson.shown(topology)
                    + " has " + topology.parameterCount() + " parameters");
        }

        String weightsWhere = source + ": weights";
        ObjectNode weightsJson = ModelJson.requireObject(json.get("weights"), weightsWhere);
        String weightsFile = ModelJson.requireText(weightsJson.get("file"), weightsWhere + ".file");
        if (!weightsFile.equals(WEIGHTS_FILE)) {
            throw new UserException(weightsWhere + ".file must be \"" + WEIGHTS_FILE + "\", got " + ModelJson.shown(weightsJson.get("file")));
        }
        String encoding = ModelJson.requireText(weightsJson.get("encoding"), weightsWhere + ".encoding");
        if (!encoding.equals(WEIGHTS_ENCODING)) {
            throw new UserException(weightsWhere + ".encoding must be \"" + WEIGHTS_ENCODING + "\", got " + ModelJson.shown(weightsJson.get("encoding")));
        }
        long count = ModelJson.requireLong(weightsJson.get("count"), weightsWhere + ".count", 1, Topology.MAX_PARAMETERS);
        if (count != parameterCount) {
            throw new UserException(weightsWhere + ".count is " + count + " but parameterCount is " + parameterCount);
        }
        String sha256 = ModelJson.requireText(weightsJson.get("sha256"), weightsWhere + ".sha256");
        if (!SHA256_HEX.matcher(sha256).matches()) {
            throw new UserException(weightsWhere + ".sha256 must be 64 hexadecimal digits, got " + ModelJson.shown(weightsJson.get("sha256")));
        }
        byte[] weightsSha256 = HexFormat.of().parseHex(sha256);
        ObjectNode training = ModelJson.requireObject(json.get("training"), source + ": training");
        ObjectNode metrics = ModelJson.requireObject(json.get("metrics"), source + ": metrics");

        JsonNode modelSha256 = json.get("modelSha256");
        if (modelSha256 != null || version >= FIRST_VERSION_WITH_MODEL_SHA256) {
            String claimed = ModelJson.requireText(modelSha256, source + ": modelSha256");
            if (!SHA256_HEX.matcher(claimed).matches()) {
                throw new UserException(source + ": modelSha256 must be 64 hexadecimal digits, got " + ModelJson.shown(modelSha256));
            }
            if (!claimed.equalsIgnoreCase(modelSha256(topology, precision, schema, count, weightsSha256))) {
                throw new UserException(source + ": modelSha256 does not match the topology, precision, schema and weights"
                        + " the file describes (file damaged or altered)");
            }
        }

        double[] weights = readWeights(fs, new Path(root, WEIGHTS_FILE), (int) count, weightsSha256);
        return new Model(topology, precision, schema, weights, training, metrics);
    }

    /**
     * The training history that the trainer saved as {@value #TRAINING_FILE} in the model directory {@code dir}.
     *
     * @throws UserException when the file is missing, too large, or not a JSON object
     */
    public static ObjectNode readTrainingHistory(String dir, Configuration conf) {
        Path root = parse(dir);
        return readObject(fileSystem(root, dir, conf), new Path(root, TRAINING_FILE), dir, MAX_EXTRA_JSON_BYTES);
    }

    /**
     * The SHA-256, in lower-case hexadecimal, of everything a model's predictions depend on: the UTF-8 bytes of
     * the compact JSON as Jackson writes it (no white space, fields in this order, strings with JSON's escapes)
     * <pre>
     * {"topology":T,"precision":P,"schema":S,"weights":{"count":N,"sha256":H}}
     * </pre>
     * where T and S are {@link ModelJson#toJson(Topology)} and {@link ModelJson#toJson(Schema)} of what was
     * read, P is the precision's name, N the weight count and H the weights' SHA-256 in lower case. Computed
     * from the values read rather than the file's text, it does not change with white space, field order or
     * the spelling of a number, and it covers the weights through their checksum. The training configuration
     * and the metrics are provenance, not inputs to a prediction, and are not covered.
     */
    static String modelSha256(Topology topology, Precision precision, Schema schema, long count, byte[] weightsSha256) {
        ObjectNode described = ModelJson.newObject();
        described.set("topology", ModelJson.toJson(topology));
        described.put("precision", precision.toString());
        described.set("schema", ModelJson.toJson(schema));
        described.putObject("weights").put("count", count).put("sha256", HexFormat.of().formatHex(weightsSha256));
        try {
            return HexFormat.of().formatHex(sha256().digest(ModelJson.MAPPER.writeValueAsBytes(described)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers is always written", e);
        }
    }

    /** The version of sparkprop this code belongs to, from its jar's manifest; "development" outside a jar. */
    public static String sparkpropVersion() {
        String version = ModelStore.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    private static ObjectNode describe(Model model, String sha256) {
        ObjectNode json = ModelJson.newObject();
        json.put("format", FORMAT);
        json.put("formatVersion", FORMAT_VERSION);
        json.put("sparkpropVersion", sparkpropVersion());
        json.put("createdAt", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        json.set("topology", ModelJson.toJson(model.topology()));
        json.put("precision", model.precision().toString());
        json.set("schema", ModelJson.toJson(model.schema()));
        int count = model.topology().parameterCount();
        json.put("parameterCount", count);
        ObjectNode weights = json.putObject("weights");
        weights.put("file", WEIGHTS_FILE);
        weights.put("encoding", WEIGHTS_ENCODING);
        weights.put("count", count);
        weights.put("sha256", sha256);
        json.put("modelSha256", modelSha256(model.topology(), model.precision(), model.schema(), count, HexFormat.of().parseHex(sha256)));
        json.set("training", model.training());
        json.set("metrics", model.metrics());
        return json;
    }

    /** Refuses to go on when {@code target} exists and may not be replaced. */
    private static void checkReplaceable(FileSystem fs, Path target, String dir, boolean overwrite) {
        try {
            if (!fs.exists(target)) {
                return;
            }
            if (!overwrite) {
                throw alreadyExists(dir);
            }
            if (!fs.getFileStatus(target).isDirectory()) {
                throw new UserException("model directory " + dir + " is a file; refusing to replace it");
            }
            if (fs.listStatus(target).length > 0 && !fs.exists(new Path(target, MODEL_FILE))) {
                throw new UserException("model directory " + dir + " holds files but no " + MODEL_FILE
                        + ", so it is not a sparkprop model; refusing to replace it");
            }
        } catch (IOException e) {
            throw new UserException("cannot inspect model directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static UserException alreadyExists(String dir) {
        return new UserException("model directory " + dir + " already exists; pass --overwrite to replace it");
    }

    /**
     * Renames the finished {@code temporary} directory to {@code target}. Hadoop renames a directory into an
     * existing directory rather than over it, so an existing target is moved aside first.
     */
    private static void commit(FileSystem fs, Path temporary, Path target, String dir, boolean overwrite) throws IOException {
        if (!fs.exists(target)) {
            if (!fs.rename(temporary, target)) {
                throw new IOException("cannot rename " + temporary + " to " + target);
            }
            return;
        }
        if (!overwrite) {
            throw alreadyExists(dir);
        }
        Path old = new Path(target.getParent(), target.getName() + ".old-" + randomSuffix());
        if (!fs.rename(target, old)) {
            throw new IOException("cannot move the old model " + target + " aside to " + old);
        }
        if (!fs.rename(temporary, target)) {
            if (!fs.rename(old, target)) {
                LOG.error("The old model {} could not be put back; it is at {}", target, old);
            }
            throw new IOException("cannot rename " + temporary + " to " + target);
        }
        if (!fs.delete(old, true)) {
            LOG.warn("The replaced model {} could not be deleted; delete it by hand", old);
        }
    }

    /** Writes {@code weights} as little-endian float64 and returns the SHA-256 of the bytes, in hexadecimal. */
    private static String writeWeights(FileSystem fs, Path path, double[] weights) throws IOException {
        MessageDigest digest = sha256();
        byte[] chunk = new byte[CHUNK_WEIGHTS * Double.BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = fs.create(path, false)) {
            for (int from = 0; from < weights.length; from += CHUNK_WEIGHTS) {
                int n = Math.min(CHUNK_WEIGHTS, weights.length - from);
                buffer.clear();
                buffer.asDoubleBuffer().put(weights, from, n);
                out.write(chunk, 0, n * Double.BYTES);
                digest.update(chunk, 0, n * Double.BYTES);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void writeJson(FileSystem fs, Path path, JsonNode json) throws IOException {
        try (OutputStream out = fs.create(path, false)) {
            ModelJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, json);
            out.write('\n');
        }
    }

    /**
     * Reads {@code count} weights from {@code path} after checking its length, then checks their SHA-256
     * against {@code expectedSha256} and that each is finite.
     */
    private static double[] readWeights(FileSystem fs, Path path, int count, byte[] expectedSha256) {
        String source = "model " + path;
        long expectedBytes = (long) count * Double.BYTES;
        FileStatus status = status(fs, path, source);
        if (status.getLen() != expectedBytes) {
            throw new UserException(source + ": the file is " + status.getLen() + " bytes but " + MODEL_FILE + " says it holds "
                    + count + " weights of 8 bytes (" + expectedBytes + " bytes); it is truncated or damaged");
        }
        double[] weights = new double[count];
        MessageDigest digest = sha256();
        byte[] chunk = new byte[Math.min(count, CHUNK_WEIGHTS) * Double.BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        try (FSDataInputStream in = fs.open(path)) {
            for (int from = 0; from < count; from += CHUNK_WEIGHTS) {
                int n = Math.min(CHUNK_WEIGHTS, count - from);
                in.readFully(chunk, 0, n * Double.BYTES);
                digest.update(chunk, 0, n * Double.BYTES);
                buffer.clear();
                buffer.asDoubleBuffer().get(weights, from, n);
            }
            if (in.read() != -1) {
                throw new UserException(source + ": the file grew while it was read; expected " + expectedBytes + " bytes");
            }
        } catch (EOFException e) {
            throw new UserException(source + ": the file shrank while it was read; expected " + expectedBytes + " bytes", e);
        } catch (IOException e) {
            throw new UserException(source + ": cannot read the file: " + e.getMessage(), e);
        }
        if (!MessageDigest.isEqual(digest.digest(), expectedSha256)) {
            throw new UserException(source + ": checksum does not match the sha256 in " + MODEL_FILE + " (file damaged or altered)");
        }
        int bad = Model.firstNonFinite(weights);
        if (bad >= 0) {
            throw new UserException(source + ": weight " + bad + " is " + weights[bad] + "; a model's weights must be finite");
        }
        return weights;
    }

    /** The JSON object in {@code path}, a file of the model directory {@code dir}, read only if at most {@code maxBytes} long. */
    private static ObjectNode readObject(FileSystem fs, Path path, String dir, long maxBytes) {
        String source = "model " + path;
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw missing(fs, path, dir, source);
        } catch (IOException e) {
            throw new UserException(source + ": cannot read the file: " + e.getMessage(), e);
        }
        if (status.isDirectory()) {
            throw new UserException(source + ": is a directory, not a file");
        }
        if (status.getLen() > maxBytes) {
            throw new UserException(source + ": the file is " + status.getLen() + " bytes, more than the " + maxBytes + " allowed");
        }
        byte[] bytes;
        try (InputStream in = fs.open(path)) {
            bytes = in.readNBytes((int) maxBytes + 1);
        } catch (IOException e) {
            throw new UserException(source + ": cannot read the file: " + e.getMessage(), e);
        }
        if (bytes.length > maxBytes) {
            throw new UserException(source + ": the file grew past " + maxBytes + " bytes while it was read");
        }
        JsonNode json;
        try {
            json = ModelJson.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new UserException(source + ": not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + ModelJson.oneLine(String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ")), e);
        } catch (IOException e) {
            throw new UserException(source + ": cannot read the file: " + e.getMessage(), e);
        }
        if (json == null || json.isMissingNode()) {
            throw new UserException(source + ": the file is empty");
        }
        if (!json.isObject()) {
            throw new UserException(source + ": the file must hold a JSON object, got " + ModelJson.shown(json));
        }
        return (ObjectNode) json;
    }

    private static FileStatus status(FileSystem fs, Path path, String source) {
        try {
            return fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw new UserException(source + ": file not found");
        } catch (IOException e) {
            throw new UserException(source + ": cannot read the file: " + e.getMessage(), e);
        }
    }

    /** The error for a missing file of a model directory: the directory itself may be what is missing. */
    private static UserException missing(FileSystem fs, Path path, String dir, String source) {
        try {
            if (!fs.exists(path.getParent())) {
                return new UserException("model directory " + dir + " does not exist");
            }
        } catch (IOException e) {
            return new UserException(source + ": file not found (and the directory cannot be inspected: " + e.getMessage() + ")", e);
        }
        return new UserException(source + ": file not found");
    }

    private static Path parse(String dir) {
        if (dir == null || dir.isBlank()) {
            throw new UserException("the model directory must be given, got '" + dir + "'");
        }
        try {
            return new Path(dir);
        } catch (IllegalArgumentException e) {
            throw new UserException("model directory " + dir + " is not a valid path: " + e.getMessage(), e);
        }
    }

    /** The file system of {@code path}, without Hadoop's client-side checksums (see the class comment). */
    private static FileSystem fileSystem(Path path, String dir, Configuration conf) {
        try {
            FileSystem fs = path.getFileSystem(conf);
            return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
        } catch (IOException | IllegalArgumentException e) {
            // Hadoop reports an unknown host as an IllegalArgumentException
            throw new UserException("model directory " + dir + ": cannot open its file system: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(FileSystem fs, Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary directory {}: {}", path, e.getMessage());
        }
    }

    private static String randomSuffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
