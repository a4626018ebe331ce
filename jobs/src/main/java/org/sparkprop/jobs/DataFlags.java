package org.sparkprop.jobs;

import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.BadRowPolicy;
import org.sparkprop.driver.data.BuiltinData;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.FrameColumns;
import org.sparkprop.driver.data.FrameInput;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.RowSource;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.data.Storage;

/**
 * The flags that say how to read data, shared by train, retrain, evaluate and predict: LibSVM and CSV files through
 * sparkprop's parsers ({@link InputSpec}), Parquet, ORC and JSON through Spark's DataFrameReader ({@link FrameInput}).
 */
final class DataFlags {
    private DataFlags() {
    }

    /** The default features column of DataFrame input. */
    static final String FEATURES_COLUMN = "features";
    /** The default label column of DataFrame input. */
    static final String LABEL_COLUMN = "label";
    private static final String FRAME_ONLY = "parquet, orc and json input";

    /**
     * Declares --train (training) or --data (evaluate, predict), and --format, --num-features, --features-col,
     * --feature-cols, --max-bad-rows, --max-bad-fraction; for training also --label-col and --weight-col (evaluate
     * declares its own --label-col and --weight-col; predict skips the model's weight column).
     */
    static void declare(Options o, boolean training) {
        if (training) {
            o.required("train", "PATH", "training data: a file, directory or glob on any Hadoop file system (compressed files too), or builtin:NAME ("
                    + String.join(", ", BuiltinData.names()) + ")");
        } else {
            o.required("data", "PATH", "data: a file, directory or glob on any Hadoop file system, or builtin:NAME[:test]");
        }
        o.value("format", "FORMAT", "libsvm or csv (read by sparkprop), or parquet, orc or json (read by Spark's DataFrameReader) "
                + "(default: csv for names ending in .csv, .csv.gz and so on, libsvm for .libsvm and .svm, parquet for .parquet, orc for .orc, "
                + "json for .json and .jsonl, " + (training ? "else libsvm)" : "else the format the model was trained on)"));
        o.value("num-features", "N", training ? "LibSVM: feature count (default: the largest index in the data); other formats: "
                + "the feature count the data must have" : "the feature count the model must have (a check; the model decides)");
        o.value("features-col", "NAME", "parquet, orc, json: the features column, a Vector or an array of numbers (default: "
                + (training ? FEATURES_COLUMN : "the model's feature columns if it was trained on named columns, else " + FEATURES_COLUMN) + ")");
        o.value("feature-cols", "COLS", "parquet, orc, json: numeric feature columns, separated by commas, instead of --features-col");
        if (training) {
            o.value("label-col", "COLS", "CSV: label column name or 0-based index, or several separated by commas (default: the last column); "
                    + "parquet, orc, json: the label column, a class index 0..K-1, a number, or a Vector or array for several outputs (default "
                    + LABEL_COLUMN + ")");
            o.value("weight-col", "NAME", "csv, parquet, orc, json: a column of sample weights, finite numbers >= 0, not a feature (CSV: "
                    + "a name or 0-based index) (default: none)");
        }
        o.value("storage", "MODE", "how the cached rows hold their features: dense, sparse (a value and a column index per non-zero), or auto:"
                + " sparse when the rows are read sparse (libsvm, builtin:text, sparse Vectors) and fewer than "
                + Math.round(Storage.AUTO_SPARSE_BELOW * 100) + "% of their values are non-zero (default: auto)");
        String each = training ? " (training and validation data each)" : "";
        o.value("max-bad-rows", "N", "skip malformed rows, counting them, and stop only when there are more than N" + each
                + " (default: stop at the first)");
        o.value("max-bad-fraction", "F", "skip malformed rows, counting them, and stop only when they are more than F (0 to 1) of"
                + " the rows read" + each + " (default: stop at the first); with --max-bad-rows both limits hold");
    }

    /**
     * Where the rows of {@code path} come from and how to read them, in the format --format names, else the one
     * {@code path}'s name implies, else {@code fallback}. With a {@code known} schema (evaluation, prediction,
     * validation) the feature count is the model's (--num-features is checked against it) and so, for files, are
     * the label columns; a DataFrame's columns default to the model's feature and label columns.
     */
    static RowSource input(Options o, String path, Schema known, String fallback) {
        String inferred = inferFormat(path);
        String format = o.get("format", DataFlags::parseFormat, inferred != null ? inferred : fallback);
        if (known != null && o.has("num-features")) {
            int given = o.get("num-features", Integer::valueOf, null);
            if (given != known.numFeatures()) {
                throw new UserException(String.format(Locale.ROOT, "--num-features %d differs from the %d features the model was trained on",
                        given, known.numFeatures()));
            }
        }
        if (FrameInput.FORMATS.contains(format) && !BuiltinData.isBuiltin(path)) {
            return frame(o, path, format, known);
        }
        for (String flag : List.of("features-col", "feature-cols")) {
            if (o.has(flag)) {
                throw new UserException("--" + flag + " applies to " + FRAME_ONLY + ", not to " + (BuiltinData.isBuiltin(path) ? path : format + " files"));
            }
        }
        if (o.has("weight-col") && (BuiltinData.isBuiltin(path) || !format.equals(DataFormat.CSV.id()))) {
            throw new UserException("--weight-col applies to csv files and " + FRAME_ONLY + ", not to "
                    + (BuiltinData.isBuiltin(path) ? path : format + " files"));
        }
        // A built-in set ignores the format; a model trained on a DataFrame still evaluates on one.
        return files(o, path, DataFormat.parse(FrameInput.FORMATS.contains(format) ? DataFormat.LIBSVM.id() : format), known);
    }

