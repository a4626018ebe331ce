package org.sparkprop.driver.data;

import java.io.Serializable;

/**
 * Rows of one partition packed for the kernels. Column-major with one column per row: row r's features are
 * {@code features[r·inputs .. (r+1)·inputs)} and its targets {@code targets[r·targetWidth .. (r+1)·targetWidth)}
 * (a class index stored as a float for softmax cross-entropy, else the target values).
 * Immutable once built; a partition of the cached training RDD holds exactly one block, possibly of 0 rows.
 */
public final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    public final int rows;
    public final int inputs;
    public final int targetWidth;
    public final float[] features;
    public final float[] targets;
    /** One sample weight per row, or null when the rows have none. */
    public final float[] weights;

    public Block(int rows, int inputs, int targetWidth, float[] features, float[] targets) {
        this(rows, inputs, targetWidth, features, targets, null);
    }

    public Block(int rows, int inputs, int targetWidth, float[] features, float[] targets, float[] weights) {
        if (weights != null && weights.length != rows) {
            throw new IllegalArgumentException("block of " + rows + " rows cannot hold " + weights.length + " weights");
        }
        if (features.length != (long) rows * inputs || targets.length != (long) rows * targetWidth) {
            throw new IllegalArgumentException("block of " + rows + " rows × " + inputs + " inputs × " + targetWidth
                    + " targets cannot hold " + features.length + " features and " + targets.length + " targets");
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
}
