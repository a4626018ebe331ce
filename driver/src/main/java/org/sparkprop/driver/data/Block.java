package org.sparkprop.driver.data;

import java.io.Serializable;
import org.sparkprop.kernels.SparseRows;

/**
 * Rows of one partition packed for the kernels. Column-major with one column per row: row r's features are
 * {@code features[r·inputs .. (r+1)·inputs)} and its targets {@code targets[r·targetWidth .. (r+1)·targetWidth)}
 * (a class index stored as a float for softmax cross-entropy, else the target values), and, where the data have
 * a weight column, its weight {@code weights[r]}.
 * Immutable once built; a partition of the cached training RDD holds exactly one block, possibly of 0 rows.
 *
 * <p>Sparse form: where {@link #sparse} is set, it holds the features as compressed sparse rows (row r's non-zeros in
 * its CSR arrays), {@code features} is empty and {@code inputs == sparse.width()}; targets and weights are as in the
 * dense form. Which form a data set is cached in is {@link Storage}'s choice.
 *
 * <p>Weights: null means the data have none, and every row counts once (training and evaluation compute exactly
 * what they computed before weights existed). Otherwise one finite weight ≥ 0 per row: a row's loss and gradient
 * are multiplied by its weight, and means are taken over the sum of the weights instead of the row count. A block
 * without weights among blocks with them counts each of its rows with weight 1.
 */
public final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int rows;
    public final int inputs;
    public final int targetWidth;
    /** Dense form: inputs × rows values; empty in the sparse form. */
    public final float[] features;
    /** Sparse form: the features in CSR form; null in the dense form. */
    public final SparseRows sparse;
    public final float[] targets;
    /** One weight per row, each finite and ≥ 0; null where the data have no weights. */
    public final float[] weights;

    /** A block without weights. */
    public Block(int rows, int inputs, int targetWidth, float[] features, float[] targets) {
        this(rows, inputs, targetWidth, features, targets, null);
    }

    /**
     * @param weights one per row, each finite and ≥ 0, or null for none. Not copied: the block keeps the array.
     */
    public Block(int rows, int inputs, int targetWidth, float[] features, float[] targets, float[] weights) {
        this(rows, inputs, targetWidth, features, null, targets, weights);
    }

    /**
     * A sparse block: {@code sparse.rows()} rows of {@code sparse.width()} inputs.
     *
     * @param sparse  the features. Not copied (it is immutable).
     * @param targets targetWidth × rows. Not copied.
     * @param weights one per row, each finite and ≥ 0, or null for none. Not copied.
     */
    public Block(SparseRows sparse, int targetWidth, float[] targets, float[] weights) {
        this(sparse.rows(), sparse.width(), targetWidth, NO_FEATURES, sparse, targets, weights);
    }

    private static final float[] NO_FEATURES = new float[0];

    private Block(int rows, int inputs, int targetWidth, float[] features, SparseRows sparse, float[] targets, float[] weights) {
        if (sparse == null && features.length != (long) rows * inputs) {
            throw new IllegalArgumentException("block of " + rows + " rows × " + inputs + " inputs cannot hold " + features.length + " features");
        }
        if (targets.length != (long) rows * targetWidth) {
            throw new IllegalArgumentException("block of " + rows + " rows × " + targetWidth + " targets cannot hold "
                    + targets.length + " targets");
        }
        if (weights != null) {
            if (weights.length != rows) {
                throw new IllegalArgumentException("block of " + rows + " rows cannot hold " + weights.length + " weights");
            }
            for (int r = 0; r < rows; r++) {
                if (!(weights[r] >= 0 && weights[r] < Float.POSITIVE_INFINITY)) {
                    throw new IllegalArgumentException("weight of row " + r + " of the block is " + weights[r] + ", not a finite number ≥ 0");
                }
            }
        }
        this.rows = rows;
        this.inputs = inputs;
        this.targetWidth = targetWidth;
        this.features = features;
        this.sparse = sparse;
        this.targets = targets;
        this.weights = weights;
    }

    public static Block empty(int inputs, int targetWidth) {
        return new Block(0, inputs, targetWidth, new float[0], new float[0]);
    }

    /** True for a block in the sparse form. */
    public boolean isSparse() {
        return sparse != null;
    }

    /** The features' non-zeros: those stored in the sparse form, those not 0 in the dense form. */
    public long nonZeros() {
        if (sparse != null) {
            return sparse.nonZeros();
        }
        long n = 0;
        for (float f : features) {
            if (f != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * About the bytes this block takes on the heap: its arrays (a 16-byte header each, elements, rounded up to 8) and
     * objects. Spark's own estimate of a cached block is within a few percent of it.
     */
    public long bytes() {
        long bytes = 48 + array(targets.length, Float.BYTES) + (weights == null ? 0 : array(weights.length, Float.BYTES));
        if (sparse == null) {
            return bytes + array(features.length, Float.BYTES);
        }
        return bytes + array(0, Float.BYTES) + 32 + array(rows + 1L, Integer.BYTES)
                + array(sparse.nonZeros(), Integer.BYTES) + array(sparse.nonZeros(), Float.BYTES);
    }

    private static long array(long length, int elementBytes) {
        return (16 + length * elementBytes + 7) / 8 * 8;
    }

    /** This block's rows in the dense form (itself when dense). */
    public Block densified() {
        return sparse == null ? this : new Block(rows, inputs, targetWidth, sparse.toDense(), targets, weights);
    }

    /** This block's rows in the sparse form (itself when sparse); a block of no inputs cannot be sparse. */
    public Block sparsified() {
        return sparse != null ? this : new Block(SparseRows.ofDense(inputs, features), targetWidth, targets, weights);
    }

    /** Σ of the weights of rows {@code order[from..to)}, in that order, in double; the row count without weights. */
    public double weightSum(int[] order, int from, int to) {
        if (weights == null) {
            return to - from;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += weights[order[i]];
        }
        return sum;
    }

    /** Σ of the weights of rows [firstRow, firstRow + rowCount), in double; rowCount without weights. */
    public double weightSum(int firstRow, int rowCount) {
        if (weights == null) {
            return rowCount;
        }
        double sum = 0;
        for (int r = firstRow; r < firstRow + rowCount; r++) {
            sum += weights[r];
        }
        return sum;
    }
}
