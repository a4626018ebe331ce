package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;

/**
 * Which storage a read chooses, and that sparse blocks hold exactly the rows dense blocks hold, in the same
 * partitions and order: training (through the shuffle, with chunks cut small), ordered reads, LibSVM and CSV.
 */
class SparseStorageTest {
    static final int ROWS = 700;
    static final int FEATURES = 500;
    static final int NON_ZEROS_PER_ROW = 12;

    private final JavaSparkContext sc = TestSpark.context();

    @TempDir
    Path dir;

    @Test
    void autoKeepsLowDensityLibSvmSparseAndTheRowsAreTheDenseRows() throws IOException {
        InputSpec spec = InputSpec.of(writeLibSvm(dir.resolve("a.libsvm"), ROWS, FEATURES, 1).toString(), DataFormat.LIBSVM);
        Dataset sparse = DataReader.readForTraining(sc, spec, LabelKind.CLASSES, null, 3);
        Dataset dense = DataReader.readForTraining(sc, spec.withStorage(Storage.DENSE), LabelKind.CLASSES, null, 3);
        assertTrue(sparse.sparse());
        assertEquals("sparse", sparse.storage());
        assertFalse(dense.sparse());
        assertSameRows(dense, sparse);
        assertTrue(sparse.cachedBytes() * 5 < dense.cachedBytes(), sparse.cachedBytes() + " against " + dense.cachedBytes());
        Dataset ordered = DataReader.readOrdered(sc, spec, sparse.schema());
        assertTrue(ordered.sparse());
        assertSameRows(DataReader.readOrdered(sc, spec.withStorage(Storage.DENSE), sparse.schema()), ordered);
        Dataset predicted = DataReader.readForPrediction(sc, spec, sparse.schema());
        assertTrue(predicted.blocks().collect().stream().allMatch(b -> b.isSparse() && b.targetWidth == 0));
        for (Dataset d : List.of(sparse, dense, ordered, predicted)) {
            d.unpersist();
        }
    }

    @Test
    void sparseChunksAreCutAndReassembledInLineOrder() throws IOException {
        // Several files, more rows than one chunk holds: (file, seq) order must survive the shuffle.
        writeLibSvm(dir.resolve("d/a.libsvm"), 40_000, FEATURES, 60, 2);
        writeLibSvm(dir.resolve("d/b.libsvm"), 3_000, FEATURES, 3);
        InputSpec spec = InputSpec.of(dir.resolve("d").toString(), DataFormat.LIBSVM);
        Dataset sparse = DataReader.readForTraining(sc, spec.withStorage(Storage.SPARSE), LabelKind.CLASSES, null, 2);
        Dataset dense = DataReader.readForTraining(sc, spec.withStorage(Storage.DENSE), LabelKind.CLASSES, null, 2);
        assertSameRows(dense, sparse);
        sparse.unpersist();
        dense.unpersist();
    }

    @Test
    void csvStaysDenseUnlessSparseIsAskedFor() throws IOException {
        Path file = dir.resolve("a.csv");
        StringBuilder text = new StringBuilder("a,b,c,d,e,f,g,h,i,j,label\n");
        SplittableRandom random = new SplittableRandom(3);
        for (int r = 0; r < 200; r++) {
            for (int k = 0; k < 10; k++) {
                text.append(random.nextInt(30) == 0 ? "0.5" : "0").append(',');
            }
            text.append(r % 2).append('\n');
        }
        java.nio.file.Files.writeString(file, text);
        InputSpec spec = new InputSpec(file.toString(), DataFormat.CSV, null, List.of("label"));
        Dataset auto = DataReader.readForTraining(sc, spec, LabelKind.CLASSES, null, 2);
        assertFalse(auto.sparse(), "CSV is read dense; auto keeps it so");
        Dataset sparse = DataReader.readForTraining(sc, spec.withStorage(Storage.SPARSE), LabelKind.CLASSES, null, 2);
        assertTrue(sparse.sparse());
        assertSameRows(auto, sparse);
        auto.unpersist();
        sparse.unpersist();
    }

    @Test
    void autoKeepsDenseLibSvmDense() throws IOException {
        // Half of the values are non-zero: above the threshold.
        Path file = writeLibSvm(dir.resolve("dense.libsvm"), 100, 20, 10, 4);
        Dataset data = DataReader.readForTraining(sc, InputSpec.of(file.toString(), DataFormat.LIBSVM), LabelKind.CLASSES, null, 2);
        assertFalse(data.sparse());
        assertTrue(data.blocks().collect().stream().noneMatch(Block::isSparse));
        data.unpersist();
    }

    @Test
    void theThresholdAndTheFlagsValues() {
        assertTrue(Storage.AUTO.sparse(100, 1000, 9_999, true));
        assertFalse(Storage.AUTO.sparse(100, 1000, 10_000, true));
        assertFalse(Storage.AUTO.sparse(100, 1000, 10, false));
        assertTrue(Storage.SPARSE.sparse(100, 1000, 100_000, false));
        assertFalse(Storage.DENSE.sparse(100, 1000, 1, true));
        assertEquals(Storage.SPARSE, Storage.parse(" Sparse"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Storage.parse("csr"));
        assertEquals("expected auto, dense or sparse", e.getMessage());
    }

    /** The same partitions holding the same rows, targets and weights; {@code sparse}'s blocks all sparse. */
    static void assertSameRows(Dataset dense, Dataset sparse) {
        List<Block> expected = dense.blocks().collect();
        List<Block> actual = sparse.blocks().collect();
        assertEquals(dense.rows(), sparse.rows());
        assertEquals(dense.schema(), sparse.schema());
        assertEquals(expected.size(), actual.size());
        for (int p = 0; p < expected.size(); p++) {
            Block e = expected.get(p);
            Block a = actual.get(p);
            assertNull(e.sparse);
            assertNotNull(a.sparse, "block " + p + " is sparse");
            assertEquals(e.inputs, a.inputs);
            assertArrayEquals(e.features, a.densified().features, "features of block " + p);
            assertArrayEquals(e.targets, a.targets, "targets of block " + p);
            assertArrayEquals(e.weights, a.weights, "weights of block " + p);
        }
    }

    /** Rows with about NON_ZEROS_PER_ROW non-zeros among {@code features}, 3 classes. */
    static Path writeLibSvm(Path file, int rows, int features, long seed) throws IOException {
        return writeLibSvm(file, rows, features, NON_ZEROS_PER_ROW, seed);
    }

    static Path writeLibSvm(Path file, int rows, int features, int perRow, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            text.append("abc".charAt(random.nextInt(3)));
            int column = 0;
            int step = Math.max(1, 2 * features / perRow);
            while (true) {
                column += 1 + random.nextInt(step);
                if (column > features) {
                    break;
                }
                text.append(' ').append(column).append(':').append(String.format(Locale.ROOT, "%.3f", random.nextDouble() - 0.5));
            }
            text.append('\n');
        }
        java.nio.file.Files.createDirectories(file.getParent());
        return java.nio.file.Files.writeString(file, text);
    }
}
