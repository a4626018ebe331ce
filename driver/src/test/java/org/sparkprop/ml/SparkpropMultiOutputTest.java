package org.sparkprop.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.data.LabelKind;

/** Several outputs from a Vector label: multi-output regression and multi-label classification. */
class SparkpropMultiOutputTest {

    private static Dataset<Row> data() {
        return MlSpark.session().range(0, 400, 1, 2)
                .select(functions.rand(3).as("a"), functions.rand(4).as("b"))
                .select(functions.array(functions.col("a"), functions.col("b")).as("features"),
                        functions.expr("array(a + b, a - b)").as("targets"),
                        functions.expr("array(IF(a > 0.5, 1.0, 0.0), IF(b > 0.5, 1.0, 0.0), IF(a + b > 1.0, 1.0, 0.0))").as("labels"));
    }

    @Test
    void regressesSeveralTargets(@TempDir Path dir) throws Exception {
        SparkpropMultiOutputModel model = new SparkpropMultiOutput().setLabelCol("targets").setHiddenLayers(new int[] {16}).setMaxIter(40)
                .setBatchSize(32).setStepSize(0.01).fit(data());
        assertEquals(2, model.numOutputs());
        assertEquals(LabelKind.REGRESSION, model.sparkpropModel().schema().labelKind());
        double squares = 0;
        List<Row> rows = model.transform(data()).select("targets", "prediction").collectAsList();
        for (Row row : rows) {
            List<Object> targets = row.getList(0);
            double[] predicted = ((Vector) row.get(1)).toArray();
            for (int k = 0; k < 2; k++) {
                squares += Math.pow((Double) targets.get(k) - predicted[k], 2);
            }
        }
        double rmse = Math.sqrt(squares / (2.0 * rows.size()));
        assertTrue(rmse < 0.1, "rmse " + rmse);

        model.write().save(dir.resolve("m").toString());
        SparkpropMultiOutputModel back = SparkpropMultiOutputModel.load(dir.resolve("m").toString());
        assertArrayEquals(model.sparkpropModel().weights(), back.sparkpropModel().weights());
        assertEquals(model.transform(data()).select("prediction").collectAsList(), back.transform(data()).select("prediction").collectAsList());
    }

    @Test
    void classifiesSeveralLabelsWithBinaryCrossEntropy() {
        SparkpropMultiOutputModel model = new SparkpropMultiOutput().setLabelCol("labels").setLoss("binary_cross_entropy")
                .setHiddenLayers(new int[] {16}).setMaxIter(40).setBatchSize(32).setStepSize(0.01).fit(data());
        assertEquals(LabelKind.MULTILABEL, model.sparkpropModel().schema().labelKind());
        long right = 0;
        long all = 0;
        for (Row row : model.transform(data()).select("labels", "prediction").collectAsList()) {
            List<Object> labels = row.getList(0);
            double[] p = ((Vector) row.get(1)).toArray();
            for (int k = 0; k < 3; k++) {
                assertTrue(p[k] >= 0 && p[k] <= 1, "a probability: " + p[k]);
                right += (p[k] > 0.5) == (((Number) labels.get(k)).doubleValue() == 1.0) ? 1 : 0;
                all++;
            }
        }
        assertTrue(right > 0.9 * all, right + " of " + all + " labels right");
        String refused = assertThrows(IllegalArgumentException.class,
                () -> new SparkpropMultiOutput().setLabelCol("targets").setLoss("binary_cross_entropy").setMaxIter(1).fit(data())).getMessage();
        assertTrue(refused.contains("column 'targets' of row") && refused.contains("multi-label targets are 0 or 1"), refused);
    }
}
