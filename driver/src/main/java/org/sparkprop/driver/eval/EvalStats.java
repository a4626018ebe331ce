package org.sparkprop.driver.eval;

import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.predictor.Prediction;

/**
 * Sums from which every metric of one evaluation follows; one per partition, merged on the driver in
 * partition order. Which arrays are used depends on the label kind:
 * <ul>
 *   <li>CLASSES, BINARY: {@code confusion[actual·K + predicted]}, K classes (2 for binary);</li>
 *   <li>MULTILABEL: {@code confusion[label·4 + actual·2 + predicted]};</li>
 *   <li>REGRESSION: per output k, {@code sums[4k..4k+3]} = Σ(ŷ−y)², Σ|ŷ−y|, Σy, Σy².</li>
 * </ul>
 * Row weights: {@code weightedConfusion}, {@code weightedSums} and {@code weightedExactMatches} are the same sums
 * with each row counted w times (w its weight, 1 for rows of blocks without weights), {@code weightSum} is Σw,
 * and {@code lossSum} is Σ w·loss. {@code weighted} says whether any block had weights: only then do the metrics
 * use the weighted sums; without weights they are computed from the counts, as before weights existed.
 */
public final class EvalStats implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public final LabelKind kind;
    public long rows;
    public double lossSum;
    public final long[] confusion;
    public final double[] sums;
    /** MULTILABEL: rows whose every label was predicted right. */
    public long exactMatches;
    /** True when any of the rows came from a block with weights. */
    public boolean weighted;
    /** Σ of the rows' weights (1 per row of a block without weights). */
    public double weightSum;
    /** As {@link #confusion}, {@link #sums} and {@link #exactMatches}, each row counted with its weight. */
    public final double[] weightedConfusion;
    public final double[] weightedSums;
    public double weightedExactMatches;

    public EvalStats(LabelKind kind, int outputs) {
        this.kind = kind;
        this.confusion = switch (kind) {
            case CLASSES -> new long[outputs * outputs];
            case BINARY -> new long[4];
            case MULTILABEL -> new long[outputs * 4];
            case REGRESSION -> new long[0];
        };
        this.sums = kind == LabelKind.REGRESSION ? new double[outputs * 4] : new double[0];
        this.weightedConfusion = new double[confusion.length];
        this.weightedSums = new double[sums.length];
    }

    /**
     * Adds the rows of {@code outputs} (outputs × rows, network outputs) against {@code targets}, row r weighted
     * by {@code weights[weightOffset + r]}, or by 1 when weights is null. Not modified: outputs, targets, weights.
     *
     * @param loss Σ over the rows of the loss, weighted as the rows are
     */
    void add(double[] outputs, int outputCount, float[] targets, int targetOffset, float[] weights, int weightOffset, int rowCount,
             double loss) {
        rows += rowCount;
        lossSum += loss;
        weighted |= weights != null;
        for (int r = 0; r < rowCount; r++) {
            int o = r * outputCount;
            double w = weights == null ? 1 : weights[weightOffset + r];
            weightSum += w;
            switch (kind) {
                case CLASSES -> {
                    int actual = (int) targets[targetOffset + r];
                    int predicted = Prediction.mostProbable(outputs, o, outputCount);
                    confusion[actual * outputCount + predicted]++;
                    weightedConfusion[actual * outputCount + predicted] += w;
                }
                case BINARY -> {
                    int actual = (int) targets[targetOffset + r];
                    int predicted = outputs[o] >= Prediction.THRESHOLD ? 1 : 0;
                    confusion[actual * 2 + predicted]++;
                    weightedConfusion[actual * 2 + predicted] += w;
                }
                case MULTILABEL -> {
                    boolean all = true;
                    for (int k = 0; k < outputCount; k++) {
                        int actual = (int) targets[targetOffset + r * outputCount + k];
                        int predicted = outputs[o + k] >= Prediction.THRESHOLD ? 1 : 0;
                        confusion[k * 4 + actual * 2 + predicted]++;
                        weightedConfusion[k * 4 + actual * 2 + predicted] += w;
                        all &= actual == predicted;
                    }
                    if (all) {
                        exactMatches++;
                        weightedExactMatches += w;
                    }
                }
                case REGRESSION -> {
                    for (int k = 0; k < outputCount; k++) {
                        double y = targets[targetOffset + r * outputCount + k];
                        double error = outputs[o + k] - y;
                        sums[4 * k] += error * error;
                        sums[4 * k + 1] += Math.abs(error);
                        sums[4 * k + 2] += y;
                        sums[4 * k + 3] += y * y;
                        weightedSums[4 * k] += w * (error * error);
                        weightedSums[4 * k + 1] += w * Math.abs(error);
                        weightedSums[4 * k + 2] += w * y;
                        weightedSums[4 * k + 3] += w * (y * y);
                    }
                }
            }
        }
    }

    /** Adds {@code other} into this (Modified); other is Not modified. */
    public void merge(EvalStats other) {
        rows += other.rows;
        lossSum += other.lossSum;
        exactMatches += other.exactMatches;
        weighted |= other.weighted;
        weightSum += other.weightSum;
        weightedExactMatches += other.weightedExactMatches;
        for (int i = 0; i < confusion.length; i++) {
            confusion[i] += other.confusion[i];
            weightedConfusion[i] += other.weightedConfusion[i];
        }
        for (int i = 0; i < sums.length; i++) {
            sums[i] += other.sums[i];
            weightedSums[i] += other.weightedSums[i];
        }
    }
}
