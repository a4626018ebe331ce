package org.sparkprop.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.MemoryCheck;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.BuiltinData;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.FrameInput;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.RowSource;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;
import org.sparkprop.driver.train.Checkpoints;
import org.sparkprop.driver.train.InvalidSettingException;
import org.sparkprop.driver.train.Setting;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainListener;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.driver.train.TrainSettings;
import org.sparkprop.driver.train.Trainer;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Topology;

/** {@code sparkprop train}: reads the data, runs the step loop, writes a model directory. */
final class TrainCommand implements Main.Command {
    private static final Logger LOG = LoggerFactory.getLogger("org.sparkprop");

    @Override
    public Options options() {
        Options o = new Options("train", "Trains a multilayer perceptron and writes it to a model directory.");
        DataFlags.declare(o, true);
        o.value("validation", "PATH", "validation data (same format) for the per-epoch metric and early stopping")
                .required("output", "DIR", "model directory to write (refused if it exists, unless --overwrite)")
                .flag("overwrite", "replace an existing model directory (atomically)");
        return declareHyperparameters(o)
                .value("checkpoint-dir", "DIR", "write checkpoints (weights, optimizer state, position) into DIR, on any Hadoop file system")
                .value("checkpoint-every", "STEPS", "with --checkpoint-dir: a checkpoint every STEPS steps as well as at the end of each epoch "
                        + "(default: at the end of each epoch only)")
                .value("keep-checkpoints", "K", "with --checkpoint-dir: keep the newest K checkpoints (default " + Checkpoints.DEFAULT_KEEP + ")")
                .flag("resume", "with --checkpoint-dir: continue from its newest complete checkpoint (from the beginning if there is none)")
                .configFile("config", "FILE", "read flags from the YAML file FILE: 'key: value' lines whose keys are these flags without "
                        + "dashes; flags given here override the file")
                .informational("print-config", "print the resolved configuration, in --config's format, and exit")
                .value("progress", "MODE", "auto, bar (a progress bar per epoch, redrawn) or lines (a log line per epoch) "
                        + "(default auto: bar when stderr is an interactive terminal)")
                .flag("quiet", "no progress and no log lines on stderr, only warnings and errors; the summary on stdout stays")
                .flag("verbose", "also log the configuration before training and, with lines, a line per step")
                .flag("report", "also write " + Report.FILE + " into the model directory (as sparkprop report does)")
                .value("master", "URL", "Spark master (default: spark-submit's, else " + SparkRuntime.DEFAULT_MASTER + ")");
    }

    /** Declares the flags {@link #config} reads: one per training setting, from {@link TrainSettings}' table. */
    static Options declareHyperparameters(Options o) {
        for (Setting<?> s : TrainSettings.all()) {
            o.value(s.name(), s.valueName(), s.help());
        }
        return o;
    }

