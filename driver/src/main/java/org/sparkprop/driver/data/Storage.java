package org.sparkprop.driver.data;

import java.util.Locale;

/**
 * How cached blocks hold their features: {@link #DENSE} (inputs × rows floats), {@link #SPARSE} (compressed sparse
 * rows: a float value and an int column per non-zero, an int offset per row), or {@link #AUTO}: sparse when the rows
 * were read in sparse form (LibSVM, built-in sparse sets, sparse Vectors of a DataFrame) and fewer than
 * {@link #AUTO_SPARSE_BELOW} of their values are non-zero; dense otherwise (CSV, dense Vectors, numeric columns).
 */
public enum Storage {
    AUTO, DENSE, SPARSE;

    /**
     * The density (non-zeros / (rows × features)) below which {@link #AUTO} caches rows sparse. Memory alone would
     * favour sparse below 0.5 (8 bytes a non-zero against 4 a value); time favours it further down: the dense first
     * layer is one gemm, which runs several times more multiply-adds a second than the sparse pass's scattered row
     * updates. At 0.1 the sparse form takes a fifth of the memory and does a tenth of the arithmetic, so it wins
     * on both counts; between 0.1 and 0.5 the choice would depend on the machine, and dense, the well-trodden path,
     * stays.
     */
    public static final double AUTO_SPARSE_BELOW = 0.1;

    /** The name as --storage and model.json spell it: auto, dense or sparse. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** --storage's value: auto, dense or sparse; an IllegalArgumentException otherwise. */
    public static Storage parse(String text) {
        for (Storage s : values()) {
            if (s.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("expected auto, dense or sparse");
    }

    /**
     * Whether rows are cached sparse: {@code rows} rows of {@code numFeatures} features with {@code nonZeros}
     * non-zeros in all, {@code readSparse} saying whether they were read in sparse form.
     */
    public boolean sparse(long rows, int numFeatures, long nonZeros, boolean readSparse) {
        return switch (this) {
            case DENSE -> false;
            case SPARSE -> true;
            case AUTO -> readSparse && nonZeros < AUTO_SPARSE_BELOW * rows * (double) numFeatures;
        };
    }
}
