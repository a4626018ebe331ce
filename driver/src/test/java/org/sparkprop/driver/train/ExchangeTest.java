package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestBlocks;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.LogCapture;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;
import org.sparkprop.kernels.WeightInit;

/**
 * The per-epoch exchange (one barrier stage for many steps) gives the per-step exchange's weights to the bit, and
 * falls back to per-step, saying why, where it cannot run. ReLU networks: the Vector API's tanh and sigmoid can
 * differ in their last bits before and after the JIT compiles them, which would make any two runs differ.
 */
class ExchangeTest {
    private static final Schema SCHEMA = new Schema(5, List.of(), List.of(), LabelKind.CLASSES, List.of("a", "b", "c"), 3);

    @AfterEach
    void clearSetting() {
        TestSpark.context().setLocalProperty(Exchange.SETTING, null);
        TestSpark.context().setLocalProperty(EpochStage.CHANNEL, null);
        System.clearProperty(EpochTask.FAIL_AT_STEP);
    }

    private static TrainConfig.Builder base() {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {8, 6};
        b.activation = Activation.RELU;
        b.patience = 0;
        b.epochs = 3;
        b.batchSize = 16;
        b.seed = 11;
        return b;
    }

    private static TrainResult train(String exchange, TrainConfig config, Dataset data, Dataset validation, Checkpoints checkpoints) {
        JavaSparkContext sc = TestSpark.context();
        sc.setLocalProperty(Exchange.SETTING, exchange);
        try {
            return new Trainer(sc, config).train(data, validation, null, checkpoints, TrainListener.SILENT);
        } finally {
            sc.setLocalProperty(Exchange.SETTING, null);
        }
    }

    private static void assertSameRun(TrainResult perStep, TrainResult perEpoch, String what) {
        assertEquals("per-step", perStep.exchange(), what);
        assertEquals("per-epoch", perEpoch.exchange(), what);
        assertArrayEquals(perStep.weights(), perEpoch.weights(), what + ": weights");
        assertEquals(perStep.steps(), perEpoch.steps(), what);
        assertEquals(perStep.history().size(), perEpoch.history().size(), what);
        for (int e = 0; e < perStep.history().size(); e++) {
            assertEquals(perStep.history().get(e).trainLoss(), perEpoch.history().get(e).trainLoss(), 0.0, what + ": epoch " + (e + 1));
            assertEquals(perStep.history().get(e).gradientNorm(), perEpoch.history().get(e).gradientNorm(), 0.0, what);
        }
    }

