package org.sparkprop.jobs;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.FrameInput;
import org.sparkprop.driver.data.RowSource;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.eval.EvalStats;
import org.sparkprop.driver.eval.Predictor;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;

/**
 * {@code sparkprop predict}: one CSV line per input row, in input order, after a header line, or for an output
 * path ending in {@code .parquet} one Parquet row per input row ({@link PredictionFrame}). Classification: the
 * predicted class and one probability per class; binary: the class and the probability of the second class;
 * multi-label: 0/1 per label then a probability per label; regression: the predicted value(s).
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
            long[] rows = {0};
            HadoopFiles.writeTextAtomically(output, overwrite, sc.hadoopConfiguration(), writer -> {
                writer.write(header(schema));
                writer.write('\n');
                StringBuilder line = new StringBuilder();
                Predictor.forEachBlock(sc, model.topology(), model.precision(), model.weights(), data.blocks(), block -> {
                    try {
                        for (int r = 0; r * outputs < block.length; r++) {
                            line.setLength(0);
                            format(schema, block, r * outputs, outputs, line);
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

    static String header(Schema schema) {
        return String.join(",", columnNames(schema).stream().map(PredictCommand::csv).toList());
    }

    /** The prediction columns' names, for the CSV header and the Parquet schema alike. */
    static List<String> columnNames(Schema schema) {
        List<String> names = new ArrayList<>();
        switch (schema.labelKind()) {
            case CLASSES -> {
                names.add("prediction");
                schema.classes().forEach(c -> names.add("p_" + c));
            }
            case BINARY -> {
                names.add("prediction");
                names.add("p_" + schema.classes().get(1));
            }
            case MULTILABEL -> {
                names.addAll(labelNames(schema));
                labelNames(schema).forEach(n -> names.add("p_" + n));
            }
            case REGRESSION -> names.addAll(schema.outputs() > 1 ? labelNames(schema) : List.of("prediction"));
        }
        return names;
    }

    private static List<String> labelNames(Schema schema) {
        if (schema.labelColumns().size() == schema.outputs()) {
            return schema.labelColumns();
        }
        return java.util.stream.IntStream.range(0, schema.outputs()).mapToObj(i -> "label" + i).toList();
    }

    /** One row's CSV line, without its line break, from {@link #values}. */
    static void format(Schema schema, double[] out, int offset, int outputs, StringBuilder line) {
        Object[] values = values(schema, out, offset, outputs);
        for (int i = 0; i < values.length; i++) {
            line.append(i == 0 ? "" : ",").append(values[i] instanceof String text ? csv(text) : values[i]);
        }
    }

    /**
     * One row's predictions, a value per {@link #columnNames} column: a class label as text, probabilities and
     * regression values as float, multi-label decisions as int 0 or 1. {@code out} holds the network's outputs,
     * row by row; the row's are {@code out[offset .. offset + outputs)}.
     */
    static Object[] values(Schema schema, double[] out, int offset, int outputs) {
        return switch (schema.labelKind()) {
            case CLASSES -> {
                Object[] v = new Object[1 + outputs];
                v[0] = schema.classes().get(EvalStats.argmax(out, offset, outputs));
                for (int k = 0; k < outputs; k++) {
                    v[1 + k] = (float) out[offset + k];
                }
                yield v;
            }
            case BINARY -> new Object[] {schema.classes().get(out[offset] >= 0.5 ? 1 : 0), (float) out[offset]};
            case MULTILABEL -> {
                Object[] v = new Object[2 * outputs];
                for (int k = 0; k < outputs; k++) {
                    v[k] = out[offset + k] >= 0.5 ? 1 : 0;
                    v[outputs + k] = (float) out[offset + k];
                }
                yield v;
            }
            case REGRESSION -> {
                Object[] v = new Object[outputs];
                for (int k = 0; k < outputs; k++) {
                    v[k] = (float) out[offset + k];
                }
                yield v;
            }
        };
    }

    /** A CSV field, quoted where it holds a comma, quote or line break. */
    static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
