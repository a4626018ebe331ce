package org.sparkprop.driver.data;

import java.util.Comparator;

/**
 * Consecutive rows of one file bound for one training partition, packed like a {@link Block} (final width,
 * labels remapped): the unit the training redistribution shuffles. {@code seq} numbers a file's chunks for one
 * partition in line order, so sorting by (file, seq) restores the (file, line) order.
 */
final class Chunk {
    static final Comparator<Chunk> INPUT_ORDER = Comparator.<Chunk>comparingInt(c -> c.file).thenComparingInt(c -> c.seq);

    final int file;
    final int seq;
    final int rows;
    final float[] features;
    final float[] targets;

    Chunk(int file, int seq, int rows, float[] features, float[] targets) {
        this.file = file;
        this.seq = seq;
        this.rows = rows;
        this.features = features;
        this.targets = targets;
    }
}
