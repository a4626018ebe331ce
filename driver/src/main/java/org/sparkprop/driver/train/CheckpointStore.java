package org.sparkprop.driver.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.driver.FaultPoints;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.model.ModelJson;
import org.sparkprop.driver.optim.OptimizerSpec;
import org.sparkprop.driver.optim.OptimizerState;
import org.sparkprop.kernels.Topology;
import org.sparkprop.predictor.Json;
import org.sparkprop.predictor.Sha256;

/**
 * Checkpoints of one run in a directory on any Hadoop file system. Checkpoint n (the step count) is the folder
 * {@code ckpt-<n>} holding {@code state.json} (position, sums, history, and what the run is: configuration,
 * network, data schema, rows per partition), {@code arrays.bin} (weights, optimizer buffers and early stopping's
 * best weights as little-endian float64) and, written last, {@code MANIFEST.json} with both files' sizes and
 * SHA-256. Only a folder whose manifest exists and matches is a checkpoint: a write cut short leaves none, on
 * every file system, rename or not. File times are never consulted.
 */
final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger("org.sparkprop");
    static final String STATE = "state.json";
    static final String ARRAYS = "arrays.bin";
    static final String MANIFEST = "MANIFEST.json";
    static final String FORMAT = "sparkprop-checkpoint";
    static final int FORMAT_VERSION = 1;
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{1,18})");
    /** state.json holds the history: generous, but bounded before it is read. */
    private static final long MAX_JSON_BYTES = 64L << 20;
    private final Checkpoints settings;
    private final FileSystem fs;
    private final Path dir;
    private final int parameters;
    private final int optimizerBuffers;
    private final OptimizerSpec optimizerSpec;
    /** What the run is; a checkpoint of another run is refused. */
    private final ObjectNode identity;
    private final ObjectMapper json = Json.MAPPER;

    CheckpointStore(Checkpoints settings, Configuration conf, TrainConfig config, Topology topology, Schema schema, int[] rowsPerPartition) {
        this.settings = settings;
        this.dir = new Path(settings.dir());
        try {
            // Our SHA-256 covers the files; Hadoop's .crc side files would only turn damage into its own errors.
            this.fs = HadoopFiles.withoutChecksums(dir.getFileSystem(conf));
        } catch (IOException e) {
            throw new UserException("checkpoint directory " + settings.dir() + ": " + e.getMessage(), e);
        }
        this.parameters = topology.parameterCount();
        this.optimizerSpec = config.optimizer();
        this.optimizerBuffers = optimizerSpec.kind().bufferNames().size();
        this.identity = json.createObjectNode();
        identity.set("configuration", config.toJson());
        identity.set("network", ModelJson.toJson(topology));
        identity.set("schema", ModelJson.toJson(schema));
        ArrayNode rows = identity.putArray("rowsPerPartition");
        Arrays.stream(rowsPerPartition).forEach(rows::add);
    }

    /** Writes {@code state} as checkpoint {@code ckpt-<step>}, then removes all but the newest {@code keep}. */
    void save(RunState state, double elapsedSeconds) {
        Path folder = new Path(dir, String.format(Locale.ROOT, "ckpt-%012d", state.step));
        try {
            if (fs.exists(folder)) {
                fs.delete(folder, true);
            }
            fs.mkdirs(folder);
            byte[] stateBytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(describe(state, elapsedSeconds));
            byte[] arrays = arrays(state);
            write(new Path(folder, STATE), stateBytes);
            write(new Path(folder, ARRAYS), arrays);
            FaultPoints.pause("checkpoint-manifest");
            ObjectNode manifest = json.createObjectNode();
            manifest.put("format", FORMAT);
            manifest.put("step", state.step);
            manifest.set(STATE, fileEntry(stateBytes));
            manifest.set(ARRAYS, fileEntry(arrays));
            write(new Path(folder, MANIFEST), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            prune(state.step);
        } catch (IOException e) {
            throw new UncheckedIOException("writing checkpoint " + folder, e);
        }
    }

    /**
     * The state of the newest complete checkpoint that matches this run, or null if the directory holds none.
     * Incomplete and damaged checkpoints are reported and skipped; one of another run is refused.
     */
    RunState loadNewest() {
        List<Long> steps = checkpointSteps();
        if (steps.isEmpty()) {
            LOG.info("no checkpoint in {}; starting from the beginning", dir);
            return null;
        }
        List<String> skipped = new ArrayList<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            Path folder = folder(steps.get(i));
            String problem = problem(folder);
            if (problem != null) {
                LOG.warn("checkpoint {} is {}; trying the one before", folder, problem);
                skipped.add(folder.getName() + " (" + problem + ")");
                continue;
            }
            RunState state = read(folder);
            state.resumedFrom = folder + (skipped.isEmpty() ? "" : " (skipped newer " + String.join(", ", skipped) + ")");
            LOG.info("resuming from checkpoint {}: epoch {}, step {} of the run", state.resumedFrom, state.epoch + 1, state.step);
            return state;
        }
        throw new UserException("no usable checkpoint in " + dir + ": " + String.join(", ", skipped));
    }

    /** Why {@code folder} is not a complete, intact checkpoint, or null if it is one. */
    private String problem(Path folder) {
        try {
            Path manifestPath = new Path(folder, MANIFEST);
            if (!fs.exists(manifestPath)) {
                return "incomplete (no " + MANIFEST + ")";
            }
            JsonNode manifest = HadoopFiles.readJson(fs, manifestPath, 1 << 16, manifestPath.toString());
            for (String name : List.of(STATE, ARRAYS)) {
                Path file = new Path(folder, name);
                JsonNode entry = manifest.path(name);
                if (!fs.exists(file)) {
                    return "damaged (" + name + " is missing)";
                }
                long size = fs.getFileStatus(file).getLen();
                if (size != entry.path("bytes").asLong(-1)) {
                    return "damaged (" + name + " has " + size + " bytes, the manifest says " + entry.path("bytes").asText("?") + ")";
                }
                if (size > MAX_JSON_BYTES + 8L * parameters * (2 + optimizerBuffers)) {
                    return "damaged (" + name + " is too large)";
                }
                if (!Sha256.hex(readBounded(file, size)).equals(entry.path("sha256").asText())) {
                    return "damaged (" + name + " does not match its checksum)";
                }
            }
            return null;
        } catch (UserException e) {
            return "damaged (" + e.getMessage() + ")";
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }

    private RunState read(Path folder) {
        try {
            Path statePath = new Path(folder, STATE);
            JsonNode state = HadoopFiles.readJson(fs, statePath, MAX_JSON_BYTES, statePath.toString());
            if (!FORMAT.equals(state.path("format").asText()) || state.path("formatVersion").asInt() != FORMAT_VERSION) {
                throw new UserException("checkpoint " + folder + " is not a " + FORMAT + " version " + FORMAT_VERSION);
            }
            String differences = differences(state.path("run"));
            if (differences != null) {
                throw new UserException("checkpoint " + folder + " belongs to another run; " + differences
                        + " (use another --checkpoint-dir, or the checkpoint's settings)");
            }
            int buffers = state.path("optimizerBuffers").asInt(-1);
            boolean hasBest = state.path("hasBestWeights").asBoolean();
            if (buffers != optimizerBuffers) {
                throw new UserException("checkpoint " + folder + " has " + buffers + " optimizer buffers; this run's optimizer has " + optimizerBuffers);
            }
            int arrays = 1 + buffers + (hasBest ? 1 : 0);
            Path arraysPath = new Path(folder, ARRAYS);
            long expected = 8L * parameters * arrays;
            long length = fs.getFileStatus(arraysPath).getLen();
            if (length != expected) {
                throw new UserException("checkpoint " + folder + ": " + ARRAYS + " has " + length + " bytes, expected " + expected);
            }
            ByteBuffer values = ByteBuffer.wrap(readBounded(arraysPath, expected)).order(ByteOrder.LITTLE_ENDIAN);
            double[] weights = next(values);
            double[][] optimizerState = new double[buffers][];
            for (int b = 0; b < buffers; b++) {
                optimizerState[b] = next(values);
            }
            OptimizerState optimizer;
            try {
                optimizer = optimizerSpec.restoreState(parameters, state.path("optimizerSteps").asLong(), optimizerState);
            } catch (IllegalArgumentException e) {
                throw new UserException("checkpoint " + folder + ": " + e.getMessage());
            }
            RunState run = new RunState(weights, optimizer);
            run.bestWeights = hasBest ? next(values) : null;
            run.epoch = state.path("epoch").asInt();
            run.stepInEpoch = state.path("stepInEpoch").asInt();
            run.step = state.path("step").asLong();
            run.epochLoss = number(state, "epochLoss");
            run.epochRows = state.path("epochRows").asLong();
            // checkpoints written before row weights have no epochWeight: their rows weighed 1 each
            run.epochWeight = state.has("epochWeight") ? number(state, "epochWeight") : run.epochRows;
            run.epochNormSum = number(state, "epochNormSum");
            run.epochStepSeconds = number(state, "epochStepSeconds");
            run.rowsProcessed = state.path("rowsProcessed").asLong();
            run.stepSeconds = number(state, "stepSeconds");
            run.elapsedBefore = number(state, "elapsedSeconds");
            run.bestValidationLoss = number(state, "bestValidationLoss");
            run.bestEpoch = state.path("bestEpoch").asInt();
            run.previousLoss = number(state, "previousLoss");
            run.stopReason = state.path("stopReason").isTextual() ? state.path("stopReason").asText() : null;
            for (JsonNode e : state.path("history")) {
                run.history.add(new EpochRecord(e.get(0).asInt(), number(e, 1), number(e, 2), number(e, 3), number(e, 4),
                        number(e, 5), number(e, 6), number(e, 7)));
            }
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("reading checkpoint " + folder, e);
        }
    }

    private ObjectNode describe(RunState state, double elapsedSeconds) {
        ObjectNode n = json.createObjectNode();
        n.put("format", FORMAT);
        n.put("formatVersion", FORMAT_VERSION);
        n.put("epoch", state.epoch);
        n.put("stepInEpoch", state.stepInEpoch);
        n.put("step", state.step);
        n.put("optimizerSteps", state.optimizer.steps());
        n.put("optimizerBuffers", optimizerBuffers);
        n.put("hasBestWeights", state.bestWeights != null);
        putNumber(n, "epochLoss", state.epochLoss);
        n.put("epochRows", state.epochRows);
        putNumber(n, "epochWeight", state.epochWeight);
        putNumber(n, "epochNormSum", state.epochNormSum);
        putNumber(n, "epochStepSeconds", state.epochStepSeconds);
        n.put("rowsProcessed", state.rowsProcessed);
        putNumber(n, "stepSeconds", state.stepSeconds);
        putNumber(n, "elapsedSeconds", elapsedSeconds);
        putNumber(n, "bestValidationLoss", state.bestValidationLoss);
        n.put("bestEpoch", state.bestEpoch);
        putNumber(n, "previousLoss", state.previousLoss);
        if (state.stopReason != null) {
            n.put("stopReason", state.stopReason);
        }
        ArrayNode history = n.putArray("history");
        for (EpochRecord r : state.history) {
            ArrayNode e = history.addArray();
            e.add(r.epoch());
            for (double v : new double[] {r.trainLoss(), r.validationLoss(), r.validationMetric(), r.samplesPerSecond(),
                    r.elapsedSeconds(), r.learningRate(), r.gradientNorm()}) {
                addNumber(e, v);
            }
        }
        n.set("run", identity);
        return n;
    }

    private byte[] arrays(RunState state) {
        double[][] buffers = state.optimizer.buffers();
        int count = 1 + buffers.length + (state.bestWeights != null ? 1 : 0);
        ByteBuffer out = ByteBuffer.allocate(8 * parameters * count).order(ByteOrder.LITTLE_ENDIAN);
        out.asDoubleBuffer().put(state.weights);
        out.position(out.position() + 8 * parameters);
        for (double[] buffer : buffers) {
            out.asDoubleBuffer().put(buffer);
            out.position(out.position() + 8 * parameters);
        }
        if (state.bestWeights != null) {
            out.asDoubleBuffer().put(state.bestWeights);
        }
        return out.array();
    }

    private double[] next(ByteBuffer values) {
        double[] out = new double[parameters];
        values.asDoubleBuffer().get(out);
        values.position(values.position() + 8 * parameters);
        return out;
    }

    /** "x is a here, b in the checkpoint; ..." for the fields of the run's identity that differ, or null. */
    private String differences(JsonNode stored) {
        Map<String, String> mine = new TreeMap<>();
        Map<String, String> theirs = new TreeMap<>();
        flatten("", identity, mine);
        flatten("", stored, theirs);
        List<String> diffs = new ArrayList<>();
        for (String key : union(mine, theirs)) {
            String a = mine.get(key);
            String b = theirs.get(key);
            if (a == null ? b != null : !a.equals(b)) {
                diffs.add(key + " is " + (a == null ? "absent" : a) + " in this run, " + (b == null ? "absent" : b) + " in the checkpoint");
            }
        }
        if (diffs.isEmpty()) {
            return null;
        }
        int shown = Math.min(diffs.size(), 4);
        return String.join("; ", diffs.subList(0, shown)) + (diffs.size() > shown ? "; and " + (diffs.size() - shown) + " more" : "");
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b) {
        TreeMap<String, String> all = new TreeMap<>(a);
        all.putAll(b);
        return new ArrayList<>(all.keySet());
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject() && node.size() > 0) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, node.toString());
        }
    }

    private List<Long> checkpointSteps() {
        List<Long> steps = new ArrayList<>();
        try {
            if (!fs.exists(dir)) {
                return steps;
            }
            for (FileStatus status : fs.listStatus(dir)) {
                Matcher m = NAME.matcher(status.getPath().getName());
                if (status.isDirectory() && m.matches()) {
                    steps.add(Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UserException("cannot list checkpoint directory " + dir + ": " + e.getMessage(), e);
        }
        steps.sort(null);
        return steps;
    }

    private Path folder(long step) {
        return new Path(dir, String.format(Locale.ROOT, "ckpt-%012d", step));
    }

    /** Keeps the newest {@code keep} complete checkpoints up to {@code newest}; removes every other folder before it. */
    private void prune(long newest) throws IOException {
        List<Long> steps = checkpointSteps();
        int kept = 0;
        for (int i = steps.size() - 1; i >= 0; i--) {
            long step = steps.get(i);
            if (step > newest) {
                // Left by a run this one resumed before (skipped as damaged, or from a longer history): never newer than us.
                fs.delete(folder(step), true);
                continue;
            }
            if (kept < settings.keep() && fs.exists(new Path(folder(step), MANIFEST))) {
                kept++;
            } else {
                fs.delete(folder(step), true);
            }
        }
    }

    private void write(Path path, byte[] bytes) throws IOException {
        HadoopFiles.write(fs, path, bytes);
    }

    private byte[] readBounded(Path path, long maxBytes) throws IOException {
        return HadoopFiles.readBounded(fs, path, maxBytes, path.toString());
    }

    private static ObjectNode fileEntry(byte[] bytes) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("bytes", bytes.length);
        n.put("sha256", Sha256.hex(bytes));
        return n;
    }

    /** Doubles as JSON numbers (exact: Jackson writes the shortest repr that reads back to the same bits), non-finite as text. */
    private static void putNumber(ObjectNode n, String name, double v) {
        if (Double.isFinite(v)) {
            n.put(name, v);
        } else {
            n.put(name, Double.toString(v));
        }
    }

    private static void addNumber(ArrayNode n, double v) {
        if (Double.isFinite(v)) {
            n.add(v);
        } else {
            n.add(Double.toString(v));
        }
    }

    private static double number(JsonNode n, String name) {
        return value(n.path(name));
    }

    private static double number(JsonNode n, int index) {
        return value(n.path(index));
    }

    private static double value(JsonNode v) {
        return v.isTextual() ? Double.parseDouble(v.asText()) : v.asDouble();
    }
}
