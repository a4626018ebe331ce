package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.TestSpark;

/**
 * Cached data stay within 1.1 times the raw size of their floats (features and targets, 4 bytes each), and sparse
 * data within 1.2 times their non-zeros (8 bytes each) and row offsets (4 bytes each), as Spark's own storage
 * information measures the cached RDD; the size a Dataset reports is Spark's within 5%; and a read leaves nothing
 * else cached.
 */
class CachedSizeTest {
    /** The bound on cached bytes over raw float bytes. */
    private static final double BOUND = 1.1;
    /** The bound on cached bytes of sparse data over their non-zeros' and row offsets' bytes. */
    private static final double SPARSE_BOUND = 1.2;
    private static final int ROWS = 3000;
    private static final int FEATURES = 40;

    private final JavaSparkContext sc = TestSpark.context();

    @TempDir
    Path dir;

    @Test
    void trainingBlocksFromFilesStayWithinTheBound() throws IOException {
        Path file = writeCsv();
        Set<Integer> cachedBefore = cachedRdds();
        Dataset data = DataReader.readForTraining(sc, new InputSpec(file.toString(), DataFormat.CSV, null, List.of("label")),
                LabelKind.CLASSES, null, 3);
        check(data, cachedBefore);
    }

    @Test
    void orderedBlocksFromFilesStayWithinTheBound() throws IOException {
        Path file = writeCsv();
        InputSpec spec = new InputSpec(file.toString(), DataFormat.CSV, null, List.of("label"));
        Dataset train = DataReader.readForTraining(sc, spec, LabelKind.CLASSES, null, 2);
        train.unpersist();
        Set<Integer> cachedBefore = cachedRdds();
        check(DataReader.readOrdered(sc, spec, train.schema()), cachedBefore);
    }

    @Test
    void builtInDigitsStayWithinTheBound() {
        Set<Integer> cachedBefore = cachedRdds();
        check(DataReader.readForTraining(sc, InputSpec.of("builtin:digits", DataFormat.LIBSVM), LabelKind.CLASSES, null, 2), cachedBefore);
    }

    @Test
    void sparseTrainingAndOrderedBlocksStayWithinTheSparseBound() throws IOException {
        Path file = SparseStorageTest.writeLibSvm(dir.resolve("sparse.libsvm"), 20_000, 1 << 18, 3);
        InputSpec spec = InputSpec.of(file.toString(), DataFormat.LIBSVM);
        Set<Integer> cachedBefore = cachedRdds();
        Dataset train = DataReader.readForTraining(sc, spec, LabelKind.CLASSES, null, 3);
        assertTrue(train.sparse());
        checkSparse(train, cachedBefore);
        cachedBefore = cachedRdds();
        Dataset ordered = DataReader.readOrdered(sc, spec, train.schema());
        assertTrue(ordered.sparse());
        checkSparse(ordered, cachedBefore);
    }

    /** Sparse data's cached RDD against its non-zeros (8 bytes each) and row offsets (4 bytes, rows + 1 a block). */
    private void checkSparse(Dataset data, Set<Integer> cachedBefore) {
        long nonZeros = data.blocks().map(Block::nonZeros).reduce(Long::sum);
        long offsets = data.rows() + data.blocks().getNumPartitions();
        check(data, cachedBefore, 8 * nonZeros + 4 * offsets, SPARSE_BOUND, 1.0);
    }

    /** The data's cached RDD against its raw floats; and it is the only RDD the read left cached. */
    private void check(Dataset data, Set<Integer> cachedBefore) {
        check(data, cachedBefore, 4L * data.rows() * (data.schema().numFeatures() + data.schema().targetWidth()), BOUND, 1.0);
    }

    /** The data's cached RDD between {@code low} and {@code bound} times {@code raw} bytes; the only RDD the read left cached. */
    private void check(Dataset data, Set<Integer> cachedBefore, long raw, double bound, double low) {
        RDDInfo info = Arrays.stream(TestSpark.rddStorage(sc)).filter(i -> i.id() == data.blocks().id()).findFirst()
                .orElseThrow(() -> new AssertionError("the blocks are not cached"));
        assertEquals(data.blocks().getNumPartitions(), info.numCachedPartitions(), "every partition cached");
        assertEquals(0, info.diskSize(), "nothing spilled to disk");
        double reported = (double) data.cachedBytes() / info.memSize();
        assertTrue(reported > 0.95 && reported < 1.05, String.format(Locale.ROOT, "the Dataset reports %d bytes cached, Spark %d",
                data.cachedBytes(), info.memSize()));
        double ratio = (double) info.memSize() / raw;
        assertTrue(ratio >= low && ratio <= bound, String.format(Locale.ROOT, "cached %d bytes for %d raw bytes of floats: %.4f times",
                info.memSize(), raw, ratio));
        Set<Integer> leftCached = cachedRdds();
        leftCached.removeAll(cachedBefore);
        assertEquals(Set.of(data.blocks().id()), leftCached, "RDDs the read left cached");
        data.unpersist();
    }

    private Set<Integer> cachedRdds() {
        return Arrays.stream(TestSpark.rddStorage(sc)).filter(i -> i.memSize() + i.diskSize() > 0).map(RDDInfo::id)
                .collect(Collectors.toSet());
    }

    /** ROWS rows of FEATURES random features and a label of 3 classes, with a header. */
    private Path writeCsv() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        String[] lines = new String[ROWS + 1];
        StringBuilder header = new StringBuilder();
        for (int k = 0; k < FEATURES; k++) {
            header.append('f').append(k).append(',');
        }
        lines[0] = header.append("label").toString();
        for (int r = 0; r < ROWS; r++) {
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < FEATURES; k++) {
                line.append(String.format(Locale.ROOT, "%.4f", random.nextDouble())).append(',');
            }
            lines[r + 1] = line.append("abc".charAt(random.nextInt(3))).toString();
        }
        return TestData.write(dir.resolve("data.csv"), lines);
    }
}
