package org.sparkprop.jobs;

import java.io.PrintStream;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.FrameInput;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.RowSource;
import org.sparkprop.driver.registry.Gate;
import org.sparkprop.driver.registry.Registry;
import org.sparkprop.driver.registry.Retrainer;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainListener;

/**
 * {@code sparkprop retrain}: a scheduled retraining run against a model registry. Exit status 0 when the
 * candidate was published (or an identical earlier run had published it), {@value #REJECTED} when the gate
 * rejected it (now or in an identical earlier run), 2 for a user's mistake, 1 for a bug.
 */
final class RetrainCommand implements Main.Command {
    /** Exit status of a run whose candidate the gate rejected. */
    static final int REJECTED = 3;
    /** Steps between the checkpoints a retraining run keeps in the registry while it trains. */
    static final long DEFAULT_CHECKPOINT_EVERY = 100;

    private int status = Main.OK;

    @Override
    public Options options() {
        Options o = new Options("retrain", "Retrains a registered model on fresh data: warm-starts from the current version, trains, "
                + "compares candidate and champion on the validation data, and publishes the candidate only if the gate passes. "
                + "Exit status 0: published; " + REJECTED + ": rejected by the gate; 2: a mistake in the input; 1: a bug.");
        o.required("registry", "URI", "the registry: a directory on any Hadoop file system")
                .required("name", "NAME", "the model's name in the registry");
        DataFlags.declare(o, true);
        o.required("validation", "PATH", "validation data on which candidate and champion are compared (same format)")
                .value("gate", "RULE", "publish only if RULE holds, e.g. 'accuracy >= champion - 0.002' or 'rmse <= champion * 1.01' "
                        + "(default: 'accuracy >= champion' for classification, 'rmse <= champion' for regression)")
                .flag("from-scratch", "do not warm-start from the current version (needed when the data's schema or the network changed)")
                .value("checkpoint-every", "STEPS", "checkpoints in the registry while training, so a killed run continues when started again (default "
                        + DEFAULT_CHECKPOINT_EVERY + ")");
        return TrainCommand.declareHyperparameters(o)
                .flag("json", "print the run record as JSON instead of a sentence")
                .value("master", "URL", "Spark master (default: spark-submit's, else " + SparkRuntime.DEFAULT_MASTER + ")");
    }

    @Override
    public void run(Options o, PrintStream out) {
        String trainPath = o.string("train");
        TrainConfig config = TrainCommand.config(o, DataFlags.isBuiltinRegression(trainPath));
        Gate gate = o.has("gate") ? Gate.parse(o.string("gate")) : null;
        long checkpointEvery = o.longValue("checkpoint-every", DEFAULT_CHECKPOINT_EVERY);
        if (checkpointEvery < 1) {
            throw new UserException("--checkpoint-every must be at least 1, got " + checkpointEvery);
        }
        RowSource train = DataFlags.input(o, trainPath, null, DataFormat.LIBSVM.id());
        try (JavaSparkContext sc = SparkRuntime.open("retrain", o.string("master"))) {
            Registry registry = new Registry(o.string("registry"), o.string("name"), sc.hadoopConfiguration());
            // The validation data are read against the training data's schema; their flags are the training data's.
            RowSource validation = validation(train, o.string("validation"));
            Retrainer.Outcome outcome = new Retrainer(sc, registry)
                    .run(new Retrainer.Request(train, validation, config, gate, o.has("from-scratch"), checkpointEvery), TrainListener.SILENT);
            if (o.has("json")) {
                out.println(outcome.record().toString());
            } else {
                String what = outcome.decision() == Retrainer.Decision.PUBLISHED
                        ? "published version " + outcome.version() + " of " + registry.name()
                        : "rejected the candidate for " + registry.name() + "; current stays";
                out.printf(Locale.ROOT, "%s%s: %s%n", outcome.repeated() ? "nothing to do, an identical run already " : "", what, outcome.reason());
            }
            status = outcome.decision() == Retrainer.Decision.PUBLISHED ? Main.OK : REJECTED;
        }
    }

    /**
     * Validation data read as {@code train} is, with its format, columns and storage (all rows checked: one bad row
     * stops the run).
     */
    private static RowSource validation(RowSource train, String path) {
        if (train instanceof FrameInput frame) {
            return new FrameInput(path, frame.format(), frame.columns(), null, frame.storage());
        }
        InputSpec files = (InputSpec) train;
        return new InputSpec(path, files.format(), files.numFeatures(), files.labelColumns()).withStorage(files.storage());
    }

    @Override
    public int exitStatus() {
        return status;
    }
}
