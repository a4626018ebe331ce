package org.sparkprop.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.FrameColumns;
import org.sparkprop.driver.data.FrameReader;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelJson;
import org.sparkprop.driver.train.Checkpoints;
import org.sparkprop.driver.train.EpochRecord;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainListener;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.driver.train.Trainer;

/**
 * What every Estimator's {@code fit} does: the Params to a {@link TrainConfig}, the DataFrame into cached blocks
 * ({@link FrameReader}, the same blocks a file gives), the same {@link Trainer} as the command line, then the
 * final metrics and a sparkprop {@link Model}. It runs in the caller's SparkSession as it is configured.
 */
final class Fitting {
    private static final Logger LOG = LoggerFactory.getLogger("org.sparkprop");

    private Fitting() {
    }

    /** A trained model and its per-epoch history ({@code training.json}). */
    record Fit(Model model, ObjectNode history) {
    }

    /**
     * Trains on {@code dataset} for {@code owner}, whose Params {@code settings} holds.
     *
     * @param vectorLabels whether labels are Vectors (several outputs) rather than numbers
     * @param kinds        the label kinds the Estimator trains; the loss Param picks one
     */
    static Fit fit(Params owner, SettingParams settings, org.apache.spark.sql.Dataset<?> dataset, String featuresCol, String labelCol,
                   boolean vectorLabels, Set<LabelKind> kinds) {
        TrainConfig config = settings.config(owner);
        LabelKind labels = LabelKind.forLoss(config.loss(), vectorLabels ? 2 : 1);
        if (!kinds.contains(labels)) {
            throw new IllegalArgumentException("loss " + config.loss() + " does not fit " + owner.getClass().getSimpleName() + ", which trains "
                    + (vectorLabels ? "Vector labels with loss mse (several targets) or binary_cross_entropy (several 0/1 labels)"
                    : kinds.contains(LabelKind.CLASSES) ? "one class of K with loss cross_entropy" : "one target with loss mse"));
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        int partitions = config.partitions() > 0 ? config.partitions() : sc.defaultParallelism();
        FrameColumns columns = columns(owner, settings, featuresCol, labelCol);
        @SuppressWarnings("unchecked")
        org.apache.spark.sql.Dataset<Row> frame = (org.apache.spark.sql.Dataset<Row>) dataset.toDF();
        FrameReader.TrainingData data;
        try {
            data = FrameReader.readForTraining(sc, frame, columns, labels, partitions);
        } catch (UserException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        try {
            Trainer trainer = new Trainer(sc, config);
            TrainResult result = trainer.train(data.train(), data.validation(), null, checkpoints(owner, settings, sc), new LogListener(owner.uid()));
            ObjectNode metrics = ModelJson.newObject();
            Metrics train = Evaluator.evaluate(sc, result.topology(), config.precision(), result.weights(), data.train().schema(),
                    data.train().blocks(), "evaluate on training data");
            metrics.set("train", train.toJson());
            if (data.validation() != null) {
                metrics.set("validation", Evaluator.evaluate(sc, result.topology(), config.precision(), result.weights(),
                        data.train().schema(), data.validation().blocks(), "evaluate on validation data").toJson());
            }
            ObjectNode training = config.toJson();
            ObjectNode source = training.putObject("data");
            source.put("dataFrame", owner.uid());
            source.put("rows", data.train().rows());
            source.put("validationRows", data.validation() != null ? data.validation().rows() : 0);
            source.put("partitions", partitions);
            source.put("exchange", result.exchange());
            source.put("storage", data.train().storage());
            source.put("cachedBytes", data.train().cachedBytes());
            Model model = new Model(result.topology(), config.precision(), data.train().schema(), result.weights(), training, metrics);
            LOG.info(String.format(Locale.ROOT, "%s: trained %s on %d rows in %.1f s (%s), train %s %.4f", owner.uid(), result.topology(),
                    data.train().rows(), result.trainSeconds(), result.stopReason(), train.headlineName(), train.headline()));
            return new Fit(model, result.historyJson());
        } catch (UserException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } finally {
            data.train().unpersist();
            if (data.validation() != null) {
                data.validation().unpersist();
            }
        }
    }

    /**
     * What {@code schema} alone tells about the columns {@code owner} reads (they exist, with types that can be read
     * for labels of {@code kind}); one sentence naming the column otherwise.
     */
    static void checkSchema(Params owner, SettingParams settings, StructType schema, String featuresCol, String labelCol, LabelKind kind) {
        try {
            FrameReader.checkSchema(schema, columns(owner, settings, featuresCol, labelCol), kind, true);
        } catch (UserException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static FrameColumns columns(Params owner, SettingParams settings, String featuresCol, String labelCol) {
        String weightCol = owner.isDefined(settings.weightCol()) ? owner.getOrDefault(settings.weightCol()) : null;
        String validationCol = owner.isDefined(settings.validationIndicatorCol()) ? owner.getOrDefault(settings.validationIndicatorCol()) : null;
        return new FrameColumns(featuresCol, List.of(), labelCol, weightCol, validationCol);
    }

    /**
     * Checkpoints as Spark ML's {@code checkpointInterval} has them: only where the SparkContext has a checkpoint
     * directory, in a folder of this Estimator's there.
     */
    private static Checkpoints checkpoints(Params owner, SettingParams settings, JavaSparkContext sc) {
        int interval = (Integer) owner.getOrDefault(settings.checkpointInterval());
        if (interval < 1 || !sc.getCheckpointDir().isPresent()) {
            return Checkpoints.NONE;
        }
        return new Checkpoints(sc.getCheckpointDir().get() + "/sparkprop-" + owner.uid(), interval, Checkpoints.DEFAULT_KEEP, false);
    }

    /** A line per epoch in Spark's log, as the command line's progress lines say it. */
    private record LogListener(String uid) implements TrainListener {
        @Override
        public void onEpoch(EpochRecord record, int epochs, String metricName) {
            LOG.info(String.format(Locale.ROOT, "%s: epoch %d/%d loss %.4f%s", uid, record.epoch(), epochs, record.trainLoss(),
                    Double.isNaN(record.validationLoss()) ? "" : String.format(Locale.ROOT, " val_loss %.4f val_%s %.4f",
                            record.validationLoss(), metricName, record.validationMetric())));
        }
    }
}
