package org.sparkprop.ml;

import java.io.Serializable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkprop.driver.train.InvalidSettingException;
import org.sparkprop.driver.train.Setting;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainSettings;
import scala.runtime.AbstractFunction1;

/**
 * The Spark ML Params of one Estimator, made from the table of training settings ({@link TrainSettings}): one
 * Param per setting, named by {@link Setting#paramName()}, checked by {@link Setting#check}, with the setting's
 * default; and the column Params that Spark's traits do not give a Java class ({@code weightCol},
 * {@code validationIndicatorCol}). An Estimator lists them in its {@code params()} next to the Params Spark's
 * classes declare ({@link #params}).
 */
final class SettingParams implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, Param<?>> byName = new LinkedHashMap<>();
    private final Param<String> weightCol;
    private final Param<String> validationIndicatorCol;
    private final IntParam checkpointInterval;

    /** The Params of {@code owner}; {@link #setDefaults} then sets their defaults on it. */
    SettingParams(Params owner) {
        for (Setting<?> setting : TrainSettings.all()) {
            Param<?> param = paramOf(owner, setting);
            byName.put(param.name(), param);
        }
        weightCol = new Param<>(owner.uid(), "weightCol", "sample weight column: finite numbers ≥ 0; the loss and its gradient "
                + "become weighted means (unset: every row weighs 1)", new Check<>("weightCol", Rule.COLUMN));
        validationIndicatorCol = new Param<>(owner.uid(), "validationIndicatorCol", "boolean column: true holds the row out of "
                + "training, for the per-epoch validation metric and early stopping (unset: no validation rows)",
                new Check<>("validationIndicatorCol", Rule.COLUMN));
        checkpointInterval = new IntParam(owner.uid(), "checkpointInterval", "with SparkContext.setCheckpointDir: a checkpoint every "
                + "this many steps as well as at each epoch's end, in the checkpoint directory (-1: none)",
                new Check<>("checkpointInterval", Rule.CHECKPOINT_INTERVAL));
        byName.put(weightCol.name(), weightCol);
        byName.put(validationIndicatorCol.name(), validationIndicatorCol);
        byName.put(checkpointInterval.name(), checkpointInterval);
    }

    /**
     * Adds a column Param named {@code name} to these, for an owner that Spark's column traits do not serve (a
     * Java class cannot mix them in); {@link #setDefaults} does not know it, so the caller sets its default.
     */
    Param<String> column(Params owner, String name, String doc) {
        Param<String> param = new Param<>(owner.uid(), name, doc, new Check<>(name, Rule.COLUMN));
        byName.put(name, param);
        return param;
    }

    /** Sets the defaults on {@code owner} (Modified), which lists these Params by now; {@code loss} is its kind's default loss. */
    void setDefaults(Params owner, String loss) {
        for (Setting<?> setting : TrainSettings.all()) {
            Object value = setting.name().equals("loss") ? loss : setting.defaultValue();
            if (value != null) {
                owner.setDefault(param(setting.paramName()), value);
            }
        }
        owner.setDefault(checkpointInterval, -1);
    }

    private static Param<?> paramOf(Params owner, Setting<?> setting) {
        String name = setting.paramName();
        String doc = setting.help();
        Class<?> type = setting.type();
        if (type == Integer.class) {
            return new IntParam(owner.uid(), name, doc, new Check<>(name, Rule.SETTING));
        } else if (type == Long.class) {
            return new LongParam(owner.uid(), name, doc, new Check<>(name, Rule.SETTING));
        } else if (type == Double.class) {
            return new DoubleParam(owner.uid(), name, doc, new Check<>(name, Rule.SETTING));
        } else if (type == int[].class) {
            return new IntArrayParam(owner, name, doc, new Check<>(name, Rule.SETTING));
        } else if (type == String.class) {
            return new Param<String>(owner.uid(), name, doc, new Check<>(name, Rule.SETTING));
        }
        throw new IllegalStateException("setting " + setting.name() + " has a type Spark ML Params do not cover: " + type);
    }


    /** The Param of this name. */
    @SuppressWarnings("unchecked")
    <T> Param<T> param(String name) {
        Param<?> param = byName.get(name);
        if (param == null) {
            throw new IllegalArgumentException("no Param named " + name);
        }
        return (Param<T>) param;
    }

    Param<String> weightCol() {
        return weightCol;
    }

    Param<String> validationIndicatorCol() {
        return validationIndicatorCol;
    }

    IntParam checkpointInterval() {
        return checkpointInterval;
    }

    /**
     * Every Param of {@code owner}: those that public no-argument methods of Spark's classes return (its column Params),
     * as Spark's own {@code Params.params} finds them, and this table's (sparkprop's accessors return these); sorted by name, as Spark lists them. While {@code owner}'s
     * superclass constructors run, {@code self} is null and methods return null for Params not made yet: those are
     * left out.
     */
    static Param<?>[] params(Params owner, SettingParams self) {
        Map<String, Param<?>> all = new LinkedHashMap<>();
        for (Method m : owner.getClass().getMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getParameterCount() == 0 && Param.class.isAssignableFrom(m.getReturnType())
                    && !m.getDeclaringClass().getName().startsWith("org.sparkprop.")) {
                try {
                    Param<?> p = (Param<?>) m.invoke(owner);
                    if (p != null) {
                        all.putIfAbsent(p.name(), p);
                    }
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot read Param " + m.getName() + " of " + owner.getClass().getName(), e);
                }
            }
        }
        if (self != null) {
            self.byName.values().forEach(p -> all.putIfAbsent(p.name(), p));
        }
        List<Param<?>> sorted = new ArrayList<>(all.values());
        sorted.sort(Comparator.comparing(Param::name));
        return sorted.toArray(new Param<?>[0]);
    }

    /** The training configuration that {@code owner}'s Params say; a bad combination names the Param. */
    TrainConfig config(Params owner) {
        TrainConfig.Builder builder = TrainConfig.builder();
        for (Setting<?> setting : TrainSettings.all()) {
            apply(owner, setting, builder);
        }
        try {
            return builder.build();
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e.setting().paramName() + " " + e.problem(), e);
        }
    }

    private <T> void apply(Params owner, Setting<T> setting, TrainConfig.Builder builder) {
        Param<Object> param = param(setting.paramName());
        if (owner.isDefined(param)) {
            setting.apply(builder, setting.cast(owner.getOrDefault(param)));
        }
    }

    /** What a Param's value must be. */
    private enum Rule {
        /** What its {@link Setting} checks. */
        SETTING,
        /** A column name. */
        COLUMN,
        /** At least 1, or -1 for none. */
        CHECKPOINT_INTERVAL
    }

    /**
     * A Param's check, its problem one sentence that starts with the Param's name ("stepSize must be ..."). A named
     * class that holds names only, since Params travel with the models they belong to.
     */
    private static final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String name;
        private final Rule rule;

        Check(String name, Rule rule) {
            this.name = name;
            this.rule = rule;
        }

        @Override
        public Object apply(T value) {
            try {
                switch (rule) {
                    case SETTING -> check(TrainSettings.byParamName(name), value);
                    case COLUMN -> {
                        if (value == null || ((String) value).isBlank()) {
                            throw new IllegalArgumentException("must name a column, got " + (value == null ? "nothing" : "'" + value + "'"));
                        }
                    }
                    case CHECKPOINT_INTERVAL -> {
                        int n = (Integer) value;
                        if (n < 1 && n != -1) {
                            throw new IllegalArgumentException("must be at least 1, or -1 for no checkpoints, got " + n);
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " " + e.getMessage(), e);
            }
            return Boolean.TRUE;
        }

        @SuppressWarnings("unchecked")
        private static <V> void check(Setting<V> setting, Object value) {
            setting.check((V) value);
        }
    }
}
