package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;

/** Every malformed input is a UserException (not Spark's wrapper) naming the file, the line and what was expected. */
class BadInputTest {
    private static final String IRIS_HEADER = "sepal_length,sepal_width,petal_length,petal_width,species";
    private static final Schema IRIS = new Schema(4, List.of("sepal_length", "sepal_width", "petal_length", "petal_width"),
            List.of("species"), LabelKind.CLASSES, List.of("setosa", "versicolor", "virginica"), 3);

    private final JavaSparkContext sc = TestSpark.context();

    @TempDir
    Path dir;

    private static String error(Executable read) {
        return assertThrows(UserException.class, read).getMessage();
    }

    private String csv(LabelKind kind, Path path, String... labelColumns) {
        return error(() -> DataReader.readForTraining(sc, new InputSpec(path.toString(), DataFormat.CSV, null,
                List.of(labelColumns)), kind, null, 2));
    }

    private String libsvm(LabelKind kind, Integer numFeatures, Path path) {
        return error(() -> DataReader.readForTraining(sc, new InputSpec(path.toString(), DataFormat.LIBSVM, numFeatures,
                List.of()), kind, null, 2));
    }

    private Path file(String name, String... lines) {
        return TestData.write(dir.resolve(name), lines);
    }

    @Test
    void csvRows() {
        Path columns = file("columns.csv", "a,b,c", "1,2,x", "", "1,2");
        assertEquals(columns + ":4: expected 3 columns, found 2", csv(LabelKind.CLASSES, columns));
        Path notNumber = file("nan.csv", "sepal_length,petal_width,species", "1,2,setosa", "1,abc,setosa");
        assertEquals(notNumber + ":3: feature 'petal_width' is not a number: 'abc'", csv(LabelKind.CLASSES, notNumber));
        Path notFinite = file("inf.csv", "a,b,y", "NaN,1,x");
        assertEquals(notFinite + ":2: feature 'a' is not finite: 'NaN'", csv(LabelKind.CLASSES, notFinite));
        Path infinity = file("inf2.csv", "a,b,y", "1,-Infinity,x");
        assertEquals(infinity + ":2: feature 'b' is not finite: '-Infinity'", csv(LabelKind.CLASSES, infinity));
        Path tooLarge = file("big.csv", "a,b,y", "1,1e39,x");
        assertEquals(tooLarge + ":2: feature 'b' is too large for a float: '1e39'", csv(LabelKind.CLASSES, tooLarge));
        Path empty = file("empty.csv", "a,b,y", "1,,x");
        assertEquals(empty + ":2: feature 'b' is empty; missing values are not supported", csv(LabelKind.CLASSES, empty));
        Path quote = file("quote.csv", "a,y", "1,\"open");
        assertEquals(quote + ":2: a quoted field is not closed (quoted fields cannot span lines)", csv(LabelKind.CLASSES, quote));
        Path afterQuote = file("after.csv", "a,y", "\"1\"2,x");
        assertEquals(afterQuote + ":2: text after the closing quote of field 1: '2,x'", csv(LabelKind.CLASSES, afterQuote));
    }

    @Test
    void csvLabels() {
        Path multi = file("multi.csv", "x,t1,t2", "1,0,1", "2,1,2");
        assertEquals(multi + ":3: label 't2' must be 0 or 1, found '2'", csv(LabelKind.MULTILABEL, multi, "t1", "t2"));
        Path regression = file("reg.csv", "x,y", "1,2", "2,high");
        assertEquals(regression + ":3: label 'y' is not a number: 'high'", csv(LabelKind.REGRESSION, regression));
        Path third = file("third.csv", "x,y", "1,a", "2,b", "3,a", "4,c");
        assertEquals(third + ":5: binary labels take exactly 2 values; 'c' is a third after 'a' and 'b'",
                csv(LabelKind.BINARY, third));
        Path blank = file("blank.csv", "x,y", "1,a", "2,\"\"");
        assertEquals(blank + ":3: label is empty", csv(LabelKind.CLASSES, blank));
        assertEquals("a class label is one column, but 2 label columns are given (x, y); several 0/1 label columns need"
                + " binary cross-entropy", csv(LabelKind.CLASSES, third, "x", "y"));
    }

