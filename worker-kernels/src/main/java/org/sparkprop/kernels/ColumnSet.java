package org.sparkprop.kernels;

/**
 * The distinct input columns that the non-zeros of some rows touch: the columns of the first layer's weights whose
 * gradient a sparse pass over those rows can change (column i of W_0 is {@code out} contiguous parameters, see
 * {@link Topology}), so the only ones a step has to send. The caller owns it and says when it starts afresh
 * ({@link #clear()}), as with gradients; a pass never fills it behind the caller's back. One bit per column,
 * allocated once: adding, counting and listing allocate nothing. Not thread-safe.
 */
public final class ColumnSet {
    private final int width;
    /** Bit i of word i/64 is set when column i is in the set. */
    private final long[] bits;
    private int size;

    /** An empty set of columns in [0, width). */
    public ColumnSet(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("ColumnSet: width must be at least 1, got " + width);
        }
        this.width = width;
        this.bits = new long[(width + 63) >>> 6];
    }

    public int width() {
        return width;
    }

    /** The number of distinct columns in the set. */
    public int size() {
        return size;
    }

    public boolean contains(int column) {
        return column >= 0 && column < width && (bits[column >>> 6] & (1L << column)) != 0;
    }

    /**
     * Adds the columns of the non-zeros of rows {@code rows[from..to)} of x: the rows that
     * {@link Network#accumulateGradient(Object, Object, SparseRows, float[], float[], int[], int, int, Workspace)}
     * with the same arguments goes over. Modified: this. Not modified: x, rows.
     */
    public void addColumnsOf(SparseRows x, int[] rows, int from, int to) {
        checkWidth("addColumnsOf", x);
        if (rows == null) {
            throw new IllegalArgumentException("ColumnSet.addColumnsOf: rows is null");
        }
        if (from < 0 || to < from || to > rows.length) {
            throw new IllegalArgumentException("ColumnSet.addColumnsOf: rows range [" + from + ", " + to
                    + ") is not within rows[0.." + rows.length + ")");
        }
        for (int i = from; i < to; i++) {
            int row = rows[i];
            if (row < 0 || row >= x.rows()) {
                throw new IllegalArgumentException("ColumnSet.addColumnsOf: rows[" + i + "] = " + row
                        + " is not a row of the block of " + x.rows() + " rows");
            }
            addRow(x, row);
        }
    }

    /** Adds the columns of the non-zeros of rows [firstRow, firstRow + rowCount) of x. Modified: this. Not modified: x. */
    public void addColumnsOf(SparseRows x, int firstRow, int rowCount) {
        checkWidth("addColumnsOf", x);
        if (firstRow < 0 || rowCount < 0 || firstRow > x.rows() - rowCount) {
            throw new IllegalArgumentException("ColumnSet.addColumnsOf: rows [" + firstRow + ", " + ((long) firstRow + rowCount)
                    + ") are not within the block of " + x.rows() + " rows");
        }
        for (int row = firstRow; row < firstRow + rowCount; row++) {
            addRow(x, row);
        }
    }

    /** Adds one column in [0, width). Modified: this. */
    public void add(int column) {
        if (column < 0 || column >= width) {
            throw new IllegalArgumentException("ColumnSet.add: column " + column + " is not in [0, " + width + ")");
        }
        addUnchecked(column);
    }

    private void addRow(SparseRows x, int row) {
        for (int k = x.rowStart[row]; k < x.rowStart[row + 1]; k++) {
            addUnchecked(x.index[k]);
        }
    }

    private void addUnchecked(int column) {
        long mask = 1L << column;
        long word = bits[column >>> 6];
        if ((word & mask) == 0) {
            bits[column >>> 6] = word | mask;
            size++;
        }
    }

    /**
     * Writes the columns of the set, ascending, into {@code columns[0 .. size())} and returns {@link #size()}.
     * Modified: columns (its first size() entries). Work: one pass over width / 64 words.
     */
    public int sortedColumns(int[] columns) {
        if (columns == null || columns.length < size) {
            throw new IllegalArgumentException("ColumnSet.sortedColumns: columns must hold the set's " + size + " columns, got "
                    + (columns == null ? "null" : columns.length));
        }
        int n = 0;
        for (int w = 0; w < bits.length; w++) {
            long word = bits[w];
            while (word != 0) {
                columns[n++] = (w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
            }
        }
        return n;
    }

    /** Empties the set. Modified: this. */
    public void clear() {
        java.util.Arrays.fill(bits, 0L);
        size = 0;
    }

    private void checkWidth(String routine, SparseRows x) {
        if (x == null) {
            throw new IllegalArgumentException("ColumnSet." + routine + ": x is null");
        }
        if (x.width() != width) {
            throw new IllegalArgumentException("ColumnSet." + routine + ": x has " + x.width() + " columns, the set "
                    + width);
        }
    }

    @Override
    public String toString() {
        return "ColumnSet(" + size + " of " + width + " columns)";
    }
}
