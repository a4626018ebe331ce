package org.sparkprop.driver.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import org.sparkprop.predictor.ModelFile;
import org.sparkprop.predictor.ModelFormat;

/**
 * Saves and loads model directories through Hadoop's FileSystem API (local paths, {@code file:}, {@code hdfs:},
 * any scheme Hadoop knows). A model directory holds
 * <ul>
 *   <li>{@value #MODEL_FILE}: {@code format} ({@value #FORMAT}), {@code formatVersion} ({@value #FORMAT_VERSION}),
 *       {@code sparkpropVersion}, {@code createdAt}, {@code topology} and {@code schema} (as {@link ModelJson}
 *       writes them; the schema's {@code weightColumn} for a model trained with sample weights), {@code precision},
 *       {@code parameterCount}, {@code weights} ({@code file}, {@code encoding}, {@code count}, {@code sha256}),
 *       {@code modelSha256} (see {@link #modelSha256}), {@code training} and {@code metrics} (JSON objects);</li>
 *   <li>{@value #WEIGHTS_FILE}: the parameterCount weights as little-endian IEEE 754 float64, nothing else;</li>
 *   <li>any further JSON files handed to {@link #save}, such as the trainer's {@value #TRAINING_FILE}.</li>
 * </ul>
 *
 * <p>Saving is atomic where the file system's directory rename is (local, HDFS; not object stores): everything
 * is written to a sibling {@code <dir>.tmp-<random>} first and renamed into place, so {@code dir} never holds a
 * half-written model. Replacing a model moves the old one aside to {@code <dir>.old-<random>}, renames the new
 * one in, then deletes the old. One writer per directory is assumed.
 *
 * <p>The format itself, reading included, is the predictor module's {@link ModelFormat}, which reads model
 * directories without Spark too; this class gives it Hadoop's files and the driver's types.
 *
 * <p>Loading treats the directory as untrusted input: every size and count is checked against its limit before
 * anything is allocated (no allocation is sized by a number read from a file, so memory grows only with the files'
 * real size), the weights' length and SHA-256 are verified, and so is {@code modelSha256}, which covers everything
 * a prediction depends on. Every problem is reported as a {@link UserException} whose one-line message names the
 * file and what is wrong with it. A file that passes these checks predicts exactly like the model that was saved;
 * {@code ModelLoaderFuzzTest} holds the loader to that with thousands of damaged files.
 *
 * <p>Format versions: 1 had no {@code modelSha256}; 2 requires it; 3 adds the schema's {@code weightColumn}. Files of
 * versions 1 and 2 still load, version 1 with the checks above except {@code modelSha256} (see {@link ModelFormat}).
 *
 * <p>Hadoop's client-side checksum files ({@code .crc}) are neither written nor read: the SHA-256 in
 * {@value #MODEL_FILE} covers the weights, and stale {@code .crc} files would make a hand-copied model unreadable.
 */
public final class ModelStore {

    public static final String FORMAT = ModelFormat.FORMAT;
    /** The format version this build writes, and the newest it reads. */
    public static final int FORMAT_VERSION = ModelFormat.FORMAT_VERSION;
    public static final String MODEL_FILE = ModelFormat.MODEL_FILE;
    public static final String WEIGHTS_FILE = ModelFormat.WEIGHTS_FILE;
    /** The trainer's history, saved as one of the extra JSON files. */
    public static final String TRAINING_FILE = ModelFormat.TRAINING_FILE;
    public static final String WEIGHTS_ENCODING = ModelFormat.WEIGHTS_ENCODING;
    /** Largest model.json read; topology, schema (feature names), configuration and metrics fit many times over. */
    public static final long MAX_MODEL_JSON_BYTES = ModelFormat.MAX_MODEL_JSON_BYTES;
    /** Largest extra JSON file read back, such as a training history with one entry per step. */
    public static final long MAX_EXTRA_JSON_BYTES = ModelFormat.MAX_EXTRA_JSON_BYTES;

