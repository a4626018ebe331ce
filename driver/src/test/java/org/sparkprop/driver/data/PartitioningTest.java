package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkprop.driver.TestSpark;

/** Directories, globs, the (file + row) mod P placement, one block per partition, and determinism. */
class PartitioningTest {
    private final JavaSparkContext sc = TestSpark.context();

    @TempDir
    Path dir;

    /** Expected rows of each visible file, in path order: a.csv, b.csv (header only), c.csv, d.csv, sub/e.csv. */
    private final List<List<String>> files = new ArrayList<>();

    @BeforeEach
    void writeIrisInParts() throws IOException {
        List<String> lines = Files.readAllLines(TestData.resource("iris.csv"));
        String header = lines.get(0);
        List<String> body = lines.subList(1, lines.size());
        List<String> expected = CsvReadTest.irisRows();
        int[][] parts = {{0, 60}, {60, 60}, {60, 105}, {105, 145}, {145, 150}};
        String[] names = {"a.csv", "b.csv", "c.csv", "d.csv", "sub/e.csv"};
        for (int f = 0; f < parts.length; f++) {
            List<String> content = new ArrayList<>(List.of(header));
            content.addAll(body.subList(parts[f][0], parts[f][1]));
            TestData.write(dir.resolve(names[f]), content.toArray(new String[0]));
            files.add(expected.subList(parts[f][0], parts[f][1]));
        }
        TestData.write(dir.resolve("_SUCCESS"));
        TestData.write(dir.resolve(".hidden.csv"), "not,a,csv,file,at all");
        TestData.write(dir.resolve("_temporary/x.csv"), "garbage");
        TestData.write(dir.resolve("sub/.also-hidden"), "garbage");
    }

    private Dataset read(String path, int partitions) {
        return DataReader.readForTraining(sc, new InputSpec(path, DataFormat.CSV, null, List.of("species")),
                LabelKind.CLASSES, null, partitions);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7})
    void rowOfFileGoesToPartitionFilePlusRowModP(int partitions) throws IOException {
        Dataset data = read(dir.toString(), partitions);
        assertEquals(150, data.rows());
        assertEquals(partitions, data.blocks().getNumPartitions());
        List<Integer> blocksPerPartition = data.blocks().mapPartitions(it -> {
            int n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        assertEquals(Collections.nCopies(partitions, 1), blocksPerPartition);
        List<Block> blocks = data.blocks().collect();
        List<String> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            List<String> expected = new ArrayList<>();
            for (int f = 0; f < files.size(); f++) {
                for (int r = 0; r < files.get(f).size(); r++) {
                    if ((f + r) % partitions == p) {
                        expected.add(files.get(f).get(r));
                    }
                }
            }
            List<String> actual = TestData.rows(blocks.get(p));
            assertEquals(expected, actual, "partition " + p);
            all.addAll(actual);
        }
        assertEquals(CsvReadTest.sorted(CsvReadTest.irisRows()), CsvReadTest.sorted(all));

        List<Block> again = read(dir.toString(), partitions).blocks().collect();
        for (int p = 0; p < partitions; p++) {
            assertArrayEquals(blocks.get(p).features, again.get(p).features);
            assertArrayEquals(blocks.get(p).targets, again.get(p).targets);
        }
    }

    @Test
    void globsSkipHiddenMatchesAndExpandDirectories() throws IOException {
        Dataset topLevel = read(dir.resolve("*.csv").toString(), 2);
        assertEquals(145, topLevel.rows());
        Dataset everything = read(dir.resolve("*").toString(), 3);
        assertEquals(CsvReadTest.sorted(CsvReadTest.irisRows()), CsvReadTest.sorted(TestData.rows(everything)));
        Dataset braces = read(dir.resolve("{a,d}.csv").toString(), 1);
        List<String> expected = new ArrayList<>(files.get(0));
        expected.addAll(files.get(3));
        assertEquals(expected, TestData.rows(braces));
    }

    @Test
    void readOrderedGivesOneBlockPerFileInPathAndLineOrder() throws IOException {
        Dataset training = read(dir.toString(), 2);
        Dataset ordered = DataReader.readOrdered(sc, InputSpec.of(dir.toString(), DataFormat.CSV), training.schema());
        assertEquals(files.size(), ordered.blocks().getNumPartitions());
        assertEquals(CsvReadTest.irisRows(), TestData.rows(ordered));
        List<Integer> blockRows = ordered.blocks().map(b -> b.rows).collect();
        assertEquals(files.stream().map(List::size).toList(), blockRows);
    }

    @Test
    void largeFilesShuffleInSeveralChunksAndKeepLineOrder() {
        int numFeatures = 5000;
        int rowsPerChunk = DataReader.CHUNK_FLOATS / (numFeatures + 1);
        int[] fileRows = {3 * rowsPerChunk + 11, 2 * rowsPerChunk + 5};
        List<List<String>> expected = new ArrayList<>();
        for (int f = 0; f < fileRows.length; f++) {
            List<String> lines = new ArrayList<>();
            List<String> rows = new ArrayList<>();
            for (int r = 0; r < fileRows[f]; r++) {
                int index = 1 + (r * 37 + f) % numFeatures;
                lines.add((r % 3) + " " + index + ":" + (r + 1) + " " + numFeatures + ":" + f);
                rows.add((index - 1) + "=" + (float) (r + 1) + " | " + (float) (r % 3));
            }
            TestData.write(dir.resolve("big/part-" + f + ".svm"), lines.toArray(new String[0]));
            expected.add(rows);
        }
        // Dense: many rows of many features, so several chunks a file; sparse: SparseStorageTest cuts its chunks.
        for (Storage storage : List.of(Storage.DENSE, Storage.SPARSE)) {
            Dataset data = DataReader.readForTraining(sc, new InputSpec(dir.resolve("big").toString(), DataFormat.LIBSVM,
                    numFeatures, List.of()).withStorage(storage), LabelKind.CLASSES, null, 2);
            List<Block> blocks = data.blocks().collect();
            for (int p = 0; p < 2; p++) {
                List<String> want = new ArrayList<>();
                for (int f = 0; f < fileRows.length; f++) {
                    for (int r = 0; r < fileRows[f]; r++) {
                        if ((f + r) % 2 == p) {
                            want.add(expected.get(f).get(r));
                        }
                    }
                }
                assertEquals(storage == Storage.SPARSE, blocks.get(p).isSparse());
                assertEquals(want, firstFeatureAndTarget(blocks.get(p).densified()), storage + ", partition " + p);
            }
            data.unpersist();
        }
    }

    /** Each row as "column=value | target" for its first non-zero feature. */
    private static List<String> firstFeatureAndTarget(Block block) {
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < block.rows; r++) {
            int c = 0;
            while (block.features[r * block.inputs + c] == 0) {
                c++;
            }
            rows.add(c + "=" + block.features[r * block.inputs + c] + " | " + block.targets[r]);
        }
        return rows;
    }
}
