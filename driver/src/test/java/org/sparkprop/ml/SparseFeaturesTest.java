package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/** A HashingTF column (sparse Vectors of 2^18) trains sparse through the Estimator, as the command line does. */
class SparseFeaturesTest {

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
}