    @Test
    void csvHeaders() {
        Path iris = TestData.resource("iris.csv");
        assertEquals(iris + ":1: label column 'kind' is not in the header (columns: sepal_length, sepal_width,"
                + " petal_length, petal_width, species)", csv(LabelKind.CLASSES, iris, "kind"));
        assertEquals(iris + ":1: label column index 7 is out of range: the header has 5 columns (0 to 4)",
                csv(LabelKind.CLASSES, iris, "7"));
        assertEquals(iris + ":1: label column 'species' is given twice", csv(LabelKind.REGRESSION, iris, "species", "4"));
        Path twice = file("twice.csv", "a,b,a", "1,2,3");
        assertEquals(twice + ":1: column name 'a' appears twice in the header", csv(LabelKind.REGRESSION, twice));
        Path onlyLabels = file("labels.csv", "y", "1");
        assertEquals(onlyLabels + ":1: no feature columns: every column is a label", csv(LabelKind.REGRESSION, onlyLabels));
        assertEquals(iris + ":1: --num-features 5 but the header has 4 feature columns", error(() ->
                DataReader.readForTraining(sc, new InputSpec(iris.toString(), DataFormat.CSV, 5, List.of()),
                        LabelKind.CLASSES, null, 1)));

        file("parts/a.csv", "x,y,label", "1,2,p", "3,4,q");
        Path b = file("parts/b.csv", "", "x,z,label", "5,6,p");
        assertEquals(b + ":2: CSV header differs from " + dir.resolve("parts/a.csv") + "'s: expected 'x,y,label', found 'x,z,label'",
                csv(LabelKind.CLASSES, dir.resolve("parts")));
    }

    @Test
    void libsvmRows() {
        assertEquals(dir.resolve("zero.svm") + ":2: LibSVM index 0; indices start at 1",
                libsvm(LabelKind.CLASSES, null, file("zero.svm", "# a comment", "1 0:1")));
        assertEquals(dir.resolve("order.svm") + ":1: indices not increasing: 2 after 3",
                libsvm(LabelKind.CLASSES, null, file("order.svm", "1 3:1 2:1")));
        assertEquals(dir.resolve("same.svm") + ":1: indices not increasing: 3 after 3",
                libsvm(LabelKind.CLASSES, null, file("same.svm", "1 3:1 3:2")));
        assertEquals(dir.resolve("limit.svm") + ":3: index 900 exceeds --num-features 784",
                libsvm(LabelKind.CLASSES, 784, file("limit.svm", "1 1:1", "", "2 900:1")));
        assertEquals(dir.resolve("pair.svm") + ":1: expected index:value, found 'abc'",
                libsvm(LabelKind.CLASSES, null, file("pair.svm", "1 1:2 abc")));
        assertEquals(dir.resolve("index.svm") + ":1: LibSVM index '-1' is not a positive integer",
                libsvm(LabelKind.CLASSES, null, file("index.svm", "1 -1:2")));
        assertEquals(dir.resolve("value.svm") + ":1: feature 4 is not a number: 'x'",
                libsvm(LabelKind.CLASSES, null, file("value.svm", "1 4:x")));
        assertEquals(dir.resolve("nolabel.svm") + ":2: the line starts with '1:0.5'; a LibSVM row starts with its label",
                libsvm(LabelKind.CLASSES, null, file("nolabel.svm", "a 1:1", "1:0.5 2:1")));
        assertEquals(dir.resolve("reglabel.svm") + ":1: label is not a number: 'cat'",
                libsvm(LabelKind.REGRESSION, null, file("reglabel.svm", "cat 1:1")));
        assertEquals(dir.resolve("ml.svm") + ":2: label index 'a' is not a non-negative integer (a multi-label row lists"
                + " label indices, like 0,3)", libsvm(LabelKind.MULTILABEL, null, file("ml.svm", "0 1:1", "1,a 1:1")));
        assertEquals(dir.resolve("ml2.svm") + ":1: label index 1 is listed twice",
                libsvm(LabelKind.MULTILABEL, null, file("ml2.svm", "1,0,1 1:1")));
        assertEquals("no features in " + dir.resolve("nofeatures.svm") + ": no row has an index:value pair; give --num-features",
                libsvm(LabelKind.CLASSES, null, file("nofeatures.svm", "1", "2")));
    }

    @Test
    void classCounts() {
        List<String> lines = new ArrayList<>(List.of("x,label"));
        for (int i = 0; i <= ClassLabels.MAX_CLASSES; i++) {
            lines.add(i + ",c" + i);
        }
        Path many = file("many.csv", lines.toArray(new String[0]));
        assertEquals(many + ":10002: more than 10000 distinct labels, too many for classification (for a numeric target"
                + " use --loss mse)", csv(LabelKind.CLASSES, many));
        Path one = file("one.csv", "x,label", "1,a", "2,a");
        assertEquals(one + ": classification needs at least 2 distinct labels, found only 'a'", csv(LabelKind.CLASSES, one));
        file("binary/1.svm", "a 1:1", "b 1:2");
        file("binary/2.svm", "c 1:1");
        assertEquals(dir.resolve("binary") + ": binary labels take exactly 2 values, found 3: a, b, c",
                libsvm(LabelKind.BINARY, null, dir.resolve("binary")));
    }

