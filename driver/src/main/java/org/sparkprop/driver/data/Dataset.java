package org.sparkprop.driver.data;

import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;

/**
 * Rows read and packed: the schema they were read with, cached blocks (MEMORY_ONLY), and the row count.
 * Blocks of training data are one per partition; blocks of ordered data hold the rows in input order.
 *
 * @param schema  the schema every block follows ({@link Block#inputs} = {@code schema.numFeatures()})
 * @param blocks  the cached blocks
 * @param rows    rows over all blocks
 * @param badRows malformed rows skipped while reading (see {@link BadRowPolicy}), not among {@code rows}
 * @param sparse  whether the blocks are in sparse form ({@link Storage})
 * @param cachedBytes about the bytes the cached blocks take (Σ {@link Block#bytes()}), or -1 when not known
 * @param partitions  each partition's figures, from the job that cached the blocks, or null when not known (a trainer
 *                    then runs a job for them)
 */
public record Dataset(Schema schema, JavaRDD<Block> blocks, long rows, long badRows, boolean sparse, long cachedBytes,
                      PartitionFigures[] partitions) {

    public Dataset {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(blocks, "blocks");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be non-negative, got " + rows);
        }
        if (badRows < 0) {
            throw new IllegalArgumentException("badRows must be non-negative, got " + badRows);
        }
    }

    /** Dense rows of unknown cached size. */
    public Dataset(Schema schema, JavaRDD<Block> blocks, long rows, long badRows) {
        this(schema, blocks, rows, badRows, false, -1, null);
    }

    /** Dense rows with none skipped. */
    public Dataset(Schema schema, JavaRDD<Block> blocks, long rows) {
        this(schema, blocks, rows, 0);
    }

    /** How the blocks hold their features, as logs and model.json name it: dense or sparse. */
    public String storage() {
        return (sparse ? Storage.SPARSE : Storage.DENSE).id();
    }

    /** Drops the cached blocks without waiting for the executors. */
    public void unpersist() {
        blocks.unpersist(false);
    }
}
