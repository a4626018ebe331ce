package org.sparkprop.driver.data;

/**
 * One file's rows of floats as parsed, before the final width is known: dense ({@code rows × width} values, row
 * after row) or sparse (compressed rows: row r's entries are {@code [start[r], start[r+1])} of {@code index}
 * (0-based columns) and {@code values}). Immutable once built.
 */
final class PackedRows {
    final int rows;
    /** Values per row when dense; -1 when sparse. */
    final int width;
    /** Sparse only: rows + 1 offsets into index and values. */
    final int[] start;
    /** Sparse only: the column of each value. */
    final int[] index;
    final float[] values;

    private PackedRows(int rows, int width, int[] start, int[] index, float[] values) {
        this.rows = rows;
        this.width = width;
        this.start = start;
        this.index = index;
        this.values = values;
    }

    /**
     * Writes row {@code r} into {@code dest[offset ..]}, columns past the row's own left as they are (the caller
     * hands a zeroed region as wide as the final width, which is at least this row's width).
     */
    void copyRow(int r, float[] dest, int offset) {
        if (width >= 0) {
            System.arraycopy(values, r * width, dest, offset, width);
        } else {
            for (int k = start[r]; k < start[r + 1]; k++) {
                dest[offset + index[k]] = values[k];
            }
        }
    }

    /** True when the rows are in sparse form. */
    boolean isSparse() {
        return width < 0;
    }

    /** Non-zeros of all rows: entries stored (sparse), values not 0 (dense). */
    long nonZeros() {
        if (width < 0) {
            return index.length;
        }
        long n = 0;
        for (float v : values) {
            if (v != 0) {
                n++;
            }
        }
        return n;
    }

    /** Row {@code r}'s non-zeros: entries stored (sparse), values not 0 (dense). */
    int entries(int r) {
        if (width < 0) {
            return start[r + 1] - start[r];
        }
        int n = 0;
        for (int c = r * width; c < (r + 1) * width; c++) {
            if (values[c] != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Writes row {@code r}'s non-zeros, in ascending columns, to {@code index[at ..]} and {@code values[at ..]}
     * (Modified), as {@link #entries(int)} counts them, and returns the position after the last.
     */
    int copyEntries(int r, int[] index, float[] values, int at) {
        if (width < 0) {
            int n = start[r + 1] - start[r];
            System.arraycopy(this.index, start[r], index, at, n);
            System.arraycopy(this.values, start[r], values, at, n);
            return at + n;
        }
        for (int c = 0; c < width; c++) {
            float v = this.values[r * width + c];
            if (v != 0) {
                index[at] = c;
                values[at++] = v;
            }
        }
        return at;
    }

    /** Row {@code r}'s value in column 0 (dense rows). */
    float first(int r) {
        return values[r * width];
    }

    /** Builds dense rows of a fixed width: {@link #add} width values, then {@link #endRow}. */
    static final class DenseBuilder {
        private final int width;
        private final FloatList values = new FloatList();
        private int rows;

        DenseBuilder(int width) {
            this.width = width;
        }

        void add(float value) {
            values.add(value);
        }

        void endRow() {
            rows++;
            if (values.size() != (long) rows * width) {
                throw new IllegalStateException("row " + rows + " has " + (values.size() - (long) (rows - 1) * width)
                        + " values, not " + width);
            }
        }

        /** Keeps the first {@code keep} complete rows, dropping later rows and the values of an unfinished one. */
        void truncateRows(int keep) {
            if (keep > rows) {
                throw new IllegalArgumentException("cannot keep " + keep + " of " + rows + " rows");
            }
            rows = keep;
            values.truncate(keep * width);
        }

        PackedRows build() {
            return new PackedRows(rows, width, null, null, values.toArray());
        }
    }

    /** Builds sparse rows: {@link #add} (column, value) pairs, then {@link #endRow}. */
    static final class SparseBuilder {
        private final IntList start = new IntList();
        private final IntList index = new IntList();
        private final FloatList values = new FloatList();

        SparseBuilder() {
            start.add(0);
        }

        /** A builder that holds dense {@code rows}'s rows as sparse rows, their non-zeros only; more rows can follow. */
        static SparseBuilder of(PackedRows rows) {
            if (rows.isSparse()) {
                throw new IllegalArgumentException("the rows are sparse already");
            }
            SparseBuilder b = new SparseBuilder();
            int[] index = new int[rows.width];
            float[] values = new float[rows.width];
            for (int r = 0; r < rows.rows; r++) {
                int n = rows.copyEntries(r, index, values, 0);
                for (int k = 0; k < n; k++) {
                    b.add(index[k], values[k]);
                }
                b.endRow();
            }
            return b;
        }

        void add(int column, float value) {
            index.add(column);
            values.add(value);
        }

        void endRow() {
            start.add(index.size());
        }

        /** Keeps the first {@code keep} complete rows, dropping later rows and the entries of an unfinished one. */
        void truncateRows(int keep) {
            int entries = start.get(keep);
            start.truncate(keep + 1);
            index.truncate(entries);
            values.truncate(entries);
        }

        PackedRows build() {
            return new PackedRows(start.size() - 1, -1, start.toArray(), index.toArray(), values.toArray());
        }
    }
}
