package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestBlocks;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Dropout;
import org.sparkprop.kernels.Precision;

/**
 * Dropout in training runs: the masks are a function of (seed, epoch, partition, row), so the same seed gives the
 * same weights to the bit, the per-step and per-epoch exchanges agree, and a killed run resumed from its checkpoint
 * ends where an uninterrupted one does. Rates of 0 are the run without dropout. ReLU networks, as in
 * {@link ExchangeTest}: the Vector API's tanh can differ in its last bits before and after the JIT compiles it.
 */
class DropoutTrainingTest {
    private static final Schema SCHEMA = new Schema(5, List.of(), List.of(), LabelKind.CLASSES, List.of("a", "b", "c"), 3);
    private static Dataset data;
    private static Dataset validation;

    @BeforeAll
    static void read() {
        JavaSparkContext sc = TestSpark.context();
        data = TestBlocks.dataset(sc, TestBlocks.classification(240, 5, 21), SCHEMA, 2);
        validation = TestBlocks.dataset(sc, TestBlocks.classification(60, 5, 22), SCHEMA, 2);
    }

    @AfterAll
    static void release() {
        data.unpersist();
        validation.unpersist();
    }

    private static TrainConfig.Builder base(String dropout) {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {12, 8};
        b.activation = Activation.RELU;
        b.patience = 0;
        b.epochs = 4;
        b.batchSize = 24;
        b.seed = 5;
        b.dropout = TrainSettings.parseDropout(dropout);
        return b;
    }

    private static TrainResult train(String exchange, TrainConfig config, Dataset validation, Checkpoints checkpoints,
                                     TrainListener listener) {
        JavaSparkContext sc = TestSpark.context();
        sc.setLocalProperty(Exchange.SETTING, exchange);
        try {
            return new Trainer(sc, config).train(data, validation, null, checkpoints, listener);
        } finally {
            sc.setLocalProperty(Exchange.SETTING, null);
        }
    }

    private static TrainResult train(String exchange, TrainConfig config) {
        return train(exchange, config, null, Checkpoints.NONE, TrainListener.SILENT);
    }

    @Test
    void theSameSeedGivesTheSameRunAndBothExchangesAgree() {
        for (Precision precision : Precision.values()) {
            TrainConfig.Builder b = base("0.5,0.25");
            b.precision = precision;
            TrainConfig config = b.build();
            TrainResult first = train("per-step", config);
            TrainResult again = train("per-step", config);
            TrainResult perEpoch = train("per-epoch", config);
            assertArrayEquals(first.weights(), again.weights(), precision + ": the same seed, the same weights");
            assertEquals("per-epoch", perEpoch.exchange());
            assertArrayEquals(first.weights(), perEpoch.weights(), precision + ": per-epoch drops what per-step drops");
            for (int e = 0; e < first.history().size(); e++) {
                assertEquals(first.history().get(e).trainLoss(), perEpoch.history().get(e).trainLoss(), 0.0);
            }

            TrainConfig.Builder none = base("0");
            none.precision = precision;
            assertFalse(Arrays.equals(first.weights(), train("per-step", none.build()).weights()), "dropout changes the run");
            TrainConfig.Builder otherSeed = base("0.5,0.25");
            otherSeed.precision = precision;
            otherSeed.seed = 6;
            assertFalse(Arrays.equals(first.weights(), train("per-step", otherSeed.build()).weights()));
        }
    }

    /** Rates of 0, one or per layer, are no dropout: the configuration and the run are the default's, to the bit. */
    @Test
    void zeroRatesAreTheRunWithoutDropout() {
        TrainConfig.Builder plain = base("0");
        plain.dropout = Dropout.NONE;
        TrainResult without = train("per-step", plain.build());
        for (String zero : new String[] {"0", "0.0", "0,0"}) {
            TrainConfig config = base(zero).build();
            assertEquals(plain.build(), config, zero);
            assertArrayEquals(without.weights(), train("per-step", config).weights(), zero);
        }
    }

    @Test
    void aKilledRunResumedEndsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) {
        TrainConfig config = base("0.3").build();
        TrainResult whole = train("auto", config, validation, Checkpoints.NONE, TrainListener.SILENT);
        for (int crashStep : new int[] {7, 23}) {
            Checkpoints every5 = new Checkpoints(dir.resolve("crash-" + crashStep).toString(), 5, 2, true);
            assertThrows(IllegalStateException.class, () -> train("auto", config, validation, every5, crashAfter(crashStep)));
            TrainResult resumed = train("auto", config, validation, every5, TrainListener.SILENT);
            assertNotNull(resumed.resumedFrom());
            assertArrayEquals(whole.weights(), resumed.weights(), "crash after step " + crashStep);
            for (int e = 0; e < whole.history().size(); e++) {
                assertEquals(whole.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), 0.0);
                assertEquals(whole.history().get(e).validationLoss(), resumed.history().get(e).validationLoss(), 0.0);
            }
        }
    }

    /** A listener that stops the run, as a crash would, after a number of steps. */
    private static TrainListener crashAfter(int steps) {
        return new TrainListener() {
            int seen;

            @Override
            public void onStep(int epoch, int epochs, int step, int stepsPerEpoch, double runningLoss, double rowsPerSecond) {
                if (++seen == steps) {
                    throw new IllegalStateException("crash");
                }
            }
        };
    }
}
