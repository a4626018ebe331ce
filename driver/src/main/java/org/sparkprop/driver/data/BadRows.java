package org.sparkprop.driver.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.driver.UserException;

/**
 * Bad rows skipped under a {@link BadRowPolicy}: how many, and the messages ({@code file:line: problem}) of the
 * first {@value #SHOWN} in input order. One per file in its task, where {@link #add} stops the task once the file
 * alone is over the count limit; then merged on the driver, where {@link #check} applies both limits to the input.
 */
final class BadRows {
    /** Bad rows a message or log line quotes. */
    static final int SHOWN = 5;
    private static final Logger LOG = LoggerFactory.getLogger("org.sparkprop");

    private final BadRowPolicy policy;
    private long count;
    private final List<String> first = new ArrayList<>(SHOWN);

    BadRows(BadRowPolicy policy) {
        this.policy = policy;
    }

    /**
     * Counts {@code bad}, found while reading {@code file}, or rethrows it when the policy skips no row; a user
     * error once the file's count is over the policy's count limit.
     */
    void add(BadRow bad, String file, long lineNumber) {
        if (!policy.skips()) {
            throw bad;
        }
        record(1, List.of(bad.getMessage()));
        if (policy.overCount(count)) {
            throw new UserException("too many bad rows in " + file + ": " + count + " by line " + lineNumber
                    + ", over --max-bad-rows " + policy.maxBadRows() + " (first: " + String.join("; ", first) + ")");
        }
    }

    /** Adds the bad rows one file's task counted (its summary's). */
    void addAll(FileSummary file) {
        record(file.badRows, List.of(file.firstBadRows));
    }

    long count() {
        return count;
    }

    /** The messages of the first bad rows, at most {@value #SHOWN}. */
    List<String> first() {
        return List.copyOf(first);
    }

    private void record(long rows, List<String> messages) {
        count += rows;
        for (String m : messages) {
            if (first.size() < SHOWN) {
                first.add(m);
            }
        }
    }

    /**
     * The bad rows of all {@code files} of {@code input} (in input order), after checking them against the policy:
     * a user error when a file was refused (the first in input order) or when over either limit; otherwise, when
     * there are any, a warning on the "org.sparkprop" log.
     */
    static BadRows check(String input, BadRowPolicy policy, List<FileSummary> files) {
        for (FileSummary f : files) {
            if (f.refusal != null) {
                throw new UserException(f.refusal);
            }
        }
        BadRows bad = new BadRows(policy);
        long good = 0;
        for (FileSummary f : files) {
            bad.addAll(f);
            good += f.rows;
        }
        if (bad.count == 0) {
            return bad;
        }
        long read = good + bad.count;
        String counted = String.format(Locale.ROOT, "%d bad row%s of %d read (%.2f%%)", bad.count, bad.count == 1 ? "" : "s", read,
                100.0 * bad.count / read);
        if (policy.over(bad.count, read)) {
            throw new UserException("too many bad rows in " + input + ": " + counted + ", over " + policy.flags()
                    + " (first: " + String.join("; ", bad.first) + ")");
        }
        LOG.warn("skipped {} in {} (first: {})", counted, input, String.join("; ", bad.first));
        return bad;
    }
}