    private static final Pattern EXTRA_FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*\\.json");

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
        save(model, dir, extraJsonFiles, overwrite, conf, temporary -> {
        });
    }

    /**
     * As {@link #save(Model, String, Map, boolean, Configuration)}, and {@code more} writes further content into the
     * directory before it is committed (a Spark ML model's {@code metadata/}), so that all of it appears at once.
     */
    public static void save(Model model, String dir, Map<String, ? extends JsonNode> extraJsonFiles, boolean overwrite,
                            Configuration conf, HadoopFiles.DirectoryContent more) {
        for (String name : extraJsonFiles.keySet()) {
            if (!EXTRA_FILE_NAME.matcher(name).matches() || name.equals(MODEL_FILE)) {
                throw new IllegalArgumentException("extra model file name '" + name + "' must be a plain file name ending in .json, not " + MODEL_FILE);
            }
        }
        Path given = parse(dir);
        FileSystem fs = fileSystem(given, dir, conf);
        Path target = fs.makeQualified(given);
        if (target.getParent() == null) {
            throw new UserException("model directory " + dir + " cannot be the root of a file system");
        }
        checkReplaceable(fs, target, dir, overwrite);
        try {
            HadoopFiles.writeDirectoryAtomically(fs, target, overwrite, "model", alreadyExists(dir), temporary -> {
                String sha256;
                try (OutputStream out = fs.create(new Path(temporary, WEIGHTS_FILE), false)) {
                    sha256 = ModelFormat.writeWeights(out, model.weights());
                }
                for (Map.Entry<String, ? extends JsonNode> extra : extraJsonFiles.entrySet()) {
                    writeJson(fs, new Path(temporary, extra.getKey()), extra.getValue());
                }
                writeJson(fs, new Path(temporary, MODEL_FILE), ModelFormat.describe(model.topology(), model.precision(),
                        ModelJson.toModelSchema(model.schema()), sha256, model.training(), model.metrics()));
                more.writeInto(temporary);
            });
        } catch (IOException e) {
            throw new UserException("cannot write model directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the model in {@code dir}, checking everything (see the class comment).
     *
     * @throws UserException naming the file and the problem, for a missing, damaged, altered or foreign model,
     *                       or one written in a newer format version
     */
    public static Model load(String dir, Configuration conf) {
        ModelFile file = read(dir, conf);
        return new Model(file.topology(), file.precision(), ModelJson.toSchema(file.schema()), file.weights(),
                file.training(), file.metrics());
    }

    /**
     * The model in {@code dir} as the predictor module reads it (with its {@code modelSha256}), checked as
     * {@link #load} checks it.
     */
    public static ModelFile read(String dir, Configuration conf) {
        Path root = parse(dir);
        FileSystem fs = fileSystem(root, dir, conf);
        return ModelJson.checked(() -> ModelFormat.read(HadoopFiles.modelDirectory(fs, root, dir)));
    }

    /**
     * The training history that the trainer saved as {@value #TRAINING_FILE} in the model directory {@code dir}.
     *
     * @throws UserException when the file is missing, too large, or not a JSON object
     */
    public static ObjectNode readTrainingHistory(String dir, Configuration conf) {
        Path root = parse(dir);
        FileSystem fs = fileSystem(root, dir, conf);
        return ModelJson.checked(() -> ModelFormat.readObject(HadoopFiles.modelDirectory(fs, root, dir), TRAINING_FILE, MAX_EXTRA_JSON_BYTES));
    }

    /** See {@link ModelFormat#modelSha256}. */
    static String modelSha256(Topology topology, Precision precision, Schema schema, long count, byte[] weightsSha256) {
        return ModelFormat.modelSha256(topology, precision, ModelJson.toModelSchema(schema), count, weightsSha256);
    }

    /** The version of sparkprop this code belongs to, from its jar's manifest; "development" outside a jar. */
    public static String sparkpropVersion() {
        return ModelFormat.sparkpropVersion();
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
        } catch (FileNotFoundException e) {
            // gone since exists(): nothing to replace
        } catch (IOException e) {
            throw new UserException("cannot inspect model directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static UserException alreadyExists(String dir) {
        return new UserException("model directory " + dir + " already exists; pass --overwrite to replace it");
    }

    private static void writeJson(FileSystem fs, Path path, JsonNode json) throws IOException {
        try (OutputStream out = fs.create(path, false)) {
            ModelJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, json);
            out.write('\n');
        }
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
            return HadoopFiles.withoutChecksums(path.getFileSystem(conf));
        } catch (IOException | IllegalArgumentException e) {
            // Hadoop reports an unknown host as an IllegalArgumentException
            throw new UserException("model directory " + dir + ": cannot open its file system: " + e.getMessage(), e);
        }
    }
}
