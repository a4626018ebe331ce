package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.DataReader;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.driver.optim.OptimizerKind;

/** builtin:text trains, sparse end to end, to a held-out accuracy far above chance (1/20) in a test-sized run. */
class BuiltinTextTrainingTest {

    @Test
    void aShortRunLearnsTheTopics() {
        JavaSparkContext sc = TestSpark.context();
        Dataset train = DataReader.readForTraining(sc, InputSpec.of("builtin:text", DataFormat.LIBSVM), LabelKind.CLASSES, null, 2);
        Dataset test = DataReader.readOrdered(sc, InputSpec.of("builtin:text:test", DataFormat.LIBSVM), train.schema());
        try {
            TrainConfig.Builder b = TrainConfig.builder();
            b.hidden = new int[] {16};
            b.batchSize = 256;
            b.epochs = 1;
            b.patience = 0;
            b.optimizer = OptimizerKind.ADAM;
            b.learningRate = 0.01;
            TrainConfig config = b.build();
            long start = System.nanoTime();
            TrainResult result = new Trainer(sc, config).train(train, null, null, Checkpoints.NONE, TrainListener.SILENT);
            double seconds = (System.nanoTime() - start) / 1e9;
            Metrics m = Evaluator.evaluate(sc, result.topology(), config.precision(), result.weights(), train.schema(), test.blocks(),
                    "evaluate builtin:text:test");
            assertTrue(m.headline() > 0.5, "held-out accuracy " + m.headline() + " after " + seconds + " s");
        } finally {
            for (Dataset d : List.of(train, test)) {
                d.unpersist();
            }
        }
    }
}