    private static FrameInput frame(Options o, String path, String format, Schema known) {
        for (String flag : List.of("max-bad-rows", "max-bad-fraction")) {
            if (o.has(flag)) {
                throw new UserException("--" + flag + " applies to libsvm and csv files; with " + FRAME_ONLY + " the first bad row stops the command");
            }
        }
        if (o.has("features-col") && o.has("feature-cols")) {
            throw new UserException("give --features-col (one Vector or array column) or --feature-cols (numeric columns), not both");
        }
        List<String> featureCols = o.get("feature-cols", Options::stringList, List.of());
        String features = featureCols.isEmpty() ? o.string("features-col") : null;
        if (features == null && featureCols.isEmpty()) {
            if (known != null && !known.featureNames().isEmpty()) {
                featureCols = known.featureNames();
            } else {
                features = FEATURES_COLUMN;
            }
        }
        List<String> labels = o.get("label-col", Options::stringList, List.of());
        if (labels.size() > 1) {
            throw new UserException("--label-col names one column with " + FRAME_ONLY + " (a Vector or array column for several outputs), got "
                    + String.join(",", labels));
        }
        String label = !labels.isEmpty() ? labels.get(0)
                : known != null && known.labelColumns().size() == 1 ? known.labelColumns().get(0) : LABEL_COLUMN;
        Integer numFeatures = known == null ? o.get("num-features", Integer::valueOf, null) : null;
        if (numFeatures != null && numFeatures < 1) {
            throw new UserException("--num-features must be at least 1, got " + numFeatures);
        }
        return new FrameInput(path, format, new FrameColumns(features, featureCols, label, o.string("weight-col"), null), numFeatures,
                storage(o));
    }

    /** LibSVM or CSV files: malformed rows handled as --max-bad-rows and --max-bad-fraction say ({@link BadRowPolicy#of}). */
    private static InputSpec files(Options o, String path, DataFormat format, Schema known) {
        Integer numFeatures = known != null ? Integer.valueOf(known.numFeatures()) : o.get("num-features", Integer::valueOf, null);
        List<String> labels = known == null ? o.get("label-col", Options::stringList, List.of())
                : format == DataFormat.CSV ? known.labelColumns() : List.of();
        BadRowPolicy badRows = BadRowPolicy.of(o.get("max-bad-rows", Long::valueOf, null), o.get("max-bad-fraction", Double::valueOf, null));
        return new InputSpec(path, format, numFeatures, labels, badRows, format == DataFormat.CSV ? o.string("weight-col") : null, storage(o));
    }

    /** --storage's value: auto (the default), dense or sparse. */
    static Storage storage(Options o) {
        return o.get("storage", Storage::parse, Storage.AUTO);
    }

    /** --format's value: libsvm (or svmlight), csv, parquet, orc or json, as the format's id. */
    static String parseFormat(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (FrameInput.FORMATS.contains(key)) {
            return key;
        }
        try {
            return DataFormat.parse(key).id();
        } catch (UserException e) {
            throw new UserException("unknown data format '" + name + "'; expected libsvm, csv, parquet, orc or json");
        }
    }

    /**
     * The format a name implies (x.csv, x.csv.gz: csv; x.libsvm, x.svm: libsvm; x.parquet: parquet; x.orc: orc;
     * x.json, x.jsonl: json), or null.
     */
    static String inferFormat(String path) {
        String lower = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        String name = lower.replaceAll("\\.(gz|bz2|deflate|lz4|snappy|zst)$", "");
        if (name.endsWith(".csv")) {
            return DataFormat.CSV.id();
        }
        if (name.endsWith(".libsvm") || name.endsWith(".svm")) {
            return DataFormat.LIBSVM.id();
        }
        if (lower.endsWith(".parquet")) {
            return "parquet";
        }
        if (lower.endsWith(".orc")) {
            return "orc";
        }
        return name.endsWith(".json") || name.endsWith(".jsonl") ? "json" : null;
    }

    /** The format of the data a model was trained on, as its model.json records it; libsvm if it does not say. */
    static String trainedFormat(org.sparkprop.driver.model.Model model) {
        String recorded = model.training().path("data").path("format").asText("");
        return recorded.isEmpty() ? DataFormat.LIBSVM.id() : parseFormat(recorded);
    }

    static boolean isBuiltinRegression(String path) {
        return BuiltinData.isBuiltin(path) && BuiltinData.isRegression(path);
    }

    /** Hadoop settings for file access outside Spark jobs (checks made before Spark starts). */
    static Configuration hadoopConf() {
        return new Configuration();
    }
}
