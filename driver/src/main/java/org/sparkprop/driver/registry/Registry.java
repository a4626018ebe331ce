package org.sparkprop.driver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkprop.driver.FaultPoints;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;
import org.sparkprop.predictor.Json;

/**
 * Models by name on any Hadoop file system, with numbered immutable versions and a {@code current} pointer.
 *
 * <pre>
 * REGISTRY/NAME/versions/v000001/   a model directory ({@link ModelStore}) plus VERSION.json, written last
 * REGISTRY/NAME/CURRENT.json        {"version": n}: the published version
 * REGISTRY/NAME/runs/KEY.json       one record per retraining run
 * REGISTRY/NAME/work/KEY/           a run's checkpoints while it trains
 * </pre>
 *
 * A version counts only once its VERSION.json exists, and the pointer only ever names a version that was
 * complete and loaded back before the pointer moved. The pointer is replaced by an atomic rename where the file
 * system has one (local, HDFS) and written as one object, last, elsewhere (object stores); readers check the
 * version it names and never see a half-written one.
 */
public final class Registry {
    static final String VERSION_FILE = "VERSION.json";
    static final String CURRENT = "CURRENT.json";
    private static final Pattern VERSION_DIR = Pattern.compile("v(\\d{6,9})");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final long MAX_JSON_BYTES = 16L << 20;

    private final Configuration conf;
    private final FileSystem fs;
    private final Path root;
    private final String name;
    private final ObjectMapper json = Json.MAPPER;

    /** What the registry knows of one version. */
    public record Version(int number, Integer parent, String runKey, ObjectNode metrics, String createdAt, String path) {
    }

