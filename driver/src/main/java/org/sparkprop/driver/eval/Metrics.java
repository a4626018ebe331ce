package org.sparkprop.driver.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.predictor.Json;

/**
 * Metrics of one evaluation, derived from {@link EvalStats}: loss and count always; for classes accuracy,
 * per-class precision, recall and F1 and the confusion matrix (rows actual, columns predicted); for
 * multi-label per-label accuracy and exact-match ratio; for regression MSE, RMSE, MAE and R² (averaged over
 * outputs). A class with no predictions (or no rows) has precision (recall) 0, never 0/0.
 *
 * <p>Where the rows have weights ({@link #weighted()}), every metric counts a row w times, w its weight: the loss
 * is Σ w·loss / Σ w, accuracy Σ w over right rows / Σ w, precision and recall come from the confusion matrix of
 * weights ({@link #weightedConfusion}), MSE and MAE are weighted means and R² compares with the weighted mean of
 * the targets. {@link #count()} and {@link #confusion} stay row counts. Without weights every value is computed as
 * it was before weights existed.
 */
public final class Metrics {
    private final Schema schema;
    private final EvalStats stats;

    public Metrics(Schema schema, EvalStats stats) {
        this.schema = schema;
        this.stats = stats;
    }

    public long count() {
        return stats.rows;
    }

    /** True when the rows carry weights and the metrics are weighted. */
    public boolean weighted() {
        return stats.weighted;
    }

    /** Σ of the rows' weights where they have weights, else the row count: what every mean divides by. */
    public double weightSum() {
        return stats.weighted ? stats.weightSum : stats.rows;
    }

    /** Mean loss per row, weighted where the rows have weights (the training loss, without regularization). */
    public double loss() {
        double total = weightSum();
        return total == 0 ? Double.NaN : stats.lossSum / total;
    }

    public boolean isRegression() {
        return stats.kind == LabelKind.REGRESSION;
    }

    /** Fraction of correct predictions; for multi-label, of correct labels. */
    public double accuracy() {
        double correct = 0;
        double total = 0;
        int k = classCount();
        if (stats.kind == LabelKind.MULTILABEL) {
            for (int label = 0; label < schema.outputs(); label++) {
                correct += cell(label * 4) + cell(label * 4 + 3);
                total += cell(label * 4) + cell(label * 4 + 1) + cell(label * 4 + 2) + cell(label * 4 + 3);
            }
        } else {
            for (int a = 0; a < k; a++) {
                for (int p = 0; p < k; p++) {
                    total += cell(a * k + p);
                    if (a == p) {
                        correct += cell(a * k + p);
                    }
                }
            }
        }
        return total == 0 ? Double.NaN : correct / total;
    }

    /**
     * Confusion entry i as the metrics count it: Σ w of its rows where they have weights, else its row count
     * (exact as a double: counts stay far below 2^53).
     */
    private double cell(int i) {
        return stats.weighted ? stats.weightedConfusion[i] : stats.confusion[i];
    }

    /** The validation metric logged per epoch: accuracy for classification, RMSE for regression. */
    public double headline() {
        return isRegression() ? rmse() : accuracy();
    }

    public String headlineName() {
        return isRegression() ? "rmse" : "accuracy";
    }

    /** True if {@code a} is a better headline value than {@code b}. */
    public boolean headlineBetter(double a, double b) {
        return isRegression() ? a < b : a > b;
    }

    public int classCount() {
        return stats.kind == LabelKind.CLASSES || stats.kind == LabelKind.BINARY ? schema.classes().size() : 0;
    }

    /** Rows of class {@code actual} predicted as {@code predicted} (a count, weighted or not). */
    public long confusion(int actual, int predicted) {
        return stats.confusion[actual * classCount() + predicted];
    }

    /** Σ of the weights of the rows of class {@code actual} predicted as {@code predicted}; the count without weights. */
    public double weightedConfusion(int actual, int predicted) {
        return stats.weightedConfusion[actual * classCount() + predicted];
    }

    public double precision(int c) {
        double predicted = 0;
        for (int a = 0; a < classCount(); a++) {
            predicted += cell(a * classCount() + c);
        }
        return predicted == 0 ? 0 : cell(c * classCount() + c) / predicted;
    }

