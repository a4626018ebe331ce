package org.sparkprop.predictor;

import java.util.List;

/**
 * What a model's training data looked like, as its model.json records it: the rows a model reads and what its
 * outputs mean. The driver's {@code Schema} is the same record on the Spark side.
 *
 * @param numFeatures  features per row
 * @param featureNames one per feature for CSV, empty for LibSVM
 * @param labelColumns CSV label column names (or indices as text), empty for LibSVM
 * @param kind         what the outputs mean
 * @param classes      class labels in index order for CLASSES and BINARY; empty otherwise
 * @param outputs      network outputs: classes for CLASSES, 1 for BINARY, label columns for MULTILABEL and REGRESSION
 * @param weightColumn the column of sample weights the model was trained with (format version 3 and later), or null:
 *                     never a feature; evaluation weighs rows by it where the data still hold it, prediction skips it
 */
public record ModelSchema(int numFeatures, List<String> featureNames, List<String> labelColumns, OutputKind kind,
                          List<String> classes, int outputs, String weightColumn) implements java.io.Serializable {

    public ModelSchema {
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
        if (weightColumn != null && (weightColumn.isEmpty() || featureNames.contains(weightColumn) || labelColumns.contains(weightColumn))) {
            throw new IllegalArgumentException("the weight column must be named and be neither a feature nor a label column, got \""
                    + Json.oneLine(weightColumn) + "\"");
        }
    }

    /** A schema without sample weights. */
    public ModelSchema(int numFeatures, List<String> featureNames, List<String> labelColumns, OutputKind kind, List<String> classes,
                       int outputs) {
        this(numFeatures, featureNames, labelColumns, kind, classes, outputs, null);
    }
}
