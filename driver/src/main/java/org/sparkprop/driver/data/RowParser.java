package org.sparkprop.driver.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkprop.driver.UserException;

/**
 * Parses and validates the lines of one file, in order, into a {@link ParsedFile}. Subclasses read one format;
 * this class keeps the file's class labels and makes a row all or nothing: a row with a problem throws a
 * {@link BadRow} and leaves no trace (no values, no class label), so that the caller may skip it.
 */
abstract class RowParser {
    final ParseSettings settings;
    /** The file as messages name it. */
    final String file;
    private final Map<String, Integer> classIds = new HashMap<>();
    private final List<String> classNames = new ArrayList<>();
    private final Set<String> knownClasses;
    /** Class labels of complete rows: {@code classNames[0, committedClasses)}. */
    private int committedClasses;

    RowParser(ParseSettings settings, String file) {
        this.settings = settings;
        this.file = file;
        this.knownClasses = settings.known == null || !settings.classLabels() ? null : new HashSet<>(settings.known.classes());
    }

    /** True while the file's header (a CSV file's first non-blank line) is still to come. */
    boolean needsHeader() {
        return false;
    }

    /** Reads the header; its problems are the whole file's (plain {@link UserException}s). */
    void readHeader(String line, long lineNumber) {
        throw new IllegalStateException(getClass().getSimpleName() + " reads no header");
    }

    /**
     * Reads one non-blank line after the header; {@code lineNumber} is 1-based and counts blank lines. A row with
     * a problem throws a {@link BadRow} and adds nothing; other exceptions concern the whole file.
     */
    final void parseRow(String line, long lineNumber) {
        try {
            readRow(line, lineNumber);
        } catch (BadRow bad) {
            discardUnfinishedRow();
            for (int c = classNames.size() - 1; c >= committedClasses; c--) {
                classIds.remove(classNames.remove(c));
            }
            throw bad;
        }
        committedClasses = classNames.size();
    }

    /** Adds the row on {@code line} to the file's rows, or throws before finishing it. */
    abstract void readRow(String line, long lineNumber);

    /** Drops what a {@link #readRow} that threw added after the last complete row. */
    abstract void discardUnfinishedRow();

    /** The file's rows, as the {@code file}-th input, with the bad rows skipped. */
    abstract ParsedFile finish(int fileIndex, BadRows badRows);

    /** This file's id for class label {@code label}, checked against the training classes when known. */
    final float classId(String label, long lineNumber) {
        Integer id = classIds.get(label);
        if (id != null) {
            return id;
        }
        if (label.isEmpty()) {
            throw BadRow.at(file, lineNumber, "label is empty");
        }
        if (knownClasses != null && !knownClasses.contains(label)) {
            throw BadRow.at(file, lineNumber, "label " + Fields.quote(label) + " was not seen in training (known: "
                    + Fields.list(settings.known.classes()) + ")");
        }
        if (settings.kind == LabelKind.BINARY && classNames.size() == 2) {
            throw UserException.atLine(file, lineNumber, "binary labels take exactly 2 values; " + Fields.quote(label)
                    + " is a third after " + Fields.quote(classNames.get(0)) + " and " + Fields.quote(classNames.get(1)));
        }
        if (classNames.size() == ClassLabels.MAX_CLASSES) {
            throw UserException.atLine(file, lineNumber, ClassLabels.tooMany());
        }
        classIds.put(label, classNames.size());
        classNames.add(label);
        return classNames.size() - 1;
    }

    /** The file's class labels in the order first seen, or null when labels are not class labels or not read. */
    final List<String> classNames() {
        return settings.classLabels() && settings.readLabels ? classNames : null;
    }
}
