package org.sparkprop.driver.data;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.SparkThrowable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.UserException;
import org.sparkprop.kernels.Loss;

/**
 * Rows that Spark's DataFrameReader reads ({@code spark.read().format(format).load(path)}), turned into blocks by
 * {@link FrameReader}: each DataFrame partition plays the part of one input file.
 *
 * @param path        anything the DataFrameReader loads: a file, a directory, a glob, on any Hadoop file system
 * @param format      one of {@link #FORMATS}
 * @param columns     which columns hold the features, the label and the sample weights; the label and the weights
 *                    are dropped for prediction
 * @param numFeatures the feature count the user expects, checked against the training data; null for no check
 * @param storage     how the cached blocks hold the features ({@link Storage})
 */
public record FrameInput(String path, String format, FrameColumns columns, Integer numFeatures, Storage storage) implements RowSource {
    /** The formats read through Spark's DataFrameReader. */
    public static final List<String> FORMATS = List.of("parquet", "orc", "json");

    public FrameInput {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(storage, "storage");
        if (path.isBlank()) {
            throw new UserException("input path is empty");
        }
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("format " + format + " is not one of " + FORMATS);
        }
    }

    /** Stored as {@link Storage#AUTO} chooses. */
    public FrameInput(String path, String format, FrameColumns columns, Integer numFeatures) {
        this(path, format, columns, numFeatures, Storage.AUTO);
    }

    @Override
    public String formatId() {
        return format;
    }

    /** The DataFrame, from the session of {@code sc}; a path Spark cannot load is a user error naming it. */
    public org.apache.spark.sql.Dataset<Row> load(JavaSparkContext sc) {
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        try {
            return spark.read().format(format).load(path);
        } catch (Exception e) { // AnalysisException and SparkException: checked exceptions that Scala methods throw undeclared
            // A path that does not exist or holds no such data; files of another format (whose schema Spark reads in a job).
            boolean unreadable = e instanceof AnalysisException
                    || e instanceof SparkThrowable t && t.getCondition() != null && t.getCondition().startsWith("FAILED_READ_FILE");
            if (!unreadable) {
                throw e;
            }
            throw new UserException("cannot read " + path + " as " + format + ": " + sentence(e.getMessage()), e);
        }
    }

    /**
     * Training rows. The label kind is the loss's, and binary cross-entropy with a Vector or array label column is
     * multi-label. Rows of the validation indicator column are not held out: the command line gives validation data
     * as a path of their own.
     */
    @Override
    public Dataset readForTraining(JavaSparkContext sc, Loss loss, int partitions) {
        org.apache.spark.sql.Dataset<Row> frame = load(sc);
        LabelKind kind = LabelKind.forLoss(loss, multiLabel(loss, frame.schema()) ? 2 : 1);
        Dataset train = FrameReader.readForTraining(sc, frame, columns.withValidationIndicator(null), kind, partitions, storage).train();
        if (numFeatures != null && numFeatures != train.schema().numFeatures()) {
            train.unpersist();
            throw new UserException(String.format(Locale.ROOT, "%s of %s hold %d features, not the %d of --num-features",
                    columns.featuresShown(), path, train.schema().numFeatures(), numFeatures));
        }
        return train;
    }

    /**
     * Labelled rows in DataFrame order, weighed by the weight column if one is named, else by the model's weight
     * column ({@link Schema#weightColumn}) where the DataFrame has it.
     */
    @Override
    public Dataset readOrdered(JavaSparkContext sc, Schema known) {
        org.apache.spark.sql.Dataset<Row> frame = load(sc);
        FrameColumns read = columns.withValidationIndicator(null);
        if (read.weight() == null && known.weightColumn() != null && List.of(frame.schema().fieldNames()).contains(known.weightColumn())) {
            read = read.withWeight(known.weightColumn());
        }
        return FrameReader.readOrdered(sc, frame, read, known, true, storage);
    }

    @Override
    public Dataset readForPrediction(JavaSparkContext sc, Schema known) {
        return FrameReader.readOrdered(sc, load(sc), columns.withLabel(null).withWeight(null).withValidationIndicator(null), known, false, storage);
    }

    private boolean multiLabel(Loss loss, StructType schema) {
        return loss == Loss.BINARY_CROSS_ENTROPY && columns.label() != null && List.of(schema.fieldNames()).contains(columns.label())
                && !(schema.apply(columns.label()).dataType() instanceof NumericType);
    }

    /** Spark's message without its error class prefix and SQLSTATE suffix. */
    private static String sentence(String message) {
        String m = message == null ? "" : message.lines().findFirst().orElse("");
        return m.replaceFirst("^\\[[A-Z_.]+\\] *", "").replaceFirst("\\.? *SQLSTATE: *\\w+\\.?$", "");
    }
}
