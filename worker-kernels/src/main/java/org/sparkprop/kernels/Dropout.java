package org.sparkprop.kernels;

import java.util.Arrays;

/**
 * Inverted dropout on the hidden layers' activations while training (Srivastava et al., "Dropout: a simple way to
 * prevent neural networks from overfitting", JMLR 15, 2014; the inverted form scales at training time so that
 * evaluation runs the network unchanged): hidden layer h's activation a becomes a·m/(1 − p_h) with
 * m ~ Bernoulli(1 − p_h), and the backward pass multiplies by the same m/(1 − p_h).
 *
 * <p>The masks hold no state: m is a counter-based hash ({@link #keeps}) of a mask seed, the row's identity (its
 * index in its block), the hidden layer and the unit. The caller derives the mask seed from whatever must decide
 * the masks (the driver: the run's seed, the epoch and the partition), so a pass recomputed anywhere, in any
 * chunking, drops the same units. Immutable.
 */
public final class Dropout implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** No dropout: the passes skip the masks entirely and compute what they computed before dropout existed. */
    public static final Dropout NONE = new Dropout(new double[0]);

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long LAYER_STRIDE = 0xD1B54A32D192ED03L;
    private static final long UNIT_STRIDE = 0xAEF17502108EF2D9L;

    /** One rate per hidden layer, input side first, or one rate for every hidden layer; each in [0, 1). */
    private final double[] rates;

    private Dropout(double[] rates) {
        this.rates = rates;
    }

    /**
     * Dropout with {@code rates}: one per hidden layer, input side first, or a single rate for every hidden layer.
     * All zero (or none): {@link #NONE}.
     *
     * @param rates each in [0, 1). Not modified.
     * @throws IllegalArgumentException naming the bad rate
     */
    public static Dropout of(double... rates) {
        for (int i = 0; i < rates.length; i++) {
            if (!(rates[i] >= 0 && rates[i] < 1)) {
                throw new IllegalArgumentException("dropout: rate " + (i + 1) + " is " + rates[i] + ", not in [0, 1)");
            }
        }
        return Arrays.stream(rates).allMatch(r -> r == 0) ? NONE : new Dropout(rates.clone());
    }

    /** True when no unit is ever dropped. */
    public boolean isNone() {
        return rates.length == 0;
    }

    /** The rate of hidden layer {@code hidden} (0-based, input side first): 0 with {@link #NONE}. */
    public double rate(int hidden) {
        if (rates.length == 0) {
            return 0;
        }
        return rates.length == 1 ? rates[0] : rates[hidden];
    }

    /** Whether these rates fit a network with {@code hiddenLayers} hidden layers: one rate, or one per hidden layer. */
    public boolean fits(int hiddenLayers) {
        return rates.length == 0 || (hiddenLayers > 0 && (rates.length == 1 || rates.length == hiddenLayers));
    }

    /** The rates as given: one, or one per hidden layer; empty for {@link #NONE}. */
    public double[] rates() {
        return rates.clone();
    }

    /**
     * A mask seed from a run's seed and two counters (the driver passes the epoch and the partition): SplitMix64's
     * finaliser over each in turn, so that nearby values give unrelated seeds.
     */
    public static long maskSeed(long seed, long first, long second) {
        long h = mix(seed ^ 0x6A09E667F3BCC909L);
        h = mix(h + GOLDEN * (first + 1));
        return mix(h + GOLDEN * (second + 1));
    }

    /**
     * Whether unit {@code unit} of hidden layer {@code hidden} is kept for block row {@code row} under
     * {@code maskSeed}: u ≥ rate for u uniform in [0, 1), the top 53 bits of a hash of the four.
     */
    public static boolean keeps(long maskSeed, int row, int hidden, int unit, double rate) {
        return uniform(rowKey(maskSeed, row, hidden), unit) >= rate;
    }

    /** The hash of (mask seed, row, hidden layer) that {@link #uniform} extends by the unit. */
    static long rowKey(long maskSeed, int row, int hidden) {
        return mix(mix(maskSeed + GOLDEN * (row + 1L)) + LAYER_STRIDE * (hidden + 1L));
    }

    /** u in [0, 1) for unit {@code unit} of a row's layer, given its {@link #rowKey}. */
    static double uniform(long rowKey, int unit) {
        return (mix(rowKey + UNIT_STRIDE * (unit + 1L)) >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dropout d && Arrays.equals(rates, d.rates);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(rates);
    }

    @Override
    public String toString() {
        return isNone() ? "Dropout[none]" : "Dropout" + Arrays.toString(rates);
    }
}
