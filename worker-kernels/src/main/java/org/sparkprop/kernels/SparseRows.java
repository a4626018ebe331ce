package org.sparkprop.kernels;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A block of rows in compressed sparse row (CSR) form: the input of the sparse passes of {@link Network}. Row r's
 * non-zeros are {@code index[k]} (a 0-based input column) and {@code values[k]} for k in
 * [{@code rowStart[r]}, {@code rowStart[r + 1]}); its other columns are 0.
 *
 * <p>Immutable: the constructor copies the arrays and validates them, once, so that the kernels read them without
 * checks: {@code rowStart} starts at 0, never decreases and ends at the number of non-zeros; indices lie in
 * [0, width) and ascend strictly within a row; values are finite. A value of 0 stored explicitly is allowed (it
 * changes no output, but its column counts as touched). Java deserialization runs the same checks.
 */
public final class SparseRows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int width;
    final int[] rowStart;
    final int[] index;
    final float[] values;

    /**
     * @param width    the number of columns (a network's inputs), at least 1
     * @param rowStart rows + 1 offsets into index and values. Not modified (copied).
     * @param index    the non-zeros' columns, row after row. Not modified (copied).
     * @param values   the non-zeros' values, as index. Not modified (copied).
     * @throws IllegalArgumentException naming the first thing that is wrong
     */
    public SparseRows(int width, int[] rowStart, int[] index, float[] values) {
        if (width < 1) {
            throw new IllegalArgumentException("SparseRows: width must be at least 1, got " + width);
        }
        if (rowStart == null || rowStart.length < 1) {
            throw new IllegalArgumentException("SparseRows: rowStart must hold rows + 1 offsets (at least 1), got "
                    + (rowStart == null ? "null" : "0"));
        }
        if (index == null || values == null) {
            throw new IllegalArgumentException("SparseRows: " + (index == null ? "index" : "values") + " is null");
        }
        if (index.length != values.length) {
            throw new IllegalArgumentException("SparseRows: index and values must be as long as each other, got "
                    + index.length + " and " + values.length);
        }
        int rows = rowStart.length - 1;
        if (rowStart[0] != 0) {
            throw new IllegalArgumentException("SparseRows: rowStart[0] must be 0, got " + rowStart[0]);
        }
        for (int r = 0; r < rows; r++) {
            if (rowStart[r + 1] < rowStart[r]) {
                throw new IllegalArgumentException("SparseRows: rowStart[" + (r + 1) + "] = " + rowStart[r + 1]
                        + " is below rowStart[" + r + "] = " + rowStart[r] + "; offsets must not decrease");
            }
        }
        if (rowStart[rows] != index.length) {
            throw new IllegalArgumentException("SparseRows: rowStart[" + rows + "] (the last offset) = " + rowStart[rows]
                    + " must equal the number of non-zeros, index.length = " + index.length);
        }
        for (int r = 0; r < rows; r++) {
            int previous = -1;
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                int column = index[k];
                if (column < 0 || column >= width) {
                    throw new IllegalArgumentException("SparseRows: index[" + k + "] = " + column + " (row " + r
                            + ") is not a column in [0, " + width + ")");
                }
                if (column <= previous) {
                    throw new IllegalArgumentException("SparseRows: index[" + k + "] = " + column + " (row " + r
                            + ") is not above the row's previous column " + previous + "; columns must ascend within a row");
                }
                previous = column;
                if (!Float.isFinite(values[k])) {
                    throw new IllegalArgumentException("SparseRows: values[" + k + "] = " + values[k] + " (row " + r
                            + ", column " + column + ") is not finite");
                }
            }
        }
        this.width = width;
        this.rowStart = rowStart.clone();
        this.index = index.clone();
        this.values = values.clone();
    }

    /**
     * The non-zeros of a dense block (width × rows, row r's values at {@code x[r·width ..]}, as {@link Network}'s
     * blocks), in CSR form. Not modified: x.
     */
    public static SparseRows ofDense(int width, float[] x) {
        if (width < 1) {
            throw new IllegalArgumentException("SparseRows.ofDense: width must be at least 1, got " + width);
        }
        if (x == null || x.length % width != 0) {
            throw new IllegalArgumentException("SparseRows.ofDense: x must hold width × rows = " + width + " × rows values, got "
                    + (x == null ? "null" : x.length));
        }
        int rows = x.length / width;
        int nonZeros = 0;
        for (float v : x) {
            if (v != 0f) {
                nonZeros++;
            }
        }
        int[] rowStart = new int[rows + 1];
        int[] index = new int[nonZeros];
        float[] values = new float[nonZeros];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < width; c++) {
                float v = x[r * width + c];
                if (v != 0f) {
                    index[k] = c;
                    values[k] = v;
                    k++;
                }
            }
            rowStart[r + 1] = k;
        }
        return new SparseRows(width, rowStart, index, values);
    }

    /** The number of rows. */
    public int rows() {
        return rowStart.length - 1;
    }

    /** The number of columns: a network's inputs. */
    public int width() {
        return width;
    }

    /** The number of stored non-zeros of all rows. */
    public int nonZeros() {
        return index.length;
    }

    /** Where row r's non-zeros start in {@link #index(int)} and {@link #value(int)}. */
    public int rowStart(int row) {
        return rowStart[row];
    }

    /** Where row r's non-zeros end (exclusive): {@code rowStart(row + 1)}. */
    public int rowEnd(int row) {
        return rowStart[row + 1];
    }

    /** The column of the k-th non-zero. */
    public int index(int k) {
        return index[k];
    }

    /** The value of the k-th non-zero. */
    public float value(int k) {
        return values[k];
    }

    /** A copy of the rows + 1 offsets. */
    public int[] rowStarts() {
        return rowStart.clone();
    }

    /** A copy of the non-zeros' columns. */
    public int[] indices() {
        return index.clone();
    }

    /** A copy of the non-zeros' values. */
    public float[] values() {
        return values.clone();
    }

    /** The rows as a dense block, width × rows (row r's values at {@code [r·width ..]}). */
    public float[] toDense() {
        float[] x = new float[Math.multiplyExact(width, rows())];
        for (int r = 0; r < rows(); r++) {
            for (int k = rowStart[r]; k < rowStart[r + 1]; k++) {
                x[r * width + index[k]] = values[k];
            }
        }
        return x;
    }

    /** Deserialized copies pass through the constructor's checks. */
    private Object readResolve() {
        return new SparseRows(width, rowStart, index, values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseRows s && width == s.width && Arrays.equals(rowStart, s.rowStart)
                && Arrays.equals(index, s.index) && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + Arrays.hashCode(rowStart)) + Arrays.hashCode(index)) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "SparseRows(" + rows() + " rows × " + width + " columns, " + nonZeros() + " non-zeros)";
    }
}
