package org.sparkprop.driver.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.DataReader;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainListener;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.driver.train.Trainer;

/** A model saved and loaded again predicts exactly what the trained weights predicted, in both precisions. */
class SaveLoadPredictionTest {

    private static List<double[]> predict(JavaSparkContext sc, Model model, Dataset data) {
        List<double[]> out = new ArrayList<>();
        Predictor.forEachBlock(sc, model.topology(), model.precision(), model.weights(), data.blocks(), out::add);
        return out;
    }

    @Test
    void saveThenLoadGivesBitIdenticalPredictions(@TempDir Path dir) {
        JavaSparkContext sc = TestSpark.context();
        Dataset train = DataReader.readForTraining(sc, new InputSpec("builtin:xor", DataFormat.CSV, null, List.of()), LabelKind.CLASSES, null, 2);
        Dataset test = DataReader.readForPrediction(sc, new InputSpec("builtin:xor:test", DataFormat.CSV, null, List.of()), train.schema());
        for (org.sparkprop.kernels.Precision precision : org.sparkprop.kernels.Precision.values()) {
            TrainConfig.Builder b = TrainConfig.builder();
            b.epochs = 2;
            b.precision = precision;
            TrainConfig config = b.build();
            TrainResult result = new Trainer(sc, config).train(train, null, TrainListener.SILENT);
            Model trained = new Model(result.topology(), precision, train.schema(), result.weights(), config.toJson(), null);
            String path = dir.resolve("model-" + precision).toString();
            ModelStore.save(trained, path, Map.of(), false, new Configuration());
            Model loaded = ModelStore.load(path, new Configuration());
            List<double[]> before = predict(sc, trained, test);
            List<double[]> after = predict(sc, loaded, test);
            assertEquals(before.size(), after.size());
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(before.get(i), after.get(i), precision + " block " + i);
            }
        }
        train.unpersist();
        test.unpersist();
    }
}