    /** The checkpoint flags, validated. */
    static Checkpoints checkpoints(Options o) {
        String dir = o.string("checkpoint-dir");
        if (dir == null && (o.has("checkpoint-every") || o.has("keep-checkpoints"))) {
            throw new UserException("--checkpoint-every and --keep-checkpoints need --checkpoint-dir");
        }
        try {
            return new Checkpoints(dir, o.longValue("checkpoint-every", Long.MAX_VALUE), o.integer("keep-checkpoints", Checkpoints.DEFAULT_KEEP),
                    o.has("resume"));
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /**
     * Turns the flags (and a configuration file's keys) into a validated configuration, walking {@link TrainSettings}'
     * table; every problem names the flag, or the file, line and key, the value came from.
     *
     * @param builtinRegression whether the training data are a built-in regression set, whose default loss is mse
     */
    static TrainConfig config(Options o, boolean builtinRegression) {
        TrainConfig.Builder b = TrainConfig.builder();
        if (builtinRegression) {
            b.loss = Loss.MSE;
        }
        for (Setting<?> s : TrainSettings.all()) {
            apply(o, s, b);
        }
        try {
            return b.build();
        } catch (InvalidSettingException e) {
            throw new UserException(o.source(e.setting().name()) + " " + e.problem());
        }
    }

    private static <T> void apply(Options o, Setting<T> s, TrainConfig.Builder b) {
        String text = o.string(s.name());
        if (text == null) {
            return;
        }
        T value;
        try {
            value = s.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException(o.source(s.name()) + " '" + text + "': " + e.getMessage());
        }
        try {
            s.check(value);
        } catch (IllegalArgumentException e) {
            throw new UserException(o.source(s.name()) + " " + e.getMessage());
        }
        s.apply(b, value);
    }

    @Override
    public void run(Options o, PrintStream out) {
        if (o.has("print-config")) {
            String trainPath = o.string("train");
            TrainConfig config = config(o, trainPath != null && DataFlags.isBuiltinRegression(trainPath));
            out.print(ConfigFile.print("train", o, TrainSettings.toText(config)));
            return;
        }
        if (o.has("quiet") && o.has("verbose")) {
            throw new UserException("--quiet and --verbose exclude each other");
        }
        try (Progress.LogLevel level = Progress.logLevel(o.has("quiet"))) {
            train(o, out);
        }
    }

    /** The listener that shows progress: --progress, --quiet, --verbose. */
    private static TrainListener progress(Options o) {
        Progress.Style style = o.get("progress", Progress.Style::parse, Progress.Style.AUTO)
                .resolve(Progress.stderrIsTerminal(), System.getenv("TERM"));
        if (o.has("quiet")) {
            return TrainListener.SILENT;
        }
        return style == Progress.Style.BAR ? Progress.bar(System.err, LOG::info, System::nanoTime) : Progress.lines(LOG::info, o.has("verbose"));
    }

    private void train(Options o, PrintStream out) {
        String trainPath = o.string("train");
        TrainConfig config = config(o, DataFlags.isBuiltinRegression(trainPath));
        TrainListener listener = progress(o);
        if (o.has("verbose")) {
            LOG.info("configuration: {}", config);
        }
        Checkpoints checkpoints = checkpoints(o);
        String output = o.string("output");
        boolean overwrite = o.has("overwrite");
        HadoopFiles.checkAbsent(output, overwrite, "model directory", DataFlags.hadoopConf());
        RowSource trainSource = DataFlags.input(o, trainPath, null, DataFormat.LIBSVM.id());
        try (JavaSparkContext sc = SparkRuntime.open("train", o.string("master"))) {
            int partitions = config.partitions() > 0 ? config.partitions() : sc.defaultParallelism();
            long loadStart = System.nanoTime();
            sc.setJobGroup("load", "load training data");
            Dataset train = trainSource.readForTraining(sc, config.loss(), partitions);
            Dataset validation = null;
            if (o.has("validation")) {
                validation = DataFlags.input(o, o.string("validation"), train.schema(), trainSource.formatId()).readOrdered(sc, train.schema());
            }
            sc.clearJobGroup();
            LOG.info(String.format(Locale.ROOT, "read %d training rows (%d features, %s) into %d partitions in %.1f s, cached %s: %s",
                    train.rows(), train.schema().numFeatures(), describe(train), partitions, (System.nanoTime() - loadStart) / 1e9,
                    train.storage(), MemoryCheck.size(train.cachedBytes())));
            Trainer trainer = new Trainer(sc, config);
            sc.setJobGroup("train", "train");
            TrainResult result = trainer.train(train, validation, null, checkpoints, listener);
            LOG.info(String.format(Locale.ROOT, "stopped after %d epochs (%s) in %.1f s, %.0f rows/s",
                    result.history().size(), result.stopReason(), result.trainSeconds(), result.samplesPerSecond()));

            sc.setJobGroup("evaluate", "evaluate the trained model");
            ObjectNode metrics = org.sparkprop.driver.model.ModelJson.newObject();
            Metrics trainMetrics = Evaluator.evaluate(sc, result.topology(), config.precision(), result.weights(), train.schema(),
                    train.blocks(), "evaluate on training data");
            metrics.set("train", trainMetrics.toJson());
            Metrics validationMetrics = null;
            if (validation != null) {
                validationMetrics = Evaluator.evaluate(sc, result.topology(), config.precision(), result.weights(), train.schema(),
                        validation.blocks(), "evaluate on validation data");
                metrics.set("validation", validationMetrics.toJson());
            }
            ObjectNode training = config.toJson();
            ObjectNode data = training.putObject("data");
            data.put("train", trainPath);
            if (validation != null) {
                data.put("validation", o.string("validation"));
            }
            if (!BuiltinData.isBuiltin(trainPath)) {
                data.put("format", trainSource.formatId());
                if (trainSource instanceof FrameInput frame) {
                    data.put("columns", frame.columns().toString());
                }
            }
            data.put("rows", train.rows());
            data.put("badRows", train.badRows());
            data.put("partitions", partitions);
            data.put("exchange", result.exchange());
            data.put("storage", train.storage());
            data.put("cachedBytes", train.cachedBytes());
            ObjectNode history = result.historyJson();
            history.set("data", data.deepCopy());
            Model model = new Model(result.topology(), config.precision(), train.schema(), result.weights(), training, metrics);
            Map<String, ObjectNode> files = new HashMap<>(Map.of(ModelStore.TRAINING_FILE, history));
            if (train.schema().labelKind() == LabelKind.REGRESSION) {
                files.put(ReportSample.FILE, ReportSample.compute(sc, result.topology(), config.precision(), result.weights(), train, validation));
            }
            sc.clearJobGroup();
            ModelStore.save(model, output, files, overwrite, sc.hadoopConfiguration());

            Topology t = result.topology();
            if (result.resumedFrom() != null) {
                out.println("resumed from checkpoint " + result.resumedFrom());
            }
            out.printf(Locale.ROOT, "trained %s on %d rows in %.1f s (%.0f rows/s)%n", t, train.rows(), result.trainSeconds(), result.samplesPerSecond());
            out.print(summary("train", trainMetrics));
            if (validationMetrics != null) {
                out.print(summary("validation", validationMetrics));
            }
            out.println("model written to " + output);
            if (o.has("report")) {
                out.println("report written to " + Report.write(output, sc.hadoopConfiguration()));
            }
        }
    }

    private static String summary(String what, Metrics m) {
        return String.format(Locale.ROOT, "%-10s loss %.4f, %s %.4f (%d rows)%n", what, m.loss(), m.headlineName(), m.headline(), m.count());
    }

    private static String describe(Dataset d) {
        List<String> classes = d.schema().classes();
        return switch (d.schema().labelKind()) {
            case CLASSES, BINARY -> classes.size() + " classes";
            case MULTILABEL -> d.schema().outputs() + " labels";
            case REGRESSION -> d.schema().outputs() + " target" + (d.schema().outputs() > 1 ? "s" : "");
        };
    }
}
