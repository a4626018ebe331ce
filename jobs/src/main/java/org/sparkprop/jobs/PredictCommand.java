package org.sparkprop.jobs;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.data.DataReader;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.eval.EvalStats;
import org.sparkprop.driver.eval.Predictor;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;

/**
 * {@code sparkprop predict}: one CSV line per input row, in input order, after a header line. Classification:
 * the predicted class and one probability per class; binary: the class and the probability of the second
 * class; multi-label: 0/1 per label then a probability per label; regression: the predicted value(s).
 */
final class PredictCommand implements Main.Command {
    @Override
    public Options options() {
        Options o = new Options("predict", "Writes one prediction per row of the data, in input order, to a CSV file with a header line.");
        o.required("model", "DIR", "model directory written by train");
        DataFlags.declare(o, false);
        return o.required("output", "PATH", "file to write (refused if it exists, unless --overwrite)")
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
        try (JavaSparkContext sc = SparkRuntime.open("predict", o.string("master"))) {
            Dataset data = DataReader.readForPrediction(sc, DataFlags.input(o, o.string("data"), schema, DataFlags.trainedFormat(model)), schema);
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
        StringBuilder s = new StringBuilder("prediction");
        switch (schema.labelKind()) {
            case CLASSES -> schema.classes().forEach(c -> s.append(",").append(csv("p_" + c)));
            case BINARY -> s.append(",").append(csv("p_" + schema.classes().get(1)));
            case MULTILABEL -> {
                s.setLength(0);
                List<String> names = labelNames(schema);
                names.forEach(n -> s.append(s.length() == 0 ? "" : ",").append(csv(n)));
                names.forEach(n -> s.append(",").append(csv("p_" + n)));
            }
            case REGRESSION -> {
                if (schema.outputs() > 1) {
                    s.setLength(0);
                    labelNames(schema).forEach(n -> s.append(s.length() == 0 ? "" : ",").append(csv(n)));
                }
            }
        }
        return s.toString();
    }

    private static List<String> labelNames(Schema schema) {
        if (schema.labelColumns().size() == schema.outputs()) {
            return schema.labelColumns();
        }
        return java.util.stream.IntStream.range(0, schema.outputs()).mapToObj(i -> "label" + i).toList();
    }

    static void format(Schema schema, double[] out, int offset, int outputs, StringBuilder line) {
        switch (schema.labelKind()) {
            case CLASSES -> {
                line.append(csv(schema.classes().get(EvalStats.argmax(out, offset, outputs))));
                for (int k = 0; k < outputs; k++) {
                    line.append(',').append((float) out[offset + k]);
                }
            }
            case BINARY -> line.append(csv(schema.classes().get(out[offset] >= 0.5 ? 1 : 0))).append(',').append((float) out[offset]);
            case MULTILABEL -> {
                for (int k = 0; k < outputs; k++) {
                    line.append(k == 0 ? "" : ",").append(out[offset + k] >= 0.5 ? 1 : 0);
                }
                for (int k = 0; k < outputs; k++) {
                    line.append(',').append((float) out[offset + k]);
                }
            }
            case REGRESSION -> {
                for (int k = 0; k < outputs; k++) {
                    line.append(k == 0 ? "" : ",").append((float) out[offset + k]);
                }
            }
        }
    }

    /** A CSV field, quoted where it holds a comma, quote or line break. */
    static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
