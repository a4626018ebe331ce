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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.jobs.CliTest.Run;

/**
 * Evaluate and predict on data that still hold the sample-weight column a model was trained with (format version 3
 * records it): predict skips the column and writes what it writes for the same rows without it; evaluate weighs every
 * metric by it, as if each row were repeated as often as its (whole) weight says. CSV files and Parquet alike; a bad
 * weight is one sentence naming the file, the line and the column.
 */
class WeightedDataCliTest {
    @TempDir
    static Path dir;
    static Path csvModel;
    static Path parquetModel;

    /** Rows of x1, x2, w, label: two overlapping classes, whole weights 0 to 3. */
    static final List<double[]> ROWS = rows();

    private static List<double[]> rows() {
        SplittableRandom random = new SplittableRandom(11);
        List<double[]> rows = new ArrayList<>();
        for (int r = 0; r < 150; r++) {
            double x1 = random.nextDouble(-1, 1);
            double x2 = random.nextDouble(-1, 1);
            double label = x1 + 0.5 * x2 + random.nextDouble(-0.4, 0.4) > 0 ? 1 : 0;
            rows.add(new double[] {x1, x2, random.nextInt(4), label});
        }
        return rows;
    }

    private static String label(double[] row) {
        return row[3] == 1 ? "yes" : "no";
    }

    /** The rows as CSV: with the weight column, without it, or each row repeated as often as its weight says. */
    private static Path csv(String name, String form) throws IOException {
        List<String> lines = new ArrayList<>(List.of(form.equals("weighted") ? "x1,x2,w,label" : "x1,x2,label"));
        for (double[] row : ROWS) {
            String x = String.format(Locale.ROOT, "%.5f,%.5f,", row[0], row[1]);
            switch (form) {
                case "weighted" -> lines.add(x + (int) row[2] + "," + label(row));
                case "plain" -> lines.add(x + label(row));
                case "expanded" -> {
                    for (int i = 0; i < row[2]; i++) {
                        lines.add(x + label(row));
                    }
                }
                default -> throw new IllegalArgumentException(form);
            }
        }
        return Files.write(dir.resolve(name), lines);
    }

    static final StructType FRAME = new StructType().add("x1", DataTypes.DoubleType, false).add("x2", DataTypes.DoubleType, false)
            .add("w", DataTypes.DoubleType, false).add("label", DataTypes.DoubleType, false);
    static final StructType UNWEIGHTED = new StructType().add("x1", DataTypes.DoubleType, false).add("x2", DataTypes.DoubleType, false)
            .add("label", DataTypes.DoubleType, false);

    /** The rows as Parquet: with the weight column, or each row repeated as often as its weight says (no weight column). */
    private static void parquet(SparkSession spark, String name, boolean expanded) {
        List<Row> rows = new ArrayList<>();
        for (double[] row : ROWS) {
            double x1 = Double.parseDouble(String.format(Locale.ROOT, "%.5f", row[0]));
            double x2 = Double.parseDouble(String.format(Locale.ROOT, "%.5f", row[1]));
            if (!expanded) {
                rows.add(RowFactory.create(x1, x2, row[2], row[3]));
            }
            for (int i = 0; expanded && i < row[2]; i++) {
                rows.add(RowFactory.create(x1, x2, row[3]));
            }
        }
        spark.createDataFrame(rows, expanded ? UNWEIGHTED : FRAME).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(dir.resolve(name).toString());
    }

