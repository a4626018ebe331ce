package org.sparkprop.driver.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.driver.FaultPoints;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.BuiltinData;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.FrameInput;
import org.sparkprop.driver.data.InputFiles;
import org.sparkprop.driver.data.RowSource;
import org.sparkprop.driver.data.Storage;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelJson;
import org.sparkprop.driver.model.ModelStore;
import org.sparkprop.driver.train.Checkpoints;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainListener;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.driver.train.Trainer;
import org.sparkprop.kernels.Topology;
import org.sparkprop.predictor.Json;
import org.sparkprop.predictor.ModelFormat;
import org.sparkprop.predictor.Sha256;

/**
 * One scheduled retraining run: warm-start from the published version, train, evaluate candidate and champion on
 * the same validation data, and publish the candidate only if the gate passes. The run key is a hash of the
 * inputs (paths, sizes, modification times, and --storage where it is not auto), the configuration, the gate and the
 * parent version: a second run with the same key reports the first one's outcome and does nothing else. While it
 * trains, the run keeps checkpoints in the registry, so a run killed midway and started again continues where it was.
 */
public final class Retrainer {
    private static final Logger LOG = LoggerFactory.getLogger("org.sparkprop");
    private static final ObjectMapper JSON = Json.MAPPER;

    /** Published, or rejected by the gate. */
    public enum Decision {
        PUBLISHED, REJECTED
    }

    /**
     * @param decision what happened
     * @param version  the version published, or null when rejected
     * @param reason   one sentence: the gate's verdict
     * @param record   the run record
     * @param repeated true when an earlier run with the same key had already decided, and this one did nothing
     */
    public record Outcome(Decision decision, Integer version, String reason, ObjectNode record, boolean repeated) {
    }

    /** What a retraining run reads and how it trains. */
    public record Request(RowSource train, RowSource validation, TrainConfig config, Gate gate, boolean fromScratch, long checkpointEvery) {
    }

    private final JavaSparkContext sc;
    private final Registry registry;

    public Retrainer(JavaSparkContext sc, Registry registry) {
        this.sc = sc;
        this.registry = registry;
    }

