package org.sparkprop.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunksTest {
    @Test
    void everyElementIsVisitedExactlyOnce() {
        for (int n : new int[] {0, 1, Chunks.SIZE, Chunks.PARALLEL_FROM * Chunks.SIZE - 1, Chunks.PARALLEL_FROM * Chunks.SIZE,
                5 * Chunks.SIZE + 7}) {
            AtomicIntegerArray visits = new AtomicIntegerArray(n);
            Chunks.forEach(n, (from, to) -> {
                assertTrue(0 <= from && from <= to && to <= n, from + ".." + to + " of " + n);
                for (int i = from; i < to; i++) {
                    visits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, visits.get(i), "element " + i + " of " + n);
            }
        }
    }

    @Test
    void smallArraysStayOnTheCallingThreadAndLargeOnesAreSplitIntoFixedChunks() {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Set<Integer> starts = ConcurrentHashMap.newKeySet();
        Chunks.forEach((Chunks.PARALLEL_FROM - 1) * Chunks.SIZE, (from, to) -> {
            threads.add(Thread.currentThread());
            starts.add(from);
        });
        assertEquals(Set.of(Thread.currentThread()), threads);
        assertEquals(IntStream.range(0, Chunks.PARALLEL_FROM - 1).map(c -> c * Chunks.SIZE).boxed().collect(Collectors.toSet()), starts,
                "the same fixed chunks, in order on the calling thread");
        starts.clear();
        Chunks.forEach((Chunks.PARALLEL_FROM + 1) * Chunks.SIZE + 7, (from, to) -> starts.add(from));
        assertEquals(IntStream.rangeClosed(0, Chunks.PARALLEL_FROM + 1).map(c -> c * Chunks.SIZE).boxed().collect(Collectors.toSet()), starts);
    }
}
