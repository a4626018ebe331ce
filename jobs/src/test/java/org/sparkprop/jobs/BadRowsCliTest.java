package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --max-bad-rows and --max-bad-fraction on the command line of train, evaluate and predict. */
class BadRowsCliTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path trainCsv;
    static List<String> iris;

    /** Iris rows 1 to 120 with two malformed rows after lines 3 and 51 (so lines 4 and 53 of the file), trained skipping them. */
    @BeforeAll
    static void trainSkippingTwoBadRows() throws IOException {
        iris = Files.readAllLines(Path.of(System.getProperty("user.dir"), "src/test/resources/data/iris.csv"));
        List<String> lines = new ArrayList<>(iris.subList(0, 121));
        lines.add(3, "5.1,3.5,,0.2,setosa");
        lines.add(52, "6.0,2.2,5.0,1.5,virginica,extra");
        trainCsv = Files.write(dir.resolve("train.csv"), lines);
        model = dir.resolve("model");
        CliTest.Run r = CliTest.run("train", "--train", trainCsv.toString(), "--output", model.toString(), "--master", "local[2]",
                "--partitions", "2", "--epochs", "3", "--max-bad-rows", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains(" on 120 rows "), r.out());
    }

    @Test
    void withoutTheFlagsTheFirstBadRowStopsTraining() {
        Path out = dir.resolve("never");
        CliTest.Run r = CliTest.run("train", "--train", trainCsv.toString(), "--output", out.toString(), "--master", "local[2]");
        assertEquals(2, r.status(), r.err());
        assertEquals("sparkprop: " + trainCsv + ":4: feature 'petal_length' is empty; missing values are not supported", r.err().strip());
        assertFalse(Files.exists(out));

        CliTest.Run overFraction = CliTest.run("train", "--train", trainCsv.toString(), "--output", out.toString(),
                "--master", "local[2]", "--max-bad-fraction", "0.01");
        assertEquals(2, overFraction.status(), overFraction.err());
        assertTrue(overFraction.err().startsWith("sparkprop: too many bad rows in " + trainCsv + ": 2 bad rows of 122 read (1.64%),"
                + " over --max-bad-fraction 0.01 (first: " + trainCsv + ":4: "), overFraction.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void evaluateSkipsALabelNeverSeenInTraining() throws IOException {
        List<String> lines = new ArrayList<>(iris.subList(0, 1));
        lines.addAll(iris.subList(121, 151));
        lines.add(5, "6.3,2.5,5.0,1.9,purple");
        Path data = Files.write(dir.resolve("unseen.csv"), lines);
        CliTest.Run stop = CliTest.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--master", "local[2]");
        assertEquals(2, stop.status(), stop.err());
        assertEquals("sparkprop: " + data + ":6: label 'purple' was not seen in training (known: setosa, versicolor, virginica)",
                stop.err().strip());

        CliTest.Run skip = CliTest.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--master", "local[2]",
                "--json", "--max-bad-rows", "1");
        assertEquals(0, skip.status(), skip.err());
        JsonNode json = new ObjectMapper().readTree(skip.out());
        assertEquals(30, json.get("count").asInt());
    }

    @Test
    void predictNamesAGzipFileWithoutItsExtension() throws IOException {
        Path data = dir.resolve("held-out.csv");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(data))) {
            out.write(String.join("\n", iris.subList(0, 10)).getBytes(StandardCharsets.UTF_8));
        }
        Path predictions = dir.resolve("predictions.csv");
        CliTest.Run r = CliTest.run("predict", "--model", model.toString(), "--data", data.toString(), "--output", predictions.toString(),
                "--master", "local[2]", "--max-bad-rows", "5");
        assertEquals(2, r.status(), r.err());
        assertEquals("sparkprop: " + data + " holds gzip-compressed data, but its name does not end in .gz, so it would be read as"
                + " text; rename it to end in .gz, or decompress it", r.err().strip());
        assertFalse(Files.exists(predictions));
    }

    @Test
    void badFlagValuesAreOneSentence() {
        String output = dir.resolve("x").toString();
        CliTest.Run negative = CliTest.run("train", "--train", "builtin:iris", "--output", output, "--max-bad-rows", "-1");
        assertEquals(2, negative.status());
        assertEquals("sparkprop: --max-bad-rows must be at least 0, got -1", negative.err().strip());
        CliTest.Run fraction = CliTest.run("train", "--train", "builtin:iris", "--output", output, "--max-bad-fraction", "1.5");
        assertEquals(2, fraction.status());
        assertEquals("sparkprop: --max-bad-fraction must be between 0 and 1, got 1.5", fraction.err().strip());
        CliTest.Run word = CliTest.run("train", "--train", "builtin:iris", "--output", output, "--max-bad-rows", "many");
        assertEquals(2, word.status());
        assertEquals("sparkprop: --max-bad-rows 'many': not a number", word.err().strip());
    }

    @Test
    void helpListsTheFlagsForEveryCommandThatReadsData() {
        for (String command : List.of("train", "evaluate", "predict")) {
            CliTest.Run r = CliTest.run(command, "--help");
            assertEquals(0, r.status());
            assertTrue(r.out().contains("--max-bad-rows N") && r.out().contains("--max-bad-fraction F"), r.out());
        }
    }
}
