package org.sparkprop.driver.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sparkprop.driver.UserException;

/**
 * Which CSV columns are features and which are labels, resolved from a header and checked against the
 * settings (the training schema, --num-features). Errors name the header's file and line.
 */
final class CsvLayout {
    final int columns;
    final int[] featureColumns;
    final List<String> featureNames;
    /** Label column positions in the order requested; with labels not read, only those present. */
    final int[] labelColumns;
    final List<String> labelNames;
    /** The column read as the rows' sample weights, or -1 for none. */
    final int weightColumn;
    /** The header's name of the weight column, read or skipped, or null: what a model's schema records. */
    final String weightName;

    private CsvLayout(int columns, int[] featureColumns, List<String> featureNames, int[] labelColumns,
                      List<String> labelNames, int weightColumn, String weightName) {
        this.columns = columns;
        this.featureColumns = featureColumns;
        this.featureNames = featureNames;
        this.labelColumns = labelColumns;
        this.labelNames = labelNames;
        this.weightColumn = weightColumn;
        this.weightName = weightName;
    }

    static CsvLayout resolve(List<String> header, ParseSettings settings, String file, long line) {
        Map<String, Integer> position = new HashMap<>();
        for (int c = 0; c < header.size(); c++) {
            if (position.put(header.get(c), c) != null) {
                throw UserException.atLine(file, line, "column name " + Fields.quote(header.get(c)) + " appears twice in the header");
            }
        }
        List<String> requested = settings.labelColumns.isEmpty()
                ? List.of(Integer.toString(header.size() - 1)) : settings.labelColumns;
        boolean[] isLabel = new boolean[header.size()];
        List<Integer> labels = new ArrayList<>();
        for (String name : requested) {
            Integer at = position.get(name);
            if (at == null) {
                int index = Fields.parseIndex(name, 0, name.length());
                if (index >= header.size()) {
                    throw UserException.atLine(file, line, "label column index " + index + " is out of range: the header has "
                            + header.size() + " columns (0 to " + (header.size() - 1) + ")");
                }
                if (index < 0 && settings.readLabels) {
                    throw UserException.atLine(file, line, "label column " + Fields.quote(name)
                            + " is not in the header (columns: " + Fields.list(header) + ")");
                }
                at = index < 0 ? null : index;
            }
            if (at != null) {
                if (isLabel[at]) {
                    throw UserException.atLine(file, line, "label column " + Fields.quote(header.get(at)) + " is given twice");
                }
                isLabel[at] = true;
                labels.add(at);
            }
        }
        int weight = weightColumn(header, position, settings.weightColumn, file, line);
        if (weight >= 0 && isLabel[weight]) {
            throw UserException.atLine(file, line, "column " + Fields.quote(header.get(weight)) + " cannot be both a label and the weight column");
        }
        // The model's weight column is never a feature: where the data still hold it, evaluation weighs the rows by it
        // (unless another weight column is named) and prediction skips it.
        Integer modelWeight = settings.known == null || settings.known.weightColumn() == null ? null
                : position.get(settings.known.weightColumn());
        if (weight < 0 && modelWeight != null && settings.readLabels) {
            weight = modelWeight;
        }
        boolean[] notFeature = isLabel.clone();
        if (weight >= 0) {
            notFeature[weight] = true;
        }
        if (modelWeight != null) {
            notFeature[modelWeight] = true;
        }
        List<String> featureNames = new ArrayList<>();
        int[] featureColumns = new int[header.size()];
        int f = 0;
        for (int c = 0; c < header.size(); c++) {
            if (!notFeature[c]) {
                featureColumns[f++] = c;
                featureNames.add(header.get(c));
            }
        }
        featureColumns = Arrays.copyOf(featureColumns, f);
        if (featureColumns.length == 0) {
            throw UserException.atLine(file, line, "no feature columns: every column is a label");
        }
        int[] labelColumns = labels.stream().mapToInt(Integer::intValue).toArray();
        List<String> labelNames = labels.stream().map(header::get).toList();
        // Data to predict on carry no weights: a weight column named for them is skipped, not read.
        int read = settings.readLabels ? weight : -1;
        CsvLayout layout = new CsvLayout(header.size(), featureColumns, List.copyOf(featureNames), labelColumns, labelNames, read,
                weight < 0 ? null : header.get(weight));
        layout.check(settings, file, line);
        return layout;
    }

    /** The position of the weight column {@code name} (a name, else a 0-based index), or -1 when name is null. */
    private static int weightColumn(List<String> header, Map<String, Integer> position, String name, String file, long line) {
        if (name == null) {
            return -1;
        }
        Integer at = position.get(name);
        if (at != null) {
            return at;
        }
        int index = Fields.parseIndex(name, 0, name.length());
        if (index < 0) {
            throw UserException.atLine(file, line, "weight column " + Fields.quote(name) + " is not in the header (columns: "
                    + Fields.list(header) + ")");
        }
        if (index >= header.size()) {
            throw UserException.atLine(file, line, "weight column index " + index + " is out of range: the header has "
                    + header.size() + " columns (0 to " + (header.size() - 1) + ")");
        }
        return index;
    }

    private void check(ParseSettings settings, String file, long line) {
        Schema known = settings.known;
        if (known == null) {
            if (settings.numFeatures != null && settings.numFeatures != featureColumns.length) {
                throw UserException.atLine(file, line, "--num-features " + settings.numFeatures + " but the header has "
                        + featureColumns.length + " feature columns");
            }
            return;
        }
        if (!known.featureNames().isEmpty() && !known.featureNames().equals(featureNames)) {
            throw UserException.atLine(file, line, "feature columns differ from the training data's: expected "
                    + Fields.list(known.featureNames()) + "; found " + Fields.list(featureNames));
        }
        if (featureColumns.length != known.numFeatures()) {
            throw UserException.atLine(file, line, "expected " + known.numFeatures()
                    + " feature columns like the training data, found " + featureColumns.length);
        }
        if (settings.readLabels && !known.labelColumns().isEmpty() && !known.labelColumns().equals(labelNames)) {
            throw UserException.atLine(file, line, "label columns " + Fields.list(labelNames)
                    + " differ from the training data's: " + Fields.list(known.labelColumns()));
        }
    }
}
