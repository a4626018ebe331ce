package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.MemoryCheck;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;

/** Data that cannot fit are refused before anything is cached, in one sentence with the estimate and the ways out. */
class MemoryCheckTest {

    private static final int WIDTH = 1 << 18;

    @Test
    void aDense2To18WideSetIsRefusedBeforeCaching(@TempDir Path dir) throws IOException {
        JavaSparkContext sc = TestSpark.context();
        long storage = MemoryCheck.storageMemory(sc);
        int rows = tooManyDenseRows(sc);
        Path file = wideFile(dir, rows);
        UserException e = assertThrows(UserException.class, () -> DataReader.readForTraining(sc,
                new InputSpec(file.toString(), DataFormat.LIBSVM, WIDTH, List.of()).withStorage(Storage.DENSE), LabelKind.CLASSES, null, 2));
        assertTrue(e.getMessage().startsWith(file + " (" + rows + " rows of 262144 features, dense) would take about "), e.getMessage());
        assertTrue(e.getMessage().contains("but Spark's executors can store " + MemoryCheck.size(storage)), e.getMessage());
        assertTrue(e.getMessage().contains("store the rows sparse (--storage sparse)"), e.getMessage());
        assertTrue(e.getMessage().contains("give more memory"), e.getMessage());
        assertEquals(1, e.getMessage().split("\n").length);
    }

    @Test
    void theSameSetIsCachedSparseByDefaultAndFits(@TempDir Path dir) throws IOException {
        JavaSparkContext sc = TestSpark.context();
        int rows = tooManyDenseRows(sc);
        Path file = wideFile(dir, rows);
        Dataset data = DataReader.readForTraining(sc, new InputSpec(file.toString(), DataFormat.LIBSVM, WIDTH, List.of()),
                LabelKind.CLASSES, null, 2);
        try {
            assertTrue(data.sparse());
            assertEquals(rows, data.rows());
            assertTrue(data.cachedBytes() < 40L * rows + 4096, data.cachedBytes() + " bytes for " + rows + " rows of one non-zero");
        } finally {
            data.unpersist();
        }
    }

    /** Enough rows that their dense blocks (a MiB a row) exceed what this JVM's Spark can store. */
    private static int tooManyDenseRows(JavaSparkContext sc) {
        return (int) (MemoryCheck.storageMemory(sc) / (WIDTH * 4L)) + 100;
    }

    /** {@code rows} rows of one non-zero each among 2^18 features. */
    private static Path wideFile(Path dir, int rows) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            text.append(r % 2).append(' ').append(1 + (r * 7919) % WIDTH).append(":1\n");
        }
        return Files.writeString(dir.resolve("wide.libsvm"), text);
    }

    @Test
    void aNetworkTheDriverCannotHoldIsRefused() {
        long parameters = Runtime.getRuntime().maxMemory() / 8;
        UserException e = assertThrows(UserException.class, () -> MemoryCheck.checkDriver(parameters, 5, "262144 -relu-> 4096 -softmax-> 20"));
        assertTrue(e.getMessage().contains("the driver needs about") && e.getMessage().contains("use a smaller first layer"), e.getMessage());
        MemoryCheck.checkDriver(1000, 5, "small");
    }
}
