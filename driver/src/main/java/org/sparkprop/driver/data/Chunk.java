package org.sparkprop.driver.data;

import java.util.Comparator;

/**
 * Consecutive rows of one file bound for one training partition, packed like a {@link Block} (final width,
 * labels remapped): the unit the training redistribution shuffles. {@code seq} numbers a file's chunks for one
 * partition in line order, so sorting by (file, seq) restores the (file, line) order. Dense (features, inputs ×
 * rows) or sparse (row r's non-zeros at [rowStart[r], rowStart[r + 1]) of index and values), as the block it goes into.
 */
final class Chunk implements java.io.Serializable {
    private static final long serialVersionUID = 2L;

    static final Comparator<Chunk> INPUT_ORDER = Comparator.<Chunk>comparingInt(c -> c.file).thenComparingInt(c -> c.seq);

    final int file;
    final int seq;
    final int rows;
    /** Dense: inputs × rows values; null when sparse. */
    final float[] features;
    /** Sparse: rows + 1 offsets from 0, the non-zeros' columns and values; null when dense. */
    final int[] rowStart;
    final int[] index;
    final float[] values;
    final float[] targets;
    /** One sample weight per row, or null when the input has none. */
    final float[] weights;

    /** Dense rows. */
    Chunk(int file, int seq, int rows, float[] features, float[] targets, float[] weights) {
        this(file, seq, rows, features, null, null, null, targets, weights);
    }

    /** Sparse rows. */
    Chunk(int file, int seq, int rows, int[] rowStart, int[] index, float[] values, float[] targets, float[] weights) {
        this(file, seq, rows, null, rowStart, index, values, targets, weights);
    }

    private Chunk(int file, int seq, int rows, float[] features, int[] rowStart, int[] index, float[] values, float[] targets,
                  float[] weights) {
        this.file = file;
        this.seq = seq;
        this.rows = rows;
        this.features = features;
        this.rowStart = rowStart;
        this.index = index;
        this.values = values;
        this.targets = targets;
        this.weights = weights;
    }

    /** Stored non-zeros (sparse); 0 when dense. */
    int entries() {
        return index == null ? 0 : index.length;
    }
}