    private static Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--master", "local[2]"));
        return CliTest.run(all.toArray(String[]::new));
    }

    @BeforeAll
    static void trainOnWeightedRows() throws IOException {
        Path weighted = csv("weighted.csv", "weighted");
        csvModel = dir.resolve("csv-model");
        Run r = run("train", "--train", weighted.toString(), "--label-col", "label", "--weight-col", "w", "--output", csvModel.toString(),
                "--partitions", "2", "--epochs", "5", "--batch-size", "16", "--hidden", "5", "--dropout", "0.3");
        assertEquals(0, r.status(), r.err());
        FrameCliTest.withSpark(spark -> {
            parquet(spark, "weighted.parquet", false);
            parquet(spark, "expanded.parquet", true);
        });
        parquetModel = dir.resolve("parquet-model");
        r = run("train", "--train", dir.resolve("weighted.parquet").toString(), "--feature-cols", "x1,x2", "--weight-col", "w",
                "--loss", "binary_cross_entropy", "--output", parquetModel.toString(), "--partitions", "2", "--epochs", "5",
                "--batch-size", "16", "--hidden", "5");
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void modelJsonOfVersion3NamesTheWeightColumnAndRecordsDropout() throws IOException {
        JsonNode model = new ObjectMapper().readTree(csvModel.resolve("model.json").toFile());
        assertEquals(3, model.get("formatVersion").asInt());
        assertEquals("w", model.path("schema").path("weightColumn").asText());
        assertEquals("[\"x1\",\"x2\"]", model.path("schema").path("featureNames").toString());
        assertEquals("0.3", model.path("training").path("dropout").asText());
        assertEquals("w", new ObjectMapper().readTree(parquetModel.resolve("model.json").toFile()).path("schema").path("weightColumn").asText());
    }

    @Test
    void predictSkipsTheWeightColumnOfACsvFile() throws IOException {
        Path withWeights = dir.resolve("with-weights.csv");
        Path without = dir.resolve("without-weights.csv");
        assertEquals(0, run("predict", "--model", csvModel.toString(), "--data", csv("p-weighted.csv", "weighted").toString(),
                "--output", withWeights.toString()).status());
        Run plain = run("predict", "--model", csvModel.toString(), "--data", csv("p-plain.csv", "plain").toString(), "--output", without.toString());
        assertEquals(0, plain.status(), plain.err());
        assertArrayEquals(Files.readAllBytes(without), Files.readAllBytes(withWeights));
        assertEquals(ROWS.size() + 1, Files.readAllLines(withWeights).size());
    }

    @Test
    void evaluateWeighsACsvFileByTheModelsWeightColumnAsRepeatedRowsWould() throws IOException {
        JsonNode weighted = evaluate(csvModel, csv("e-weighted.csv", "weighted"));
        JsonNode expanded = evaluate(csvModel, csv("e-expanded.csv", "expanded"));
        JsonNode plain = evaluate(csvModel, csv("e-plain.csv", "plain"));
        assertSameMetrics(expanded, weighted);
        assertEquals(ROWS.size(), weighted.get("count").asInt());
        assertEquals(expanded.get("count").asDouble(), weighted.get("weightSum").asDouble());
        assertFalse(plain.has("weightSum"), "data without the weight column evaluate unweighted: " + plain);
        assertTrue(Math.abs(plain.get("loss").asDouble() - weighted.get("loss").asDouble()) > 1e-6, "the weights change the loss");
    }

    @Test
    void evaluateWeighsParquetByTheModelsWeightColumnAndPredictCanKeepIt() throws IOException {
        JsonNode weighted = evaluate(parquetModel, dir.resolve("weighted.parquet"));
        JsonNode expanded = evaluate(parquetModel, dir.resolve("expanded.parquet"));
        assertSameMetrics(expanded, weighted);
        assertEquals(expanded.get("count").asDouble(), weighted.get("weightSum").asDouble());
        assertFalse(expanded.has("weightSum"), "data without the weight column evaluate unweighted: " + expanded);
        assertEquals(weighted, evaluate(parquetModel, dir.resolve("weighted.parquet"), "--weight-col", "w"), "--weight-col names the same");

        Path out = dir.resolve("predictions.parquet");
        Run r = run("predict", "--model", parquetModel.toString(), "--data", dir.resolve("weighted.parquet").toString(), "--keep-cols", "w",
                "--output", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("wrote " + ROWS.size() + " predictions"), r.out());
    }

    @Test
    void aBadOrMissingWeightIsOneSentenceNamingFileLineAndColumn() throws IOException {
        for (String[] c : new String[][] {{"-2", "weight 'w' must be ≥ 0, found '-2'"}, {"many", "weight 'w' is not a number: 'many'"},
                {"NaN", "weight 'w' is not finite: 'NaN'"}, {"Infinity", "weight 'w' is not finite: 'Infinity'"}}) {
            List<String> lines = new ArrayList<>(Files.readAllLines(csv("bad.csv", "weighted")));
            lines.set(7, lines.get(7).replaceFirst(",[0-9],", "," + c[0] + ","));
            Path bad = Files.write(dir.resolve("bad-" + c[0] + ".csv"), lines);
            FrameCliTest.assertOneSentence(run("evaluate", "--model", csvModel.toString(), "--data", bad.toString()), bad.getFileName() + ":8", c[1]);
        }
        Path plain = csv("m-plain.csv", "plain");
        FrameCliTest.assertOneSentence(run("evaluate", "--model", csvModel.toString(), "--data", plain.toString(), "--weight-col", "w"),
                plain.getFileName() + ":1", "weight column 'w' is not in the header");
        FrameCliTest.assertOneSentence(run("evaluate", "--model", parquetModel.toString(), "--data", dir.resolve("weighted.parquet").toString(),
                "--weight-col", "weight"), "no weight column 'weight'");
        FrameCliTest.assertOneSentence(run("evaluate", "--model", parquetModel.toString(), "--data", dir.resolve("weighted.parquet").toString(),
                "--weight-col", "x1"), "column 'x1' cannot be both the weight column and a features column");
    }

    private static JsonNode evaluate(Path model, Path data, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--data", data.toString(), "--json"));
        args.addAll(List.of(more));
        Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    /** Accuracy, precision and recall are ratios of whole numbers and agree exactly; the loss is a sum in another order. */
    private static void assertSameMetrics(JsonNode expected, JsonNode actual) {
        assertEquals(expected.get("accuracy").asDouble(), actual.get("accuracy").asDouble(), "accuracy");
        assertEquals(expected.get("perClass").toString(), actual.get("perClass").toString());
        assertEquals(expected.get("confusionMatrix").toString().replace(".0", ""), actual.get("weightedConfusionMatrix").toString().replace(".0", ""));
        assertEquals(expected.get("loss").asDouble(), actual.get("loss").asDouble(), 1e-6 * expected.get("loss").asDouble(), "loss");
    }
}
