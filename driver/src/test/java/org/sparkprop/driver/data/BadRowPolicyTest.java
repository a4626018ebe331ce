package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;

/** The skip policy: its flags, its limits over all files of an input, the early stop of a task, and its log line. */
class BadRowPolicyTest {
    private final JavaSparkContext sc = TestSpark.context();

    @TempDir
    Path dir;

    @Test
    void flagsMakeThePolicy() {
        assertSame(BadRowPolicy.STOP_AT_FIRST, BadRowPolicy.of(null, null));
        assertFalse(BadRowPolicy.STOP_AT_FIRST.skips());
        assertEquals(new BadRowPolicy(10, 1), BadRowPolicy.of(10L, null));
        assertEquals(new BadRowPolicy(Long.MAX_VALUE, 0.01), BadRowPolicy.of(null, 0.01));
        assertEquals(new BadRowPolicy(10, 0.01), BadRowPolicy.of(10L, 0.01));
        assertTrue(BadRowPolicy.of(10L, null).skips());
        assertTrue(BadRowPolicy.of(null, 0.01).skips());
        assertFalse(BadRowPolicy.of(0L, null).skips(), "a limit of 0 skips nothing");
        assertFalse(BadRowPolicy.of(null, 0.0).skips());
        assertFalse(BadRowPolicy.of(5L, 0.0).skips());

        assertEquals("--max-bad-rows must be at least 0, got -1",
                assertThrows(UserException.class, () -> BadRowPolicy.of(-1L, null)).getMessage());
        assertEquals("--max-bad-fraction must be between 0 and 1, got 1.5",
                assertThrows(UserException.class, () -> BadRowPolicy.of(null, 1.5)).getMessage());
        assertEquals("--max-bad-fraction must be between 0 and 1, got NaN",
                assertThrows(UserException.class, () -> BadRowPolicy.of(null, Double.NaN)).getMessage());
    }

    /** a.svm: 10 good rows and a bad one on line 4; b.svm: 10 good rows and bad ones on lines 1 and 11: 3 of 23 rows. */
    private Path twoFilesWithThreeBadRows() {
        List<String> a = goodRows(10);
        a.add(3, "a 1:x");
        List<String> b = goodRows(10);
        b.add(0, "b 0:1");
        b.add(10, "a 2:1 1:1");
        TestData.write(dir.resolve("in/a.svm"), a.toArray(new String[0]));
        TestData.write(dir.resolve("in/b.svm"), b.toArray(new String[0]));
        return dir.resolve("in");
    }

    private static List<String> goodRows(int n) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add((i % 2 == 0 ? "a" : "b") + " 1:" + i + " 3:" + (n - i));
        }
        return rows;
    }

    private Dataset read(Path input, BadRowPolicy policy) {
        return DataReader.readForTraining(sc, new InputSpec(input.toString(), DataFormat.LIBSVM, null, List.of(), policy),
                LabelKind.CLASSES, null, 2);
    }

    @Test
    void limitsHoldOverAllFilesOfAnInput() {
        Path input = twoFilesWithThreeBadRows();
        String first = "(first: " + input.resolve("a.svm") + ":4: feature 1 is not a number: 'x'; "
                + input.resolve("b.svm") + ":1: LibSVM index 0; indices start at 1; "
                + input.resolve("b.svm") + ":11: indices not increasing: 1 after 2)";

        assertEquals("too many bad rows in " + input + ": 3 bad rows of 23 read (13.04%), over --max-bad-rows 2 " + first,
                assertThrows(UserException.class, () -> read(input, BadRowPolicy.of(2L, null))).getMessage());
        assertEquals("too many bad rows in " + input + ": 3 bad rows of 23 read (13.04%), over --max-bad-fraction 0.1 " + first,
                assertThrows(UserException.class, () -> read(input, BadRowPolicy.of(null, 0.1))).getMessage());
        assertEquals("too many bad rows in " + input + ": 3 bad rows of 23 read (13.04%), over --max-bad-rows 100,"
                        + " --max-bad-fraction 0.1 " + first,
                assertThrows(UserException.class, () -> read(input, BadRowPolicy.of(100L, 0.1))).getMessage());

        for (BadRowPolicy within : List.of(BadRowPolicy.of(3L, null), BadRowPolicy.of(null, 0.14), BadRowPolicy.of(3L, 0.14))) {
            try (LogCapture log = new LogCapture()) {
                Dataset data = read(input, within);
                assertEquals(20, data.rows(), within.toString());
                assertEquals(3, data.badRows(), within.toString());
                data.unpersist();
                assertEquals(List.of("skipped 3 bad rows of 23 read (13.04%) in " + input + " " + first), log.messages());
            }
        }
    }

    @Test
    void aFileOverTheCountLimitStopsItsTaskEarly() {
        List<String> lines = new ArrayList<>(List.of("a 1:1", "b 1:2"));
        for (int i = 0; i < 100_000; i++) {
            lines.add("a 1:" + i + " 1:0");
        }
        Path file = TestData.write(dir.resolve("mostly-bad.svm"), lines.toArray(new String[0]));
        StringBuilder first = new StringBuilder();
        for (int line = 3; line <= 7; line++) {
            first.append(line == 3 ? "" : "; ").append(file).append(':').append(line).append(": indices not increasing: 1 after 1");
        }
        assertEquals("too many bad rows in " + file + ": 6 by line 8, over --max-bad-rows 5 (first: " + first + ")",
                assertThrows(UserException.class, () -> read(file, BadRowPolicy.of(5L, null))).getMessage());
    }

    @Test
    void aLineIsLoggedOnlyWhenRowsWereSkipped() {
        Path good = TestData.write(dir.resolve("good.svm"), goodRows(4).toArray(new String[0]));
        List<String> rows = goodRows(4);
        rows.add(1, "a 1:1 2:+");
        Path oneBad = TestData.write(dir.resolve("one-bad.svm"), rows.toArray(new String[0]));
        try (LogCapture log = new LogCapture()) {
            Dataset data = read(good, BadRowPolicy.of(10L, null));
            assertEquals(0, data.badRows());
            data.unpersist();
            assertEquals(List.of(), log.messages());
            data = read(oneBad, BadRowPolicy.of(10L, null));
            assertEquals(1, data.badRows());
            data.unpersist();
            assertEquals(List.of("skipped 1 bad row of 5 read (20.00%) in " + oneBad + " (first: " + oneBad
                    + ":2: feature 2 is not a number: '+')"), log.messages());
        }
    }
}
