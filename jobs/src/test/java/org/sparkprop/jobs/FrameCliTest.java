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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
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
 * The command line on DataFrame input (--format parquet, orc, json) end to end, in-process, with Spark in local
 * mode: Iris written from a Spark DataFrame as one Parquet file of one partition, and the same rows as one LibSVM
 * file; rows with one bad value each.
 */
class FrameCliTest {
    @TempDir
    static Path dir;
    static Path parquet;
    static Path libsvm;
    static Path model;

    /** Settings every training run here shares, so that fits of the same rows compare bit for bit. */
    static final List<String> SETTINGS = List.of("--master", "local[2]", "--partitions", "2", "--epochs", "20", "--batch-size", "16",
            "--seed", "7");

    static final StructType IRIS = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", new VectorUDT(), false)
            .add("values", DataTypes.createArrayType(DataTypes.DoubleType), false)
            .add("sl", DataTypes.DoubleType, false).add("sw", DataTypes.DoubleType, false)
            .add("pl", DataTypes.DoubleType, false).add("pw", DataTypes.DoubleType, false)
            .add("species", DataTypes.StringType, false)
            .add("label", DataTypes.DoubleType, false)
            .add("weight", DataTypes.DoubleType, false);

    /** Iris rows: id, features as a Vector, as an array and as four columns, species, class index, weight 1. */
    static List<Row> irisRows() throws IOException {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("user.dir"), "src/test/resources/data/iris.csv"));
        List<String> species = lines.subList(1, lines.size()).stream().map(l -> l.substring(l.lastIndexOf(',') + 1)).distinct().sorted().toList();
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            double[] x = Arrays.stream(f, 0, 4).mapToDouble(Double::parseDouble).toArray();
            rows.add(RowFactory.create((long) i - 1, Vectors.dense(x), List.of(x[0], x[1], x[2], x[3]), x[0], x[1], x[2], x[3], f[4],
                    (double) species.indexOf(f[4]), 1.0));
        }
        return rows;
    }

    /** The same rows as LibSVM lines: the class index, then the four features as the CSV writes them. */
    static List<String> irisLibsvm() throws IOException {
        List<String> out = new ArrayList<>();
        for (Row r : irisRows()) {
            out.add(String.format(Locale.ROOT, "%d 1:%s 2:%s 3:%s 4:%s", (int) r.getDouble(8), r.get(3), r.get(4), r.get(5), r.get(6)));
        }
        return out;
    }

    static void withSpark(Consumer<SparkSession> work) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("FrameCliTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            work.accept(spark);
        } finally {
            spark.stop();
        }
    }

    /** Writes {@code rows} (changed by {@code change}) as one Parquet file of one partition. */
    static Path writeParquet(SparkSession spark, String name, List<Row> rows, StructType schema) {
        Path path = dir.resolve(name);
        spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(path.toString());
        return path;
    }

    static List<Row> irisWith(int row, UnaryOperator<Object[]> change) throws IOException {
        List<Row> rows = new ArrayList<>(irisRows());
        Object[] values = new Object[rows.get(row).size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = rows.get(row).get(i);
        }
        rows.set(row, RowFactory.create(change.apply(values)));
        return rows;
    }

    static Run run(List<String> args, String... more) {
        List<String> all = new ArrayList<>(List.of(more));
        all.addAll(args);
        return CliTest.run(all.toArray(String[]::new));
    }

    @BeforeAll
    static void writeIrisAndTrain() throws IOException {
        libsvm = Files.write(dir.resolve("iris.libsvm"), irisLibsvm());
        List<Row> rows = irisRows();
        withSpark(spark -> {
            parquet = writeParquet(spark, "iris.parquet", rows, IRIS);
            try {
                writeParquet(spark, "bad-width.parquet", irisWith(2, v -> {
                    v[1] = Vectors.dense(1, 2, 3);
                    return v;
                }), IRIS);
                writeParquet(spark, "bad-nan.parquet", irisWith(4, v -> {
                    v[1] = Vectors.dense(1, Double.NaN, 3, 4);
                    return v;
                }), IRIS);
                writeParquet(spark, "bad-label.parquet", irisWith(5, v -> {
                    v[8] = 1.5;
                    return v;
                }), IRIS);
                writeParquet(spark, "bad-weight.parquet", irisWith(6, v -> {
                    v[9] = -1.0;
                    return v;
                }), IRIS);
                StructType nullable = new StructType(Arrays.stream(IRIS.fields())
                        .map(f -> DataTypes.createStructField(f.name(), f.dataType(), true)).toArray(org.apache.spark.sql.types.StructField[]::new));
                writeParquet(spark, "bad-null.parquet", irisWith(7, v -> {
                    v[3] = null;
                    return v;
                }), nullable);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        model = dir.resolve("parquet-model");
        Run r = run(SETTINGS, "train", "--train", parquet.toString(), "--output", model.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("model written to " + model), r.out());
    }

    @Test
    void parquetAndLibsvmFitsOfTheSameRowsGiveTheSameWeights() throws IOException {
        Path fromLibsvm = dir.resolve("libsvm-model");
        Run r = run(SETTINGS, "train", "--train", libsvm.toString(), "--output", fromLibsvm.toString());
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(Files.readAllBytes(fromLibsvm.resolve("weights.bin")), Files.readAllBytes(model.resolve("weights.bin")));

        JsonNode data = new ObjectMapper().readTree(model.resolve("model.json").toFile()).at("/training/data");
        assertEquals("parquet", data.get("format").asText(), data.toString());
        JsonNode schema = new ObjectMapper().readTree(model.resolve("model.json").toFile()).get("schema");
        assertEquals("label", schema.at("/labelColumns/0").asText(), schema.toString());
    }

    @Test
    void anArrayColumnAndNumericColumnsGiveTheVectorColumnsWeights() throws IOException {
        Path fromArray = dir.resolve("array-model");
        Run array = run(SETTINGS, "train", "--train", parquet.toString(), "--format", "parquet", "--features-col", "values",
                "--output", fromArray.toString());
        assertEquals(0, array.status(), array.err());
        assertArrayEquals(Files.readAllBytes(model.resolve("weights.bin")), Files.readAllBytes(fromArray.resolve("weights.bin")));

        Path fromColumns = dir.resolve("columns-model");
        Run columns = run(SETTINGS, "train", "--train", parquet.toString(), "--feature-cols", "sl,sw,pl,pw", "--label-col", "label",
                "--weight-col", "weight", "--validation", parquet.toString(), "--output", fromColumns.toString());
        assertEquals(0, columns.status(), columns.err());
        assertTrue(columns.out().contains("validation loss"), columns.out());
        assertArrayEquals(Files.readAllBytes(model.resolve("weights.bin")), Files.readAllBytes(fromColumns.resolve("weights.bin")));
        JsonNode schema = new ObjectMapper().readTree(fromColumns.resolve("model.json").toFile()).get("schema");
        assertEquals(List.of("sl", "sw", "pl", "pw"), new ObjectMapper().convertValue(schema.get("featureNames"), List.class));

        // The model names its feature columns: evaluate reads them without being told.
        Run evaluate = run(List.of("--master", "local[2]"), "evaluate", "--model", fromColumns.toString(), "--data", parquet.toString(), "--json");
        assertEquals(0, evaluate.status(), evaluate.err());
        assertEquals(150, new ObjectMapper().readTree(evaluate.out()).get("count").asInt());
    }

    @Test
    void evaluateOnParquetMatchesEvaluateOnTheSameRowsAsLibsvm() {
        Run fromParquet = run(List.of("--master", "local[2]"), "evaluate", "--model", model.toString(), "--data", parquet.toString(), "--json",
                "--num-features", "4");
        assertEquals(0, fromParquet.status(), fromParquet.err());
        Run fromLibsvm = run(List.of("--master", "local[2]"), "evaluate", "--model", model.toString(), "--data", libsvm.toString(), "--json");
        assertEquals(0, fromLibsvm.status(), fromLibsvm.err());
        assertEquals(fromLibsvm.out(), fromParquet.out());
        assertTrue(fromParquet.out().contains("\"count\":150"), fromParquet.out());
    }

    @Test
    void predictWritesParquetWithKeptColumnsInInputOrderAndTheCsvValues() throws IOException {
        Path csv = dir.resolve("predictions.csv");
        Run toCsv = run(List.of("--master", "local[2]"), "predict", "--model", model.toString(), "--data", parquet.toString(),
                "--output", csv.toString());
        assertEquals(0, toCsv.status(), toCsv.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("prediction,p_0,p_1,p_2", lines.get(0));
        assertEquals(151, lines.size());
        // The CSV from Parquet input is the CSV from the same rows as LibSVM.
        Path csvFromLibsvm = dir.resolve("predictions-libsvm.csv");
        assertEquals(0, run(List.of("--master", "local[2]"), "predict", "--model", model.toString(), "--data", libsvm.toString(),
                "--output", csvFromLibsvm.toString()).status());
        assertEquals(lines, Files.readAllLines(csvFromLibsvm));

        Path out = dir.resolve("predictions.parquet");
        Run toParquet = run(List.of("--master", "local[2]"), "predict", "--model", model.toString(), "--data", parquet.toString(),
                "--keep-cols", "id,species", "--output", out.toString(), "--num-features", "4");
        assertEquals(0, toParquet.status(), toParquet.err());
        assertTrue(toParquet.out().contains("wrote 150 predictions"), toParquet.out());
        try (var files = Files.list(out)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count(), "one Parquet file");
        }
        try (var siblings = Files.list(dir)) {
            assertFalse(siblings.anyMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary left");
        }
        List<String> read = new ArrayList<>();
        withSpark(spark -> {
            var frame = spark.read().parquet(out.toString());
            assertEquals(List.of("id", "species", "prediction", "p_0", "p_1", "p_2"), List.of(frame.columns()));
            assertEquals("string", frame.schema().apply("prediction").dataType().simpleString());
            assertEquals("float", frame.schema().apply("p_0").dataType().simpleString());
            for (Row r : frame.collectAsList()) {
                read.add(r.getLong(0) + "|" + r.getString(1) + "|" + r.getString(2) + "," + r.getFloat(3) + "," + r.getFloat(4) + "," + r.getFloat(5));
            }
        });
        List<Row> iris = irisRows();
        for (int i = 0; i < 150; i++) {
            assertEquals(i + "|" + iris.get(i).getString(7) + "|" + lines.get(i + 1), read.get(i), "row " + i);
        }

        // LibSVM input, Parquet output: the prediction columns alone.
        Path fromLibsvm = dir.resolve("from-libsvm.parquet");
        assertEquals(0, run(List.of("--master", "local[2]"), "predict", "--model", model.toString(), "--data", libsvm.toString(),
                "--output", fromLibsvm.toString()).status());
        Run again = run(List.of("--master", "local[2]"), "predict", "--model", model.toString(), "--data", libsvm.toString(),
                "--output", fromLibsvm.toString());
        assertEquals(2, again.status(), again.err());
        assertTrue(again.err().contains("already exists; pass --overwrite"), again.err());
        Run replaced = run(List.of("--master", "local[2]"), "predict", "--model", model.toString(), "--data", libsvm.toString(),
                "--output", fromLibsvm.toString(), "--overwrite");
        assertEquals(0, replaced.status(), replaced.err());
    }

    @Test
    void aNumFeaturesThatDiffersFromTheModelIsOneSentence() {
        String expected = "--num-features 5 differs from the 4 features the model was trained on";
        assertOneSentence(run(List.of("--master", "local[2]"), "evaluate", "--model", model.toString(), "--data", parquet.toString(),
                "--num-features", "5"), expected);
        Path out = dir.resolve("never.parquet");
        assertOneSentence(run(List.of("--master", "local[2]"), "predict", "--model", model.toString(), "--data", parquet.toString(),
                "--num-features", "5", "--output", out.toString()), expected);
        assertFalse(Files.exists(out));
    }

    @Test
    void badInputIsOneSentenceNamingTheColumnAndTheRow() {
        record Case(String file, List<String> flags, String... expected) {
        }
        List<Case> cases = List.of(
                new Case("iris.parquet", List.of("--features-col", "nope"), "no features column 'nope'", "'features'"),
                new Case("iris.parquet", List.of("--features-col", "species"), "column 'species' is string", "Vector"),
                new Case("iris.parquet", List.of("--feature-cols", "sl,species"), "column 'species' is string", "numeric"),
                new Case("iris.parquet", List.of("--label-col", "species"), "column 'species' is string", "class index"),
                new Case("iris.parquet", List.of("--label-col", "missing"), "no label column 'missing'"),
                new Case("bad-width.parquet", List.of(), "column 'features' of row 3 ", "has 3 features; earlier rows have 4"),
                new Case("bad-nan.parquet", List.of(), "column 'features' of row 5 ", "NaN"),
                new Case("bad-null.parquet", List.of("--feature-cols", "sl,sw,pl,pw"), "column 'sl' of row 8 ", "null"),
                new Case("bad-label.parquet", List.of(), "column 'label' of row 6 ", "1.5", "class index"),
                new Case("bad-weight.parquet", List.of("--weight-col", "weight"), "column 'weight' of row 7 ", "-1.0"),
                new Case("iris.parquet", List.of("--format", "orc"), "cannot read", "as orc"),
                new Case("no-such.parquet", List.of(), "cannot read", "no-such.parquet"));
        int i = 0;
        for (Case c : cases) {
            Path out = dir.resolve("never-" + i++);
            List<String> args = new ArrayList<>(List.of("train", "--train", dir.resolve(c.file()).toString(), "--output", out.toString(),
                    "--master", "local[2]", "--epochs", "1"));
            args.addAll(c.flags());
            Run r = CliTest.run(args.toArray(String[]::new));
            assertOneSentence(r, c.expected());
            assertFalse(Files.exists(out), "nothing written for " + c);
        }
    }

    @Test
    void fileFlagsAndFrameFlagsAreRefusedWhereTheyDoNotApply() {
        assertOneSentence(run(List.of("--master", "local[2]"), "train", "--train", libsvm.toString(), "--output", dir.resolve("x").toString(),
                "--weight-col", "w"), "--weight-col applies to csv files and parquet, orc and json input");
        assertOneSentence(run(List.of("--master", "local[2]"), "train", "--train", parquet.toString(), "--output", dir.resolve("x").toString(),
                "--max-bad-rows", "3"), "--max-bad-rows applies to libsvm and csv files");
        assertOneSentence(run(List.of("--master", "local[2]"), "train", "--train", parquet.toString(), "--output", dir.resolve("x").toString(),
                "--features-col", "features", "--feature-cols", "sl"), "not both");
        assertOneSentence(run(List.of("--master", "local[2]"), "predict", "--model", model.toString(), "--data", libsvm.toString(),
                "--output", dir.resolve("x.parquet").toString(), "--keep-cols", "id"), "--keep-cols needs");
        assertOneSentence(run(List.of("--master", "local[2]"), "predict", "--model", model.toString(), "--data", parquet.toString(),
                "--output", dir.resolve("y.parquet").toString(), "--keep-cols", "nope"), "no column 'nope'");
        assertOneSentence(run(List.of("--master", "local[2]"), "train", "--train", parquet.toString(), "--format", "avro",
                "--output", dir.resolve("x").toString()), "unknown data format 'avro'");
    }

    @Test
    void jsonLinesAreReadLikeParquet() throws IOException {
        Path json = dir.resolve("iris.json");
        List<String> lines = new ArrayList<>();
        for (Row r : irisRows()) {
            lines.add(String.format(Locale.ROOT, "{\"id\":%d,\"values\":[%s,%s,%s,%s],\"label\":%d}", r.getLong(0), r.get(3), r.get(4), r.get(5),
                    r.get(6), (int) r.getDouble(8)));
        }
        Files.write(json, lines);
        Run r = run(List.of("--master", "local[2]"), "evaluate", "--model", model.toString(), "--data", json.toString(), "--features-col", "values",
                "--json");
        assertEquals(0, r.status(), r.err());
        Run fromParquet = run(List.of("--master", "local[2]"), "evaluate", "--model", model.toString(), "--data", parquet.toString(), "--json");
        assertEquals(fromParquet.out(), r.out());
    }

    @Test
    void retrainReadsParquetAsTrainDoes() {
        Path registry = dir.resolve("registry");
        Run r = run(SETTINGS, "retrain", "--registry", registry.toString(), "--name", "iris", "--train", parquet.toString(),
                "--validation", parquet.toString(), "--weight-col", "weight");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("published version 1 of iris"), r.out());
        assertOneSentence(run(SETTINGS, "retrain", "--registry", registry.toString(), "--name", "iris", "--train", parquet.toString(),
                "--validation", dir.resolve("bad-label.parquet").toString()), "column 'label' of row 6 ");
    }

    static void assertOneSentence(Run r, String... expected) {
        assertEquals(2, r.status(), r.err() + r.out());
        assertTrue(r.err().startsWith("sparkprop: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "no stack trace: " + r.err());
        for (String e : expected) {
            assertTrue(r.err().contains(e), "'" + e + "' in: " + r.err());
        }
    }
}
