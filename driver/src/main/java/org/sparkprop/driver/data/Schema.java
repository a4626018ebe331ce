package org.sparkprop.driver.data;

import java.io.Serializable;
import java.util.List;

/**
 * What the training data looked like, kept with the model so that evaluation and prediction read new data
 * the same way: the feature count, the feature names (CSV header, empty for LibSVM), the label columns, what
 * the labels mean, and for {@link LabelKind#CLASSES} and {@link LabelKind#BINARY} the class labels in index
 * order (class i is {@code classes.get(i)}, as its text in the training data).
 *
 * @param numFeatures  features per row
 * @param featureNames one per feature for CSV, empty for LibSVM
 * @param labelColumns CSV label column names (or indices as text), empty for LibSVM
 * @param labelKind    what the labels mean
 * @param classes      class labels in index order; empty for regression and multi-label
 * @param outputs      network outputs: classes for CLASSES, 1 for BINARY, label columns for MULTILABEL and REGRESSION
 * @param weightColumn the sample weights' column (CSV: its header name) the model was trained with, or null: never a
 *                     feature; evaluation weighs rows by it where the data hold it, prediction skips it
 */
public record Schema(int numFeatures, List<String> featureNames, List<String> labelColumns, LabelKind labelKind,
                     List<String> classes, int outputs, String weightColumn) implements Serializable {

    public Schema {
        if (numFeatures < 1) {
            throw new IllegalArgumentException("numFeatures must be at least 1, got " + numFeatures);
        }
        featureNames = List.copyOf(featureNames);
        labelColumns = List.copyOf(labelColumns);
        classes = List.copyOf(classes);
        if (!featureNames.isEmpty() && featureNames.size() != numFeatures) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + numFeatures + " features");
        }
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be at least 1, got " + outputs);
        }
    }

    /** A schema of data without sample weights. */
    public Schema(int numFeatures, List<String> featureNames, List<String> labelColumns, LabelKind labelKind, List<String> classes,
                  int outputs) {
        this(numFeatures, featureNames, labelColumns, labelKind, classes, outputs, null);
    }

    /** This schema with {@code column} as its weight column (null: none). */
    public Schema withWeightColumn(String column) {
        return new Schema(numFeatures, featureNames, labelColumns, labelKind, classes, outputs, column);
    }

    /** Values per row in {@link Block#targets}: 1 class index for CLASSES, else one per output. */
    public int targetWidth() {
        return labelKind == LabelKind.CLASSES ? 1 : outputs;
    }
}
