package org.sparkprop.jobs;

import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.sparkprop.driver.data.BadRowPolicy;
import org.sparkprop.driver.data.BuiltinData;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.Schema;

/** The flags that say how to read data, shared by train, evaluate and predict. */
final class DataFlags {
    private DataFlags() {
    }

    /**
     * Declares --train (training) or --data (evaluate, predict), and --format, --num-features, --label-col,
     * --max-bad-rows, --max-bad-fraction.
     */
    static void declare(Options o, boolean training) {
        if (training) {
            o.required("train", "PATH", "training data: a file, directory or glob on any Hadoop file system (compressed files too), or builtin:NAME ("
                    + String.join(", ", BuiltinData.names()) + ")");
        } else {
            o.required("data", "PATH", "data: a file, directory or glob on any Hadoop file system, or builtin:NAME[:test]");
        }
        o.value("format", "FORMAT", "libsvm or csv (default: csv for names ending in .csv, .csv.gz and so on, libsvm for .libsvm and .svm, "
                + (training ? "else libsvm)" : "else the format the model was trained on)"));
        if (training) {
            o.value("num-features", "N", "LibSVM: feature count (default: the largest index in the data)");
            o.value("label-col", "COLS", "CSV: label column name or 0-based index, or several separated by commas (default: the last column)");
        }
        String each = training ? " (training and validation data each)" : "";
        o.value("max-bad-rows", "N", "skip malformed rows, counting them, and stop only when there are more than N" + each
                + " (default: stop at the first)");
        o.value("max-bad-fraction", "F", "skip malformed rows, counting them, and stop only when they are more than F (0 to 1) of"
                + " the rows read" + each + " (default: stop at the first); with --max-bad-rows both limits hold");
    }

    /**
     * The input spec for {@code path}. With a {@code known} schema (evaluation, prediction, validation) the
     * feature count and label columns are the model's. Malformed rows are handled as --max-bad-rows and
     * --max-bad-fraction say ({@link BadRowPolicy#of}).
     */
    static InputSpec input(Options o, String path, Schema known, DataFormat fallback) {
        DataFormat inferred = inferFormat(path);
        DataFormat format = o.get("format", DataFormat::parse, inferred != null ? inferred : fallback);
        Integer numFeatures = known != null ? Integer.valueOf(known.numFeatures()) : o.get("num-features", Integer::valueOf, null);
        List<String> labels = known == null ? o.get("label-col", Options::stringList, List.of())
                : format == DataFormat.CSV ? known.labelColumns() : List.of();
        BadRowPolicy badRows = BadRowPolicy.of(o.get("max-bad-rows", Long::valueOf, null), o.get("max-bad-fraction", Double::valueOf, null));
        return new InputSpec(path, format, numFeatures, labels, badRows);
    }

    /** The format a file name implies (x.csv, x.csv.gz: csv; x.libsvm, x.svm: libsvm), or null. */
    static DataFormat inferFormat(String path) {
        String name = path.toLowerCase(Locale.ROOT).replaceAll("\\.(gz|bz2|deflate|lz4|snappy|zst)$", "");
        if (name.endsWith(".csv")) {
            return DataFormat.CSV;
        }
        return name.endsWith(".libsvm") || name.endsWith(".svm") ? DataFormat.LIBSVM : null;
    }

    /** The format of the data a model was trained on, as its model.json records it; libsvm if it does not say. */
    static DataFormat trainedFormat(org.sparkprop.driver.model.Model model) {
        String recorded = model.training().path("data").path("format").asText("");
        return recorded.isEmpty() ? DataFormat.LIBSVM : DataFormat.parse(recorded);
    }

    static boolean isBuiltinRegression(String path) {
        return BuiltinData.isBuiltin(path) && BuiltinData.isRegression(path);
    }

    /** Hadoop settings for file access outside Spark jobs (checks made before Spark starts). */
    static Configuration hadoopConf() {
        return new Configuration();
    }
}
