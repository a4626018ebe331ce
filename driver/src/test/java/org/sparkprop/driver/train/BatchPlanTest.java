package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

    @Test
    void everyStepButTheLastHasExactlyTheBatchSizeAndEveryRowIsUsedOnce() {
        int[][] layouts = {{150}, {75, 75}, {22, 21, 21, 22, 21, 22, 21}, {0, 10, 3, 0, 97}, {1, 1, 1, 1, 1, 1, 4}};
        for (int[] rows : layouts) {
            for (int batch : new int[] {1, 7, 32, 64, 150, 1000}) {
                BatchPlan plan = BatchPlan.of(rows, batch);
                int total = Arrays.stream(rows).sum();
                assertEquals((total + batch - 1) / batch, plan.steps());
                for (int p = 0; p < rows.length; p++) {
                    assertEquals(0, plan.start(0, p));
                    assertEquals(rows[p], plan.start(plan.steps(), p), "partition " + p + " is used up by the end of the epoch");
                }
                for (int t = 0; t < plan.steps(); t++) {
                    int size = 0;
                    for (int p = 0; p < rows.length; p++) {
                        int share = plan.start(t + 1, p) - plan.start(t, p);
                        assertTrue(share >= 0);
                        size += share;
                    }
                    int expected = t < plan.steps() - 1 ? batch : total - (plan.steps() - 1) * batch;
                    assertEquals(expected, size, "step " + t + " of " + Arrays.toString(rows) + " batch " + batch);
                }
            }
        }
    }

    @Test
    void sharesFollowPartitionSizes() {
        BatchPlan plan = BatchPlan.of(new int[] {300, 100}, 40);
        for (int t = 0; t < plan.steps(); t++) {
            assertEquals(30, plan.start(t + 1, 0) - plan.start(t, 0));
            assertEquals(10, plan.start(t + 1, 1) - plan.start(t, 1));
        }
        assertEquals(30, plan.largestShare());
        assertArrayEquals(new int[] {30, 10}, plan.starts(1));
    }

    @Test
    void refusesNoRowsAndBadBatchSizes() {
        assertThrows(IllegalArgumentException.class, () -> BatchPlan.of(new int[] {0, 0}, 10));
        assertThrows(IllegalArgumentException.class, () -> BatchPlan.of(new int[] {10}, 0));
    }

    @Test
    void epochOrderDependsOnSeedEpochAndPartitionOnly() {
        int[] a = EpochOrder.shuffle(42, 3, 1, 100);
        assertArrayEquals(a, EpochOrder.shuffle(42, 3, 1, 100));
        assertArrayEquals(a, EpochOrder.of(42, 3, 1, 100));
        assertNotEquals(Arrays.toString(a), Arrays.toString(EpochOrder.shuffle(42, 4, 1, 100)));
        assertNotEquals(Arrays.toString(a), Arrays.toString(EpochOrder.shuffle(42, 3, 2, 100)));
        assertNotEquals(Arrays.toString(a), Arrays.toString(EpochOrder.shuffle(43, 3, 1, 100)));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i], "a permutation");
        }
    }
}
