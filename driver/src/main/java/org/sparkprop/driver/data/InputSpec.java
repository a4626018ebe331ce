package org.sparkprop.driver.data;

import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.UserException;
import org.sparkprop.kernels.Loss;

/**
 * Where rows come from and how to read them.
 *
 * @param path         anything Hadoop's FileSystem reads: a file, a directory (read recursively, files whose
 *                     names start with {@code _} or {@code .} skipped), a glob, compressed files by their
 *                     extension; or {@code builtin:NAME} / {@code builtin:NAME:test} (see {@link BuiltinData}),
 *                     which ignore {@code format}
 * @param format       the text format of the files
 * @param numFeatures  features per row, or null to infer it (LibSVM: the largest index; CSV: the header); when
 *                     given, a LibSVM index above it and a CSV header of another width are errors
 * @param labelColumns CSV only: label column names or 0-based indices; empty means the last column (or the
 *                     training data's label columns when a known schema is given)
 * @param badRows      what to do with malformed rows: stop at the first, or skip and count them up to a limit
 * @param weightColumn CSV only: the column of sample weights (a name or a 0-based index), read as each row's weight
 *                     (finite, ≥ 0) and not as a feature; null for none
 * @param storage      how the cached blocks hold the features ({@link Storage}: auto, dense or sparse)
 */
public record InputSpec(String path, DataFormat format, Integer numFeatures, List<String> labelColumns, BadRowPolicy badRows,
                        String weightColumn, Storage storage) implements RowSource {

    public InputSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(badRows, "badRows");
        Objects.requireNonNull(storage, "storage");
        labelColumns = List.copyOf(labelColumns);
        if (path.isBlank()) {
            throw new UserException("input path is empty");
        }
        if (numFeatures != null && numFeatures < 1) {
            throw new UserException("--num-features must be at least 1, got " + numFeatures);
        }
        if (format == DataFormat.LIBSVM && !labelColumns.isEmpty() && !BuiltinData.isBuiltin(path)) {
            throw new UserException("label columns " + labelColumns + " apply to CSV only; a LibSVM row's label is its first field");
        }
        for (String column : labelColumns) {
            if (column.isBlank()) {
                throw new UserException("label column names must not be empty, got " + labelColumns);
            }
        }
        if (weightColumn != null) {
            if (weightColumn.isBlank()) {
                throw new UserException("the weight column's name must not be empty");
            }
            if (format != DataFormat.CSV || BuiltinData.isBuiltin(path)) {
                throw new UserException("a weight column applies to CSV files (and parquet, orc and json input), not to "
                        + (BuiltinData.isBuiltin(path) ? path : format.id() + " files"));
            }
            if (labelColumns.contains(weightColumn)) {
                throw new UserException("column " + weightColumn + " cannot be both a label and the weight column");
            }
        }
    }

    /** An input without a weight column, stored as {@link Storage#AUTO} chooses. */
    public InputSpec(String path, DataFormat format, Integer numFeatures, List<String> labelColumns, BadRowPolicy badRows) {
        this(path, format, numFeatures, labelColumns, badRows, null, Storage.AUTO);
    }

    /** An input whose first malformed row stops the run ({@link BadRowPolicy#STOP_AT_FIRST}), stored as auto chooses. */
    public InputSpec(String path, DataFormat format, Integer numFeatures, List<String> labelColumns) {
        this(path, format, numFeatures, labelColumns, BadRowPolicy.STOP_AT_FIRST);
    }

    /** This input with malformed rows handled as {@code policy} says. */
    public InputSpec withBadRows(BadRowPolicy policy) {
        return new InputSpec(path, format, numFeatures, labelColumns, policy, weightColumn, storage);
    }

    /** This input with {@code column} as its weight column (null: none). */
    public InputSpec withWeightColumn(String column) {
        return new InputSpec(path, format, numFeatures, labelColumns, badRows, column, storage);
    }

    /** This input cached as {@code storage} says. */
    public InputSpec withStorage(Storage storage) {
        return new InputSpec(path, format, numFeatures, labelColumns, badRows, weightColumn, storage);
    }

    /** Reads {@code path} in {@code format}, numFeatures inferred, the last CSV column as the label. */
    public static InputSpec of(String path, DataFormat format) {
        return new InputSpec(path, format, null, List.of());
    }

    @Override
    public String formatId() {
        return format.id();
    }

    /** {@link DataReader#readForTraining}; binary cross-entropy is multi-label with several label columns. */
    @Override
    public Dataset readForTraining(JavaSparkContext sc, Loss loss, int partitions) {
        return DataReader.readForTraining(sc, this, LabelKind.forLoss(loss, labelColumns.size()), null, partitions);
    }

    @Override
    public Dataset readOrdered(JavaSparkContext sc, Schema known) {
        return DataReader.readOrdered(sc, this, known);
    }

    @Override
    public Dataset readForPrediction(JavaSparkContext sc, Schema known) {
        return DataReader.readForPrediction(sc, this, known);
    }
}
