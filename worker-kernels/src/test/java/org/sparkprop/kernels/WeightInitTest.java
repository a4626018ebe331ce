package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WeightInitTest {
    /** 400 → 300 with He (ReLU), then 300 → 200 with Xavier (tanh), then 200 → 10 with Xavier (softmax). */
    private static final Topology TOPOLOGY = new Topology(new int[] {400, 300, 200, 10},
            new Activation[] {Activation.RELU, Activation.TANH, Activation.SOFTMAX}, Loss.SOFTMAX_CROSS_ENTROPY);

    @Test
    void theSameSeedGivesTheSameParametersAndAnotherSeedOthers() {
        double[] first = initialized(7);
        double[] again = new double[first.length];
        Arrays.fill(again, 99);
        WeightInit.initialize(TOPOLOGY, 7, again);
        assertArrayEquals(first, again, 0.0);

        double[] other = initialized(8);
        int equal = 0;
        for (int i = 0; i < TOPOLOGY.biasOffset(0); i++) {
            if (first[i] == other[i]) {
                equal++;
            }
        }
        assertEquals(0, equal, "weights equal between seeds 7 and 8");
    }

    @Test
    void reluLayersAreHeNormal() {
        double[] params = initialized(1);
        int in = 400;
        double[] moments = moments(params, TOPOLOGY.weightOffset(0), TOPOLOGY.biasOffset(0));
        double std = Math.sqrt(2.0 / in);
        // 120,000 draws: the sample mean's std is std/346, the sample std's about std/490
        assertEquals(0, moments[0], 5 * std / 346, "mean");
        assertEquals(std, moments[1], 5 * std / 490, "standard deviation");
        double beyondTwoStd = fractionBeyond(params, TOPOLOGY.weightOffset(0), TOPOLOGY.biasOffset(0), 2 * std);
        assertEquals(0.0455, beyondTwoStd, 0.003, "share beyond 2 std (normal: 4.55 %)");
    }

    @Test
    void otherLayersAreXavierUniform() {
        double[] params = initialized(1);
        for (int l = 1; l < TOPOLOGY.layers(); l++) {
            int start = TOPOLOGY.weightOffset(l);
            int end = TOPOLOGY.biasOffset(l);
            double limit = Math.sqrt(6.0 / (TOPOLOGY.size(l) + TOPOLOGY.size(l + 1)));
            double max = 0;
            for (int i = start; i < end; i++) {
                max = Math.max(max, Math.abs(params[i]));
            }
            assertTrue(max <= limit, "layer " + l + ": |w| = " + max + " beyond " + limit);
            assertTrue(max > 0.99 * limit, "layer " + l + ": largest |w| " + max + " far inside " + limit);
            double[] moments = moments(params, start, end);
            int n = end - start;
            double std = limit / Math.sqrt(3);
            assertEquals(0, moments[0], 5 * std / Math.sqrt(n), "layer " + l + " mean");
            assertEquals(std, moments[1], 0.03 * std, "layer " + l + " standard deviation (uniform: limit/√3)");
        }
    }

    @Test
    void biasesAreZero() {
        double[] params = new double[TOPOLOGY.parameterCount()];
        Arrays.fill(params, 5);
        WeightInit.initialize(TOPOLOGY, 3, params);
        for (int l = 0; l < TOPOLOGY.layers(); l++) {
            for (int i = TOPOLOGY.biasOffset(l); i < TOPOLOGY.biasOffset(l) + TOPOLOGY.size(l + 1); i++) {
                assertEquals(0.0, params[i], "bias " + i);
            }
            assertFalse(params[TOPOLOGY.weightOffset(l)] == 5, "weights of layer " + l + " written");
        }
    }

    @Test
    void aWrongLengthIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightInit.initialize(TOPOLOGY, 1, new double[10]));
        assertTrue(e.getMessage().startsWith("WeightInit.initialize: params"), e.getMessage());
    }

    private static double[] initialized(long seed) {
        double[] params = new double[TOPOLOGY.parameterCount()];
        WeightInit.initialize(TOPOLOGY, seed, params);
        return params;
    }

    /** {mean, standard deviation} of params[start .. end). */
    private static double[] moments(double[] params, int start, int end) {
        double sum = 0;
        double sumSquares = 0;
        for (int i = start; i < end; i++) {
            sum += params[i];
            sumSquares += params[i] * params[i];
        }
        int n = end - start;
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(sumSquares / n - mean * mean)};
    }

    private static double fractionBeyond(double[] params, int start, int end, double bound) {
        int count = 0;
        for (int i = start; i < end; i++) {
            if (Math.abs(params[i]) > bound) {
                count++;
            }
        }
        return (double) count / (end - start);
    }
}
