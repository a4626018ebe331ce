package org.sparkprop.driver.data;

import java.io.Serializable;
import org.sparkprop.driver.UserException;

/**
 * What to do with a malformed row (a wrong field count, a value that is not a finite number, an index out of order
 * or range, a bad label, a line that is not text): by default ({@link #STOP_AT_FIRST}) the first one stops the run
 * with its {@code file:line: problem}; otherwise bad rows are skipped and counted, and the run stops once the count
 * is over either limit. Problems with a whole file (unreadable, wrongly compressed, a bad CSV header) always stop
 * the run.
 *
 * <p>Limits hold over all files of one input: with B bad rows among R rows read (good and bad; blank lines,
 * comments and headers are not rows), the input is refused when {@code B > maxBadRows} or
 * {@code B > maxBadFraction · R}. The count limit is also checked within each file's task as it reads, so a task
 * stops early once its own file is over it. A limit of 0 allows no bad row, and then none is skipped.
 *
 * @param maxBadRows     most bad rows skipped, at least 0; {@link Long#MAX_VALUE} for no count limit
 * @param maxBadFraction most bad rows as a fraction of all rows read, in [0, 1]; 1 for no fraction limit
 */
public record BadRowPolicy(long maxBadRows, double maxBadFraction) implements Serializable {
    /** The default: no bad row is skipped; the first stops the run. */
    public static final BadRowPolicy STOP_AT_FIRST = new BadRowPolicy(0, 0);

    public BadRowPolicy {
        if (maxBadRows < 0) {
            throw new UserException("--max-bad-rows must be at least 0, got " + maxBadRows);
        }
        if (!(maxBadFraction >= 0 && maxBadFraction <= 1)) {
            throw new UserException("--max-bad-fraction must be between 0 and 1, got " + maxBadFraction);
        }
    }

    /**
     * The policy of the command-line flags {@code --max-bad-rows} and {@code --max-bad-fraction}, each null when
     * not given: neither given is {@link #STOP_AT_FIRST}; one given limits only what it names; both, both.
     */
    public static BadRowPolicy of(Long maxBadRows, Double maxBadFraction) {
        if (maxBadRows == null && maxBadFraction == null) {
            return STOP_AT_FIRST;
        }
        return new BadRowPolicy(maxBadRows != null ? maxBadRows : Long.MAX_VALUE, maxBadFraction != null ? maxBadFraction : 1);
    }

    /** True when bad rows are skipped and counted; false when the first one stops the run. */
    public boolean skips() {
        return maxBadRows > 0 && maxBadFraction > 0;
    }

    /** True when {@code badRows} is over the count limit, whatever the rows read. */
    boolean overCount(long badRows) {
        return badRows > maxBadRows;
    }

    /** True when {@code badRows} bad rows among {@code rowsRead} rows read (good and bad) are over either limit. */
    boolean over(long badRows, long rowsRead) {
        return overCount(badRows) || badRows > maxBadFraction * rowsRead;
    }

    /** The limits as the flags that set them, for messages: "--max-bad-rows 10, --max-bad-fraction 0.01". */
    String flags() {
        String rows = maxBadRows == Long.MAX_VALUE ? null : "--max-bad-rows " + maxBadRows;
        String fraction = maxBadFraction == 1 ? null : "--max-bad-fraction " + maxBadFraction;
        if (rows != null && fraction != null) {
            return rows + ", " + fraction;
        }
        return rows != null ? rows : fraction != null ? fraction : "no limit";
    }
}
