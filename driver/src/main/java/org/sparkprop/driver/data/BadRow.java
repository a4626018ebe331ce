package org.sparkprop.driver.data;

import org.sparkprop.driver.UserException;

/**
 * A problem with one row of an input file, which a {@link BadRowPolicy} may skip: its message is
 * {@code file:line: problem}. Problems with a whole file (it cannot be read, its CSV header) are plain
 * {@link UserException}s and always stop the run. It never leaves the file's task: one that stops the run leaves
 * as a plain UserException, which the driver recognises even when only its text comes back.
 */
final class BadRow extends UserException {
    private static final long serialVersionUID = 1L;

    private BadRow(String message) {
        super(message);
    }

    /** The problem {@code problem} of line {@code line} (1-based) of {@code file}. */
    static BadRow at(String file, long line, String problem) {
        return new BadRow(file + ":" + line + ": " + problem);
    }
}
