package org.sparkprop.jobs;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Bench's generated sparse sets, written as LibSVM: {@code features} columns, exactly {@code nonZeros} distinct
 * non-zeros a row (density nonZeros / features), {@code classes} classes. A row's class picks a band of
 * features / classes columns ("topic words"); each non-zero falls in that band with probability
 * {@value #TOPIC_SHARE}, else anywhere, so a network can learn the class but not perfectly. Values are in (0, 1].
 * Rows depend only on the seed and the row's index.
 *
 * @param features  columns
 * @param nonZeros  non-zeros a row
 * @param classes   classes
 * @param trainRows rows of the training file
 * @param testRows  rows of the test file
 */
record SparseBenchData(int features, int nonZeros, int classes, int trainRows, int testRows) {
    /** The share of a row's non-zeros drawn from its class's band. */
    static final double TOPIC_SHARE = 0.3;

    SparseBenchData {
        if (nonZeros < 1 || nonZeros > features || classes < 2 || classes > features || trainRows < 1 || testRows < 1) {
            throw new IllegalArgumentException("bad generated sparse set " + features + " " + nonZeros + " " + classes);
        }
    }

    /** Non-zeros over all values. */
    double density() {
        return nonZeros / (double) features;
    }

    /** A short description, for the table and the JSON. */
    String describe() {
        return String.format(java.util.Locale.ROOT, "generated: %,d features, %d non-zeros a row (%.2f%%), %d classes, %,d + %,d rows",
                features, nonZeros, 100 * density(), classes, trainRows, testRows);
    }

    /** Writes the training and test rows (different rows: different seeds) to the two files. */
    void write(Path train, Path test, long seed) throws IOException {
        write(train, trainRows, seed);
        write(test, testRows, seed + 1);
    }

    private void write(Path file, int rows, long seed) throws IOException {
        int band = features / classes;
        try (Writer out = Files.newBufferedWriter(file)) {
            StringBuilder line = new StringBuilder();
            TreeMap<Integer, Float> row = new TreeMap<>();
            for (int r = 0; r < rows; r++) {
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + r);
                int label = random.nextInt(classes);
                row.clear();
                while (row.size() < nonZeros) {
                    int column = random.nextDouble() < TOPIC_SHARE ? label * band + random.nextInt(band) : random.nextInt(features);
                    row.put(column, 1 - random.nextFloat());
                }
                line.setLength(0);
                line.append(label);
                row.forEach((c, v) -> line.append(' ').append(c + 1).append(':').append(v));
                out.write(line.append('\n').toString());
            }
        }
    }
}
