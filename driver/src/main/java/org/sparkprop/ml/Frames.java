package org.sparkprop.ml;

import java.util.Arrays;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Array-of-numbers feature columns, which Spark's Predictors check for Vectors, seen as Vectors. */
final class Frames {
    private Frames() {
    }

    /** {@code schema} with the array column {@code column}, if it is one, typed as a Vector. */
    static StructType asVectors(StructType schema, String column) {
        if (!isNumericArray(schema, column)) {
            return schema;
        }
        return new StructType(Arrays.stream(schema.fields())
                .map(f -> f.name().equals(column) ? new StructField(f.name(), new VectorUDT(), f.nullable(), f.metadata()) : f)
                .toArray(StructField[]::new));
    }

    /** {@code dataset} with the array column {@code column}, if it is one, turned into dense Vectors. */
    static Dataset<Row> asVectors(Dataset<?> dataset, String column) {
        Dataset<Row> frame = dataset.toDF();
        if (!isNumericArray(frame.schema(), column)) {
            return frame;
        }
        return frame.withColumn(column, functions.array_to_vector(frame.col(column).cast("array<double>")));
    }

    private static boolean isNumericArray(StructType schema, String column) {
        return Arrays.asList(schema.fieldNames()).contains(column)
                && schema.apply(column).dataType() instanceof ArrayType a && a.elementType() instanceof NumericType;
    }
}
