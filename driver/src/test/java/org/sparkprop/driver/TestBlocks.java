package org.sparkprop.driver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.Schema;

/** Data for the driver tests built in memory: rows as arrays, and Datasets of cached blocks made from them. */
public final class TestBlocks {
    private TestBlocks() {
    }

    /**
     * Rows in the blocks' layout: row r's features {@code x[r·inputs ..]}, targets {@code y[r·targetWidth ..]} and,
     * where not null, weight {@code weights[r]}.
     */
    public record Rows(float[] x, float[] y, float[] weights, int inputs, int targetWidth) {

        public int count() {
            return y.length / targetWidth;
        }

        /** These rows with {@code weights} (one per row; null for none). */
        public Rows withWeights(float[] weights) {
            return new Rows(x, y, weights, inputs, targetWidth);
        }

        /** These rows, each with weight {@code weight}. */
        public Rows withWeight(float weight) {
            float[] all = new float[count()];
            Arrays.fill(all, weight);
            return withWeights(all);
        }

        /** The rows {@code indices}, in that order, with their weights. */
        public Rows select(int... indices) {
            float[] sx = new float[indices.length * inputs];
            float[] sy = new float[indices.length * targetWidth];
            float[] sw = weights == null ? null : new float[indices.length];
            for (int i = 0; i < indices.length; i++) {
                System.arraycopy(x, indices[i] * inputs, sx, i * inputs, inputs);
                System.arraycopy(y, indices[i] * targetWidth, sy, i * targetWidth, targetWidth);
                if (sw != null) {
                    sw[i] = weights[indices[i]];
                }
            }
            return new Rows(sx, sy, sw, inputs, targetWidth);
        }

        /** These rows, then {@code more}'s; both with weights or both without. */
        public Rows append(Rows more) {
            if ((weights == null) != (more.weights == null)) {
                throw new IllegalArgumentException("append: one side has weights, the other none");
            }
            return new Rows(concat(x, more.x), concat(y, more.y), weights == null ? null : concat(weights, more.weights), inputs, targetWidth);
        }

        private static float[] concat(float[] a, float[] b) {
            float[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }

    /**
     * n rows of {@code features} features in [-1, 1] and a class in {0, 1, 2} from a fixed rule on the first two
     * (so a network can learn them), without weights.
     */
    public static Rows classification(int n, int features, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * features];
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            for (int f = 0; f < features; f++) {
                x[r * features + f] = (float) (random.nextDouble() * 2 - 1);
            }
            double score = x[r * features] + 0.5 * x[r * features + 1];
            y[r] = score < -0.3 ? 0 : score < 0.3 ? 1 : 2;
        }
        return new Rows(x, y, null, features, 1);
    }

    /** n rows of {@code features} features in [-1, 1] and one real target, a noisy linear function of them. */
    public static Rows regression(int n, int features, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * features];
        float[] y = new float[n];
        for (int r = 0; r < n; r++) {
            double target = 0.3;
            for (int f = 0; f < features; f++) {
                x[r * features + f] = (float) (random.nextDouble() * 2 - 1);
                target += (f % 2 == 0 ? 1.5 : -0.75) * x[r * features + f];
            }
            y[r] = (float) (target + 0.1 * (random.nextDouble() - 0.5));
        }
        return new Rows(x, y, null, features, 1);
    }

    /** Splits the rows into {@code partitions} contiguous blocks, one per partition, with their weights; cached. */
    public static Dataset dataset(JavaSparkContext sc, Rows rows, Schema schema, int partitions) {
        int n = rows.count();
        List<Block> blocks = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int from = (int) ((long) n * p / partitions);
            int to = (int) ((long) n * (p + 1) / partitions);
            blocks.add(new Block(to - from, rows.inputs(), rows.targetWidth(),
                    Arrays.copyOfRange(rows.x(), from * rows.inputs(), to * rows.inputs()),
                    Arrays.copyOfRange(rows.y(), from * rows.targetWidth(), to * rows.targetWidth()),
                    rows.weights() == null ? null : Arrays.copyOfRange(rows.weights(), from, to)));
        }
        JavaRDD<Block> rdd = sc.parallelize(blocks, partitions).cache();
        return new Dataset(schema, rdd, n);
    }
}
