package org.sparkprop.kernels;

import java.util.SplittableRandom;

/**
 * Initial parameters, a function of the topology and the seed alone.
 * <ul>
 *   <li>Layers with a ReLU-like activation: He et al. 2015, "Delving Deep into Rectifiers", weights normal with
 *       mean 0 and standard deviation sqrt(2 / in).</li>
 *   <li>Every other layer: Glorot and Bengio 2010, "Understanding the difficulty of training deep feedforward
 *       neural networks", weights uniform in ±sqrt(6 / (in + out)).</li>
 *   <li>Biases 0.</li>
 * </ul>
 * One {@link SplittableRandom} seeded with the seed draws the weights layer by layer, each layer's weights in
 * storage order (the order of {@link Topology}'s flat layout). A uniform weight takes one {@code nextDouble()};
 * normal weights come in pairs from the Box–Muller transform of two {@code nextDouble()} draws (u1, u2):
 * sqrt(−2 ln(1 − u1))·cos(2π u2), then the same with sin (the sin value is dropped at the end of an odd-sized
 * layer). Both algorithms are fixed here and use {@link StrictMath}, so parameters are bit-for-bit the same on every
 * JVM and machine.
 */
public final class WeightInit {

    private WeightInit() {
    }

    /** Writes the initial parameters into params ({@link Topology#parameterCount()} long). Modified: params. */
    public static void initialize(Topology topology, long seed, double[] params) {
        if (topology == null) {
            throw new IllegalArgumentException("WeightInit.initialize: topology is required");
        }
        if (params == null || params.length != topology.parameterCount()) {
            throw new IllegalArgumentException("WeightInit.initialize: params must hold the " + topology.parameterCount()
                    + " parameters of " + topology + ", got " + (params == null ? "null" : params.length));
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < topology.layers(); l++) {
            int in = topology.size(l);
            int out = topology.size(l + 1);
            int start = topology.weightOffset(l);
            int end = start + in * out;
            if (topology.activation(l).reluLike()) {
                fillNormal(random, Math.sqrt(2.0 / in), params, start, end);
            } else {
                double limit = Math.sqrt(6.0 / (in + out));
                for (int i = start; i < end; i++) {
                    params[i] = limit * (2 * random.nextDouble() - 1);
                }
            }
            int biasStart = topology.biasOffset(l);
            for (int i = biasStart; i < biasStart + out; i++) {
                params[i] = 0;
            }
        }
    }

    /** params[start .. end) = normal(0, std²) draws, by Box–Muller in pairs. */
    private static void fillNormal(SplittableRandom random, double std, double[] params, int start, int end) {
        for (int i = start; i < end; i += 2) {
            double radius = std * Math.sqrt(-2 * StrictMath.log(1 - random.nextDouble()));
            double angle = 2 * Math.PI * random.nextDouble();
            params[i] = radius * StrictMath.cos(angle);
            if (i + 1 < end) {
                params[i + 1] = radius * StrictMath.sin(angle);
            }
        }
    }
}
