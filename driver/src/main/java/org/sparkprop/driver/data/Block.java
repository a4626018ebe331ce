package org.sparkprop.driver.data;

import java.io.Serializable;

/**
 * Rows of one partition packed for the kernels. Column-major with one column per row: row r's features are
 * {@code features[r·inputs .. (r+1)·inputs)} and its targets {@code targets[r·targetWidth .. (r+1)·targetWidth)}
 * (a class index stored as a float for softmax cross-entropy, else the target values), and, where the data have
 * a weight column, its weight {@code weights[r]}.
 * Immutable once built; a partition of the cached training RDD holds exactly one block, possibly of 0 rows.
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
    public final float[] features;
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
        if (features.length != (long) rows * inputs || targets.length != (long) rows * targetWidth) {
            throw new IllegalArgumentException("block of " + rows + " rows × " + inputs + " inputs × " + targetWidth
                    + " targets cannot hold " + features.length + " features and " + targets.length + " targets");
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
        this.targets = targets;
        this.weights = weights;
    }

    public static Block empty(int inputs, int targetWidth) {
        return new Block(0, inputs, targetWidth, new float[0], new float[0]);
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
