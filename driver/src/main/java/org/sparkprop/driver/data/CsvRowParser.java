package org.sparkprop.driver.data;

import java.util.List;

/**
 * CSV rows: the first non-blank line is the header (a problem with it is the whole file's), every other non-blank
 * line a row with as many fields. Feature fields are finite numbers; a class label is any non-empty text; a
 * regression label a finite number; a multi-label column 0 or 1.
 */
final class CsvRowParser extends RowParser {
    private List<String> header;
    private long headerLine;
    private CsvLayout layout;
    private PackedRows.DenseBuilder features;
    private PackedRows.DenseBuilder targets;
    /** The rows' sample weights, where the layout has a weight column. */
    private FloatList weights;
    private int rows;

    CsvRowParser(ParseSettings settings, String file) {
        super(settings, file);
    }

    @Override
    boolean needsHeader() {
        return layout == null;
    }

    @Override
    void readHeader(String line, long lineNumber) {
        List<String> fields = CsvFields.split(line, file, lineNumber);
        header = fields;
        headerLine = lineNumber;
        layout = CsvLayout.resolve(fields, settings, file, lineNumber);
        features = new PackedRows.DenseBuilder(layout.featureColumns.length);
        weights = layout.weightColumn >= 0 ? new FloatList() : null;
        if (settings.readLabels) {
            targets = new PackedRows.DenseBuilder(settings.classLabels() ? 1 : layout.labelColumns.length);
        }
    }

    @Override
    void readRow(String line, long lineNumber) {
        List<String> fields = CsvFields.split(line, file, lineNumber);
        if (fields.size() != layout.columns) {
            throw BadRow.at(file, lineNumber, "expected " + layout.columns + " columns, found " + fields.size());
        }
        float weight = weights == null ? 1 : weight(fields.get(layout.weightColumn), lineNumber);
        for (int f = 0; f < layout.featureColumns.length; f++) {
            features.add(Fields.parseFinite(fields.get(layout.featureColumns[f]),
                    "feature " + Fields.quote(layout.featureNames.get(f)), file, lineNumber));
        }
        features.endRow();
        if (targets != null) {
            addLabels(fields, lineNumber);
            targets.endRow();
        }
        if (weights != null) {
            weights.add(weight);
        }
        rows++;
    }

    /** A row's sample weight: a finite number ≥ 0. */
    private float weight(String text, long lineNumber) {
        String what = "weight " + Fields.quote(header.get(layout.weightColumn));
        float value = Fields.parseFinite(text, what, file, lineNumber);
        if (!(value >= 0)) {
            throw BadRow.at(file, lineNumber, what + " must be ≥ 0, found " + Fields.quote(text));
        }
        return value;
    }

    @Override
    void discardUnfinishedRow() {
        features.truncateRows(rows);
        if (targets != null) {
            targets.truncateRows(rows);
        }
    }

    private void addLabels(List<String> fields, long lineNumber) {
        if (settings.classLabels()) {
            targets.add(classId(fields.get(layout.labelColumns[0]), lineNumber));
            return;
        }
        for (int l = 0; l < layout.labelColumns.length; l++) {
            String text = fields.get(layout.labelColumns[l]);
            String what = "label " + Fields.quote(layout.labelNames.get(l));
            float value = Fields.parseFinite(text, what, file, lineNumber);
            if (settings.kind == LabelKind.MULTILABEL && value != 0f && value != 1f) {
                throw BadRow.at(file, lineNumber, what + " must be 0 or 1, found " + Fields.quote(text));
            }
            targets.add(value);
        }
    }

    @Override
    ParsedFile finish(int fileIndex, BadRows badRows) {
        PackedRows packedFeatures = features == null ? new PackedRows.DenseBuilder(0).build() : features.build();
        PackedRows packedTargets = targets == null ? null : targets.build();
        FileSummary summary = new FileSummary(fileIndex, file, packedFeatures, header, headerLine, 0, -1, classNames(), badRows);
        return new ParsedFile(summary, packedFeatures, packedTargets, classNames(), weights == null ? null : weights.toArray());
    }
}
