package org.sparkprop.jobs;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.data.Block;

/**
 * The peer that {@code sparkprop bench} measures against: Spark MLlib's {@code MultilayerPerceptronClassifier}
 * (sigmoid hidden layers, softmax output, L-BFGS over the whole data set per iteration), trained and evaluated on
 * the same rows in a SparkSession of its own with Spark's default settings, as an MLlib user would run it.
 */
final class MllibPeer {
    private MllibPeer() {
    }

    /**
     * @param seconds    time of {@code fit} alone (data cached beforehand)
     * @param iterations L-BFGS iterations run
     * @param accuracy   accuracy on the test rows
     */
    record Result(double seconds, int iterations, double accuracy) {
    }

    /**
     * Trains a network of {@code layers} (input to output) for at most {@code maxIterations} iterations on the
     * class-labelled blocks {@code train}, in a new session on {@code master}, and measures accuracy on {@code test}.
     * The session is stopped before returning.
     */
    static Result trainAndEvaluate(String master, int[] layers, int maxIterations, long seed, List<Block> train, List<Block> test) {
        SparkSession spark = SparkSession.builder()
                .config(new SparkConf().setAppName("sparkprop bench: Spark MLlib's MultilayerPerceptronClassifier").setMaster(master)
                        .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false"))
                .getOrCreate();
        try {
            int partitions = spark.sparkContext().defaultParallelism();
            Dataset<Row> trainRows = frame(spark, train).repartition(partitions).cache();
            Dataset<Row> testRows = frame(spark, test).cache();
            trainRows.count();
            testRows.count();
            MultilayerPerceptronClassifier classifier = new MultilayerPerceptronClassifier()
                    .setLayers(layers).setMaxIter(maxIterations).setSeed(seed).setSolver("l-bfgs");
            long start = System.nanoTime();
            MultilayerPerceptronClassificationModel model = classifier.fit(trainRows);
            double seconds = (System.nanoTime() - start) / 1e9;
            double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(testRows));
            return new Result(seconds, model.summary().totalIterations(), accuracy);
        } finally {
            spark.stop();
        }
    }

    /** Rows (label as a double class index, features as a dense vector) of class-labelled blocks. */
    private static Dataset<Row> frame(SparkSession spark, List<Block> blocks) {
        StructType schema = new StructType()
                .add("label", DataTypes.DoubleType, false)
                .add("features", SQLDataTypes.VectorType(), false);
        List<Row> rows = new ArrayList<>();
        for (Block block : blocks) {
            for (int r = 0; r < block.rows; r++) {
                double[] features = new double[block.inputs];
                for (int k = 0; k < block.inputs; k++) {
                    features[k] = block.features[r * block.inputs + k];
                }
                rows.add(RowFactory.create((double) block.targets[r * block.targetWidth], Vectors.dense(features)));
            }
        }
        return spark.createDataFrame(rows, schema);
    }
}
