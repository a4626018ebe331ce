package org.sparkprop.driver.data;

import org.sparkprop.driver.UserException;

/** Capacity growth of {@link FloatList} and {@link IntList}: doubling, up to the largest Java array. */
final class Growth {
    /** The largest array length the JVM reliably allocates. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private Growth() {
    }

    static int next(int length) {
        if (length >= MAX_LENGTH) {
            throw new UserException("one input file holds more than " + MAX_LENGTH
                    + " values, more than one Spark task can pack; split it into several files");
        }
        return (int) Math.min(MAX_LENGTH, 2L * length);
    }
}
