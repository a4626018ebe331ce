package org.sparkprop.kernels;

import java.util.Locale;

/** The floating-point type of the forward and backward passes. Cached data are float either way. */
public enum Precision {
    FLOAT,
    DOUBLE;

    public static Precision parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "float", "float32", "single" -> FLOAT;
            case "double", "float64" -> DOUBLE;
            default -> throw new IllegalArgumentException("unknown precision '" + name + "'; expected float or double");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
