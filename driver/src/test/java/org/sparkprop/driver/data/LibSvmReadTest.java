package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;

class LibSvmReadTest {
    /** tiny.libsvm's rows in line order: 5 features (inferred), class indices of labels 1, 2, 3. */
    private static final List<String> TINY = List.of(
            "0.5 0.0 -1.25 0.0 0.0 | 0.0",
            "0.0 1.0 0.0 0.0 0.0 | 1.0",
            "0.25 0.75 3.0 0.0 0.0 | 2.0",
            "0.0 0.0 1.5 0.0 0.0 | 0.0",
            "-0.5 2.0 0.0 1.0 0.0 | 1.0",
            "0.0 0.125 0.0 0.0 4.0 | 2.0");

    private final JavaSparkContext sc = TestSpark.context();

    @TempDir
    Path dir;

    private Dataset train(Path path, LabelKind kind, Integer numFeatures, int partitions) {
        return DataReader.readForTraining(sc, new InputSpec(path.toString(), DataFormat.LIBSVM, numFeatures, List.of()),
                kind, null, partitions);
    }

    @Test
    void infersTheFeatureCountAndClasses() {
        Dataset data = train(TestData.resource("tiny.libsvm"), LabelKind.CLASSES, null, 2);
        assertEquals(new Schema(5, List.of(), List.of(), LabelKind.CLASSES, List.of("1", "2", "3"), 3), data.schema());
        assertEquals(6, data.rows());
        assertEquals(CsvReadTest.sorted(TINY), CsvReadTest.sorted(TestData.rows(data)));
        Dataset ordered = DataReader.readOrdered(sc, InputSpec.of(TestData.resource("tiny.libsvm").toString(),
                DataFormat.LIBSVM), data.schema());
        assertEquals(TINY, TestData.rows(ordered));
    }

    @Test
    void padsRowsToAnExplicitFeatureCount() {
        Dataset data = train(TestData.resource("tiny.libsvm"), LabelKind.CLASSES, 7, 1);
        assertEquals(7, data.schema().numFeatures());
        List<String> padded = TINY.stream().map(row -> row.replace(" |", " 0.0 0.0 |")).toList();
        assertEquals(padded, TestData.rows(data));
    }

    @Test
    void readsGzipCompressedFiles() {
        Dataset plain = train(TestData.resource("tiny.libsvm"), LabelKind.CLASSES, null, 3);
        Dataset gzip = train(TestData.resource("tiny.libsvm.gz"), LabelKind.CLASSES, null, 3);
        assertEquals(plain.schema(), gzip.schema());
        assertEquals(TestData.rows(plain), TestData.rows(gzip));
        assertEquals(TINY, TestData.rows(DataReader.readOrdered(sc,
                InputSpec.of(TestData.resource("tiny.libsvm.gz").toString(), DataFormat.LIBSVM), gzip.schema())));
    }

    @Test
    void regressionBinaryAndMultiLabelTargets() {
        Dataset regression = train(TestData.resource("tiny.libsvm"), LabelKind.REGRESSION, null, 1);
        assertEquals(new Schema(5, List.of(), List.of(), LabelKind.REGRESSION, List.of(), 1), regression.schema());
        assertEquals(List.of(1f, 2f, 3f, 1f, 2f, 3f), targets(regression));

        Path binary = TestData.write(dir.resolve("b.svm"), "+1 1:1", "-1 2:1", "+1 1:2 2:2");
        Dataset binaryData = train(binary, LabelKind.BINARY, null, 1);
        assertEquals(new Schema(2, List.of(), List.of(), LabelKind.BINARY, List.of("-1", "+1"), 1), binaryData.schema());
        assertEquals(List.of(1f, 0f, 1f), targets(binaryData));

        Path multi = TestData.write(dir.resolve("m.svm"), "0,2 1:1", "1:2   # no labels", "3 2:1");
        Dataset multiLabel = train(multi, LabelKind.MULTILABEL, null, 1);
        assertEquals(new Schema(2, List.of(), List.of(), LabelKind.MULTILABEL, List.of(), 4), multiLabel.schema());
        assertEquals(List.of("1.0 0.0 | 1.0 0.0 1.0 0.0", "2.0 0.0 | 0.0 0.0 0.0 0.0", "0.0 1.0 | 0.0 0.0 0.0 1.0"),
                TestData.rows(multiLabel));
    }

    @Test
    void predictionSkipsLabelsAndAcceptsLinesWithout() {
        Schema schema = new Schema(5, List.of(), List.of(), LabelKind.CLASSES, List.of("1", "2", "3"), 3);
        Path file = TestData.write(dir.resolve("p.svm"), "1:1 5:2", "unseen 2:3", "4:1");
        Dataset data = DataReader.readForPrediction(sc, InputSpec.of(file.toString(), DataFormat.LIBSVM), schema);
        assertEquals(List.of("1.0 0.0 0.0 0.0 2.0 |", "0.0 3.0 0.0 0.0 0.0 |", "0.0 0.0 0.0 1.0 0.0 |"), TestData.rows(data));
    }

    private static List<Float> targets(Dataset data) {
        return data.blocks().collect().stream()
                .flatMap(b -> IntStream.range(0, b.targets.length).mapToObj(i -> b.targets[i]))
                .toList();
    }
}