    @Test
    void pathsAndEmptyInputs() throws Exception {
        Path missing = dir.resolve("missing.csv");
        assertEquals("input path matches no files: " + missing, csv(LabelKind.CLASSES, missing));
        Path glob = dir.resolve("nothing-*.csv");
        assertEquals("input path matches no files: " + glob, csv(LabelKind.CLASSES, glob));
        file("hidden/_SUCCESS");
        file("hidden/.part.csv", "x,y", "1,2");
        assertEquals("input path matches no files: " + dir.resolve("hidden"), csv(LabelKind.CLASSES, dir.resolve("hidden")));
        Files.createDirectories(dir.resolve("empty"));
        Files.createFile(dir.resolve("empty/a.csv"));
        file("empty/b.csv", "", "  ");
        assertEquals("no rows in " + dir.resolve("empty") + " (2 files)", csv(LabelKind.CLASSES, dir.resolve("empty")));
        assertEquals("no rows in " + dir.resolve("empty") + " (2 files)", error(() ->
                DataReader.readOrdered(sc, InputSpec.of(dir.resolve("empty").toString(), DataFormat.CSV), IRIS)));
        Path headerOnly = file("header.csv", "x,y");
        assertEquals("no rows in " + headerOnly + " (1 file)", csv(LabelKind.CLASSES, headerOnly));
        Path notGzip = file("plain.csv.gz", "x,y", "1,2");
        assertEquals(notGzip + ": its name ends in .gz but it does not hold gzip-compressed data (it starts with 'x,y'); if it"
                + " is plain text, rename it without .gz", csv(LabelKind.CLASSES, notGzip));
    }

    @Test
    void dataThatDoNotMatchTheTrainingSchema() {
        Path unseen = file("unseen.csv", IRIS_HEADER, "1,2,3,4,setosa", "1,2,3,4,purple");
        assertEquals(unseen + ":3: label 'purple' was not seen in training (known: setosa, versicolor, virginica)",
                error(() -> DataReader.readOrdered(sc, InputSpec.of(unseen.toString(), DataFormat.CSV), IRIS)));
        Path swapped = file("swapped.csv", "sepal_length,sepal_width,petal_width,petal_length,species", "1,2,3,4,setosa");
        assertEquals(swapped + ":1: feature columns differ from the training data's: expected sepal_length, sepal_width,"
                        + " petal_length, petal_width; found sepal_length, sepal_width, petal_width, petal_length",
                error(() -> DataReader.readForTraining(sc, InputSpec.of(swapped.toString(), DataFormat.CSV),
                        LabelKind.CLASSES, IRIS, 2)));
        Path wide = file("wide.svm", "setosa 1:1 6:2");
        assertEquals(wide + ":1: index 6 exceeds the 4 features of the training data",
                error(() -> DataReader.readOrdered(sc, InputSpec.of(wide.toString(), DataFormat.LIBSVM), IRIS)));
        assertEquals("--num-features 10 differs from the 4 features of the training data",
                error(() -> DataReader.readOrdered(sc, new InputSpec(wide.toString(), DataFormat.LIBSVM, 10, List.of()), IRIS)));
        Schema multiLabel = new Schema(2, List.of(), List.of(), LabelKind.MULTILABEL, List.of(), 3);
        Path labels = file("labels.svm", "0,3 1:1");
        assertEquals(labels + ":1: label index 3 exceeds the 3 labels of the training data (0 to 2)",
                error(() -> DataReader.readOrdered(sc, InputSpec.of(labels.toString(), DataFormat.LIBSVM), multiLabel)));
    }

    /**
     * A refused file fails no task (its task returns the refusal), so that a cluster, whose tasks Spark retries
     * (spark.task.maxFailures, 4 by default), does not read it again to the same end; with several refused files the
     * first in input order is the one named, whichever task ends first.
     */
    @Test
    void aRefusedFileFailsNoTaskAndTheFirstFileInOrderIsNamed() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("several"));
        file("several/a.csv", "x,y", "1,a", "2,b");
        Path second = file("several/b.csv", "x,y", "1,a", "2");
        file("several/c.csv", "x,y", "1,a", "x,b");
        List<String> failed = new ArrayList<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) {
                    synchronized (failed) {
                        failed.add(end.reason().toString());
                    }
                }
            }
        };
        sc.sc().addSparkListener(listener);
        try {
            assertEquals(second + ":3: expected 2 columns, found 1", csv(LabelKind.CLASSES, folder));
            sc.sc().listenerBus().waitUntilEmpty(60_000);
        } finally {
            sc.sc().removeSparkListener(listener);
        }
        assertEquals(List.of(), failed, "failed tasks");
    }

    @Test
    void specificationErrors() {
        assertEquals("unknown data format 'parquet'; expected libsvm or csv", error(() -> DataFormat.parse("parquet")));
        assertEquals("label columns [y] apply to CSV only; a LibSVM row's label is its first field",
                error(() -> new InputSpec("x.svm", DataFormat.LIBSVM, null, List.of("y"))));
        assertEquals("--num-features must be at least 1, got 0", error(() -> new InputSpec("x.svm", DataFormat.LIBSVM, 0, List.of())));
    }
}