    public Registry(String uri, String name, Configuration conf) {
        if (!NAME.matcher(name).matches()) {
            throw new UserException("model name '" + name + "' must be letters, digits, '.', '_' or '-' (at most 128), starting with a letter or digit");
        }
        this.conf = conf;
        this.name = name;
        this.root = new Path(new Path(uri), name);
        try {
            this.fs = root.getFileSystem(conf);
        } catch (IOException e) {
            throw new UserException("registry " + uri + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** The directory of version {@code n}: a model directory that evaluate and predict take as --model. */
    public String versionPath(int n) {
        return versionDir(n).toString();
    }

    /** The published version, or null if none has been published yet. */
    public Integer currentVersion() {
        Path pointer = new Path(root, CURRENT);
        try {
            if (!fs.exists(pointer)) {
                return null;
            }
            JsonNode n = readJson(pointer);
            if (!n.path("version").canConvertToInt() || n.path("version").asInt() < 1) {
                throw new UserException(pointer + " does not name a version");
            }
            return n.path("version").asInt();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + pointer, e);
        }
    }

    /** Every complete version, oldest first. */
    public List<Version> versions() {
        List<Version> out = new ArrayList<>();
        Path versions = new Path(root, "versions");
        try {
            if (!fs.exists(versions)) {
                return out;
            }
            for (FileStatus status : fs.listStatus(versions)) {
                Matcher m = VERSION_DIR.matcher(status.getPath().getName());
                if (status.isDirectory() && m.matches() && fs.exists(new Path(status.getPath(), VERSION_FILE))) {
                    out.add(version(Integer.parseInt(m.group(1))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + versions, e);
        }
        out.sort((a, b) -> Integer.compare(a.number(), b.number()));
        return out;
    }

    /** Version {@code n}, which must be complete. */
    public Version version(int n) {
        Path file = new Path(versionDir(n), VERSION_FILE);
        try {
            if (!fs.exists(file)) {
                throw new UserException("model " + name + " has no version " + n + " in " + root.getParent());
            }
            JsonNode v = readJson(file);
            return new Version(n, v.path("parent").canConvertToInt() ? v.path("parent").asInt() : null, v.path("runKey").asText(null),
                    v.path("metrics").isObject() ? (ObjectNode) v.path("metrics") : json.createObjectNode(), v.path("createdAt").asText(null),
                    versionPath(n));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /** Loads version {@code n}'s model (checked as every model load is). */
    public Model load(int n) {
        version(n);
        return ModelStore.load(versionPath(n), conf);
    }

    /**
     * Writes {@code model} as a new version, complete and loaded back before this returns; the pointer does not
     * move. The version's VERSION.json (parent, run key, validation metrics) is written last.
     */
    public int addVersion(Model model, java.util.Map<String, ? extends JsonNode> extraFiles, Integer parent, String runKey,
                          ObjectNode metrics) {
        int n = versions().stream().mapToInt(Version::number).max().orElse(0) + 1;
        Path dir = versionDir(n);
        try {
            while (fs.exists(dir)) {
                // Left by a run killed before its VERSION.json: not a version; never reused.
                dir = versionDir(++n);
            }
            ModelStore.save(model, dir.toString(), extraFiles, false, conf);
            ModelStore.load(dir.toString(), conf);
            FaultPoints.pause("version-files");
            ObjectNode v = json.createObjectNode();
            v.put("version", n);
            if (parent != null) {
                v.put("parent", parent);
            }
            v.put("runKey", runKey);
            v.set("metrics", metrics);
            v.put("createdAt", java.time.Instant.now().toString());
            writeFile(new Path(dir, VERSION_FILE), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(v));
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("writing version " + n + " of " + name, e);
        }
    }

    /** Points {@code current} at version {@code n}, after checking that it is complete and loads. */
    public void setCurrent(int n) {
        load(n);
        FaultPoints.pause("pointer-move");
        ObjectNode pointer = json.createObjectNode();
        pointer.put("version", n);
        pointer.put("updatedAt", java.time.Instant.now().toString());
        try {
            replaceAtomically(new Path(root, CURRENT), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(pointer));
        } catch (IOException e) {
            throw new UncheckedIOException("moving the current pointer of " + name, e);
        }
    }

    /** The record of retraining run {@code key}, or null. */
    public ObjectNode runRecord(String key) {
        Path file = runFile(key);
        try {
            return fs.exists(file) ? (ObjectNode) readJson(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    public void writeRunRecord(String key, ObjectNode record) {
        try {
            replaceAtomically(runFile(key), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException("writing run record " + key, e);
        }
    }

    /** Where run {@code key} keeps its checkpoints while it trains. */
    public String workDir(String key) {
        return new Path(new Path(root, "work"), key).toString();
    }

    public void deleteWorkDir(String key) {
        try {
            fs.delete(new Path(workDir(key)), true);
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + workDir(key), e);
        }
    }

    /**
     * Removes all versions but the newest {@code keep}, never the current one or its parent, and folders left by
     * killed runs (version folders without VERSION.json). Returns the versions removed.
     */
    public List<Integer> gc(int keep) {
        if (keep < 1) {
            throw new UserException("--keep must be at least 1, got " + keep);
        }
        Integer current = currentVersion();
        Integer parent = current == null ? null : version(current).parent();
        List<Version> all = versions();
        List<Integer> removed = new ArrayList<>();
        try {
            for (int i = 0; i < all.size() - keep; i++) {
                int n = all.get(i).number();
                if (!Integer.valueOf(n).equals(current) && !Integer.valueOf(n).equals(parent)) {
                    fs.delete(versionDir(n), true);
                    removed.add(n);
                }
            }
            Path versions = new Path(root, "versions");
            if (fs.exists(versions)) {
                for (FileStatus status : fs.listStatus(versions)) {
                    if (!fs.exists(new Path(status.getPath(), VERSION_FILE))) {
                        fs.delete(status.getPath(), true);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("collecting old versions of " + name, e);
        }
        return removed;
    }

    private Path versionDir(int n) {
        return new Path(new Path(root, "versions"), String.format(Locale.ROOT, "v%06d", n));
    }

    private Path runFile(String key) {
        if (!key.matches("[0-9a-f]{16,64}")) {
            throw new IllegalArgumentException("run key " + key);
        }
        return new Path(new Path(root, "runs"), key + ".json");
    }

    private void replaceAtomically(Path target, byte[] bytes) throws IOException {
        HadoopFiles.replaceAtomically(fs, conf, target, bytes);
    }

    private void writeFile(Path path, byte[] bytes) throws IOException {
        HadoopFiles.write(fs, path, bytes);
    }

    private JsonNode readJson(Path path) throws IOException {
        return HadoopFiles.readJson(fs, path, MAX_JSON_BYTES, path.toString());
    }
}
