package org.sparkprop.driver.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.driver.optim.ScheduleKind;
import org.sparkprop.driver.optim.ScheduleSpec;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Dropout;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Precision;

/**
 * The table of training settings, in help order: every interface (flags and their help, configuration-file keys,
 * {@code model.json}'s training configuration, a checkpoint's identity, Spark ML Params) is derived from it. Bounds
 * are here; defaults are {@link TrainConfig.Builder}'s initial values.
 */
public final class TrainSettings {
    private static final String FINITE_AT_LEAST_0 = "a finite number ≥ 0";
    private static final DoublePredicate NON_NEGATIVE = v -> v >= 0 && Double.isFinite(v);
    private static final DoublePredicate UNIT_INTERVAL = v -> v >= 0 && v < 1;

    public static final Setting<int[]> HIDDEN = new Setting<>("hidden", "hiddenLayers", int[].class, "SIZES",
            "hidden layer widths, input side first, e.g. 256,128; 'none' for none", null,
            TrainSettings::parseWidths, TrainSettings::formatWidths, TrainSettings::checkWidths,
            b -> b.hidden == null ? null : b.hidden.clone(), (b, v) -> b.hidden = v.clone(), TrainConfig::hidden);
    public static final Setting<String> ACTIVATION = choice("activation", "activation", "hidden activation",
            hiddenActivations(), Activation::parse, Activation::id, null,
            b -> id(b.activation, Activation::id), (b, v) -> b.activation = Activation.parse(v), c -> c.activation().id());
    public static final Setting<String> OUTPUT_ACTIVATION = choice("output-activation", "outputActivation", "output activation",
            ids(Activation.values(), Activation::id), Activation::parse, Activation::id, outputDefaults(),
            b -> id(b.outputActivation, Activation::id), (b, v) -> b.outputActivation = v == null ? null : Activation.parse(v),
            c -> c.effectiveOutputActivation().id());
    public static final Setting<String> LOSS = choice("loss", "loss",
            "the loss: cross_entropy (classes), binary_cross_entropy (binary or multi-label) or mse (regression, and the default "
                    + "for a built-in regression data set)",
            ids(Loss.values(), Loss::id), Loss::parse, Loss::id, null,
            b -> id(b.loss, Loss::id), (b, v) -> b.loss = Loss.parse(v), c -> c.loss().id());
    public static final Setting<String> OPTIMIZER = choice("optimizer", "optimizer", "optimizer",
            ids(OptimizerKind.values(), OptimizerKind::id), OptimizerKind::parse, OptimizerKind::id, null,
            b -> id(b.optimizer, OptimizerKind::id), (b, v) -> b.optimizer = OptimizerKind.parse(v), c -> c.optimizer().kind().id());
    public static final Setting<Double> LEARNING_RATE = number("learning-rate", "stepSize", "RATE", "base learning rate",
            v -> v > 0 && Double.isFinite(v), "a finite number > 0",
            b -> b.learningRate, (b, v) -> b.learningRate = v, c -> c.schedule().baseRate());
    public static final Setting<Double> MOMENTUM = number("momentum", "momentum", "M", "momentum for momentum and nesterov",
            UNIT_INTERVAL, "in [0, 1)", b -> b.momentum, (b, v) -> b.momentum = v,
            c -> usesMomentum(c.optimizer().kind()) ? c.optimizer().momentum() : null);
    public static final Setting<Double> BETA1 = number("beta1", "beta1", "B", "Adam's β₁",
            UNIT_INTERVAL, "in [0, 1)", b -> b.beta1, (b, v) -> b.beta1 = v,
            c -> usesAdam(c.optimizer().kind()) ? c.optimizer().beta1() : null);
    public static final Setting<Double> BETA2 = number("beta2", "beta2", "B", "Adam's β₂",
            UNIT_INTERVAL, "in [0, 1)", b -> b.beta2, (b, v) -> b.beta2 = v,
            c -> usesAdam(c.optimizer().kind()) ? c.optimizer().beta2() : null);
    public static final Setting<Double> ADAM_EPSILON = number("adam-epsilon", "adamEpsilon", "E", "Adam's ε",
            v -> v > 0 && Double.isFinite(v), "a finite number > 0", b -> b.adamEpsilon, (b, v) -> b.adamEpsilon = v,
            c -> usesAdam(c.optimizer().kind()) ? c.optimizer().epsilon() : null);
    public static final Setting<Double> WEIGHT_DECAY = number("weight-decay", "weightDecay", "W", "AdamW's decoupled weight decay",
            NON_NEGATIVE, FINITE_AT_LEAST_0, b -> b.weightDecay, (b, v) -> b.weightDecay = v,
            c -> c.optimizer().kind() == OptimizerKind.ADAMW ? c.optimizer().weightDecay() : null);
    public static final Setting<String> SCHEDULE = choice("schedule", "schedule", "learning-rate schedule",
            ids(ScheduleKind.values(), ScheduleKind::id), ScheduleKind::parse, ScheduleKind::id, null,
            b -> id(b.schedule, ScheduleKind::id), (b, v) -> b.schedule = ScheduleKind.parse(v), c -> c.schedule().kind().id());
    public static final Setting<Long> WARMUP_STEPS = whole("warmup-steps", "warmupSteps", "N", "linear warm-up over the first N steps",
            v -> v >= 0, "at least 0", b -> b.warmupSteps, (b, v) -> b.warmupSteps = v, c -> c.schedule().warmupSteps());
    public static final Setting<Long> DECAY_EPOCHS = whole("decay-epochs", "decayEpochs", "N", "step schedule: epochs between decays",
            v -> v >= 1, "at least 1", b -> b.decayEpochs, (b, v) -> b.decayEpochs = v,
            c -> c.schedule().kind() == ScheduleKind.STEP ? c.schedule().stepSize() : null);
    public static final Setting<Double> DECAY_RATE = new Setting<>("decay-rate", "decayRate", Double.class, "G",
            "step schedule: factor per decay; exponential: factor per epoch",
            "step " + ScheduleSpec.DEFAULT_STEP_GAMMA + ", exponential " + ScheduleSpec.DEFAULT_EXPONENTIAL_GAMMA,
            TrainSettings::parseDouble, v -> Double.toString(v), bounds(v -> v > 0 && v <= 1, "in (0, 1]"),
            b -> b.decayRate, (b, v) -> b.decayRate = v,
            c -> c.schedule().kind() == ScheduleKind.STEP || c.schedule().kind() == ScheduleKind.EXPONENTIAL ? c.schedule().gamma() : null);
    public static final Setting<Double> MIN_LEARNING_RATE = number("min-learning-rate", "minLearningRate", "RATE",
            "cosine schedule: final rate, at most learning-rate", NON_NEGATIVE, FINITE_AT_LEAST_0,
            b -> b.minLearningRate, (b, v) -> b.minLearningRate = v,
            c -> c.schedule().kind() == ScheduleKind.COSINE ? c.schedule().minRate() : null);
    public static final Setting<Integer> BATCH_SIZE = integer("batch-size", "batchSize", "N", "global mini-batch size over all partitions",
            v -> v >= 1, "at least 1", b -> b.batchSize, (b, v) -> b.batchSize = v, TrainConfig::batchSize);
    public static final Setting<Integer> EPOCHS = integer("epochs", "maxIter", "N", "most passes over the data",
            v -> v >= 1, "at least 1", b -> b.epochs, (b, v) -> b.epochs = v, TrainConfig::epochs);
    public static final Setting<Long> SEED = whole("seed", "seed", "N", "seed of initial weights and row order",
            v -> true, "any whole number", b -> b.seed, (b, v) -> b.seed = v, TrainConfig::seed);
    public static final Setting<Integer> PARTITIONS = new Setting<>("partitions", "partitions", Integer.class, "N",
            "partitions of the cached data", "Spark's default parallelism",
            TrainSettings::parseInt, v -> Integer.toString(v), bounds(v -> v >= 1, "at least 1"),
            b -> b.partitions, (b, v) -> b.partitions = v, c -> c.partitions() > 0 ? c.partitions() : null);
    public static final Setting<String> PRECISION = choice("precision", "precision", "compute type",
            ids(Precision.values(), Precision::toString), Precision::parse, Precision::toString, null,
            b -> id(b.precision, Precision::toString), (b, v) -> b.precision = Precision.parse(v), c -> c.precision().toString());
    public static final Setting<Double> L1 = number("l1", "l1", "L", "L1 penalty on weights",
            NON_NEGATIVE, FINITE_AT_LEAST_0, b -> b.l1, (b, v) -> b.l1 = v, TrainConfig::l1);
    public static final Setting<Double> L2 = number("l2", "l2", "L", "L2 penalty on weights",
            NON_NEGATIVE, FINITE_AT_LEAST_0, b -> b.l2, (b, v) -> b.l2 = v, TrainConfig::l2);
    public static final Setting<String> DROPOUT = new Setting<>("dropout", "dropout", String.class, "P",
            "inverted dropout on the hidden layers' activations while training: one rate in [0, 1) for every hidden layer, "
                    + "or one per hidden layer such as 0.5,0.2; 0 = off", null,
            text -> lenient(text, TrainSettings::parseDropout, TrainSettings::formatDropout), v -> v,
            v -> parseDropout(v), b -> formatDropout(b.dropout), (b, v) -> b.dropout = parseDropout(v),
            c -> formatDropout(c.dropout()));
    public static final Setting<String> CLASS_WEIGHTS = new Setting<>("class-weights", "classWeights", String.class, "W",
            "classification: weigh each training row by its class, 'balanced' (n / (classes × rows of the class)) or "
                    + "w0,w1,... in class order, times its sample weight; 'none' = off", null,
            text -> lenient(text, ClassWeights::parse, ClassWeights::toString), v -> v,
            v -> ClassWeights.parse(v), b -> b.classWeights.toString(), (b, v) -> b.classWeights = ClassWeights.parse(v),
            c -> c.loss() == Loss.MSE ? null : c.classWeights().toString());
    public static final Setting<Double> CLIP_NORM = number("clip-norm", "clipNorm", "N", "clip the gradient to this global L2 norm; 0 = off",
            NON_NEGATIVE, FINITE_AT_LEAST_0, b -> b.clipNorm, (b, v) -> b.clipNorm = v, TrainConfig::clipNorm);
    public static final Setting<Double> CLIP_VALUE = number("clip-value", "clipValue", "V", "clip gradient entries to [-V, V]; 0 = off",
            NON_NEGATIVE, FINITE_AT_LEAST_0, b -> b.clipValue, (b, v) -> b.clipValue = v, TrainConfig::clipValue);
    public static final Setting<Double> TOLERANCE = number("tolerance", "tol", "T",
            "stop when an epoch improves the training loss by less than this fraction; 0 = off",
            UNIT_INTERVAL, "in [0, 1)", b -> b.tolerance, (b, v) -> b.tolerance = v, TrainConfig::tolerance);
    public static final Setting<Integer> PATIENCE = integer("patience", "patience", "N",
            "with validation data: stop after N epochs without a better validation loss, keep the best weights; 0 = off",
            v -> v >= 0, "at least 0", b -> b.patience, (b, v) -> b.patience = v, TrainConfig::patience);

