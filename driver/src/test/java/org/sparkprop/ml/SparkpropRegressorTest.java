package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/** SparkpropRegressor on an array feature column, and the one-sentence refusals of bad DataFrames. */
class SparkpropRegressorTest {

    /** y = 2a − b + 0.5 on two uniform features, as an array column, in two partitions. */
    private static Dataset<Row> linear() {
        return MlSpark.session().range(0, 400, 1, 2)
                .select(functions.rand(1).as("a"), functions.rand(2).as("b"))
                .select(functions.array(functions.col("a"), functions.col("b")).as("features"),
                        functions.expr("2 * a - b + 0.5").as("label"));
    }

    @Test
    void fitsARegressionOnAnArrayColumn() {
        Dataset<Row> data = linear();
        SparkpropRegressionModel model = new SparkpropRegressor().setHiddenLayers(new int[] {8}).setMaxIter(40).setBatchSize(32)
                .setStepSize(0.01).fit(data);
        // Spark's RegressionEvaluator ships classes of its own that this Kryo-strict session has not registered.
        double squares = 0;
        double sum = 0;
        double sumOfSquares = 0;
        var rows = model.transform(data).select("label", "prediction").collectAsList();
        for (Row row : rows) {
            squares += Math.pow(row.getDouble(0) - row.getDouble(1), 2);
            sum += row.getDouble(0);
            sumOfSquares += row.getDouble(0) * row.getDouble(0);
        }
        double rmse = Math.sqrt(squares / rows.size());
        double spread = Math.sqrt(sumOfSquares / rows.size() - Math.pow(sum / rows.size(), 2));
        assertTrue(rmse < spread / 5, "rmse " + rmse + " against the label's standard deviation " + spread);
        assertEquals(2, model.numFeatures());
        assertEquals(model.sparkpropModel(), SparkpropRegressionModel.of(model.sparkpropModel()).sparkpropModel());
        String wrongKind = assertThrows(IllegalArgumentException.class, () -> SparkpropClassificationModel.of(model.sparkpropModel())).getMessage();
        assertTrue(wrongKind.contains("this one was trained on REGRESSION labels"), wrongKind);
    }

    @Test
    void badDataFramesAreOneSentenceNamingTheColumnAndRow() {
        Dataset<Row> iris = MlSpark.iris();
        SparkpropClassifier classifier = new SparkpropClassifier().setMaxIter(1);
        String missing = assertThrows(IllegalArgumentException.class, () -> classifier.setWeightCol("w").fit(iris)).getMessage();
        assertTrue(missing.contains("no weight column 'w'"), missing);
        String fractional = assertThrows(IllegalArgumentException.class,
                () -> new SparkpropClassifier().setMaxIter(1).fit(iris.withColumn("label", functions.expr("IF(sepal_length = 5.0, 1.5, label)"))))
                .getMessage();
        assertTrue(fractional.matches("column 'label' of row \\d+ of the DataFrame .*is 1\\.5; a class label must be a whole number.*"), fractional);
        String negative = assertThrows(IllegalArgumentException.class,
                () -> new SparkpropClassifier().setMaxIter(1).setWeightCol("w").fit(iris.withColumn("w", functions.expr("IF(petal_width > 2.4, -1.0, 1.0)"))))
                .getMessage();
        assertTrue(negative.contains("column 'w' of row") && negative.contains("a weight must be a finite number ≥ 0"), negative);
        String text = assertThrows(IllegalArgumentException.class,
                () -> new SparkpropRegressor().setFeaturesCol("species").fit(iris)).getMessage();
        assertTrue(text.startsWith("column 'species' is string; features must be a Vector"), text);
        String nulls = assertThrows(IllegalArgumentException.class,
                () -> new SparkpropRegressor().setMaxIter(1).fit(linear().withColumn("features",
                        functions.expr("IF(label > 2.0, NULL, features)")))).getMessage();
        assertTrue(nulls.contains("column 'features' of row") && nulls.contains("is null"), nulls);
    }
}
