package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.jobs.CliTest.Run;

/**
 * --weight-col on CSV files: the column is each row's sample weight, not a feature; weights of ones train the model
 * the file without the column trains, to the bit; a bad weight is one sentence naming file, line and column. With
 * --dropout and --class-weights, which model.json records.
 */
class CsvWeightsCliTest {
    @TempDir
    static Path dir;

    /** Rows of x1, x2, [w,] label: two classes from the sign of x1 + x2, 9:1 and overlapping. */
    private static Path csv(String name, boolean withWeights, String weight) throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        List<String> lines = new ArrayList<>(List.of(withWeights ? "x1,x2,w,label" : "x1,x2,label"));
        for (int r = 0; r < 120; r++) {
            double x1 = random.nextDouble(-1, 1);
            double x2 = random.nextDouble(-1, 1);
            String label = x1 + x2 > 0.9 ? "rare" : "common";
            lines.add(String.format(Locale.ROOT, "%.4f,%.4f,", x1, x2) + (withWeights ? (r == 57 ? weight : "1") + "," : "") + label);
        }
        return Files.write(dir.resolve(name), lines);
    }

    private static Run train(Path data, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--train", data.toString(), "--label-col", "label", "--output", out.toString(),
                "--master", "local[2]", "--partitions", "2", "--epochs", "3", "--batch-size", "16", "--hidden", "6"));
        args.addAll(List.of(more));
        return CliTest.run(args.toArray(String[]::new));
    }

    @Test
    void aWeightColumnOfOnesTrainsTheModelTheFileWithoutItTrains() throws IOException {
        Path plain = dir.resolve("plain-model");
        Path weighted = dir.resolve("weighted-model");
        Run a = train(csv("plain.csv", false, null), plain);
        assertEquals(0, a.status(), a.err());
        Run b = train(csv("weighted.csv", true, "1"), weighted, "--weight-col", "w");
        assertEquals(0, b.status(), b.err());
        assertArrayEquals(Files.readAllBytes(plain.resolve("weights.bin")), Files.readAllBytes(weighted.resolve("weights.bin")));
        JsonNode model = new ObjectMapper().readTree(weighted.resolve("model.json").toFile());
        assertEquals("[\"x1\",\"x2\"]", model.path("schema").path("featureNames").toString(), "w is not a feature: " + model.path("schema"));
    }

    @Test
    void dropoutAndClassWeightsComeFromTheFlagsIntoModelJson() throws IOException {
        Path out = dir.resolve("dropout-model");
        Run r = train(csv("both.csv", true, "2.5"), out, "--weight-col", "2", "--dropout", "0.2", "--class-weights", "balanced");
        assertEquals(0, r.status(), r.err());
        JsonNode training = new ObjectMapper().readTree(out.resolve("model.json").toFile()).get("training");
        assertEquals("0.2", training.get("dropout").asText());
        assertEquals("balanced", training.get("class-weights").asText());

        Run wrong = train(csv("wrong.csv", false, null), dir.resolve("x"), "--class-weights", "1,2,3");
        FrameCliTest.assertOneSentence(wrong, "class-weights has 3 weights; the data have 2 classes (common, rare)");
        Run tooMany = train(csv("deep.csv", false, null), dir.resolve("y"), "--dropout", "0.1,0.2");
        FrameCliTest.assertOneSentence(tooMany, "dropout", "one per hidden layer (1)");
        assertFalse(Files.exists(dir.resolve("x")) || Files.exists(dir.resolve("y")));
    }

    @Test
    void aBadWeightIsOneSentenceNamingFileLineAndColumn() throws IOException {
        Path negative = csv("negative.csv", true, "-1");
        Run r = train(negative, dir.resolve("neg-model"), "--weight-col", "w");
        FrameCliTest.assertOneSentence(r, negative.getFileName().toString() + ":59", "weight 'w' must be ≥ 0, found '-1'");
        Path word = csv("word.csv", true, "heavy");
        r = train(word, dir.resolve("word-model"), "--weight-col", "w");
        FrameCliTest.assertOneSentence(r, word.getFileName().toString() + ":59", "weight 'w' is not a number");
        r = train(word, dir.resolve("missing-model"), "--weight-col", "weight");
        FrameCliTest.assertOneSentence(r, "weight column 'weight' is not in the header");
        assertTrue(!Files.exists(dir.resolve("neg-model")) && !Files.exists(dir.resolve("word-model")));
    }
}
