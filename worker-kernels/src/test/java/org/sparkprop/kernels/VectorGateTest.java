package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** When an activation leaves the scalar loops for the Vector API ({@link VectorGate}). */
class VectorGateTest {
    @Test
    void theScalarLoopsRunUntilTheirElementsPassTheThresholdThenTheVectorApiForGood() {
        VectorGate gate = new VectorGate(100, true, false);
        assertFalse(gate.vector(60));
        assertFalse(gate.vector(40), "100 elements are not past a threshold of 100");
        assertFalse(gate.vector(1), "the call that passes it still runs the scalar loop");
        assertEquals(101, gate.scalarElements());
        assertTrue(gate.vector(5));
        assertTrue(gate.vector(0));
        assertEquals(101, gate.scalarElements(), "calls on the Vector API are not counted");
    }

    @Test
    void eagerOpensAtOnceAndNoVectorApiNeverOpens() {
        VectorGate eager = new VectorGate(100, true, true);
        assertTrue(eager.vector(1));
        VectorGate never = new VectorGate(100, false, false);
        for (int i = 0; i < 1_000; i++) {
            assertFalse(never.vector(1 << 20));
        }
        VectorGate neverEvenEager = new VectorGate(0, false, true);
        assertFalse(neverEvenEager.vector(1));
    }

    @Test
    void elementsAreCountedOverAllThreads() throws Exception {
        VectorGate gate = new VectorGate(4 * 10_000, true, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                calls.add(pool.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        assertFalse(gate.vector(1));
                    }
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(40_000, gate.scalarElements(), "no increment lost between threads");
        assertFalse(gate.vector(1));
        assertTrue(gate.vector(1));
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void theBuildsTestsRunTheVectorApiFromTheFirstCall() {
        // the surefire JVM has -Dsparkprop.vectorMath=eager, so the other kernel tests exercise the Vector API
        assertTrue(ElementMath.EAGER, ElementMath.description());
        assertTrue(new VectorGate(VectorGate.EXPONENTIAL_ELEMENTS).vector(1));
    }
}
