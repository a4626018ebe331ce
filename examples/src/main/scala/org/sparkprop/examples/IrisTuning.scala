package org.sparkprop.examples

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator
import org.apache.spark.ml.feature.{StringIndexer, VectorAssembler}
import org.apache.spark.ml.tuning.{CrossValidator, ParamGridBuilder}
import org.apache.spark.ml.{Pipeline, PipelineStage}
import org.apache.spark.sql.SparkSession
import org.sparkprop.ml.SparkpropClassifier

/** README, "Use from Spark ML": CrossValidator tunes sparkprop's learning rate and hidden layers, in Scala. */
object IrisTuning {

  /** Cross-validates on the Iris CSV at `csv`; returns the best model's mean accuracy over the folds. */
  def run(spark: SparkSession, csv: String): Double = {
    val iris = spark.read.option("header", "true")
      .schema("sepal_length DOUBLE, sepal_width DOUBLE, petal_length DOUBLE, petal_width DOUBLE, species STRING")
      .csv(csv)
    val mlp = new SparkpropClassifier().setMaxIter(30).setBatchSize(16)
    val pipeline = new Pipeline().setStages(Array[PipelineStage](
      new StringIndexer().setInputCol("species").setOutputCol("label"),
      new VectorAssembler().setInputCols(Array("sepal_length", "sepal_width", "petal_length", "petal_width")).setOutputCol("features"),
      mlp))
    val grid = new ParamGridBuilder()
      .addGrid(mlp.stepSize, Array(0.003, 0.01))
      .addGrid(mlp.hiddenLayers, Seq(Array(16), Array(32, 16)))
      .build()
    val cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
      .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
      .setNumFolds(3).setSeed(7)
    cv.fit(iris).avgMetrics.max
  }

  def main(args: Array[String]): Unit = {
    val spark = SparkSession.builder().appName("sparkprop-iris-tuning").getOrCreate()
    println(s"best cross-validated accuracy ${run(spark, args(0))}")
    spark.stop()
  }
}
