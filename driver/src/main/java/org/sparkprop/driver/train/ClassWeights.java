package org.sparkprop.driver.train;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The {@code class-weights} setting: none, {@code balanced}, or one weight per class. A training row's weight is
 * its class's weight times its sample weight (1 without a weight column), so the loss and gradient become means
 * weighted by class. {@code balanced} is n / (K·n_c) for K classes, n rows and n_c rows of class c, the heuristic
 * of King and Zeng ("Logistic regression in rare events data", Political Analysis 9, 2001) that scikit-learn calls
 * "balanced": every class then weighs n/K in total. Classification only (classes, or binary labels as classes 0
 * and 1). Immutable.
 */
public final class ClassWeights implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final ClassWeights NONE = new ClassWeights(false, null);
    public static final ClassWeights BALANCED = new ClassWeights(true, null);

    private final boolean balanced;
    /** Explicit weights in class order, or null. */
    private final double[] weights;

    private ClassWeights(boolean balanced, double[] weights) {
        this.balanced = balanced;
        this.weights = weights;
    }

    /**
     * "none", "balanced" or comma-separated weights w0,w1,... in class order, each finite and ≥ 0, at least one above 0.
     *
     * @throws IllegalArgumentException with the problem, not naming the setting
     */
    public static ClassWeights parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("none")) {
            return NONE;
        }
        if (t.equals("balanced")) {
            return BALANCED;
        }
        String[] parts = t.split(",", -1);
        double[] w = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                w[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be none, balanced or comma-separated weights such as 1,4, got '" + text.strip() + "'");
            }
            if (!(w[i] >= 0 && w[i] < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("weight " + (i + 1) + " must be a finite number ≥ 0, got " + parts[i].strip());
            }
        }
        if (Arrays.stream(w).allMatch(v -> v == 0)) {
            throw new IllegalArgumentException("needs at least one weight above 0, got " + text.strip());
        }
        return new ClassWeights(false, w);
    }

    public boolean isNone() {
        return !balanced && weights == null;
    }

    /**
     * The weight of each class given the training rows per class: the explicit weights, or n / (K·n_c) for
     * balanced (0 for a class without rows, which no row then uses).
     *
     * @param counts rows per class, K of them. Not modified.
     * @throws IllegalArgumentException where explicit weights are not one per class (the message says how many)
     */
    public double[] forClasses(long[] counts) {
        int k = counts.length;
        if (weights != null) {
            if (weights.length != k) {
                throw new IllegalArgumentException("has " + weights.length + " weights; the data have " + k + " classes");
            }
            return weights.clone();
        }
        double[] out = new double[k];
        if (balanced) {
            long n = Arrays.stream(counts).sum();
            for (int c = 0; c < k; c++) {
                out[c] = counts[c] == 0 ? 0 : n / ((double) k * counts[c]);
            }
        } else {
            Arrays.fill(out, 1);
        }
        return out;
    }

    /** The text {@link #parse} takes back: "none", "balanced" or "1,4". */
    @Override
    public String toString() {
        if (balanced) {
            return "balanced";
        }
        if (weights == null) {
            return "none";
        }
        return Arrays.stream(weights).mapToObj(ClassWeights::plain).collect(Collectors.joining(","));
    }

    /** A number without trailing zeros or an exponent: 1, 0.25, 1000. */
    static String plain(double value) {
        return value == 0 ? "0" : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassWeights c && balanced == c.balanced && Arrays.equals(weights, c.weights);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(balanced) * 31 + Arrays.hashCode(weights);
    }
}
