package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;
import org.sparkprop.kernels.SparseRows;

/** builtin:text: its shape, its rows generated sparse and cached sparse, the same whatever the partitioning. */
class BuiltinTextTest {
    private final JavaSparkContext sc = TestSpark.context();

    @Test
    void twentyTopicsOfAboutTwelveHashedWordsCachedSparse() {
        Dataset train = DataReader.readForTraining(sc, InputSpec.of("builtin:text", DataFormat.LIBSVM), LabelKind.CLASSES, null, 2);
        try {
            assertEquals(new Schema(1 << 18, List.of(), List.of(), LabelKind.CLASSES,
                    IntStream.range(0, 20).mapToObj(Integer::toString).toList(), 20), train.schema());
            assertEquals(40_000, train.rows());
            assertTrue(train.sparse());
            List<Block> blocks = train.blocks().collect();
            assertTrue(blocks.stream().allMatch(Block::isSparse));
            double perRow = blocks.stream().mapToLong(Block::nonZeros).sum() / 40_000.0;
            assertTrue(perRow > 10 && perRow < 13, "non-zeros a row: " + perRow);
            long[] perClass = new long[20];
            for (Block b : blocks) {
                for (float t : b.targets) {
                    perClass[(int) t]++;
                }
            }
            for (long n : perClass) {
                assertTrue(n > 1700 && n < 2300, "rows of a class: " + n);
            }
            // Row 2i of the split is row i of partition 0 of 2, as an ordered read gives it.
            Dataset ordered = DataReader.readOrdered(sc, InputSpec.of("builtin:text", DataFormat.LIBSVM), train.schema());
            SparseRows first = ordered.blocks().first().sparse;
            SparseRows p0 = blocks.get(0).sparse;
            for (int i = 0; i < 100; i++) {
                assertEquals(row(first, 2 * i), row(p0, i), "row " + 2 * i);
            }
            ordered.unpersist();
        } finally {
            train.unpersist();
        }
    }

    @Test
    void theTestSplitDiffersAndRepeats() {
        InputSpec test = InputSpec.of("builtin:text:test", DataFormat.LIBSVM);
        Schema schema = BuiltinTextTest.schema();
        Dataset a = DataReader.readOrdered(sc, test, schema);
        Dataset b = DataReader.readOrdered(sc, test, schema);
        Dataset train = DataReader.readOrdered(sc, InputSpec.of("builtin:text", DataFormat.LIBSVM), schema);
        assertEquals(10_000, a.rows());
        assertEquals(a.blocks().first().sparse, b.blocks().first().sparse);
        assertFalse(a.blocks().first().sparse.equals(train.blocks().first().sparse));
        for (Dataset d : List.of(a, b, train)) {
            d.unpersist();
        }
    }

    @Test
    void denseStorageOfTheWholeSetIsRefusedBeforeCaching() {
        UserException e = assertThrows(UserException.class, () -> DataReader.readForTraining(sc,
                InputSpec.of("builtin:text", DataFormat.LIBSVM).withStorage(Storage.DENSE), LabelKind.CLASSES, null, 2));
        assertTrue(e.getMessage().startsWith("builtin:text (40000 rows of 262144 features, dense) would take about 39.1 GB cached"),
                e.getMessage());
    }

    private static Schema schema() {
        return new Schema(1 << 18, List.of(), List.of(), LabelKind.CLASSES, IntStream.range(0, 20).mapToObj(Integer::toString).toList(), 20);
    }

    private static String row(SparseRows rows, int r) {
        StringBuilder s = new StringBuilder();
        for (int k = rows.rowStart(r); k < rows.rowEnd(r); k++) {
            s.append(rows.index(k)).append(':').append(rows.value(k)).append(' ');
        }
        return s.toString();
    }
}
