package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.optim.ScheduleKind;

/** Checkpoints: an interrupted run resumed ends bit-identical to an uninterrupted one; damage is skipped; mismatches refused. */
class CheckpointTest {
    private static final int FEATURES = 6;
    private static Dataset train;
    private static Dataset validation;

    @BeforeAll
    static void data() {
        JavaSparkContext sc = TestSpark.context();
        Schema schema = new Schema(FEATURES, List.of(), List.of(), LabelKind.CLASSES, List.of("a", "b", "c"), 3);
        train = TrainerTest.dataset(sc, features(240, 1), labels(240, 1), FEATURES, 1, schema, 3);
        validation = TrainerTest.dataset(sc, features(60, 2), labels(60, 2), FEATURES, 1, schema, 2);
    }

    @AfterAll
    static void release() {
        train.unpersist();
        validation.unpersist();
    }

    private static float[] features(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }

    private static float[] labels(int n, long seed) {
        float[] x = features(n, seed);
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            double s = x[r * FEATURES] - x[r * FEATURES + 2];
            y[r] = s < -0.4 ? 0 : s < 0.4 ? 1 : 2;
        }
        return y;
    }

    private static TrainConfig config() {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {10};
        b.batchSize = 20;
        b.epochs = 6;
        b.patience = 3;
        b.schedule = ScheduleKind.COSINE;
        b.learningRate = 0.01;
        b.minLearningRate = 0.001;
        b.warmupSteps = 5;
        return b.build();
    }

    private static TrainResult run(TrainConfig config, Checkpoints checkpoints, TrainListener listener) {
        return new Trainer(TestSpark.context(), config).train(train, validation, null, checkpoints, listener);
    }

    /** A listener that stops the run (as a crash would) after a number of steps. */
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

    private static List<Path> checkpoints(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("ckpt-")).sorted().toList();
        }
    }

    @Test
    void anInterruptedRunResumedEndsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) throws IOException {
        TrainResult whole = run(config(), Checkpoints.NONE, TrainListener.SILENT);
        for (int crashStep : new int[] {7, 12, 25}) {
            Path ckpt = dir.resolve("crash-" + crashStep);
            Checkpoints every5 = new Checkpoints(ckpt.toString(), 5, 2, true);
            assertThrows(IllegalStateException.class, () -> run(config(), every5, crashAfter(crashStep)));
            assertTrue(checkpoints(ckpt).size() <= 2, "only the newest 2 are kept: " + checkpoints(ckpt));
            TrainResult resumed = run(config(), every5, TrainListener.SILENT);
            assertNotNull(resumed.resumedFrom());
            assertArrayEquals(whole.weights(), resumed.weights(), "crash after step " + crashStep);
            assertEquals(whole.history().size(), resumed.history().size());
            for (int e = 0; e < whole.history().size(); e++) {
                assertEquals(whole.history().get(e).trainLoss(), resumed.history().get(e).trainLoss(), 0.0);
                assertEquals(whole.history().get(e).validationLoss(), resumed.history().get(e).validationLoss(), 0.0);
            }
            assertEquals(whole.steps(), resumed.steps());
        }
    }

    @Test
    void resumeWithoutCheckpointsStartsFromTheBeginning(@TempDir Path dir) {
        TrainResult whole = run(config(), Checkpoints.NONE, TrainListener.SILENT);
        TrainResult fresh = run(config(), new Checkpoints(dir.resolve("empty").toString(), 1000, 3, true), TrainListener.SILENT);
        assertNull(fresh.resumedFrom());
        assertArrayEquals(whole.weights(), fresh.weights());
    }

    @Test
    void aDamagedNewestCheckpointIsSkippedForThePreviousOne(@TempDir Path dir) throws IOException {
        TrainResult whole = run(config(), Checkpoints.NONE, TrainListener.SILENT);
        String[] damages = {"truncate", "flip", "no manifest"};
        for (String damage : damages) {
            Path ckpt = dir.resolve(damage.replace(' ', '-'));
            Checkpoints every4 = new Checkpoints(ckpt.toString(), 4, 3, true);
            assertThrows(IllegalStateException.class, () -> run(config(), every4, crashAfter(18)));
            List<Path> before = checkpoints(ckpt);
            Path newest = before.get(before.size() - 1);
            switch (damage) {
                case "truncate" -> {
                    try (RandomAccessFile f = new RandomAccessFile(newest.resolve(CheckpointStore.ARRAYS).toFile(), "rw")) {
                        f.setLength(f.length() - 3);
                    }
                }
                case "flip" -> {
                    try (RandomAccessFile f = new RandomAccessFile(newest.resolve(CheckpointStore.ARRAYS).toFile(), "rw")) {
                        f.seek(100);
                        int b = f.read();
                        f.seek(100);
                        f.write(b ^ 1);
                    }
                }
                default -> Files.delete(newest.resolve(CheckpointStore.MANIFEST));
            }
            TrainResult resumed = run(config(), every4, TrainListener.SILENT);
            assertTrue(resumed.resumedFrom().contains(before.get(before.size() - 2).getFileName().toString()), resumed.resumedFrom());
            assertTrue(resumed.resumedFrom().contains("skipped newer " + newest.getFileName()), resumed.resumedFrom());
            String expected = switch (damage) {
                case "truncate" -> "has " ;
                case "flip" -> "does not match its checksum";
                default -> "incomplete (no MANIFEST.json)";
            };
            assertTrue(resumed.resumedFrom().contains(expected), resumed.resumedFrom());
            assertArrayEquals(whole.weights(), resumed.weights(), damage);
        }
    }

    @Test
    void aCheckpointOfAnotherRunIsRefusedSayingWhatDiffers(@TempDir Path dir) {
        Checkpoints ckpt = new Checkpoints(dir.toString(), 5, 2, true);
        assertThrows(IllegalStateException.class, () -> run(config(), ckpt, crashAfter(6)));
        TrainConfig.Builder other = config().toBuilder();
        other.learningRate = 0.02;
        other.batchSize = 24;
        UserException e = assertThrows(UserException.class, () -> run(other.build(), ckpt, TrainListener.SILENT));
        assertTrue(e.getMessage().contains("belongs to another run"), e.getMessage());
        assertTrue(e.getMessage().contains("configuration.batch-size is 24 in this run, 20 in the checkpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("configuration.learning-rate is 0.02 in this run, 0.01 in the checkpoint"), e.getMessage());
    }
}
