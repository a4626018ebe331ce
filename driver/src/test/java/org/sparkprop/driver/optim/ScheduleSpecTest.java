package org.sparkprop.driver.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ScheduleSpecTest {

    private static final double TOLERANCE = 1e-12;
    private static final long TOTAL = 1000;
    private static final long PER_EPOCH = 50;

    @Test
    void parseAcceptsEveryName() {
        for (ScheduleKind k : ScheduleKind.values()) {
            assertEquals(k, ScheduleKind.parse(k.id().toUpperCase()));
        }
        assertEquals(ScheduleKind.COSINE, ScheduleKind.parse("cosine"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScheduleKind.parse("linear"));
        assertTrue(e.getMessage().contains("'linear'") && e.getMessage().contains("cosine"), e.getMessage());
    }

    @Test
    void warmupRampsLinearlyToTheBaseRate() {
        for (ScheduleSpec spec : new ScheduleSpec[] {ScheduleSpec.constant(0.2).withWarmup(4), ScheduleSpec.step(0.2, 3, 0.5).withWarmup(4),
                ScheduleSpec.exponential(0.2, 0.9).withWarmup(4), ScheduleSpec.cosine(0.2, 0.01).withWarmup(4)}) {
            assertEquals(0.05, spec.rate(0, TOTAL, PER_EPOCH), TOLERANCE, spec.toString());
            assertEquals(0.10, spec.rate(1, TOTAL, PER_EPOCH), TOLERANCE, spec.toString());
            assertEquals(0.15, spec.rate(2, TOTAL, PER_EPOCH), TOLERANCE, spec.toString());
            assertEquals(0.20, spec.rate(3, TOTAL, PER_EPOCH), TOLERANCE, spec.toString());
            assertEquals(0.20, spec.rate(4, TOTAL, PER_EPOCH), TOLERANCE, "the schedule proper starts at baseRate: " + spec);
        }
        assertEquals(0.2, ScheduleSpec.constant(0.2).withWarmup(4).rate(999, TOTAL, PER_EPOCH), TOLERANCE);
    }

    @Test
    void stepDecaysAtTheBoundaries() {
        ScheduleSpec spec = ScheduleSpec.step(0.1, 2, 0.5).withWarmup(3);
        long every = 2 * PER_EPOCH;
        assertEquals(0.1, spec.rate(3, TOTAL, PER_EPOCH), TOLERANCE);
        assertEquals(0.1, spec.rate(3 + every - 1, TOTAL, PER_EPOCH), TOLERANCE);
        assertEquals(0.05, spec.rate(3 + every, TOTAL, PER_EPOCH), TOLERANCE);
        assertEquals(0.05, spec.rate(3 + 2 * every - 1, TOTAL, PER_EPOCH), TOLERANCE);
        assertEquals(0.025, spec.rate(3 + 2 * every, TOTAL, PER_EPOCH), TOLERANCE);
    }

    @Test
    void exponentialDecaysByGammaPerEpoch() {
        ScheduleSpec spec = ScheduleSpec.exponential(0.1, 0.8);
        for (int epoch = 0; epoch < 5; epoch++) {
            assertEquals(0.1 * Math.pow(0.8, epoch), spec.rate(epoch * PER_EPOCH, TOTAL, PER_EPOCH), TOLERANCE);
        }
        assertEquals(0.1 * Math.sqrt(0.8), spec.rate(PER_EPOCH / 2, TOTAL, PER_EPOCH), TOLERANCE, "smooth within an epoch");
        assertStrictlyDecreasing(spec, 0, TOTAL);
    }

    @Test
    void cosineAnnealsFromBaseToMinRate() {
        long warmup = 100;
        ScheduleSpec spec = ScheduleSpec.cosine(0.1, 0.001).withWarmup(warmup);
        assertEquals(0.1, spec.rate(warmup, TOTAL, PER_EPOCH), TOLERANCE);
        assertEquals((0.1 + 0.001) / 2, spec.rate(warmup + (TOTAL - warmup) / 2, TOTAL, PER_EPOCH), TOLERANCE);
        assertEquals(0.001, spec.rate(TOTAL, TOTAL, PER_EPOCH), TOLERANCE);
        assertEquals(0.001, spec.rate(TOTAL + 500, TOTAL, PER_EPOCH), TOLERANCE, "stays at minRate past the end");
        double last = spec.rate(TOTAL - 1, TOTAL, PER_EPOCH);
        assertTrue(last > 0.001 && last < 0.001 + 1e-5, "the last step is just above minRate: " + last);
        assertStrictlyDecreasing(spec, warmup, TOTAL);
        ScheduleSpec toZero = ScheduleSpec.cosine(0.1, 0);
        long huge = 1L << 40;
        assertTrue(toZero.rate(huge - 1, huge, PER_EPOCH) > 0, "a usable rate even at the last of very many steps");
    }

    private static void assertStrictlyDecreasing(ScheduleSpec spec, long from, long to) {
        double previous = spec.rate(from, TOTAL, PER_EPOCH);
        for (long s = from + 1; s <= to; s++) {
            double rate = spec.rate(s, TOTAL, PER_EPOCH);
            assertTrue(rate < previous, spec + " at step " + s + ": " + rate + " after " + previous);
            previous = rate;
        }
    }

    @Test
    void validationNamesTheParameterAndValue() {
        rejects("baseRate", "0.0", () -> ScheduleSpec.constant(0));
        rejects("baseRate", "NaN", () -> ScheduleSpec.constant(Double.NaN));
        rejects("baseRate", "Infinity", () -> ScheduleSpec.constant(Double.POSITIVE_INFINITY));
        rejects("warmupSteps", "-1", () -> ScheduleSpec.constant(0.1).withWarmup(-1));
        rejects("stepSize", "0", () -> ScheduleSpec.step(0.1, 0, 0.5));
        rejects("gamma", "0.0", () -> ScheduleSpec.step(0.1, 10, 0));
        rejects("gamma", "1.5", () -> ScheduleSpec.exponential(0.1, 1.5));
        rejects("minRate", "0.2", () -> ScheduleSpec.cosine(0.1, 0.2));
        rejects("minRate", "-0.1", () -> ScheduleSpec.cosine(0.1, -0.1));
        rejects("kind", "", () -> new ScheduleSpec(null, 0.1, 0, 1, 1, 0));
        ScheduleSpec cosine = ScheduleSpec.cosine(0.1, 0).withWarmup(10);
        rejects("step", "-1", () -> ScheduleSpec.constant(0.1).rate(-1, TOTAL, PER_EPOCH));
        rejects("totalSteps", "0", () -> ScheduleSpec.constant(0.1).rate(0, 0, PER_EPOCH));
        rejects("stepsPerEpoch", "0", () -> ScheduleSpec.exponential(0.1, 0.9).rate(0, TOTAL, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cosine.rate(0, 10, PER_EPOCH));
        assertTrue(e.getMessage().contains("totalSteps (10)") && e.getMessage().contains("warmupSteps (10)"), e.getMessage());
    }

    private static void rejects(String parameter, String value, Supplier<Object> make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
        assertTrue(e.getMessage().startsWith(parameter + " ") && e.getMessage().contains(value), e.getMessage());
    }
}
