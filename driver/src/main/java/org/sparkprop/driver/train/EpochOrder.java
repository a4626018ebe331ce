package org.sparkprop.driver.train;

import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The order in which a partition's rows are used in an epoch: a permutation that is a function of
 * (seed, epoch, partition, rows) only, never of time or of the task attempt, so a retried task recomputes
 * the same gradient and runs repeat to the bit.
 */
public final class EpochOrder {
    private record Key(long seed, int partition, int rows) {
    }

    private record Order(int epoch, int[] permutation) {
    }

    /** The latest epoch's order per (seed, partition, size) on this executor; bounded, cleared when large. */
    private static final ConcurrentHashMap<Key, Order> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 4096;

    private EpochOrder() {
    }

    /** The permutation of [0, rows) for this (seed, epoch, partition). Shared: callers must not modify it. */
    public static int[] of(long seed, int epoch, int partition, int rows) {
        Key key = new Key(seed, partition, rows);
        Order cached = CACHE.get(key);
        if (cached != null && cached.epoch == epoch) {
            return cached.permutation;
        }
        int[] permutation = shuffle(seed, epoch, partition, rows);
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(key, new Order(epoch, permutation));
        return permutation;
    }

    /** Fisher–Yates with a generator seeded from (seed, epoch, partition). */
    static int[] shuffle(long seed, int epoch, int partition, int rows) {
        long mixed = seed;
        mixed = mixed * 0x9E3779B97F4A7C15L + epoch;
        mixed = mixed * 0x9E3779B97F4A7C15L + partition;
        SplittableRandom random = new SplittableRandom(mixed);
        int[] permutation = new int[rows];
        for (int i = 0; i < rows; i++) {
            permutation[i] = i;
        }
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = permutation[i];
            permutation[i] = permutation[j];
            permutation[j] = swap;
        }
        return permutation;
    }
}
