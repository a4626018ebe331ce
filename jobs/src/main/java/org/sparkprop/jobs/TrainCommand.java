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
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.driver.optim.OptimizerSpec;
import org.sparkprop.driver.optim.ScheduleKind;
import org.sparkprop.driver.optim.ScheduleSpec;
import org.sparkprop.driver.train.Checkpoints;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainListener;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.driver.train.Trainer;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/** {@code sparkprop train}: reads the data, runs the step loop, writes a model directory. */
final class TrainCommand implements Main.Command {
    private static final Logger LOG = LoggerFactory.getLogger("org.sparkprop");
    /** Epochs between decays of the step schedule when --decay-epochs is not given. */
    static final long DEFAULT_DECAY_EPOCHS = 10;

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
                .configFile("config", "FILE", "read flags from FILE: 'key = value' lines (YAML 'key: value' for .yaml and .yml), "
                        + "keys are these flags without dashes; flags given here override the file")
                .informational("print-config", "print the resolved configuration, in --config's format, and exit")
                .value("progress", "MODE", "auto, bar (a progress bar per epoch, redrawn) or lines (a log line per epoch) "
                        + "(default auto: bar when stderr is an interactive terminal)")
                .flag("quiet", "no progress and no log lines on stderr, only warnings and errors; the summary on stdout stays")
                .flag("verbose", "also log the configuration before training and, with lines, a line per step")
                .flag("report", "also write " + Report.FILE + " into the model directory (as sparkprop report does)")
                .value("master", "URL", "Spark master (default: spark-submit's, else " + SparkRuntime.DEFAULT_MASTER + ")");
    }

    /** Declares the flags {@link #config} reads: the network, the optimizer, the schedule, batches, stopping. */
    static Options declareHyperparameters(Options o) {
        TrainConfig d = TrainConfig.defaults();
        OptimizerSpec adam = OptimizerSpec.defaults(OptimizerKind.ADAM);
        return o
                .value("hidden", "SIZES", "hidden layer widths, input side first, e.g. 256,128; 'none' for none (default "
                        + joined(d.hidden()) + ")")
                .value("activation", "NAME", "hidden activation: identity, relu, leaky_relu, sigmoid, tanh (default " + d.activation() + ")")
                .value("output-activation", "NAME", "output activation (default: softmax for cross_entropy, sigmoid for binary_cross_entropy, identity for mse)")
                .value("loss", "NAME", "cross_entropy (classes), binary_cross_entropy (binary or multi-label) or mse (regression) "
                        + "(default " + d.loss() + ", mse for a built-in regression set)")
                .value("optimizer", "NAME", "sgd, momentum, nesterov, adam, adamw (default " + d.optimizer().kind() + ")")
                .value("learning-rate", "RATE", "base learning rate (default " + d.learningRate() + ")")
                .value("momentum", "M", "momentum for momentum and nesterov (default " + OptimizerSpec.DEFAULT_MOMENTUM + ")")
                .value("beta1", "B", "Adam's β₁ (default " + adam.beta1() + ")")
                .value("beta2", "B", "Adam's β₂ (default " + adam.beta2() + ")")
                .value("adam-epsilon", "E", "Adam's ε (default " + adam.epsilon() + ")")
                .value("weight-decay", "W", "AdamW's decoupled weight decay (default " + OptimizerSpec.DEFAULT_WEIGHT_DECAY + ")")
                .value("schedule", "NAME", "learning-rate schedule: constant, step, exponential, cosine (default " + d.schedule().kind() + ")")
                .value("warmup-steps", "N", "linear warm-up over the first N steps (default 0)")
                .value("decay-epochs", "N", "step schedule: epochs between decays (default " + DEFAULT_DECAY_EPOCHS + ")")
                .value("decay-rate", "G", "step schedule: factor per decay (default " + ScheduleSpec.DEFAULT_STEP_GAMMA
                        + "); exponential: factor per epoch (default " + ScheduleSpec.DEFAULT_EXPONENTIAL_GAMMA + ")")
                .value("min-learning-rate", "RATE", "cosine schedule: final rate (default " + ScheduleSpec.DEFAULT_MIN_RATE + ")")
                .value("batch-size", "N", "global mini-batch size over all partitions (default " + d.batchSize() + ")")
                .value("epochs", "N", "most passes over the data (default " + d.epochs() + ")")
                .value("seed", "N", "seed of initial weights and row order (default " + d.seed() + ")")
                .value("partitions", "N", "partitions of the cached data (default: Spark's default parallelism)")
                .value("precision", "TYPE", "float or double compute (default " + d.precision() + ")")
                .value("l1", "L", "L1 penalty on weights (default " + d.l1() + ")")
                .value("l2", "L", "L2 penalty on weights (default " + d.l2() + ")")
                .value("clip-norm", "N", "clip the gradient to this global L2 norm; 0 = off (default " + d.clipNorm() + ")")
                .value("clip-value", "V", "clip gradient entries to [-V, V]; 0 = off (default " + d.clipValue() + ")")
                .value("tolerance", "T", "stop when an epoch improves the training loss by less than this fraction; 0 = off (default " + d.tolerance() + ")")
                .value("patience", "N", "with --validation: stop after N epochs without a better validation loss, keep the best weights; 0 = off (default " + d.patience() + ")");
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

    /** Turns the flags into a validated configuration; every problem names its flag. */
    static TrainConfig config(Options o, boolean builtinRegression) {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = o.get("hidden", Options::intList, b.hidden);
        b.activation = o.get("activation", Activation::parse, b.activation);
        b.outputActivation = o.get("output-activation", Activation::parse, b.outputActivation);
        b.loss = o.get("loss", Loss::parse, builtinRegression ? Loss.MSE : b.loss);
        OptimizerKind kind = o.get("optimizer", OptimizerKind::parse, b.optimizer.kind());
        OptimizerSpec optimizer = OptimizerSpec.defaults(kind);
        optimizer = optimizer.withMomentum(o.number("momentum", optimizer.momentum()))
                .withBeta1(o.number("beta1", optimizer.beta1()))
                .withBeta2(o.number("beta2", optimizer.beta2()))
                .withEpsilon(o.number("adam-epsilon", optimizer.epsilon()))
                .withWeightDecay(o.number("weight-decay", optimizer.weightDecay()));
        b.optimizer = optimizer;
        double rate = o.number("learning-rate", b.schedule.baseRate());
        ScheduleKind scheduleKind = o.get("schedule", ScheduleKind::parse, b.schedule.kind());
        b.batchSize = o.integer("batch-size", b.batchSize);
        b.epochs = o.integer("epochs", b.epochs);
        b.schedule = schedule(o, scheduleKind, rate);
        b.seed = o.longValue("seed", b.seed);
        b.partitions = o.integer("partitions", b.partitions);
        b.precision = o.get("precision", Precision::parse, b.precision);
        b.l1 = o.number("l1", b.l1);
        b.l2 = o.number("l2", b.l2);
        b.clipNorm = o.number("clip-norm", b.clipNorm);
        b.clipValue = o.number("clip-value", b.clipValue);
        b.tolerance = o.number("tolerance", b.tolerance);
        b.patience = o.integer("patience", b.patience);
        return b.build();
    }

    private static ScheduleSpec schedule(Options o, ScheduleKind kind, double rate) {
        ScheduleSpec spec = switch (kind) {
            case CONSTANT -> ScheduleSpec.constant(rate);
            case STEP -> ScheduleSpec.step(rate, o.longValue("decay-epochs", DEFAULT_DECAY_EPOCHS), o.number("decay-rate", ScheduleSpec.DEFAULT_STEP_GAMMA));
            case EXPONENTIAL -> ScheduleSpec.exponential(rate, o.number("decay-rate", ScheduleSpec.DEFAULT_EXPONENTIAL_GAMMA));
            case COSINE -> ScheduleSpec.cosine(rate, o.number("min-learning-rate", ScheduleSpec.DEFAULT_MIN_RATE));
        };
        return spec.withWarmup(o.longValue("warmup-steps", 0));
    }

    @Override
    public void run(Options o, PrintStream out) {
        if (o.has("print-config")) {
            String trainPath = o.string("train");
            out.print(ConfigFile.print("train", o, ConfigFile.trainFlags(validConfig(o, trainPath != null && DataFlags.isBuiltinRegression(trainPath)))));
            return;
        }
        if (o.has("quiet") && o.has("verbose")) {
            throw new UserException("--quiet and --verbose exclude each other");
        }
        try (Progress.LogLevel level = Progress.logLevel(o.has("quiet"))) {
            train(o, out);
        }
    }

    /** {@link #config}, its problems as user errors that name the flag or the configuration file's line. */
    private static TrainConfig validConfig(Options o, boolean builtinRegression) {
        try {
            return config(o, builtinRegression);
        } catch (IllegalArgumentException e) {
            throw new UserException(o.located(e.getMessage()));
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
        TrainConfig config = validConfig(o, DataFlags.isBuiltinRegression(trainPath));
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
            LOG.info(String.format(Locale.ROOT, "read %d training rows (%d features, %s) into %d partitions in %.1f s",
                    train.rows(), train.schema().numFeatures(), describe(train), partitions, (System.nanoTime() - loadStart) / 1e9));
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
            Model model = new Model(result.topology(), config.precision(), train.schema(), result.weights(), training, metrics);
            Map<String, ObjectNode> files = new HashMap<>(Map.of(ModelStore.TRAINING_FILE, result.historyJson()));
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

    private static String joined(int[] values) {
        StringBuilder s = new StringBuilder();
        for (int v : values) {
            s.append(s.length() == 0 ? "" : ",").append(v);
        }
        return s.toString();
    }
}