    private static final List<Setting<?>> ALL = List.of(HIDDEN, ACTIVATION, OUTPUT_ACTIVATION, LOSS, OPTIMIZER, LEARNING_RATE,
            MOMENTUM, BETA1, BETA2, ADAM_EPSILON, WEIGHT_DECAY, SCHEDULE, WARMUP_STEPS, DECAY_EPOCHS, DECAY_RATE, MIN_LEARNING_RATE,
            BATCH_SIZE, EPOCHS, SEED, PARTITIONS, PRECISION, L1, L2, DROPOUT, CLASS_WEIGHTS, CLIP_NORM, CLIP_VALUE, TOLERANCE, PATIENCE);
    private static final Map<String, Setting<?>> BY_NAME = index(Setting::name);
    private static final Map<String, Setting<?>> BY_PARAM_NAME = index(Setting::paramName);

    private TrainSettings() {
    }

    /** Every training setting, in help order. */
    public static List<Setting<?>> all() {
        return ALL;
    }

    /** The setting whose kebab-case name is {@code name}, or null. */
    public static Setting<?> byName(String name) {
        return BY_NAME.get(name);
    }

    /** The setting whose Spark ML Param name is {@code paramName}, or null. */
    public static Setting<?> byParamName(String paramName) {
        return BY_PARAM_NAME.get(paramName);
    }

