package org.sparkprop.driver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainListener;

/** Retraining against a registry: warm starts, the gate, idempotent reruns, schema changes. */
class RetrainerTest {
    @TempDir
    Path dir;

    /** Rows of two Gaussian blobs in `features` dimensions; labels from the blob, or shuffled. */
    private Path csv(String name, int rows, int features, long seed, boolean shuffleLabels) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder();
        for (int f = 0; f < features; f++) {
            header.append("x").append(f).append(',');
        }
        lines.add(header.append("label").toString());
        for (int r = 0; r < rows; r++) {
            int label = random.nextInt(2);
            StringBuilder line = new StringBuilder();
            for (int f = 0; f < features; f++) {
                double centre = (f % 2 == 0 ? 1 : -1) * (label == 0 ? 0.6 : -0.6);
                line.append(String.format(java.util.Locale.ROOT, "%.5f,", centre + random.nextGaussian() * 0.7));
            }
            int written = shuffleLabels ? random.nextInt(2) : label;
            lines.add(line.append(written == 0 ? "red" : "blue").toString());
        }
        return Files.write(dir.resolve(name), lines);
    }

    private static InputSpec spec(Path file) {
        return new InputSpec(file.toString(), DataFormat.CSV, null, List.of());
    }

    private static TrainConfig config(int epochs) {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {8};
        b.epochs = epochs;
        b.partitions = 2;
        b.patience = 0;
        return b.build();
    }

    private Retrainer.Outcome retrain(Registry registry, Path train, Path validation, TrainConfig config, Gate gate, boolean fromScratch) {
        return new Retrainer(TestSpark.context(), registry)
                .run(new Retrainer.Request(spec(train), spec(validation), config, gate, fromScratch, 50), TrainListener.SILENT);
    }

    @Test
    void publishesWarmStartsGatesAndRepeatsNothing() throws IOException {
        Registry registry = new Registry(dir.resolve("registry").toString(), "blobs", new Configuration());
        Path validation = csv("validation.csv", 300, 4, 1, false);
        Path night1 = csv("night1.csv", 200, 4, 2, false);
        Path night2 = csv("night2.csv", 600, 4, 3, false);
        Path noise = csv("noise.csv", 600, 4, 4, true);

        Retrainer.Outcome first = retrain(registry, night1, validation, config(2), null, false);
        assertEquals(Retrainer.Decision.PUBLISHED, first.decision());
        assertEquals(1, first.version());
        assertEquals(1, registry.currentVersion());
        assertTrue(first.record().path("parentVersion").isNull());

        Retrainer.Outcome second = retrain(registry, night2, validation, config(5), Gate.parse("loss <= champion"), false);
        assertEquals(Retrainer.Decision.PUBLISHED, second.decision(), second.reason());
        assertEquals(2, second.version());
        assertEquals(1, second.record().path("parentVersion").asInt());
        JsonNode v1 = new ObjectMapper().readTree(Path.of(registry.versionPath(1), "model.json").toFile());
        assertEquals(v1.at("/weights/sha256").asText(), second.record().at("/startingWeights/sha256").asText(),
                "the second run starts from version 1's weights");
        assertTrue(second.record().at("/candidate/loss").asDouble() <= second.record().at("/champion/loss").asDouble());

        Retrainer.Outcome worse = retrain(registry, noise, validation, config(5), null, false);
        assertEquals(Retrainer.Decision.REJECTED, worse.decision());
        assertNull(worse.version());
        assertEquals(2, registry.currentVersion(), "current stays");
        assertTrue(worse.record().path("reason").asText().contains("fails >="), worse.reason());
        assertEquals("rejected", registry.runRecord(worse.record().path("runKey").asText()).path("decision").asText());

        Retrainer.Outcome again = retrain(registry, noise, validation, config(5), null, false);
        assertTrue(again.repeated());
        assertEquals(Retrainer.Decision.REJECTED, again.decision());
        assertEquals(2, registry.versions().size(), "a repeated run adds no version");
    }

    @Test
    void aSchemaChangeIsRefusedForAWarmStartAndAcceptedFromScratch() throws IOException {
        Registry registry = new Registry(dir.resolve("registry").toString(), "blobs", new Configuration());
        Path validation4 = csv("v4.csv", 100, 4, 5, false);
        retrain(registry, csv("t4.csv", 100, 4, 6, false), validation4, config(2), null, false);
        Path train3 = csv("t3.csv", 100, 3, 7, false);
        Path validation3 = csv("v3.csv", 100, 3, 8, false);
        UserException e = assertThrows(UserException.class, () -> retrain(registry, train3, validation3, config(2), null, false));
        assertTrue(e.getMessage().contains("cannot warm-start from version 1 of blobs: the data have 3 features, the model 4"), e.getMessage());
        assertTrue(e.getMessage().contains("--from-scratch"), e.getMessage());
        assertEquals(1, registry.currentVersion());

        Retrainer.Outcome scratch = retrain(registry, train3, validation3, config(2), null, true);
        assertEquals(Retrainer.Decision.PUBLISHED, scratch.decision(), scratch.reason());
        assertEquals(2, registry.currentVersion());
        assertFalse(scratch.record().at("/startingWeights/from").asText().startsWith("version"));
    }
}
