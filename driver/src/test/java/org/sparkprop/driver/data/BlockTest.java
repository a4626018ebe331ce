package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The block's own checks, and its sums of row weights. */
class BlockTest {
    private static final float[] FEATURES = {1, 2, 3, 4, 5, 6};
    private static final float[] TARGETS = {0, 1, 0};

    @Test
    void withoutWeightsEveryRowCountsOnce() {
        Block block = new Block(3, 2, 1, FEATURES, TARGETS);
        assertNull(block.weights);
        assertEquals(2.0, block.weightSum(new int[] {2, 0, 1}, 1, 3));
        assertEquals(3.0, block.weightSum(0, 3));
        assertNull(Block.empty(2, 1).weights);
    }

    @Test
    void weightsAreSummedInTheOrderGiven() {
        Block block = new Block(3, 2, 1, FEATURES, TARGETS, new float[] {0.5f, 0f, 2f});
        assertEquals(2.5, block.weightSum(new int[] {2, 0, 1}, 0, 2));
        assertEquals(2.0, block.weightSum(1, 2));
    }

    @Test
    void weightsMustBeOnePerRowFiniteAndNotNegative() {
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> new Block(3, 2, 1, FEATURES, TARGETS, new float[2]));
        assertEquals("block of 3 rows cannot hold 2 weights", length.getMessage());
        for (float bad : new float[] {-0.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Block(3, 2, 1, FEATURES, TARGETS, new float[] {1f, bad, 1f}));
            assertTrue(e.getMessage().startsWith("weight of row 1 of the block is " + bad), e.getMessage());
        }
    }
}
