package org.sparkprop.driver.train;

import org.sparkprop.driver.Chunks;
import org.sparkprop.kernels.Network;

/**
 * Casts the driver's double weights into a compute-type array that an exchange keeps between steps: all of them the
 * first time, then only the elements that changed since (where the caller knows them: {@code lazy-adam} changes only
 * the first-layer columns a step touched), split over the driver's threads ({@link Chunks}).
 */
final class WeightsCast {
    private final Network<Object> network;
    private boolean first = true;

    WeightsCast(Network<Object> network) {
        this.network = network;
    }

    /**
     * @param weights Not modified
     * @param changed the elements changed since the previous call, or null for all
     * @param target  Modified
     */
    void into(double[] weights, Chunks.Cover changed, Object target) {
        Chunks.Cover cover = first || changed == null ? Chunks.all(weights.length) : changed;
        cover.forEach((chunk, from, to) -> network.castInto(weights, target, from, to));
        first = false;
    }
}
