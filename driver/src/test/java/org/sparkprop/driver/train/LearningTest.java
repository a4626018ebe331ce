package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.DataReader;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;

/** The network learns: XOR, Iris on held-out rows, and a smooth regression function, end to end through Spark. */
class LearningTest {

    private static Dataset read(JavaSparkContext sc, String path, LabelKind kind, int partitions) {
        return DataReader.readForTraining(sc, new InputSpec(path, DataFormat.CSV, null, List.of()), kind, null, partitions);
    }

    private static Metrics heldOut(JavaSparkContext sc, TrainConfig config, String name, LabelKind kind) {
        Dataset train = read(sc, "builtin:" + name, kind, 2);
        Dataset test = DataReader.readOrdered(sc, new InputSpec("builtin:" + name + ":test", DataFormat.CSV, null, List.of()), train.schema());
        TrainResult result = new Trainer(sc, config).train(train, null, TrainListener.SILENT);
        Metrics m = Evaluator.evaluate(sc, result.topology(), config.precision(), result.weights(), train.schema(), test.blocks(), "held out");
        train.unpersist();
        test.unpersist();
        return m;
    }

    @Test
    void learnsXor() {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {8};
        b.activation = Activation.TANH;
        b.epochs = 40;
        b.patience = 0;
        b.learningRate = 0.02;
        Metrics m = heldOut(TestSpark.context(), b.build(), "xor", LabelKind.CLASSES);
        assertTrue(m.accuracy() >= 0.9, "XOR accuracy " + m.accuracy());
    }

    /** Iris from the test resources, every third row held out (50 rows, stratified by the file's order). */
    @Test
    void learnsIrisToNinetyFivePercentOnHeldOutRows(@TempDir Path dir) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("user.dir"), "src/test/resources/data/iris.csv"));
        List<String> train = new ArrayList<>(List.of(lines.get(0)));
        List<String> held = new ArrayList<>(List.of(lines.get(0)));
        for (int i = 1; i < lines.size(); i++) {
            ((i - 1) % 3 == 0 ? held : train).add(lines.get(i));
        }
        Path trainFile = Files.write(dir.resolve("train.csv"), train);
        Path heldFile = Files.write(dir.resolve("held.csv"), held);
        JavaSparkContext sc = TestSpark.context();
        TrainConfig.Builder b = TrainConfig.builder();
        b.epochs = 150;
        b.batchSize = 16;
        b.patience = 0;
        TrainConfig config = b.build();
        InputSpec trainSpec = new InputSpec(trainFile.toString(), DataFormat.CSV, null, List.of("species"));
        Dataset data = DataReader.readForTraining(sc, trainSpec, LabelKind.CLASSES, null, 2);
        Dataset test = DataReader.readOrdered(sc, new InputSpec(heldFile.toString(), DataFormat.CSV, null, List.of("species")), data.schema());
        TrainResult result = new Trainer(sc, config).train(data, null, TrainListener.SILENT);
        Metrics m = Evaluator.evaluate(sc, result.topology(), config.precision(), result.weights(), data.schema(), test.blocks(), "held out");
        assertEquals(50, m.count());
        assertTrue(m.accuracy() >= 0.95, "Iris held-out accuracy " + m.accuracy() + "\n" + m.toTable());
        data.unpersist();
        test.unpersist();
    }

    @Test
    void learnsASmoothRegressionFunction() {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {32, 32};
        b.activation = Activation.TANH;
        b.loss = Loss.MSE;
        b.epochs = 30;
        b.patience = 0;
        b.learningRate = 0.005;
        Metrics m = heldOut(TestSpark.context(), b.build(), "friedman1", LabelKind.REGRESSION);
        // Friedman #1 has unit noise: R² well above a linear model's (about 0.75) shows the curvature is learned.
        assertTrue(m.r2() >= 0.85, "friedman1 held-out R² " + m.r2() + ", RMSE " + m.rmse());
    }
}
