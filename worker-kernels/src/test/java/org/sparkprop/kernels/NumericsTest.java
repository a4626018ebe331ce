package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Where floating point bites: the fast tanh, and losses at logits far beyond where probabilities round to 0 or 1. */
class NumericsTest {

    @Test
    void fastTanhMatchesMathTanh() {
        double worst = 0;
        for (double magnitude = 1e-12; magnitude < 40; magnitude *= 1.001) {
            for (double z : new double[] {magnitude, -magnitude}) {
                worst = Math.max(worst, Math.abs(DenseNetwork.tanh(z) - Math.tanh(z)) / Math.abs(Math.tanh(z)));
            }
        }
        assertTrue(worst < 1e-13, "largest relative error " + worst);
        assertEquals(0.0, DenseNetwork.tanh(0.0));
        assertEquals(1.0, DenseNetwork.tanh(1000.0));
        assertEquals(-1.0, DenseNetwork.tanh(Double.NEGATIVE_INFINITY));
    }

    /**
     * A 2 → 2 identity layer passes x straight through as logits ±800: every probability is 0 or 1 in either
     * precision, yet the losses (from the logits) are exact and the gradients finite.
     */
    @ParameterizedTest
    @EnumSource(Precision.class)
    void crossEntropiesStayExactForHugeLogits(Precision precision) {
        // weights (column-major identity), then zero biases
        double[] params = {1, 0, 0, 1, 0, 0};
        float[] x = {800, -800};

        Topology softmax = Topology.of(new int[] {2, 2}, Activation.IDENTITY, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        // the true class is the one with logit −800: loss = log(e^800 + e^−800) + 800 = 1600
        assertLossAndFiniteGradient(Network.create(softmax, precision), params, x, new float[] {1}, 1600);

        Topology sigmoid = Topology.of(new int[] {2, 2}, Activation.IDENTITY, Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY);
        // targets (0, 1) against logits (800, −800): each output costs 800, averaged over K = 2
        assertLossAndFiniteGradient(Network.create(sigmoid, precision), params, x, new float[] {0, 1}, 800);
    }

    private static <A> void assertLossAndFiniteGradient(Network<A> net, double[] params, float[] x, float[] y, double expectedLoss) {
        A grad = net.newArray(params.length);
        Workspace ws = net.newWorkspace(1);
        double loss = net.accumulateGradient(net.toCompute(params), x, y, new int[] {0}, 0, 1, grad, ws);
        assertEquals(expectedLoss, loss, 1e-9 * expectedLoss, net.topology() + " loss");
        double[] gradient = new double[params.length];
        net.addTo(grad, gradient);
        assertTrue(Arrays.stream(gradient).allMatch(Double::isFinite), Arrays.toString(gradient));
        double[] out = new double[2];
        net.evaluate(net.toCompute(params), x, y, 0, 1, out, ws);
        assertTrue(Arrays.stream(out).allMatch(p -> p >= 0 && p <= 1), Arrays.toString(out));
    }
}
