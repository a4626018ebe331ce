package org.sparkprop.kernels;

import java.util.Locale;

/**
 * The nonlinearity a dense layer applies to its pre-activations. {@link #SOFTMAX} is for the output layer only.
 * Every derivative here is written in terms of the activation's output, so the backward pass needs no
 * pre-activations: ReLU and leaky ReLU keep the sign of their input, sigmoid' = a(1-a), tanh' = 1-a².
 */
public enum Activation {
    IDENTITY("identity"),
    RELU("relu"),
    /** max(z, 0.01·z): the slope {@link #LEAKY_SLOPE} for negative inputs. */
    LEAKY_RELU("leaky_relu"),
    SIGMOID("sigmoid"),
    TANH("tanh"),
    SOFTMAX("softmax");

    /** Slope of {@link #LEAKY_RELU} for negative inputs. */
    public static final double LEAKY_SLOPE = 0.01;

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    /** The name used on the command line and in model files. */
    public String id() {
        return id;
    }

    /** True where He initialisation fits (ReLU-like); Xavier/Glorot is used otherwise. */
    public boolean reluLike() {
        return this == RELU || this == LEAKY_RELU;
    }

    public static Activation parse(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Activation a : values()) {
            if (a.id.equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'; expected one of identity, relu, leaky_relu, sigmoid, tanh, softmax");
    }

    @Override
    public String toString() {
        return id;
    }
}
