package org.sparkprop.driver.train;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.storage.StorageLevel;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.LabelKind;
import scala.collection.Iterator;

/**
 * Training data with {@link ClassWeights} multiplied into the rows' weights: w_row = sample weight (1 without a
 * weight column) × the weight of the row's class, in float, as {@link Block#weights} holds them. The blocks are
 * mapped, not re-read: features and targets are the cached blocks' own arrays, only the weights are new. Validation
 * data keep their sample weights only, so validation loss and metrics stay comparable between runs.
 */
final class ClassWeighting {
    private ClassWeighting() {
    }

    /**
     * {@code train} itself where {@code weights} is none; else its blocks reweighted and cached (the caller
     * unpersists them), after one job that counts the rows of each class.
     *
     * @throws UserException where the data are not classes or binary labels, or explicit weights are not one per class
     */
    static Dataset apply(JavaSparkContext sc, Dataset train, ClassWeights weights) {
        if (weights.isNone()) {
            return train;
        }
        LabelKind kind = train.schema().labelKind();
        if (kind != LabelKind.CLASSES && kind != LabelKind.BINARY) {
            throw new UserException("class-weights applies to classification (one label column of classes, or binary labels); these data are "
                    + kind.toString().toLowerCase(java.util.Locale.ROOT) + " with " + train.schema().labelColumns().size() + " label columns");
        }
        int classes = kind == LabelKind.BINARY ? 2 : train.schema().outputs();
        long[][] parts = SparkJobs.runOnPartitions(sc, train.blocks(), new CountClasses(classes), long[].class, "train: count classes");
        long[] counts = new long[classes];
        for (long[] part : parts) {
            for (int c = 0; c < classes; c++) {
                counts[c] += part[c];
            }
        }
        double[] perClass;
        try {
            perClass = weights.forClasses(counts);
        } catch (IllegalArgumentException e) {
            throw new UserException("class-weights " + e.getMessage() + (train.schema().classes().isEmpty() ? ""
                    : " (" + String.join(", ", train.schema().classes()) + ")"));
        }
        var blocks = train.blocks().map(new Reweigh(perClass)).persist(StorageLevel.MEMORY_ONLY());
        return new Dataset(train.schema(), blocks, train.rows(), train.badRows());
    }

    /** Rows per class of a partition's blocks; the class is the row's target (a class index, or 0/1). */
    static final class CountClasses implements SparkJobs.PartitionFunction<Block, long[]> {
        private static final long serialVersionUID = 1L;
        private final int classes;

        CountClasses(int classes) {
            this.classes = classes;
        }

        @Override
        public long[] apply(TaskContext context, Iterator<Block> blocks) {
            long[] counts = new long[classes];
            while (blocks.hasNext()) {
                Block block = blocks.next();
                for (int r = 0; r < block.rows; r++) {
                    counts[(int) block.targets[r]]++;
                }
            }
            return counts;
        }
    }

    /** A block whose row weights are multiplied by their classes' weights. */
    static final class Reweigh implements Function<Block, Block> {
        private static final long serialVersionUID = 1L;
        private final double[] perClass;

        Reweigh(double[] perClass) {
            this.perClass = perClass;
        }

        @Override
        public Block call(Block block) {
            float[] weights = new float[block.rows];
            for (int r = 0; r < block.rows; r++) {
                double sample = block.weights == null ? 1 : block.weights[r];
                weights[r] = (float) (sample * perClass[(int) block.targets[r]]);
            }
            return new Block(block.rows, block.inputs, block.targetWidth, block.features, block.targets, weights);
        }
    }
}
