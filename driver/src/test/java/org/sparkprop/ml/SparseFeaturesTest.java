package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A HashingTF column (sparse Vectors of 2^18) trains sparse through the Estimator, as the command line does; a column
 * of sparse Vectors with an occasional DenseVector, even as a partition's first row, stays sparse; a column of dense
 * rows with an occasional SparseVector stays dense.
 */
class SparseFeaturesTest {
    private static final int WIDTH = 4096;
    private static final int ROWS = 200;

    @Test
    void aHashingTfColumnStaysSparse() {
        // Two topics told apart by their words; every row also has common words.
        Dataset<Row> text = MlSpark.session().range(0, 400, 1, 2).select(
                functions.expr("CAST(id % 2 AS DOUBLE)").as("label"),
                functions.expr("CONCAT_WS(' ', 'the', 'a', IF(id % 2 = 0, 'goal match team', 'vote party election'), CAST(id % 7 AS STRING))")
                        .as("text"));
        Dataset<Row> words = new Tokenizer().setInputCol("text").setOutputCol("words").transform(text);
        Dataset<Row> features = new HashingTF().setInputCol("words").setOutputCol("features").setNumFeatures(1 << 18).transform(words);
        SparkpropClassificationModel model = new SparkpropClassifier().setHiddenLayers(new int[] {8}).setMaxIter(5).setBatchSize(32)
                .setStepSize(0.01).fit(features);
        assertEquals("sparse", model.sparkpropModel().training().get("data").get("storage").asText());
        assertEquals(1 << 18, model.numFeatures());
        long right = model.transform(features).filter("prediction = label").count();
        assertTrue(right > 0.95 * 400, right + " of 400 right");
    }

    /**
     * Rows 0, 50, 100 and 150 are DenseVectors with every value non-zero; rows 0 and 100 open the two partitions.
     * The column's density is about 2%, so auto storage caches it sparse, as it does the same rows all given as
     * SparseVectors, and both train the same weights to the bit.
     */
    @Test
    void anOccasionalDenseVectorAtAPartitionsStartDoesNotDensifyTheRest() {
        Dataset<Row> mixed = frame(id -> id % 50 == 0 ? Vectors.dense(occasionalDense(id)) : sparseRow(id));
        Dataset<Row> allSparse = frame(id -> id % 50 == 0 ? Vectors.dense(occasionalDense(id)).toSparse() : sparseRow(id));
        assertTrue(mixed.head().get(1) instanceof org.apache.spark.ml.linalg.DenseVector, "the first row is a DenseVector");
        SparkpropClassificationModel fromMixed = fit(mixed);
        SparkpropClassificationModel fromSparse = fit(allSparse);
        assertEquals("sparse", fromMixed.sparkpropModel().training().get("data").get("storage").asText());
        long cached = fromMixed.sparkpropModel().training().get("data").get("cachedBytes").asLong();
        assertTrue(cached < 4L * ROWS * WIDTH / 10, cached + " bytes cached, dense would be " + 4L * ROWS * WIDTH);
        assertArrayEquals(fromSparse.sparkpropModel().weights(), fromMixed.sparkpropModel().weights());
    }

    /** Dense rows (every value non-zero) with an occasional SparseVector: the rows are dense, and so is the cache. */
    @Test
    void anOccasionalSparseVectorAmongDenseRowsStaysDense() {
        Dataset<Row> mostlyDense = frame(id -> id % 50 == 7 ? sparseRow(id) : Vectors.dense(occasionalDense(id)));
        assertEquals("dense", fit(mostlyDense).sparkpropModel().training().get("data").get("storage").asText());
    }

    private static SparkpropClassificationModel fit(Dataset<Row> frame) {
        return new SparkpropClassifier().setHiddenLayers(new int[] {4}).setMaxIter(2).setBatchSize(32).setStepSize(0.01).setSeed(3)
                .fit(frame);
    }

    /** label (id mod 2) and the features {@code row} gives, in two partitions of ROWS / 2 rows. */
    private static Dataset<Row> frame(IntFunction<Vector> row) {
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < ROWS; id++) {
            rows.add(RowFactory.create((double) (id % 2), row.apply(id)));
        }
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT());
        // A local relation: Spark slices its rows over the default parallelism (2) in order, as UnsafeRows, which a Kryo
        // session with registration required can ship.
        Dataset<Row> frame = MlSpark.session().createDataFrame(rows, schema);
        assertEquals(2, frame.rdd().getNumPartitions());
        return frame;
    }

    /** Five non-zeros, one of them telling the label. */
    private static Vector sparseRow(int id) {
        int[] index = {id % 2, 10 + id % 97, 200 + id % 389, 1000 + id % 1013, 3000 + id % 1091};
        return Vectors.sparse(WIDTH, index, new double[] {1, 0.5, 0.25, 0.75, 0.125});
    }

    private static double[] occasionalDense(int id) {
        double[] values = new double[WIDTH];
        for (int i = 0; i < WIDTH; i++) {
            values[i] = 0.01 * (1 + (i + id) % 3);
        }
        return values;
    }
}
