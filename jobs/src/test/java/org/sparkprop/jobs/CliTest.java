package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, in-process, with Spark in local[2]: what a user types and sees. */
class CliTest {
    @TempDir
    static Path dir;
    static Path model;

    /** Exit status, stdout and stderr of one command. */
    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path trainCsv;
    static Path heldCsv;

    /**
     * Writes the test resources' Iris CSV into {@code dir} as two files with its header, every third row (50) in
     * {@code heldName}, the others in {@code trainName}; returns {train, held}.
     */
    static Path[] splitIris(Path dir, String trainName, String heldName) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("user.dir"), "src/test/resources/data/iris.csv"));
        List<String> train = new ArrayList<>(List.of(lines.get(0)));
        List<String> held = new ArrayList<>(List.of(lines.get(0)));
        for (int i = 1; i < lines.size(); i++) {
            ((i - 1) % 3 == 0 ? held : train).add(lines.get(i));
        }
        return new Path[] {Files.write(dir.resolve(trainName), train), Files.write(dir.resolve(heldName), held)};
    }

    /** Trains on Iris with every third row held out (50 rows); the other tests use the model. */
    @BeforeAll
    static void trainIris() throws IOException {
        Path[] split = splitIris(dir, "iris-train.csv", "iris-held.csv");
        trainCsv = split[0];
        heldCsv = split[1];
        model = dir.resolve("iris-model");
        Run r = run("train", "--train", trainCsv.toString(), "--validation", heldCsv.toString(), "--label-col", "species",
                "--output", model.toString(), "--master", "local[2]", "--partitions", "2", "--epochs", "150", "--batch-size", "16");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.contains("model written to " + model), r.out);
    }

    @Test
    void modelJsonRecordsEveryTrainingSettingUnderItsName() throws IOException {
        JsonNode training = new ObjectMapper().readTree(model.resolve("model.json").toFile()).get("training");
        for (org.sparkprop.driver.train.Setting<?> s : org.sparkprop.driver.train.TrainSettings.all()) {
            assertTrue(training.has(s.name()), s.name() + " missing from " + training);
        }
        assertEquals(2, training.get("partitions").asInt());
        assertEquals(16, training.get("batch-size").asInt());
        assertEquals("softmax", training.get("output-activation").asText());
        assertTrue(training.get("momentum").isNull(), "adam does not use momentum: " + training);
        assertEquals(trainCsv.toString(), training.path("data").path("train").asText(), "the data stay apart from the settings");
    }

    @Test
    void trainWritesAModelDirectoryWithHistory() throws IOException {
        assertTrue(Files.exists(model.resolve("model.json")));
        assertTrue(Files.exists(model.resolve("weights.bin")));
        JsonNode history = new ObjectMapper().readTree(model.resolve("training.json").toFile());
        assertTrue(history.get("epochs").size() >= 1);
        JsonNode first = history.get("epochs").get(0);
        for (String field : List.of("epoch", "trainLoss", "validationLoss", "validation_accuracy", "samplesPerSecond", "elapsedSeconds")) {
            assertTrue(first.has(field), field + " in " + first);
        }
        assertTrue(history.get("train_seconds").asDouble() > 0);
        assertTrue(history.get("samples_per_second").asDouble() > 0);
        JsonNode meta = new ObjectMapper().readTree(model.resolve("model.json").toFile());
        assertEquals(List.of("setosa", "versicolor", "virginica"),
                new ObjectMapper().convertValue(meta.at("/schema/classes"), List.class));
    }

    @Test
    void evaluateReachesNinetyFivePercentOnHeldOutIrisRows() throws IOException {
        Run r = run("evaluate", "--model", model.toString(), "--data", heldCsv.toString(), "--json", "--master", "local[2]");
        assertEquals(0, r.status, r.err);
        JsonNode json = new ObjectMapper().readTree(r.out);
        assertEquals(50, json.get("count").asInt());
        assertTrue(json.get("accuracy").asDouble() >= 0.95, r.out);
        assertTrue(json.has("loss"));
        assertEquals(3, json.get("confusionMatrix").size());

        Run table = run("evaluate", "--model", model.toString(), "--data", heldCsv.toString(), "--master", "local[2]");
        assertEquals(0, table.status, table.err);
        assertTrue(table.out.contains("confusion matrix"), table.out);
        assertTrue(table.out.contains("versicolor"), table.out);
    }

    @Test
    void predictWritesOneLinePerRowAfterAHeader() throws IOException {
        Path out = dir.resolve("predictions.csv");
        Run r = run("predict", "--model", model.toString(), "--data", heldCsv.toString(), "--output", out.toString(), "--master", "local[2]");
        assertEquals(0, r.status, r.err);
        List<String> lines = Files.readAllLines(out);
        assertEquals("prediction,p_setosa,p_versicolor,p_virginica", lines.get(0));
        assertEquals(51, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",");
            assertEquals(4, fields.length, line);
            double sum = Double.parseDouble(fields[1]) + Double.parseDouble(fields[2]) + Double.parseDouble(fields[3]);
            assertEquals(1.0, sum, 1e-5, line);
        }
        Run again = run("predict", "--model", model.toString(), "--data", heldCsv.toString(), "--output", out.toString(), "--master", "local[2]");
        assertEquals(2, again.status);
        assertTrue(again.err.contains("already exists; pass --overwrite"), again.err);
    }

    @Test
    void aMalformedRowIsNamedByFileAndLine() throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "a,b,label\n1,2,x\n3,oops,y\n");
        Path out = dir.resolve("never");
        Run r = run("train", "--train", csv.toString(), "--output", out.toString(), "--master", "local[2]");
        assertEquals(2, r.status, r.err);
        assertTrue(r.err.startsWith("sparkprop: "), r.err);
        assertTrue(r.err.contains("bad.csv:3:"), r.err);
        assertFalse(r.err.contains("\tat "), "no stack trace: " + r.err);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void userMistakesExitWithStatusTwoAndOneSentence() throws IOException {
        Run unknownFlag = run("train", "--train", "builtin:iris", "--output", dir.resolve("x").toString(), "--epocs", "3");
        assertEquals(2, unknownFlag.status);
        assertEquals("sparkprop: unknown flag --epocs for train (see sparkprop train --help)", unknownFlag.err.strip());

        Run badValue = run("train", "--train", "builtin:iris", "--output", dir.resolve("x").toString(), "--learning-rate", "fast");
        assertEquals(2, badValue.status);
        assertTrue(badValue.err.contains("--learning-rate 'fast': not a number"), badValue.err);

        Run missing = run("train", "--train", dir.resolve("nope.csv").toString(), "--output", dir.resolve("y").toString(), "--master", "local[2]");
        assertEquals(2, missing.status);
        assertTrue(missing.err.contains("nope.csv"), missing.err);

        Run exists = run("train", "--train", "builtin:iris", "--output", model.toString());
        assertEquals(2, exists.status);
        assertTrue(exists.err.contains("already exists; pass --overwrite"), exists.err);

        Run wrongWidth = run("evaluate", "--model", model.toString(), "--data", writeLibsvm().toString(), "--master", "local[2]");
        assertEquals(2, wrongWidth.status);
        assertTrue(wrongWidth.err.contains("wide.libsvm:2:"), wrongWidth.err);
    }

    private static Path writeLibsvm() throws IOException {
        Path file = dir.resolve("wide.libsvm");
        Files.writeString(file, "setosa 1:0.5 2:0.1\nvirginica 1:0.2 9:0.3\n");
        return file;
    }

    @Test
    void aDamagedModelIsRefused() throws IOException {
        Path copy = dir.resolve("damaged");
        Files.createDirectories(copy);
        for (String f : List.of("model.json", "weights.bin", "training.json")) {
            Files.copy(model.resolve(f), copy.resolve(f));
        }
        try (RandomAccessFile weights = new RandomAccessFile(copy.resolve("weights.bin").toFile(), "rw")) {
            weights.seek(17);
            int b = weights.read();
            weights.seek(17);
            weights.write(b ^ 0x40);
        }
        Run r = run("evaluate", "--model", copy.toString(), "--data", "builtin:iris:test", "--master", "local[2]");
        assertEquals(2, r.status);
        assertTrue(r.err.contains("checksum"), r.err);
    }

    @Test
    void aDivergingRunStopsInTheStepItDivergesAndPublishesNothing() throws IOException {
        Path out = dir.resolve("diverged");
        Path ckpt = dir.resolve("diverged-checkpoints");
        // Squared error under plain SGD with a huge rate grows geometrically: it overflows within a few steps.
        Run r = run("train", "--train", "builtin:friedman1", "--output", out.toString(), "--master", "local[2]", "--partitions", "2",
                "--optimizer", "sgd", "--learning-rate", "1e6", "--checkpoint-dir", ckpt.toString(), "--checkpoint-every", "1");
        assertEquals(2, r.status, r.err);
        assertTrue(r.err.strip().matches("sparkprop: training diverged in epoch \\d+, step \\d+ of \\d+ \\(step \\d+ of the run\\): "
                + "the (loss|gradient|weights after the update) (is|are) not finite; nothing was written; try a lower --learning-rate.*"), r.err);
        assertFalse(Files.exists(out), "no model published");
        List<Path> left;
        try (var files = Files.list(ckpt)) {
            left = files.toList();
        }
        assertFalse(left.isEmpty());
        for (Path checkpoint : left) {
            assertTrue(Files.exists(checkpoint.resolve("MANIFEST.json")), "every checkpoint left is complete: " + checkpoint);
        }
    }

    @Test
    void helpIsThereForEverySubcommand() {
        for (String command : List.of("train", "evaluate", "predict")) {
            Run r = run(command, "--help");
            assertEquals(0, r.status);
            assertTrue(r.out.startsWith("usage: sparkprop " + command), r.out);
        }
        Run r = run("--help");
        assertEquals(0, r.status);
        assertTrue(r.out.contains("train"));
        assertArrayEquals(new int[] {2}, new int[] {run("bogus").status});
    }
}
