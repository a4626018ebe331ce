package org.sparkprop.driver.data;

import java.io.Serializable;
import java.util.List;
import org.sparkprop.driver.UserException;

/**
 * Which columns of a DataFrame hold what.
 *
 * @param features            a Vector column (dense or sparse, as VectorAssembler, HashingTF or the libsvm source make
 *                            them) or an array-of-numbers column; null when {@code featureColumns} are given
 * @param featureColumns      numeric columns, one feature each, in this order; empty when {@code features} is given
 * @param label               the label column: a number (a class index 0..K−1, a 0/1 label, a regression target) or,
 *                            for several outputs, a Vector or array; null when labels are not read
 * @param weight              a column of sample weights (finite, ≥ 0), or null for none
 * @param validationIndicator a boolean column: true marks a row held out for validation; null for none
 */
public record FrameColumns(String features, List<String> featureColumns, String label, String weight,
                           String validationIndicator) implements Serializable {

    public FrameColumns {
        featureColumns = List.copyOf(featureColumns);
        if ((features == null) == featureColumns.isEmpty()) {
            throw new UserException("give either a features column (a Vector or an array of numbers) or numeric feature columns, not "
                    + (features == null ? "neither" : "both"));
        }
        if (weight != null && (weight.equals(features) || featureColumns.contains(weight) || weight.equals(label))) {
            throw new UserException("column " + Fields.quote(weight) + " cannot be both the weight column and a "
                    + (weight.equals(label) ? "label" : "features") + " column");
        }
    }

    /** A Vector or array column of features and a label column, no weights, no validation rows. */
    public static FrameColumns of(String features, String label) {
        return new FrameColumns(features, List.of(), label, null, null);
    }

    /** These columns with {@code label} (null: labels are not read). */
    public FrameColumns withLabel(String label) {
        return new FrameColumns(features, featureColumns, label, weight, validationIndicator);
    }

    public FrameColumns withWeight(String weight) {
        return new FrameColumns(features, featureColumns, label, weight, validationIndicator);
    }

    public FrameColumns withValidationIndicator(String validationIndicator) {
        return new FrameColumns(features, featureColumns, label, weight, validationIndicator);
    }

    /** How messages name the features: "column 'features'" or "columns 'a', 'b'". */
    String featuresShown() {
        return features != null ? "column " + Fields.quote(features)
                : "columns " + String.join(", ", featureColumns.stream().map(Fields::quote).toList());
    }
}
