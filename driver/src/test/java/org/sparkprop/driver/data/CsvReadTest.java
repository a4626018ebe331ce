package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;

class CsvReadTest {
    private static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");
    private static final List<String> IRIS_FEATURES = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

    private final JavaSparkContext sc = TestSpark.context();

    @TempDir
    Path dir;

    /** iris.csv's rows as the reader should pack them, parsed here independently. */
    static List<String> irisRows() throws IOException {
        List<String> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(TestData.resource("iris.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",");
            float[] features = new float[4];
            for (int f = 0; f < 4; f++) {
                features[f] = Float.parseFloat(fields[f]);
            }
            rows.add(TestData.row(features, SPECIES.indexOf(fields[4])));
        }
        return rows;
    }

    static List<String> sorted(List<String> rows) {
        List<String> copy = new ArrayList<>(rows);
        copy.sort(null);
        return copy;
    }

    private Dataset read(Path path, LabelKind kind, String... labelColumns) {
        return DataReader.readForTraining(sc, new InputSpec(path.toString(), DataFormat.CSV, null, List.of(labelColumns)),
                kind, null, 3);
    }

    @Test
    void irisByLabelNameByIndexAndByDefault() throws IOException {
        Path iris = TestData.resource("iris.csv");
        Schema expected = new Schema(4, IRIS_FEATURES, List.of("species"), LabelKind.CLASSES, SPECIES, 3);
        for (Dataset data : List.of(read(iris, LabelKind.CLASSES, "species"), read(iris, LabelKind.CLASSES, "4"),
                read(iris, LabelKind.CLASSES))) {
            assertEquals(expected, data.schema());
            assertEquals(150, data.rows());
            assertEquals(sorted(irisRows()), sorted(TestData.rows(data)));
            data.unpersist();
        }
    }

    @Test
    void stringLabelsAreSortedLexicographicallyAndNumbersNumerically() {
        Path words = TestData.write(dir.resolve("words.csv"), "x,animal", "1,zebra", "2,apple", "3,Mango", "4,apple");
        Dataset byText = read(words, LabelKind.CLASSES);
        assertEquals(List.of("Mango", "apple", "zebra"), byText.schema().classes());
        assertEquals(List.of("1.0 | 2.0", "2.0 | 1.0", "3.0 | 0.0", "4.0 | 1.0"), sorted(TestData.rows(byText)));

        Path numbers = TestData.write(dir.resolve("numbers.csv"), "x,y", "1,10", "2,9", "3,-1", "4,2.5");
        Dataset byValue = read(numbers, LabelKind.CLASSES);
        assertEquals(List.of("-1", "2.5", "9", "10"), byValue.schema().classes());
        assertEquals(List.of("1.0 | 3.0", "2.0 | 2.0", "3.0 | 0.0", "4.0 | 1.0"), sorted(TestData.rows(byValue)));
    }

    @Test
    void labelColumnInTheMiddleAndQuotedFields() {
        Path file = TestData.write(dir.resolve("q.csv"),
                "\"height, cm\",\"kind\", weight ",
                "\"1.5\",\"a \"\"big\"\" one\",  2",
                " 3 ,small,4");
        Dataset data = read(file, LabelKind.CLASSES, "kind");
        assertEquals(List.of("height, cm", "weight"), data.schema().featureNames());
        assertEquals(List.of("kind"), data.schema().labelColumns());
        assertEquals(List.of("a \"big\" one", "small"), data.schema().classes());
        assertEquals(List.of("1.5 2.0 | 0.0", "3.0 4.0 | 1.0"), sorted(TestData.rows(data)));
    }

    @Test
    void binaryRegressionAndMultiLabelColumns() {
        Path file = TestData.write(dir.resolve("m.csv"), "a,b,answer,t1,t2", "1,2,yes,0,1", "", "3,4,no,1,1", "5,6,no,0,0");
        Dataset binary = read(file, LabelKind.BINARY, "answer");
        assertEquals(new Schema(4, List.of("a", "b", "t1", "t2"), List.of("answer"), LabelKind.BINARY, List.of("no", "yes"), 1),
                binary.schema());
        assertEquals(List.of("1.0 2.0 0.0 1.0 | 1.0", "3.0 4.0 1.0 1.0 | 0.0", "5.0 6.0 0.0 0.0 | 0.0"),
                sorted(TestData.rows(binary)));

        Path numeric = TestData.write(dir.resolve("n.csv"), "a,b,t1,t2", "1,2,0,1", "", "3,4,1,1", "5,6,0,0");
        Dataset regression = read(numeric, LabelKind.REGRESSION, "t2", "a");
        assertEquals(new Schema(2, List.of("b", "t1"), List.of("t2", "a"), LabelKind.REGRESSION, List.of(), 2),
                regression.schema());
        assertEquals(List.of("2.0 0.0 | 1.0 1.0", "4.0 1.0 | 1.0 3.0", "6.0 0.0 | 0.0 5.0"), sorted(TestData.rows(regression)));

        Dataset multiLabel = DataReader.readForTraining(sc, new InputSpec(numeric.toString(), DataFormat.CSV, null,
                List.of("t1", "t2")), LabelKind.MULTILABEL, null, 2);
        assertEquals(2, multiLabel.schema().outputs());
        assertEquals(2, multiLabel.schema().targetWidth());
        assertEquals(List.of("1.0 2.0 | 0.0 1.0", "3.0 4.0 | 1.0 1.0", "5.0 6.0 | 0.0 0.0"), sorted(TestData.rows(multiLabel)));
    }

    @Test
    void validationDataTakeTheTrainingSchemaAndItsLabelColumns() {
        Dataset training = read(TestData.resource("iris.csv"), LabelKind.CLASSES, "species");
        Path validation = TestData.write(dir.resolve("v.csv"), String.join(",", IRIS_FEATURES) + ",species",
                "5,3,1.5,0.2,virginica", "6,3,4,1.5,virginica");
        Dataset data = DataReader.readForTraining(sc, InputSpec.of(validation.toString(), DataFormat.CSV), LabelKind.CLASSES,
                training.schema(), 4);
        assertEquals(training.schema(), data.schema());
        assertEquals(List.of("5.0 3.0 1.5 0.2 | 2.0", "6.0 3.0 4.0 1.5 | 2.0"), sorted(TestData.rows(data)));
        assertEquals(4, data.blocks().getNumPartitions());
    }

    @Test
    void readOrderedKeepsLineOrderAndPredictionNeedsNoLabelColumn() {
        Dataset training = read(TestData.resource("iris.csv"), LabelKind.CLASSES, "species");
        Path labelled = TestData.write(dir.resolve("e.csv"), "species," + String.join(",", IRIS_FEATURES),
                "virginica,7,3,6,2", "setosa,5,3,1,0.5", "versicolor,6,3,4,1");
        Dataset ordered = DataReader.readOrdered(sc, InputSpec.of(labelled.toString(), DataFormat.CSV), training.schema());
        assertEquals(List.of("7.0 3.0 6.0 2.0 | 2.0", "5.0 3.0 1.0 0.5 | 0.0", "6.0 3.0 4.0 1.0 | 1.0"),
                TestData.rows(ordered));

        Path unlabelled = TestData.write(dir.resolve("p.csv"), String.join(",", IRIS_FEATURES), "7,3,6,2", "5,3,1,0.5");
        Dataset prediction = DataReader.readForPrediction(sc, InputSpec.of(unlabelled.toString(), DataFormat.CSV),
                training.schema());
        assertEquals(List.of("7.0 3.0 6.0 2.0 |", "5.0 3.0 1.0 0.5 |"), TestData.rows(prediction));
        assertEquals(0, prediction.blocks().first().targetWidth);
        Dataset predictionWithLabels = DataReader.readForPrediction(sc, InputSpec.of(labelled.toString(), DataFormat.CSV),
                training.schema());
        assertEquals(List.of("7.0 3.0 6.0 2.0 |", "5.0 3.0 1.0 0.5 |", "6.0 3.0 4.0 1.0 |"), TestData.rows(predictionWithLabels));
    }
}
