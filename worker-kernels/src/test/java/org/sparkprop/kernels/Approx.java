package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one way tests compare numbers: relative error |a − e| / max(|a| + |e|, floor). The floor turns the
 * comparison into an absolute one (tolerance × floor) for values near zero, where a relative error means
 * nothing.
 */
final class Approx {
    /** Double-precision kernels against an independent double computation. */
    static final double DOUBLE_TOLERANCE = 1e-6;
    /** Single-precision kernels against an independent double computation. */
    static final double FLOAT_TOLERANCE = 1e-4;
    /** Below this magnitude errors are judged absolutely. */
    static final double FLOOR = 1e-3;

    private Approx() {
    }

    static double relativeError(double actual, double expected, double floor) {
        return Math.abs(actual - expected) / Math.max(Math.abs(actual) + Math.abs(expected), floor);
    }

    static double tolerance(Precision precision) {
        return precision == Precision.DOUBLE ? DOUBLE_TOLERANCE : FLOAT_TOLERANCE;
    }

    static void assertClose(String what, double expected, double actual, double tolerance) {
        double error = relativeError(actual, expected, FLOOR);
        if (!(error <= tolerance)) {
            fail(what + ": expected " + expected + ", got " + actual + " (relative error " + error + " > " + tolerance + ")");
        }
    }

    static void assertAllClose(String what, double[] expected, double[] actual, double tolerance) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            assertClose(what + "[" + i + "]", expected[i], actual[i], tolerance);
        }
    }
}