    public Outcome run(Request request, TrainListener listener) {
        long started = System.nanoTime();
        ObjectNode inputs = fingerprint(request);
        Integer current = registry.currentVersion();

        // A run killed after it moved the pointer, started again: its version is current; only the record may be missing.
        if (current != null) {
            Registry.Version published = registry.version(current);
            String publishedKey = key(inputs, request, published.parent());
            if (publishedKey.equals(published.runKey())) {
                ObjectNode record = registry.runRecord(publishedKey);
                if (record == null) {
                    record = JSON.createObjectNode();
                    record.put("runKey", publishedKey);
                    record.put("decision", "published");
                    record.put("version", current);
                    record.put("reason", "published as version " + current + " by an earlier run of these inputs, whose record was not written");
                    registry.writeRunRecord(publishedKey, record);
                }
                return repeated(record);
            }
        }
        String key = key(inputs, request, current);
        ObjectNode earlier = registry.runRecord(key);
        if (earlier != null && earlier.has("decision")) {
            return repeated(earlier);
        }

        Model champion = current == null ? null : registry.load(current);
        int partitions = request.config().partitions() > 0 ? request.config().partitions() : sc.defaultParallelism();
        long readStart = System.nanoTime();
        Dataset train = request.train().readForTraining(sc, request.config().loss(), partitions);
        Dataset validation = request.validation().readOrdered(sc, train.schema());
        double readSeconds = seconds(readStart);
        try {
            Trainer trainer = new Trainer(sc, request.config());
            Topology topology = trainer.topologyFor(train.schema());
            String mismatch = champion == null ? null : mismatch(champion, topology, train);
            boolean warm = champion != null && !request.fromScratch();
            if (warm && mismatch != null) {
                throw new UserException("cannot warm-start from version " + current + " of " + registry.name() + ": " + mismatch
                        + "; pass --from-scratch to train a new network");
            }
            double[] start = warm ? champion.weights() : null;
            long trainStart = System.nanoTime();
            Checkpoints checkpoints = new Checkpoints(registry.workDir(key), request.checkpointEvery(), 2, true);
            TrainResult result = trainer.train(train, validation, start, checkpoints, listener);
            double trainSeconds = seconds(trainStart);

            long evaluateStart = System.nanoTime();
            Metrics candidate = Evaluator.evaluate(sc, topology, request.config().precision(), result.weights(), train.schema(),
                    validation.blocks(), "retrain: evaluate candidate");
            Metrics championMetrics = champion == null || mismatch != null ? null
                    : Evaluator.evaluate(sc, champion.topology(), champion.precision(), champion.weights(), champion.schema(),
                    validation.blocks(), "retrain: evaluate champion version " + current);
            double evaluateSeconds = seconds(evaluateStart);
            Gate gate = request.gate() != null ? request.gate() : Gate.defaultFor(candidate.isRegression());
            Gate.Verdict verdict = championMetrics == null && champion != null
                    ? new Gate.Verdict(true, "the data schema changed (--from-scratch: " + mismatch + "), so version " + current
                    + " cannot be evaluated on this data; published without comparison")
                    : gate.judge(candidate.toJson(), championMetrics == null ? null : championMetrics.toJson());

            ObjectNode record = JSON.createObjectNode();
            record.put("runKey", key);
            record.put("model", registry.name());
            record.put("startedAt", Instant.now().minusNanos(System.nanoTime() - started).toString());
            record.set("configuration", request.config().toJson());
            record.set("inputs", inputs);
            if (current != null) {
                record.put("parentVersion", current);
            } else {
                record.putNull("parentVersion");
            }
            ObjectNode startingWeights = record.putObject("startingWeights");
            startingWeights.put("from", warm ? "version " + current : "initialisation (seed " + request.config().seed() + ")");
            if (warm) {
                startingWeights.put("sha256", sha256(start));
            }
            record.put("gate", gate.toString());
            record.set("candidate", candidate.toJson());
            if (championMetrics != null) {
                record.set("champion", championMetrics.toJson());
            }
            record.put("reason", verdict.reason());

            long publishStart = System.nanoTime();
            Integer version = null;
            if (verdict.pass()) {
                ObjectNode training = request.config().toJson();
                ObjectNode data = training.putObject("data");
                data.put("train", request.train().path());
                data.put("validation", request.validation().path());
                if (!BuiltinData.isBuiltin(request.train().path())) {
                    data.put("format", request.train().formatId());
                }
                data.put("rows", train.rows());
                data.put("partitions", partitions);
                data.put("exchange", result.exchange());
                data.put("storage", train.storage());
                data.put("cachedBytes", train.cachedBytes());
                training.put("runKey", key);
                ObjectNode metrics = JSON.createObjectNode();
                metrics.set("validation", candidate.toJson());
                Model model = new Model(topology, request.config().precision(), train.schema(), result.weights(), training, metrics);
                version = registry.addVersion(model, Map.of(ModelStore.TRAINING_FILE, result.historyJson()), current, key, candidate.toJson());
                registry.setCurrent(version);
                record.put("version", version);
                FaultPoints.pause("run-record");
            }
            record.put("decision", verdict.pass() ? "published" : "rejected");
            ObjectNode timings = record.putObject("timings");
            timings.put("readSeconds", readSeconds);
            timings.put("trainSeconds", trainSeconds);
            timings.put("evaluateSeconds", evaluateSeconds);
            timings.put("publishSeconds", seconds(publishStart));
            timings.put("totalSeconds", seconds(started));
            record.put("finishedAt", Instant.now().toString());
            record.put("sparkpropVersion", ModelStore.sparkpropVersion());
            registry.writeRunRecord(key, record);
            registry.deleteWorkDir(key);
            LOG.info("{} {}: {}", registry.name(), verdict.pass() ? "published version " + version : "candidate rejected", verdict.reason());
            return new Outcome(verdict.pass() ? Decision.PUBLISHED : Decision.REJECTED, version, verdict.reason(), record, false);
        } finally {
            train.unpersist();
            validation.unpersist();
        }
    }

