package org.sparkprop.examples;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkprop.ml.SparkpropClassifier;

/** README, "Use from Spark ML": a Pipeline that indexes the labels, assembles the features and trains sparkprop. */
public final class IrisPipeline {
    private IrisPipeline() {
    }

    /** Trains on the Iris CSV at {@code csv}, saves the fitted Pipeline to {@code modelDir}, returns its test accuracy. */
    public static double run(SparkSession spark, String csv, String modelDir) throws Exception {
        Dataset<Row> iris = spark.read().option("header", "true")
                .schema("sepal_length DOUBLE, sepal_width DOUBLE, petal_length DOUBLE, petal_width DOUBLE, species STRING")
                .csv(csv);
        Dataset<Row>[] split = iris.randomSplit(new double[] {0.8, 0.2}, 42);

        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new StringIndexer().setInputCol("species").setOutputCol("label"),
                new VectorAssembler().setOutputCol("features")
                        .setInputCols(new String[] {"sepal_length", "sepal_width", "petal_length", "petal_width"}),
                new SparkpropClassifier().setHiddenLayers(new int[] {32}).setMaxIter(40).setBatchSize(16).setStepSize(0.01)});
        PipelineModel model = pipeline.fit(split[0]);
        model.write().overwrite().save(modelDir);

        Dataset<Row> predictions = PipelineModel.load(modelDir).transform(split[1]);
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);
    }

    public static void main(String[] args) throws Exception {
        SparkSession spark = SparkSession.builder().appName("sparkprop-iris").getOrCreate();
        System.out.println("test accuracy " + run(spark, args[0], args[1]));
        spark.stop();
    }
}
