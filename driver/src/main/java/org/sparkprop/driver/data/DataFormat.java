package org.sparkprop.driver.data;

import java.util.Locale;
import org.sparkprop.driver.UserException;

/**
 * The text formats rows are read from.
 * <ul>
 *   <li>{@link #LIBSVM}: one row per line, {@code label idx:val idx:val ...}, indices 1-based and increasing,
 *       missing indices are 0, {@code #} starts a comment that runs to the end of the line. The label is a class
 *       name (any text without spaces or ':') for classes, a number for regression, and for multi-label a comma list
 *       of 0-based label indices, {@code 0,3 1:0.5}, or nothing (the line starts with a feature).</li>
 *   <li>{@link #CSV}: a header row of column names, then one row per line, comma-separated, fields optionally in
 *       double quotes ({@code ""} inside quotes is a quote). Label columns are chosen by name or 0-based index
 *       (default: the last column); a class label is any text, a regression label a number, and each multi-label
 *       column 0 or 1.</li>
 * </ul>
 * Blank lines are skipped but counted, so messages give true line numbers. Features must be finite numbers.
 */
public enum DataFormat {
    LIBSVM,
    CSV;

    /** The format named {@code name} ("libsvm", "svmlight" or "csv", any case); a user error otherwise. */
    public static DataFormat parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "libsvm", "svmlight" -> LIBSVM;
            case "csv" -> CSV;
            default -> throw new UserException("unknown data format '" + name + "'; expected libsvm or csv");
        };
    }

    /** The name {@link #parse} reads back: "libsvm" or "csv". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