    /**
     * {@code config} as JSON, one key per setting under its {@link Setting#name()}, in table order: the value in
     * effect, or null where the configuration's choices leave the setting unused. model.json's training object and
     * a checkpoint's identity.
     */
    public static ObjectNode toJson(TrainConfig config) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        for (Setting<?> s : ALL) {
            Object v = s.get(config);
            if (v == null) {
                n.putNull(s.name());
            } else if (v instanceof int[] widths) {
                ArrayNode a = n.putArray(s.name());
                Arrays.stream(widths).forEach(a::add);
            } else if (v instanceof Integer i) {
                n.put(s.name(), i);
            } else if (v instanceof Long l) {
                n.put(s.name(), l);
            } else if (v instanceof Double d) {
                n.put(s.name(), d);
            } else {
                n.put(s.name(), (String) v);
            }
        }
        return n;
    }

    /** {@code config}'s values in effect as text that {@link Setting#parse} takes back, by name; null where unused. */
    public static Map<String, String> toText(TrainConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting<?> s : ALL) {
            out.put(s.name(), text(s, config));
        }
        return out;
    }

    private static <T> String text(Setting<T> s, TrainConfig config) {
        T v = s.get(config);
        return v == null ? null : s.format(v);
    }

    /** Throws {@link InvalidSettingException} for the first setting whose value in {@code builder} is out of bounds. */
    static void checkEach(TrainConfig.Builder builder) {
        for (Setting<?> s : ALL) {
            checkCurrent(s, builder);
        }
    }

    private static <T> void checkCurrent(Setting<T> s, TrainConfig.Builder builder) {
        try {
            s.check(s.current(builder));
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(s, e.getMessage());
        }
    }

    /** Throws {@link InvalidSettingException} for the first setting whose value in effect in {@code config} is out of bounds. */
    static void checkEach(TrainConfig config) {
        for (Setting<?> s : ALL) {
            checkInEffect(s, config);
        }
    }

    private static <T> void checkInEffect(Setting<T> s, TrainConfig config) {
        try {
            s.check(s.get(config));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(s, e.getMessage());
        }
    }

    static boolean usesMomentum(OptimizerKind kind) {
        return kind == OptimizerKind.MOMENTUM || kind == OptimizerKind.NESTEROV;
    }

    static boolean usesAdam(OptimizerKind kind) {
        return kind == OptimizerKind.ADAM || kind == OptimizerKind.ADAMW;
    }

    // ---- kinds of settings ----

    private static Setting<Double> number(String name, String paramName, String valueName, String description, DoublePredicate ok,
                                          String expected, Function<TrainConfig.Builder, Double> initial,
                                          BiConsumer<TrainConfig.Builder, Double> applier, Function<TrainConfig, Double> getter) {
        return new Setting<>(name, paramName, Double.class, valueName, description, null, TrainSettings::parseDouble,
                v -> Double.toString(v), bounds(ok::test, expected), initial, applier, getter);
    }

    private static Setting<Integer> integer(String name, String paramName, String valueName, String description,
                                            java.util.function.IntPredicate ok, String expected,
                                            Function<TrainConfig.Builder, Integer> initial,
                                            BiConsumer<TrainConfig.Builder, Integer> applier, Function<TrainConfig, Integer> getter) {
        return new Setting<>(name, paramName, Integer.class, valueName, description, null, TrainSettings::parseInt,
                v -> Integer.toString(v), bounds(ok::test, expected), initial, applier, getter);
    }

    private static Setting<Long> whole(String name, String paramName, String valueName, String description, LongPredicate ok,
                                       String expected, Function<TrainConfig.Builder, Long> initial,
                                       BiConsumer<TrainConfig.Builder, Long> applier, Function<TrainConfig, Long> getter) {
        return new Setting<>(name, paramName, Long.class, valueName, description, null, TrainSettings::parseLong,
                v -> Long.toString(v), bounds(ok::test, expected), initial, applier, getter);
    }

    /**
     * A choice among names, typed String (help lists them unless {@code what} already does); {@code parse} returns the canonical name of what {@code canonical} accepts
     * (aliases such as "ce" included), and {@code check} refuses anything outside {@code accepted}.
     */
    private static <E> Setting<String> choice(String name, String paramName, String what, List<String> accepted,
                                              Function<String, E> canonical, Function<E, String> id, String defaultText,
                                              Function<TrainConfig.Builder, String> initial,
                                              BiConsumer<TrainConfig.Builder, String> applier, Function<TrainConfig, String> getter) {
        String list = String.join(", ", accepted);
        Function<String, String> parser = text -> {
            try {
                return id.apply(canonical.apply(text));
            } catch (IllegalArgumentException e) {
                return text.strip();
            }
        };
        java.util.function.Consumer<String> checker = v -> {
            String known;
            try {
                known = id.apply(canonical.apply(v));
            } catch (IllegalArgumentException e) {
                known = null;
            }
            if (known == null || !accepted.contains(known)) {
                throw new IllegalArgumentException("must be one of " + list + ", got '" + v + "'");
            }
        };
        String description = what.contains(accepted.get(0)) ? what : what + ": " + list;
        return new Setting<>(name, paramName, String.class, "NAME", description, defaultText, parser, v -> v, checker,
                initial, applier, getter);
    }

    private static <T> java.util.function.Consumer<T> bounds(java.util.function.Predicate<T> ok, String expected) {
        return v -> {
            if (!ok.test(v)) {
                throw new IllegalArgumentException("must be " + expected + ", got " + v);
            }
        };
    }

    private static <E> String id(E value, Function<E, String> id) {
        return value == null ? null : id.apply(value);
    }

    private static <E> List<String> ids(E[] values, Function<E, String> id) {
        return Arrays.stream(values).map(id).toList();
    }

    private static List<String> hiddenActivations() {
        return Arrays.stream(Activation.values()).filter(a -> a != Activation.SOFTMAX).map(Activation::id).toList();
    }

    private static String outputDefaults() {
        return Arrays.stream(Loss.values()).map(l -> l.defaultOutput().id() + " for " + l.id()).collect(Collectors.joining(", "));
    }

    private static Map<String, Setting<?>> index(Function<Setting<?>, String> key) {
        Map<String, Setting<?>> map = new LinkedHashMap<>();
        for (Setting<?> s : ALL) {
            if (map.put(key.apply(s), s) != null) {
                throw new IllegalStateException("two settings are called " + key.apply(s));
            }
        }
        return Map.copyOf(map);
    }

    // ---- text ----

    private static double parseDouble(String text) {
        double v;
        try {
            v = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite number");
        }
        return v;
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
    }

    /** The canonical text of what {@code parser} reads in {@code text}, or the text stripped, for the check to refuse. */
    private static <V> String lenient(String text, Function<String, V> parser, Function<V, String> formatter) {
        try {
            return formatter.apply(parser.apply(text));
        } catch (IllegalArgumentException e) {
            return text.strip();
        }
    }

    /** One rate, or comma-separated rates, each in [0, 1): "0.5", "0.5,0.2". */
    static Dropout parseDropout(String text) {
        String[] parts = text.strip().split(",", -1);
        double[] rates = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                rates[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a rate in [0, 1) or one per hidden layer such as 0.5,0.2, got '" + text.strip() + "'");
            }
            if (!(rates[i] >= 0 && rates[i] < 1)) {
                throw new IllegalArgumentException("must be rates in [0, 1), got " + parts[i].strip());
            }
        }
        return Dropout.of(rates);
    }

    /** "0" for none, else the rates as given: "0.5", "0.5,0.2". */
    static String formatDropout(Dropout dropout) {
        if (dropout.isNone()) {
            return "0";
        }
        return Arrays.stream(dropout.rates()).mapToObj(ClassWeights::plain).collect(Collectors.joining(","));
    }

    /** Comma-separated widths such as "256,128"; "" or "none" for no hidden layer. */
    private static int[] parseWidths(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.toLowerCase(Locale.ROOT).equals("none")) {
            return new int[0];
        }
        String[] parts = trimmed.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected comma-separated integers such as 256,128");
            }
        }
        return out;
    }

    private static String formatWidths(int[] widths) {
        if (widths.length == 0) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (int w : widths) {
            parts.add(Integer.toString(w));
        }
        return String.join(",", parts);
    }

    private static void checkWidths(int[] widths) {
        for (int w : widths) {
            if (w < 1) {
                throw new IllegalArgumentException("must be layer widths of at least 1, got " + formatWidths(widths));
            }
        }
    }
}
