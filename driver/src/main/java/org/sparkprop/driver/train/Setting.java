package org.sparkprop.driver.train;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One training setting: its name in every interface, its type, default, bounds and help, and how it reaches a
 * {@link TrainConfig}. The table of them is {@link TrainSettings#all()}; the command line, configuration files,
 * {@code model.json}'s training configuration, a checkpoint's identity and Spark ML's Params all come from it.
 * The defaults themselves are {@link TrainConfig.Builder}'s initial values.
 *
 * @param <T> Integer, Long, Double, String (a choice among names, such as an optimizer) or int[]
 */
public final class Setting<T> {
    private final String name;
    private final String paramName;
    private final Class<T> type;
    private final String valueName;
    private final String description;
    private final String defaultText;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final Consumer<T> checker;
    private final Function<TrainConfig.Builder, T> initial;
    private final BiConsumer<TrainConfig.Builder, T> applier;
    private final Function<TrainConfig, T> getter;

    /**
     * @param defaultText how help states the default when it is not one fixed value (null: the formatted default)
     * @param checker     throws IllegalArgumentException whose message is the problem without the setting's name
     * @param initial     the builder's value of this setting (null where none is fixed)
     * @param applier     sets a checked value on a builder; null restores the builder's initial value
     * @param getter      the value in effect in a configuration, null where the configuration's choices do not use it
     */
    Setting(String name, String paramName, Class<T> type, String valueName, String description, String defaultText,
            Function<String, T> parser, Function<T, String> formatter, Consumer<T> checker,
            Function<TrainConfig.Builder, T> initial, BiConsumer<TrainConfig.Builder, T> applier, Function<TrainConfig, T> getter) {
        if (!name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("setting names are kebab-case, got '" + name + "'");
        }
        this.name = name;
        this.paramName = Objects.requireNonNull(paramName);
        this.type = Objects.requireNonNull(type);
        this.valueName = Objects.requireNonNull(valueName);
        this.description = Objects.requireNonNull(description);
        this.defaultText = defaultText;
        this.parser = parser;
        this.formatter = formatter;
        this.checker = checker;
        this.initial = initial;
        this.applier = applier;
        this.getter = getter;
    }

    /** Kebab-case: the command-line flag without its dashes and the configuration-file key, such as "learning-rate". */
    public String name() {
        return name;
    }

    /** The Spark ML Param name: Spark's own where it has one ("stepSize", "maxIter", "tol", "seed"), else camelCase. */
    public String paramName() {
        return paramName;
    }

    public Class<T> type() {
        return type;
    }

    /**
     * The default, from a fresh {@link TrainConfig.Builder}; null where none is fixed (the output activation
     * follows the loss; partitions default to Spark's default parallelism; decay-rate follows the schedule).
     */
    public T defaultValue() {
        return initial.apply(TrainConfig.builder());
    }

    /** What help calls the value: "RATE", "N", "SIZES". */
    public String valueName() {
        return valueName;
    }

    /** One line that says what the setting does and its default. */
    public String help() {
        return description + " (default " + (defaultText != null ? defaultText : format(defaultValue())) + ")";
    }

    /**
     * The value that {@code text} (a flag's value or a configuration file's) stands for; names of a choice come
     * back in their canonical spelling. Bounds are {@link #check}'s business.
     *
     * @throws IllegalArgumentException with the reason, such as "not a number"
     */
    public T parse(String text) {
        return parser.apply(Objects.requireNonNull(text, "text"));
    }

    /** The text {@link #parse} takes back: "0.003", "256,128", "none", "adam". */
    public String format(T value) {
        return formatter.apply(value);
    }

    /** {@code value} as this setting's type. */
    public T cast(Object value) {
        return type.cast(value);
    }

    /**
     * Checks the bounds of {@code value} alone; null (no value, the default) passes. Problems that involve other
     * settings are found by {@link TrainConfig.Builder#build()}.
     *
     * @throws IllegalArgumentException whose message is the problem without the setting's name, such as
     *                                  "must be a finite number &gt; 0, got -1.0"
     */
    public void check(T value) {
        if (value != null) {
            checker.accept(value);
        }
    }

    /** Sets {@code value}, already {@link #check checked}, on {@code builder}; null restores the default. Modifies builder. */
    public void apply(TrainConfig.Builder builder, T value) {
        applier.accept(builder, value != null ? value : initial.apply(TrainConfig.builder()));
    }

    /** The value in effect in {@code config}; null where its other choices leave this setting unused (momentum for adam). */
    public T get(TrainConfig config) {
        return getter.apply(config);
    }

    /** The value {@code builder} holds now (null where it holds none). */
    T current(TrainConfig.Builder builder) {
        return initial.apply(builder);
    }

    @Override
    public String toString() {
        return name;
    }
}
