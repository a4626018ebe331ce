package org.sparkprop.driver.data;

import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.kernels.Loss;

/**
 * Where a command's rows come from: files that sparkprop's own parsers read ({@link InputSpec}: LibSVM, CSV, the
 * built-in sets) or a DataFrame that Spark's DataFrameReader reads ({@link FrameInput}: Parquet, ORC, JSON). Both
 * give the same {@link Dataset}s: one cached block per partition for training, blocks in input order otherwise.
 */
public interface RowSource {
    /** What the user named: a path, a glob, or {@code builtin:NAME}. */
    String path();

    /** The format's name as model.json records it: libsvm, csv, parquet, orc or json. */
    String formatId();

    /** How the cached blocks are to hold the features: auto, dense or sparse, as asked. */
    Storage storage();

    /** Training rows, the schema inferred for {@code loss}, in {@code partitions} cached blocks. */
    Dataset readForTraining(JavaSparkContext sc, Loss loss, int partitions);

    /** Labelled rows in input order, checked against the training schema {@code known} (evaluation, validation). */
    Dataset readOrdered(JavaSparkContext sc, Schema known);

    /** Rows in input order without labels, checked against the training schema {@code known} (prediction). */
    Dataset readForPrediction(JavaSparkContext sc, Schema known);
}
