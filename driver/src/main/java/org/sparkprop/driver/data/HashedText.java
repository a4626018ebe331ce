package org.sparkprop.driver.data;

import java.util.Arrays;

/**
 * Short "documents" as hashed bags of words, the shape of text that {@code HashingTF} or {@code FeatureHasher} make:
 * {@value #CLASSES} topics; a document of a topic has {@value #MIN_WORDS} to {@value #MAX_WORDS} words (about 12
 * distinct), each drawn, with probability {@value #TOPIC_SHARE}, from its topic's own {@value #TOPIC_WORDS} words, else
 * from a common vocabulary of {@value #COMMON_WORDS} words; both by a Zipf law (word k of rank k has weight 1/(k + 1)),
 * as word frequencies in text roughly follow. Each word id is hashed to one of {@value #FEATURES} columns; a column's
 * value is how often its words occur in the document. Row r depends only on the seed and r.
 */
final class HashedText {
    static final int CLASSES = 20;
    static final int FEATURES = 1 << 18;
    static final int MIN_WORDS = 8;
    static final int MAX_WORDS = 16;
    static final double TOPIC_SHARE = 0.3;
    static final int TOPIC_WORDS = 500;
    static final int COMMON_WORDS = 20_000;
    /** Cumulative Zipf weights, normalised to end at 1. */
    private static final double[] COMMON = zipf(COMMON_WORDS);
    private static final double[] TOPIC = zipf(TOPIC_WORDS);

    private HashedText() {
    }

    /**
     * Draws document r: appends its distinct columns, ascending, to {@code index} and their counts to {@code values}
     * (both Modified) and returns its topic.
     */
    static int draw(SplitMix64 rng, IntList index, FloatList values) {
        int topic = rng.nextInt(CLASSES);
        int words = MIN_WORDS + rng.nextInt(MAX_WORDS - MIN_WORDS + 1);
        int[] columns = new int[words];
        for (int w = 0; w < words; w++) {
            long word = rng.nextDouble() < TOPIC_SHARE
                    ? COMMON_WORDS + (long) topic * TOPIC_WORDS + rank(TOPIC, rng.nextDouble())
                    : rank(COMMON, rng.nextDouble());
            columns[w] = column(word);
        }
        Arrays.sort(columns);
        for (int w = 0; w < words; ) {
            int end = w;
            while (end < words && columns[end] == columns[w]) {
                end++;
            }
            index.add(columns[w]);
            values.add(end - w);
            w = end;
        }
        return topic;
    }

    /** The hashed column of a word id (SplitMix64's finaliser, as a hashing trick). */
    static int column(long word) {
        long z = (word + 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (z & (FEATURES - 1));
    }

    private static int rank(double[] cumulative, double u) {
        int i = Arrays.binarySearch(cumulative, u);
        return Math.min(i >= 0 ? i : -i - 1, cumulative.length - 1);
    }

    private static double[] zipf(int n) {
        double[] c = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / (k + 1);
            c[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            c[k] /= sum;
        }
        return c;
    }
}
