package org.sparkprop.jobs;

import java.io.PrintStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.FrameInput;
import org.sparkprop.driver.data.RowSource;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;

/**
 * {@code sparkprop evaluate}: loss and metrics of a model on labelled data; weighted metrics where the rows have sample
 * weights (--weight-col, or the model's weight column where the data still hold it).
 */
final class EvaluateCommand implements Main.Command {
    @Override
    public Options options() {
        Options o = new Options("evaluate", "Prints loss and metrics of a model on labelled data: accuracy, per-class precision, recall and F1 "
                + "and the confusion matrix for classification; MSE, RMSE, MAE and R² for regression; weighted where the rows have sample weights.");
        o.required("model", "DIR", "model directory written by train");
        DataFlags.declare(o, false);
        o.value("label-col", "NAME", "parquet, orc, json: the label column (default: the model's label column if it was trained on one, else "
                + DataFlags.LABEL_COLUMN + "); libsvm and csv files are read with the model's label columns");
        o.value("weight-col", "NAME", "csv, parquet, orc, json: a column of sample weights (finite numbers >= 0, not a feature) by which "
                + "every metric is weighted (default: the model's weight column, where the data hold it)");
        return o.flag("json", "print one JSON object (count, loss, accuracy or rmse, ...) instead of a table")
                .value("master", "URL", "Spark master (default: spark-submit's, else " + SparkRuntime.DEFAULT_MASTER + ")");
    }

    @Override
    public void run(Options o, PrintStream out) {
        Model model = ModelStore.load(o.string("model"), DataFlags.hadoopConf());
        RowSource source = DataFlags.input(o, o.string("data"), model.schema(), DataFlags.trainedFormat(model));
        if (o.has("label-col") && !(source instanceof FrameInput)) {
            throw new UserException("--label-col applies to parquet, orc and json input here; " + source.formatId()
                    + " data are read with the label columns of the model");
        }
        try (JavaSparkContext sc = SparkRuntime.open("evaluate", o.string("master"))) {
            Dataset data = source.readOrdered(sc, model.schema());
            Metrics m = Evaluator.evaluate(sc, model.topology(), model.precision(), model.weights(), model.schema(), data.blocks(),
                    "evaluate " + o.string("data"));
            if (o.has("json")) {
                out.println(m.toJson().toString());
            } else {
                out.print(m.toTable());
            }
        }
    }
}
