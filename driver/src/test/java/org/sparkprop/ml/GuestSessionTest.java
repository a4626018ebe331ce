package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.junit.jupiter.api.Test;

/** A fit and a transform in the session as the user set it up: run once per serializer (see driver/pom.xml). */
class GuestSessionTest {

    @Test
    void fitsAndPredictsWithTheSessionsOwnSerializer() {
        String serializer = MlSpark.session().sparkContext().getConf().get("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
        assertEquals(MlSpark.serializer().equals("kryo") ? "org.apache.spark.serializer.KryoSerializer"
                : "org.apache.spark.serializer.JavaSerializer", serializer);
        SparkpropClassificationModel model = new SparkpropClassifier().setHiddenLayers(new int[] {16}).setMaxIter(20).setBatchSize(16)
                .setStepSize(0.01).fit(MlSpark.iris());
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(MlSpark.iris()));
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    }
}
