package org.sparkprop.driver.data;

import java.util.Arrays;

/**
 * LibSVM rows: {@code label idx:val idx:val ... # comment}. Indices are 1-based integers in increasing order;
 * values finite numbers. The label is a class name for class labels, a finite number for regression, and for
 * multi-label a comma list of 0-based label indices ({@code 0,3 1:0.5}); a multi-label row with no labels starts
 * with its first feature. With labels not read, a first field without ':' is skipped.
 */
final class LibSvmRowParser extends RowParser {
    private final PackedRows.SparseBuilder features = new PackedRows.SparseBuilder();
    private final PackedRows.SparseBuilder sparseTargets;
    private final PackedRows.DenseBuilder denseTargets;
    /** Largest index allowed, 0 for no limit, and what sets it, for messages. */
    private final int maxIndex;
    private final String maxIndexSource;
    /** Complete rows so far. */
    private int rows;
    private int maxFeatureIndex;
    private int maxLabelIndex = -1;
    /** The current row's label indices (multi-label). */
    private int[] rowLabels = new int[8];

    LibSvmRowParser(ParseSettings settings, String file) {
        super(settings, file);
        boolean multiLabel = settings.readLabels && settings.kind == LabelKind.MULTILABEL;
        sparseTargets = multiLabel ? new PackedRows.SparseBuilder() : null;
        denseTargets = settings.readLabels && !multiLabel ? new PackedRows.DenseBuilder(1) : null;
        if (settings.known != null) {
            maxIndex = settings.known.numFeatures();
            maxIndexSource = "the " + maxIndex + " features of the training data";
        } else if (settings.numFeatures != null) {
            maxIndex = settings.numFeatures;
            maxIndexSource = "--num-features " + maxIndex;
        } else {
            maxIndex = 0;
            maxIndexSource = null;
        }
    }

    @Override
    void readRow(String line, long lineNumber) {
        int comment = line.indexOf('#');
        String body = comment < 0 ? line : line.substring(0, comment);
        int at = skipSpace(body, 0);
        if (at == body.length()) {
            return;
        }
        int end = skipToken(body, at);
        String first = body.substring(at, end);
        int largestLabel = -1;
        if (first.indexOf(':') < 0) {
            if (settings.readLabels) {
                largestLabel = addLabel(first, lineNumber);
            }
            at = skipSpace(body, end);
        } else if (settings.readLabels) {
            if (settings.kind != LabelKind.MULTILABEL) {
                throw BadRow.at(file, lineNumber, "the line starts with " + Fields.quote(first)
                        + "; a LibSVM row starts with its label");
            }
            sparseTargets.endRow();
        }
        int previous = 0;
        while (at < body.length()) {
            end = skipToken(body, at);
            previous = addFeature(body, at, end, previous, lineNumber);
            at = skipSpace(body, end);
        }
        features.endRow();
        rows++;
        maxFeatureIndex = Math.max(maxFeatureIndex, previous);
        maxLabelIndex = Math.max(maxLabelIndex, largestLabel);
    }

    @Override
    void discardUnfinishedRow() {
        features.truncateRows(rows);
        if (sparseTargets != null) {
            sparseTargets.truncateRows(rows);
        }
        if (denseTargets != null) {
            denseTargets.truncateRows(rows);
        }
    }

    /** Adds feature {@code body[from, to)} ("idx:val") and returns its index. */
    private int addFeature(String body, int from, int to, int previous, long lineNumber) {
        int colon = body.indexOf(':', from);
        if (colon < 0 || colon >= to) {
            throw BadRow.at(file, lineNumber, "expected index:value, found " + Fields.quote(body.substring(from, to)));
        }
        int index = Fields.parseIndex(body, from, colon);
        if (index < 0) {
            throw BadRow.at(file, lineNumber, "LibSVM index " + Fields.quote(body.substring(from, colon))
                    + " is not a positive integer");
        }
        if (index == 0) {
            throw BadRow.at(file, lineNumber, "LibSVM index 0; indices start at 1");
        }
        if (index <= previous) {
            throw BadRow.at(file, lineNumber, "indices not increasing: " + index + " after " + previous);
        }
        if (maxIndex > 0 && index > maxIndex) {
            throw BadRow.at(file, lineNumber, "index " + index + " exceeds " + maxIndexSource);
        }
        features.add(index - 1, Fields.parseFinite(body.substring(colon + 1, to), "feature " + index, file, lineNumber));
        return index;
    }

    /** Adds the row's label; returns the largest label index of a multi-label row, else -1. */
    private int addLabel(String label, long lineNumber) {
        int largest = -1;
        switch (settings.kind) {
            case CLASSES, BINARY -> denseTargets.add(classId(label, lineNumber));
            case REGRESSION -> denseTargets.add(Fields.parseFinite(label, "label", file, lineNumber));
            case MULTILABEL -> largest = addLabelIndices(label, lineNumber);
        }
        if (denseTargets != null) {
            denseTargets.endRow();
        }
        return largest;
    }

    /** A multi-label row's labels: distinct 0-based indices separated by commas; returns the largest. */
    private int addLabelIndices(String labels, long lineNumber) {
        int largest = -1;
        int count = 0;
        for (int from = 0; from <= labels.length(); ) {
            int comma = labels.indexOf(',', from);
            int to = comma < 0 ? labels.length() : comma;
            int index = Fields.parseIndex(labels, from, to);
            if (index < 0) {
                throw BadRow.at(file, lineNumber, "label index " + Fields.quote(labels.substring(from, to))
                        + " is not a non-negative integer (a multi-label row lists label indices, like 0,3)");
            }
            for (int k = 0; k < count; k++) {
                if (rowLabels[k] == index) {
                    throw BadRow.at(file, lineNumber, "label index " + index + " is listed twice");
                }
            }
            if (settings.known != null && index >= settings.known.outputs()) {
                throw BadRow.at(file, lineNumber, "label index " + index + " exceeds the "
                        + settings.known.outputs() + " labels of the training data (0 to " + (settings.known.outputs() - 1) + ")");
            }
            if (count == rowLabels.length) {
                rowLabels = Arrays.copyOf(rowLabels, 2 * count);
            }
            rowLabels[count++] = index;
            sparseTargets.add(index, 1f);
            largest = Math.max(largest, index);
            from = to + 1;
        }
        sparseTargets.endRow();
        return largest;
    }

    @Override
    ParsedFile finish(int fileIndex, BadRows badRows) {
        PackedRows packedFeatures = features.build();
        PackedRows packedTargets = sparseTargets != null ? sparseTargets.build() : denseTargets != null ? denseTargets.build() : null;
        FileSummary summary = new FileSummary(fileIndex, file, packedFeatures, null, 0, maxFeatureIndex, maxLabelIndex,
                classNames(), badRows);
        return new ParsedFile(summary, packedFeatures, packedTargets, classNames());
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipToken(String text, int from) {
        int i = from;
        while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }
}