    @Test
    void perEpochGivesThePerStepWeightsToTheBit() {
        JavaSparkContext sc = TestSpark.context();
        TestBlocks.Rows rows = TestBlocks.classification(300, 5, 2);
        float[] weights = new float[300];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (i % 5) * 0.5f;
        }
        for (int partitions : new int[] {1, 2}) {
            for (Precision precision : Precision.values()) {
                for (boolean weighted : new boolean[] {false, true}) {
                    Dataset data = TestBlocks.dataset(sc, weighted ? rows.withWeights(weights) : rows, SCHEMA, partitions);
                    TrainConfig.Builder b = base();
                    b.precision = precision;
                    TrainConfig config = b.build();
                    String what = partitions + " partitions, " + precision + (weighted ? ", row weights" : "");
                    assertSameRun(train("per-step", config, data, null, Checkpoints.NONE), train("per-epoch", config, data, null, Checkpoints.NONE), what);
                    data.unpersist();
                }
            }
        }
        assertEquals(0, EpochChannel.openCount(), "every run closes its channel");
    }

    /** Through Spark's RPC environment, as on a cluster (in local mode its dispatcher passes messages without a network). */
    private static TrainResult trainOverRpc(TrainConfig config, Dataset data, Dataset validation) {
        JavaSparkContext sc = TestSpark.context();
        sc.setLocalProperty(EpochStage.CHANNEL, "rpc");
        try {
            return train("per-epoch", config, data, validation, Checkpoints.NONE);
        } finally {
            sc.setLocalProperty(EpochStage.CHANNEL, null);
        }
    }

    @Test
    void perEpochThroughSparksRpcEnvironmentGivesThePerStepWeightsToTheBit() {
        JavaSparkContext sc = TestSpark.context();
        Dataset data = TestBlocks.dataset(sc, TestBlocks.classification(300, 5, 9), SCHEMA, 2);
        Dataset validation = TestBlocks.dataset(sc, TestBlocks.classification(100, 5, 10), SCHEMA, 2);
        for (Precision precision : Precision.values()) {
            TrainConfig.Builder b = base();
            b.precision = precision;
            TrainConfig config = b.build();
            assertSameRun(train("per-step", config, data, validation, Checkpoints.NONE), trainOverRpc(config, data, validation), precision + " over RPC");
        }
        System.setProperty(EpochTask.FAIL_AT_STEP, "23");
        TrainConfig config = base().build();
        try (LogCapture log = new LogCapture()) {
            TrainResult disturbed = trainOverRpc(config, data, null);
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("failing in exchange task, step 24")), log.messages().toString());
            System.clearProperty(EpochTask.FAIL_AT_STEP);
            assertSameRun(train("per-step", config, data, null, Checkpoints.NONE), disturbed, "over RPC, a task failed at step 24 and its stage was rerun");
        }
        assertEquals(0, EpochChannel.openCount(), "every run closes its channel");
        data.unpersist();
        validation.unpersist();
    }

    @Test
    void theRpcChannelCarriesWeightsOutAndDepositsBackIntactBetweenTwoRpcEnvironments() {
        // the probe's threads ask the driver's endpoint from a client RPC environment of their own, as executors do:
        // every message serialized and sent over loopback TCP; each thread echoes the weights it got as its deposit
        TestSpark.context();
        Topology topology = Topology.of(new int[] {20, 30, 4}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        double[] weights = new double[topology.parameterCount()];
        WeightInit.initialize(topology, 3, weights);
        for (Precision precision : Precision.values()) {
            @SuppressWarnings("unchecked")
            Network<Object> network = (Network<Object>) Network.create(topology, precision);
            ChannelProbe.Trips trips = ChannelProbe.time(network, weights, 3, 25, true, true);
            assertEquals(25, trips.nanos().length, precision.toString());
            // per trip, the endpoint counts each partition's weights out and its deposit in, once
            Deposit deposit = new Deposit(topology, new StepShare());
            deposit.share.denseGradient(network);
            assertEquals(3L * Deposit.bytes(network.newArray(topology.parameterCount())), trips.bytesOut(), precision.toString());
            assertEquals(3L * deposit.encodedBytes(), trips.bytesIn(), precision.toString());
        }
        assertEquals(0, EpochChannel.openCount());
    }

    /**
     * A reply the driver's endpoint cannot build (here: a task of sparse rows asks for a first-layer column the network
     * does not have, a bug) fails the task's ask with the reason, rather than leaving the task waiting for ever.
     */
    @Test
    void aReplyThatCannotBeBuiltFailsTheAsk() {
        TestSpark.context();
        Topology topology = Topology.of(new int[] {30, 8, 3}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        @SuppressWarnings("unchecked")
        Network<Object> network = (Network<Object>) Network.create(topology, Precision.FLOAT);
        EpochChannel channel = EpochChannel.open(network, BatchPlan.of(new int[] {4}, 2), 1);
        RpcChannel endpoint = RpcChannel.register(channel);
        try {
            channel.startStretch();
            channel.publish(0, 0, 0);
            RpcChannel.Remote task = new RpcChannel.Remote(endpoint.name, network.newArray(topology.parameterCount()), topology,
                    (epoch, from, to) -> new int[] {2, 30});
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> assertThrows(IllegalArgumentException.class, () -> task.awaitWork(0, null, new int[3])));
            assertEquals("first-layer column 30 asked for, of 30", e.getMessage());
        } finally {
            endpoint.close();
            channel.close();
        }
    }

    @Test
    void perEpochWithValidationCheckpointsAndStopRulesMatchesPerStep(@TempDir Path dir) throws Exception {
        JavaSparkContext sc = TestSpark.context();
        Dataset data = TestBlocks.dataset(sc, TestBlocks.classification(200, 5, 4), SCHEMA, 2);
        Dataset validation = TestBlocks.dataset(sc, TestBlocks.classification(100, 5, 5), SCHEMA, 2);
        TrainConfig.Builder b = base();
        b.epochs = 12;
        b.patience = 1;
        b.learningRate = 0.05;
        TrainConfig early = b.build();
        assertSameRun(train("per-step", early, data, validation, Checkpoints.NONE),
                train("per-epoch", early, data, validation, Checkpoints.NONE), "early stopping");

        b.patience = 0;
        b.tolerance = 0.3;
        b.epochs = 30;
        TrainConfig tolerance = b.build();
        TrainResult converged = train("per-epoch", tolerance, data, null, Checkpoints.NONE);
        assertEquals("converged", converged.stopReason());
        assertSameRun(train("per-step", tolerance, data, null, Checkpoints.NONE), converged, "tolerance, one stretch for all epochs");

        b.tolerance = 0;
        b.epochs = 3;
        TrainConfig plain = b.build();
        Checkpoints every5 = new Checkpoints(dir.resolve("a").toString(), 5, 100, false);
        TrainResult perEpoch = train("per-epoch", plain, data, null, every5);
        assertSameRun(train("per-step", plain, data, null, new Checkpoints(dir.resolve("b").toString(), 5, 100, false)), perEpoch, "checkpoints");
        try (var listing = Files.list(dir.resolve("a"))) {
            // 13 steps per epoch, 3 epochs: every 5 steps within an epoch, and at each epoch's end
            assertEquals(List.of(5L, 10L, 13L, 15L, 20L, 25L, 26L, 30L, 35L, 39L),
                    listing.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ckpt-"))
                            .map(n -> Long.parseLong(n.substring(5))).sorted().toList());
        }
        // a run resumed from the per-epoch run's checkpoint at step 20 ends where it did
        Path partial = dir.resolve("c");
        Path from = dir.resolve("a").resolve("ckpt-000000000020");
        Files.createDirectories(partial.resolve(from.getFileName()));
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, partial.resolve(from.getFileName()).resolve(file.getFileName()));
            }
        }
        TrainResult resumed = train("per-epoch", plain, data, null, new Checkpoints(partial.toString(), 1000, 100, true));
        assertArrayEquals(perEpoch.weights(), resumed.weights(), "resumed from step 20");
        data.unpersist();
        validation.unpersist();
    }

    @Test
    void aTaskThatFailsMidStageIsRerunAndTheWeightsAreTheUndisturbedOnes() {
        JavaSparkContext sc = TestSpark.context();
        Dataset data = TestBlocks.dataset(sc, TestBlocks.classification(300, 5, 7), SCHEMA, 2);
        TrainConfig config = base().build();
        TrainResult undisturbed = train("per-step", config, data, null, Checkpoints.NONE);
        System.setProperty(EpochTask.FAIL_AT_STEP, "23");
        try (LogCapture log = new LogCapture()) {
            TrainResult disturbed = train("per-epoch", config, data, null, Checkpoints.NONE);
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("failing in exchange task, step 24")), log.messages().toString());
            assertSameRun(undisturbed, disturbed, "a task failed at step 24 and its stage was rerun");
        }
        data.unpersist();
    }

    @Test
    void divergenceStopsInTheStepWhereItAppearsAndReleasesTheStage() {
        JavaSparkContext sc = TestSpark.context();
        Dataset data = TestBlocks.dataset(sc, TestBlocks.classification(100, 5, 6), SCHEMA, 2);
        TrainConfig.Builder b = base();
        b.optimizer = OptimizerKind.SGD;
        b.learningRate = 1e6;
        b.batchSize = 10;
        String perStep = assertThrows(UserException.class, () -> train("per-step", b.build(), data, null, Checkpoints.NONE)).getMessage();
        String perEpoch = assertThrows(UserException.class, () -> train("per-epoch", b.build(), data, null, Checkpoints.NONE)).getMessage();
        assertTrue(perEpoch.startsWith("training diverged in epoch 1, step "), perEpoch);
        assertEquals(perStep, perEpoch, "the same step, the same words");
        assertEquals(0, EpochChannel.openCount());
        // the stage was released: the next run gets both task slots
        assertEquals("per-epoch", train("per-epoch", base().build(), data, null, Checkpoints.NONE).exchange());
        data.unpersist();
    }

    @Test
    void morepartitionsThanTaskSlotsFallBackToPerStepAndSaySo() {
        JavaSparkContext sc = TestSpark.context();
        Dataset data = TestBlocks.dataset(sc, TestBlocks.classification(140, 5, 8), SCHEMA, 7);
        for (String asked : new String[] {"auto", "per-epoch"}) {
            try (LogCapture log = new LogCapture()) {
                TrainResult result = train(asked, base().build(), data, null, Checkpoints.NONE);
                assertEquals("per-step", result.exchange(), asked);
                assertTrue(log.messages().stream().anyMatch(m -> m.startsWith("exchange: per-step (" + Exchange.SETTING + "=" + asked)
                        && m.contains("needs a task slot for each of the 7 partitions at once") && m.contains("has 2")), log.messages().toString());
            }
        }
        assertEquals("per-step", train("auto", base().build(), data, null, Checkpoints.NONE).historyJson().get("exchange").asText());
        data.unpersist();
        Dataset two = TestBlocks.dataset(sc, TestBlocks.classification(140, 5, 8), SCHEMA, 2);
        assertEquals("per-epoch", train(null, base().build(), two, null, Checkpoints.NONE).exchange(), "auto is the default");
        assertThrows(UserException.class, () -> train("sometimes", base().build(), two, null, Checkpoints.NONE));
        two.unpersist();
    }
}
