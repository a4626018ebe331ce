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
 */
public record Dataset(Schema schema, JavaRDD<Block> blocks, long rows, long badRows) {

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

    /** Rows with none skipped. */
    public Dataset(Schema schema, JavaRDD<Block> blocks, long rows) {
        this(schema, blocks, rows, 0);
    }

    /** Drops the cached blocks without waiting for the executors. */
    public void unpersist() {
        blocks.unpersist(false);
    }
}
