package org.sparkprop.driver.data;

import java.util.Comparator;

/**
 * Consecutive rows of one file bound for one training partition, packed like a {@link Block} (final width,
 * labels remapped): the unit the training redistribution shuffles. {@code seq} numbers a file's chunks for one
 * partition in line order, so sorting by (file, seq) restores the (file, line) order.
 */
final class Chunk implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    static final Comparator<Chunk> INPUT_ORDER = Comparator.<Chunk>comparingInt(c -> c.file).thenComparingInt(c -> c.seq);

    final int file;
    final int seq;
    final int rows;
    final float[] features;
    final float[] targets;
    /** One sample weight per row, or null when the input has none. */
    final float[] weights;

    Chunk(int file, int seq, int rows, float[] features, float[] targets, float[] weights) {
        this.file = file;
        this.seq = seq;
        this.rows = rows;
        this.features = features;
        this.targets = targets;
        this.weights = weights;
    }
}
