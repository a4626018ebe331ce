package org.sparkprop.driver.data;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.SparkJobs;
import scala.collection.Iterator;

/**
 * What a training run needs to know of one partition's cached blocks before its first step, and what reading needs to
 * check and report: computed by the job that caches the blocks ({@link DataReader#cacheAndCount}), so that a run on
 * data read by sparkprop starts with its first step instead of a job of its own over the data.
 *
 * @param rows               rows of the partition's blocks
 * @param bytes              about the bytes they take in the cache ({@link Block#bytes()})
 * @param weightSum          Σ row weights; the row count for rows without weights
 * @param nonZeros           non-zeros of sparse blocks (0 for dense ones)
 * @param mostNonZerosInARow the most non-zeros in one row of a sparse block (0 for dense ones)
 */
public record PartitionFigures(long rows, long bytes, double weightSum, long nonZeros, int mostNonZerosInARow) {

    /** The figures of each partition's blocks, travelling as a double[] (a type every serializer takes). */
    static final class Of implements SparkJobs.PartitionFunction<Block, double[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public double[] apply(TaskContext context, Iterator<Block> blocks) {
            long rows = 0;
            long bytes = 0;
            double weight = 0;
            long nonZeros = 0;
            int mostInARow = 0;
            while (blocks.hasNext()) {
                Block block = blocks.next();
                rows += block.rows;
                bytes += block.bytes();
                weight += block.weightSum(0, block.rows);
                if (block.sparse != null) {
                    nonZeros += block.sparse.nonZeros();
                    for (int r = 0; r < block.rows; r++) {
                        mostInARow = Math.max(mostInARow, block.sparse.rowEnd(r) - block.sparse.rowStart(r));
                    }
                }
            }
            return new double[] {rows, bytes, weight, nonZeros, mostInARow};
        }
    }

    /**
     * {@code data}'s figures, partition by partition: those the job that cached it computed, where it did (data read
     * by sparkprop); else from a job of their own, labelled {@code description}, which also puts the blocks into the
     * cache.
     */
    public static PartitionFigures[] of(JavaSparkContext sc, Dataset data, String description) {
        if (data.partitions() != null) {
            return data.partitions();
        }
        return of(sc, data.blocks(), description);
    }

    /** The figures of each partition of {@code blocks}, from a job labelled {@code description} (which caches them where persisted). */
    static PartitionFigures[] of(JavaSparkContext sc, JavaRDD<Block> blocks, String description) {
        double[][] sent = SparkJobs.runOnPartitions(sc, blocks, new Of(), double[].class, description);
        PartitionFigures[] figures = new PartitionFigures[sent.length];
        for (int p = 0; p < sent.length; p++) {
            double[] s = sent[p];
            figures[p] = new PartitionFigures((long) s[0], (long) s[1], s[2], (long) s[3], (int) s[4]);
        }
        return figures;
    }
}
