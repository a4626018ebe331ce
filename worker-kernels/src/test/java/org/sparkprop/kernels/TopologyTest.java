package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The parameter count and its limit: the layout every flat weight array follows. */
class TopologyTest {

    @Test
    void parameterCountIsWeightsAndBiasesOfEveryLayer() {
        Topology topology = Topology.of(new int[] {4, 5, 3}, Activation.TANH, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        // (5·4 + 5) + (3·5 + 3)
        assertEquals(43, topology.parameterCount());
        assertEquals(25, topology.weightOffset(1));
        assertEquals(40, topology.biasOffset(1));
    }

    @Test
    void aNetworkAtTheLimitIsAcceptedAndOneParameterMoreIsRefused() {
        // 1 input, n outputs: 2n parameters; 2^29 outputs make exactly 2^30
        int atLimit = (int) (Topology.MAX_PARAMETERS / 2);
        assertEquals(Topology.MAX_PARAMETERS, mse(1, atLimit).parameterCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mse(1, atLimit, 1));
        assertEquals("the network [1, 536870912, 1] has 1610612737 parameters; at most 1073741824 are supported", e.getMessage());
    }

    /**
     * Five layers of 2^31 − 1: each layer alone has about 2^62 parameters, and the four together 2^64, which
     * wraps a long around to a small number. The count stops at the first layer past the limit instead.
     */
    @Test
    void hugeLayersDoNotOverflowTheCountIntoAcceptance() {
        int[] sizes = new int[5];
        Arrays.fill(sizes, Integer.MAX_VALUE);
        long wrapped = 0;
        for (int l = 1; l < sizes.length; l++) {
            wrapped += (long) sizes[l - 1] * sizes[l] + sizes[l];
        }
        assertTrue(wrapped <= Topology.MAX_PARAMETERS, "the plain sum wraps below the limit: " + wrapped);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mse(sizes));
        long firstLayer = (long) Integer.MAX_VALUE * Integer.MAX_VALUE + Integer.MAX_VALUE;
        assertEquals("the network [2147483647, 2147483647, 2147483647, 2147483647, 2147483647] has at least "
                + firstLayer + " parameters; at most 1073741824 are supported", e.getMessage());
    }

    @Test
    void aLongListOfSizesIsNotSpelledOutInTheMessage() {
        int[] sizes = new int[1000];
        Arrays.fill(sizes, 65536);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mse(sizes));
        assertEquals("the network of 1000 layer sizes has at least " + (65536L * 65536 + 65536) + " parameters;"
                + " at most 1073741824 are supported", e.getMessage());
    }

    @Test
    void aSizeBelowOneIsRefusedWhereverItIs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mse(Integer.MAX_VALUE, Integer.MAX_VALUE, 0));
        assertEquals("layer 2 has size 0; sizes must be at least 1", e.getMessage());
    }

    private static Topology mse(int... sizes) {
        return Topology.of(sizes, Activation.RELU, Activation.IDENTITY, Loss.MSE);
    }
}
