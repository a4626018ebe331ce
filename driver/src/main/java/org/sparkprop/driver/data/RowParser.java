package org.sparkprop.driver.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkprop.driver.UserException;

/**
 * Parses and validates the non-blank lines of one file, in order, into a {@link ParsedFile}. Subclasses read one
 * format; this class keeps the file's class labels.
 */
abstract class RowParser {
    final ParseSettings settings;
    /** The file as messages name it. */
    final String file;
    private final Map<String, Integer> classIds = new HashMap<>();
    private final List<String> classNames = new ArrayList<>();
    private final Set<String> knownClasses;

    RowParser(ParseSettings settings, String file) {
        this.settings = settings;
        this.file = file;
        this.knownClasses = settings.known == null || !settings.classLabels() ? null : new HashSet<>(settings.known.classes());
    }

    /** Reads one non-blank line; {@code lineNumber} is 1-based and counts blank lines. */
    abstract void parseLine(String line, long lineNumber);

    /** The file's rows, as the {@code file}-th input. */
    abstract ParsedFile finish(int fileIndex);

    /** This file's id for class label {@code label}, checked against the training classes when known. */
    final float classId(String label, long lineNumber) {
        Integer id = classIds.get(label);
        if (id != null) {
            return id;
        }
        if (label.isEmpty()) {
            throw UserException.atLine(file, lineNumber, "label is empty");
        }
        if (knownClasses != null && !knownClasses.contains(label)) {
            throw UserException.atLine(file, lineNumber, "label " + Fields.quote(label) + " was not seen in training (known: "
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
