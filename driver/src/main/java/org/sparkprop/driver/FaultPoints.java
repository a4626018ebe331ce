package org.sparkprop.driver;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points in sparkprop's writes where a test can make the process wait, so that it can kill the process
 * exactly there: {@code -Dsparkprop.pause.<point>=<milliseconds>}. Without the property nothing happens.
 * Points: {@code checkpoint-manifest} (a checkpoint's data files written, its manifest not yet),
 * {@code version-files} (a new version's model written, its VERSION.json not yet), {@code pointer-move} (the
 * version complete, the current pointer not yet moved), {@code run-record} (the pointer moved, the run record
 * not yet written).
 */
public final class FaultPoints {
    private static final Logger LOG = LoggerFactory.getLogger("org.sparkprop");

    private FaultPoints() {
    }

    public static void pause(String point) {
        long millis = Long.getLong("sparkprop.pause." + point, 0);
        if (millis <= 0) {
            return;
        }
        LOG.warn("fault point {}: pausing {} ms", point, millis);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A planned failure, for tests that make a task fail (the caller decides when; see its fault point). */
    public static void fail(String where) {
        LOG.warn("fault point: failing in {} as planned", where);
        throw new IllegalStateException("fault point: a planned failure in " + where);
    }
}