    private static Outcome repeated(ObjectNode record) {
        Decision decision = "published".equals(record.path("decision").asText()) ? Decision.PUBLISHED : Decision.REJECTED;
        Integer version = record.path("version").canConvertToInt() ? record.path("version").asInt() : null;
        return new Outcome(decision, version, record.path("reason").asText(""), record, true);
    }

    /** Why the champion cannot be the starting point for data of this schema, or null if it can. */
    private static String mismatch(Model champion, Topology topology, Dataset train) {
        if (champion.schema().numFeatures() != train.schema().numFeatures()) {
            return "the data have " + train.schema().numFeatures() + " features, the model " + champion.schema().numFeatures();
        }
        if (champion.schema().labelKind() != train.schema().labelKind()) {
            return "the labels are " + train.schema().labelKind() + ", the model's " + champion.schema().labelKind();
        }
        if (!champion.schema().classes().equals(train.schema().classes())) {
            return "the data's classes are " + train.schema().classes() + ", the model's " + champion.schema().classes();
        }
        // The weight column decides how rows count, not what the network reads: a champion trained without it (or
        // before models recorded it, format version 2) warm-starts a weighted run.
        if (!champion.schema().withWeightColumn(null).equals(train.schema().withWeightColumn(null))) {
            return "the data's schema " + ModelJson.toJson(train.schema()) + " differs from the model's " + ModelJson.toJson(champion.schema());
        }
        if (!champion.topology().equals(topology)) {
            return "the network would be " + topology + ", the model is " + champion.topology();
        }
        return null;
    }

    /** Paths, sizes and modification times of every input file; a built-in data set by its name; --storage unless auto. */
    private ObjectNode fingerprint(Request request) {
        ObjectNode n = JSON.createObjectNode();
        n.set("train", files(request.train().path()));
        n.set("validation", files(request.validation().path()));
        // Which columns a DataFrame is read by decides the data as much as its files do.
        if (request.train() instanceof FrameInput frame) {
            n.put("read", frame.format() + " " + frame.columns());
        }
        // Sparse and dense blocks add in another order, so their weights differ in the last bits: a run asked for one is not
        // the run asked for the other, and must not continue the other's checkpoints. Left out for auto, so that the
        // keys of runs that never named a storage stay what they were.
        if (request.train().storage() != Storage.AUTO) {
            n.put("storage", request.train().storage().id());
        }
        return n;
    }

    private ArrayNode files(String path) {
        ArrayNode out = JSON.createArrayNode();
        if (BuiltinData.isBuiltin(path)) {
            out.addObject().put("path", path);
            return out;
        }
        for (String file : InputFiles.list(sc.hadoopConfiguration(), path)) {
            try {
                Path p = new Path(file);
                FileStatus status = p.getFileSystem(sc.hadoopConfiguration()).getFileStatus(p);
                out.addObject().put("path", file).put("bytes", status.getLen()).put("modified", status.getModificationTime());
            } catch (IOException e) {
                throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The run key: SHA-256 of inputs, configuration, gate, warm-start choice and parent version (32 hex digits). */
    static String key(ObjectNode inputs, Request request, Integer parent) {
        ObjectNode n = JSON.createObjectNode();
        n.set("inputs", inputs);
        n.set("configuration", request.config().toJson());
        n.put("gate", Objects.toString(request.gate(), "default"));
        n.put("fromScratch", request.fromScratch());
        n.put("parent", parent == null ? 0 : parent);
        try {
            return Sha256.hex(JSON.writeValueAsBytes(n)).substring(0, 32);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of weights as little-endian float64: the same as a model file's weights.sha256. */
    static String sha256(double[] weights) {
        try {
            return ModelFormat.writeWeights(OutputStream.nullOutputStream(), weights);
        } catch (IOException e) {
            throw new IllegalStateException("the null stream does not fail", e);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

}
