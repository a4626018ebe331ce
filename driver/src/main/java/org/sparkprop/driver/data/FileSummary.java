package org.sparkprop.driver.data;

import java.util.List;

/**
 * What the driver needs to know about one parsed file to fix the schema; small, sent back from the file's task.
 * Lists are plain arrays so that Kryo carries it without help.
 */
final class FileSummary implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Position of the file in the sorted input list. */
    final int file;
    /** The file as messages name it. */
    final String path;
    /** Rows read and kept. */
    final int rows;
    /** CSV: the header's fields and 1-based line; null and 0 for LibSVM and for a CSV file with no lines. */
    final String[] header;
    final long headerLine;
    /** LibSVM: the largest feature index (1-based) seen, 0 when none. */
    final int maxFeatureIndex;
    /** Multi-label LibSVM: the largest label index (0-based) seen, -1 when none. */
    final int maxLabelIndex;
    /** The features' non-zeros (see {@link PackedRows#nonZeros()}), and whether they were read in sparse form. */
    final long nonZeros;
    final boolean readSparse;
    /** Class labels: the distinct labels in the order first seen; null for other kinds. */
    final String[] classNames;
    /** Bad rows skipped (see {@link BadRowPolicy}), and the messages of the first few. */
    final long badRows;
    final String[] firstBadRows;
    /**
     * Null, or why the file was refused: a bad row the policy does not skip, reported as the file's result rather
     * than thrown, so that Spark does not retry a task whose input will not change (the file then has no rows).
     */
    final String refusal;

    FileSummary(int file, String path, PackedRows features, List<String> header, long headerLine, int maxFeatureIndex,
                int maxLabelIndex, List<String> classNames, BadRows badRows) {
        this.file = file;
        this.path = path;
        this.rows = features.rows;
        this.nonZeros = features.nonZeros();
        this.readSparse = features.isSparse();
        this.header = header == null ? null : header.toArray(new String[0]);
        this.headerLine = headerLine;
        this.maxFeatureIndex = maxFeatureIndex;
        this.maxLabelIndex = maxLabelIndex;
        this.classNames = classNames == null ? null : classNames.toArray(new String[0]);
        this.badRows = badRows.count();
        this.firstBadRows = badRows.first().toArray(new String[0]);
        this.refusal = null;
    }

    private FileSummary(int file, String path, String refusal) {
        this.file = file;
        this.path = path;
        this.rows = 0;
        this.nonZeros = 0;
        this.readSparse = false;
        this.header = null;
        this.headerLine = 0;
        this.maxFeatureIndex = 0;
        this.maxLabelIndex = -1;
        this.classNames = null;
        this.badRows = 0;
        this.firstBadRows = new String[0];
        this.refusal = refusal;
    }

    /** A file refused with {@code message}, one sentence naming the file and the line. */
    static FileSummary refused(int file, String path, String message) {
        return new FileSummary(file, path, message);
    }
}
