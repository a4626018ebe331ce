package org.sparkprop.driver.data;

import java.io.Serializable;
import java.util.List;
import org.sparkprop.driver.UserException;

/**
 * How a task reads one file, fixed on the driver and shipped in the task's closure.
 *
 * <p>{@code labelColumns} are the CSV label columns as requested (names or 0-based indices), empty for the last
 * column; {@code numFeatures} is the user's feature count or null; {@code known} is the training data's schema
 * that the rows must match, or null when this input defines the schema. With {@code readLabels} false (data to
 * predict on) labels are skipped: CSV label columns may be absent and a LibSVM line may start with a feature.
 * {@code badRows} says whether a malformed row stops the task or is skipped and counted.
 */
final class ParseSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    final DataFormat format;
    final LabelKind kind;
    final boolean readLabels;
    final List<String> labelColumns;
    final Integer numFeatures;
    final Schema known;
    final BadRowPolicy badRows;
    /** CSV: the sample weights' column, a name or 0-based index; null for none. */
    final String weightColumn;

    private ParseSettings(DataFormat format, LabelKind kind, boolean readLabels, List<String> labelColumns,
                          Integer numFeatures, Schema known, BadRowPolicy badRows, String weightColumn) {
        this.format = format;
        this.kind = kind;
        this.readLabels = readLabels;
        this.labelColumns = List.copyOf(labelColumns);
        this.numFeatures = numFeatures;
        this.known = known;
        this.badRows = badRows;
        this.weightColumn = weightColumn;
    }

    /** Settings for {@code in}; checks what can be checked before any file is opened. */
    static ParseSettings of(InputSpec in, LabelKind kind, Schema known, boolean readLabels) {
        if (known != null && in.numFeatures() != null && in.numFeatures() != known.numFeatures()) {
            throw new UserException("--num-features " + in.numFeatures() + " differs from the "
                    + known.numFeatures() + " features of the training data");
        }
        List<String> labelColumns = !in.labelColumns().isEmpty() || known == null ? in.labelColumns() : known.labelColumns();
        if (in.format() == DataFormat.CSV && readLabels && labelColumns.size() > 1
                && (kind == LabelKind.CLASSES || kind == LabelKind.BINARY)) {
            throw new UserException("a class label is one column, but " + labelColumns.size() + " label columns are given ("
                    + String.join(", ", labelColumns) + "); several 0/1 label columns need binary cross-entropy");
        }
        return new ParseSettings(in.format(), kind, readLabels, labelColumns, in.numFeatures(), known, in.badRows(), in.weightColumn());
    }

    /** True for the kinds whose label is a class name. */
    boolean classLabels() {
        return kind == LabelKind.CLASSES || kind == LabelKind.BINARY;
    }
}