    public double recall(int c) {
        double actual = 0;
        for (int p = 0; p < classCount(); p++) {
            actual += cell(c * classCount() + p);
        }
        return actual == 0 ? 0 : cell(c * classCount() + c) / actual;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double mse() {
        return regressionMean(0) / weightSum();
    }

    public double rmse() {
        return Math.sqrt(mse());
    }

    public double mae() {
        return regressionMean(1) / weightSum();
    }

    /**
     * Coefficient of determination, averaged over outputs: 1 − SSE/SST (with weights Σw(ŷ−y)² / Σw(y − ȳ)², ȳ the
     * weighted mean); NaN where the targets do not vary.
     */
    public double r2() {
        int outputs = schema.outputs();
        double total = weightSum();
        double sum = 0;
        for (int k = 0; k < outputs; k++) {
            double sse = regressionSum(4 * k);
            double mean = regressionSum(4 * k + 2) / total;
            double sst = regressionSum(4 * k + 3) - total * mean * mean;
            sum += sst <= 0 ? Double.NaN : 1 - sse / sst;
        }
        return sum / outputs;
    }

    /** Exact-match ratio (multi-label), weighted where the rows have weights. */
    public double exactMatch() {
        double total = weightSum();
        return total == 0 ? Double.NaN : (stats.weighted ? stats.weightedExactMatches : stats.exactMatches) / total;
    }

    private double regressionMean(int which) {
        double sum = 0;
        for (int k = 0; k < schema.outputs(); k++) {
            sum += regressionSum(4 * k + which);
        }
        return sum / schema.outputs();
    }

    /** {@code sums[i]} of {@link EvalStats}, or its weighted twin where the rows have weights. */
    private double regressionSum(int i) {
        return stats.weighted ? stats.weightedSums[i] : stats.sums[i];
    }

    /**
     * One JSON object: count, loss, and accuracy (classification) or rmse (regression), and the rest. Where the rows
     * have weights, also weightSum and (classification) weightedConfusionMatrix; the other fields keep their names,
     * with weighted values, and count and confusionMatrix stay row counts.
     */
    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("count", count());
        if (weighted()) {
            putNumber(n, "weightSum", weightSum());
        }
        putNumber(n, "loss", loss());
        switch (stats.kind) {
            case REGRESSION -> {
                putNumber(n, "mse", mse());
                putNumber(n, "rmse", rmse());
                putNumber(n, "mae", mae());
                putNumber(n, "r2", r2());
            }
            case MULTILABEL -> {
                putNumber(n, "accuracy", accuracy());
                putNumber(n, "exactMatch", exactMatch());
            }
            case CLASSES, BINARY -> {
                putNumber(n, "accuracy", accuracy());
                List<String> classes = schema.classes();
                ObjectNode perClass = n.putObject("perClass");
                for (int c = 0; c < classes.size(); c++) {
                    ObjectNode one = perClass.putObject(classes.get(c));
                    putNumber(one, "precision", precision(c));
                    putNumber(one, "recall", recall(c));
                    putNumber(one, "f1", f1(c));
                }
                ArrayNode labels = n.putArray("classes");
                classes.forEach(labels::add);
                ArrayNode matrix = n.putArray("confusionMatrix");
                for (int a = 0; a < classes.size(); a++) {
                    ArrayNode row = matrix.addArray();
                    for (int p = 0; p < classes.size(); p++) {
                        row.add(confusion(a, p));
                    }
                }
                if (weighted()) {
                    ArrayNode weightedMatrix = n.putArray("weightedConfusionMatrix");
                    for (int a = 0; a < classes.size(); a++) {
                        ArrayNode row = weightedMatrix.addArray();
                        for (int p = 0; p < classes.size(); p++) {
                            row.add(weightedConfusion(a, p));
                        }
                    }
                }
            }
        }
        return n;
    }

    private static void putNumber(ObjectNode n, String name, double value) {
        if (Double.isFinite(value)) {
            n.put(name, value);
        } else {
            n.putNull(name);
        }
    }

    /** Aligned text for people. */
    public String toTable() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "rows      %d%n", count()));
        if (weighted()) {
            s.append(String.format(Locale.ROOT, "weights   %.6g (Σ; every metric below is weighted, the confusion matrix counts rows)%n",
                    weightSum()));
        }
        s.append(String.format(Locale.ROOT, "loss      %.6f%n", loss()));
        switch (stats.kind) {
            case REGRESSION -> {
                s.append(String.format(Locale.ROOT, "mse       %.6f%n", mse()));
                s.append(String.format(Locale.ROOT, "rmse      %.6f%n", rmse()));
                s.append(String.format(Locale.ROOT, "mae       %.6f%n", mae()));
                s.append(String.format(Locale.ROOT, "r2        %.6f%n", r2()));
            }
            case MULTILABEL -> {
                s.append(String.format(Locale.ROOT, "accuracy  %.4f (per label)%n", accuracy()));
                s.append(String.format(Locale.ROOT, "exact     %.4f (all labels right)%n", exactMatch()));
            }
            case CLASSES, BINARY -> {
                s.append(String.format(Locale.ROOT, "accuracy  %.4f%n%n", accuracy()));
                List<String> classes = schema.classes();
                int width = Math.max(5, classes.stream().mapToInt(String::length).max().orElse(5));
                s.append(String.format(Locale.ROOT, "%-" + width + "s  %9s  %9s  %9s%n", "class", "precision", "recall", "f1"));
                for (int c = 0; c < classes.size(); c++) {
                    s.append(String.format(Locale.ROOT, "%-" + width + "s  %9.4f  %9.4f  %9.4f%n", classes.get(c), precision(c), recall(c), f1(c)));
                }
                s.append(String.format(Locale.ROOT, "%nconfusion matrix (rows: actual, columns: predicted)%n"));
                int cell = width;
                for (int c = 0; c < classes.size(); c++) {
                    cell = Math.max(cell, Long.toString(count()).length());
                }
                s.append(String.format(Locale.ROOT, "%-" + width + "s", ""));
                for (String label : classes) {
                    s.append(String.format(Locale.ROOT, "  %" + cell + "s", label));
                }
                s.append(System.lineSeparator());
                for (int a = 0; a < classes.size(); a++) {
                    s.append(String.format(Locale.ROOT, "%-" + width + "s", classes.get(a)));
                    for (int p = 0; p < classes.size(); p++) {
                        s.append(String.format(Locale.ROOT, "  %" + cell + "d", confusion(a, p)));
                    }
                    s.append(System.lineSeparator());
                }
            }
        }
        return s.toString();
    }
}
