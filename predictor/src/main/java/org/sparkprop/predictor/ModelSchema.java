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
 */
public record ModelSchema(int numFeatures, List<String> featureNames, List<String> labelColumns, OutputKind kind,
                          List<String> classes, int outputs) {

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
    }
}
