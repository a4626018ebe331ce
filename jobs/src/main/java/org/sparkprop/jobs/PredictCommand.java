package org.sparkprop.jobs;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.FrameInput;
import org.sparkprop.driver.data.RowSource;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.eval.Predictor;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelJson;
import org.sparkprop.driver.model.ModelStore;
import org.sparkprop.predictor.ModelSchema;
import org.sparkprop.predictor.PredictionColumns;

/**
 * {@code sparkprop predict}: one CSV line per input row, in input order, after a header line, or for an output
 * path ending in {@code .parquet} one Parquet row per input row ({@link PredictionFrame}), with the predictor module's
 * {@link PredictionColumns}: classification, the predicted class and one probability per class; binary, the class
 * and the probability of the second class; multi-label, 0/1 per label then a probability per label; regression, the
 * predicted value(s). The model's weight column, where the data hold it, is skipped.
 */
final class PredictCommand implements Main.Command {
    @Override
    public Options options() {
        Options o = new Options("predict", "Writes one prediction per row of the data, in input order, to a CSV file with a header line, "
                + "or to Parquet when the output path ends in .parquet.");
        o.required("model", "DIR", "model directory written by train");
        DataFlags.declare(o, false);
        return o.required("output", "PATH", "file to write (refused if it exists, unless --overwrite): CSV, or for a name ending in .parquet a "
                        + "Parquet directory holding one file")
                .value("keep-cols", "COLS", "Parquet output from parquet, orc or json input: input columns to copy before the predictions, "
                        + "separated by commas (an id, for example)")
                .flag("overwrite", "replace an existing output file (atomically)")
                .value("master", "URL", "Spark master (default: spark-submit's, else " + SparkRuntime.DEFAULT_MASTER + ")");
    }

    @Override
    public void run(Options o, PrintStream out) {
        Model model = ModelStore.load(o.string("model"), DataFlags.hadoopConf());
        String output = o.string("output");
        boolean overwrite = o.has("overwrite");
        HadoopFiles.checkAbsent(output, overwrite, "output", DataFlags.hadoopConf());
        Schema schema = model.schema();
        RowSource source = DataFlags.input(o, o.string("data"), schema, DataFlags.trainedFormat(model));
        boolean parquet = output.toLowerCase(Locale.ROOT).endsWith(".parquet");
        List<String> keep = o.get("keep-cols", Options::stringList, List.of());
        if (!keep.isEmpty() && !(parquet && source instanceof FrameInput)) {
            throw new UserException("--keep-cols needs Parquet output (a path ending in .parquet) and parquet, orc or json input");
        }
        try (JavaSparkContext sc = SparkRuntime.open("predict", o.string("master"))) {
            Dataset data = source.readForPrediction(sc, schema);
            if (parquet) {
                long written = PredictionFrame.write(sc, model, data, keep.isEmpty() ? null : (FrameInput) source, keep, output, overwrite);
                out.printf(Locale.ROOT, "wrote %d predictions to %s%n", written, output);
                return;
            }
            int outputs = model.topology().outputs();
            ModelSchema columns = ModelJson.toModelSchema(schema);
            long[] rows = {0};
            HadoopFiles.writeTextAtomically(output, overwrite, sc.hadoopConfiguration(), writer -> {
                writer.write(PredictionColumns.csvHeader(columns));
                writer.write('\n');
                StringBuilder line = new StringBuilder();
                Predictor.forEachBlock(sc, model.topology(), model.precision(), model.weights(), data.blocks(), block -> {
                    try {
                        for (int r = 0; r * outputs < block.length; r++) {
                            line.setLength(0);
                            PredictionColumns.csvLine(columns, block, r * outputs, line);
                            writer.write(line.append('\n').toString());
                            rows[0]++;
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            });
            out.printf(Locale.ROOT, "wrote %d predictions to %s%n", rows[0], output);
        }
    }
}
