package org.sparkprop.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.driver.optim.ScheduleKind;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Topology;

/** The table of training settings: its contract, and that model.json's training object and a checkpoint's identity carry every setting. */
class TrainSettingsTest {
    /** The table's contract with the Spark ML Params built from it: kebab name to Param name, in help order. */
    private static final Map<String, String> NAMES = names("hidden", "hiddenLayers", "activation", "activation",
            "output-activation", "outputActivation", "loss", "loss", "optimizer", "optimizer", "learning-rate", "stepSize",
            "momentum", "momentum", "beta1", "beta1", "beta2", "beta2", "adam-epsilon", "adamEpsilon", "weight-decay", "weightDecay",
            "schedule", "schedule", "warmup-steps", "warmupSteps", "decay-epochs", "decayEpochs", "decay-rate", "decayRate",
            "min-learning-rate", "minLearningRate", "batch-size", "batchSize", "epochs", "maxIter", "seed", "seed",
            "partitions", "partitions", "precision", "precision", "l1", "l1", "l2", "l2", "dropout", "dropout", "class-weights", "classWeights", "clip-norm", "clipNorm",
            "clip-value", "clipValue", "tolerance", "tol", "patience", "patience");

    private static Map<String, String> names(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void theTableHoldsEverySettingUnderItsNames() {
        List<String> names = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        for (Setting<?> s : TrainSettings.all()) {
            names.add(s.name());
            params.put(s.name(), s.paramName());
            assertSame(s, TrainSettings.byName(s.name()));
            assertSame(s, TrainSettings.byParamName(s.paramName()));
        }
        assertEquals(List.copyOf(NAMES.keySet()), names);
        assertEquals(NAMES, params);
        assertNull(TrainSettings.byName("learningRate"));
        assertNull(TrainSettings.byParamName("learning-rate"));
    }

    @Test
    void everyDefaultIsValidSaysItselfInHelpAndIsTheValueInEffect() {
        TrainConfig defaults = TrainConfig.defaults();
        for (Setting<?> s : TrainSettings.all()) {
            defaultIsConsistent(s, defaults);
        }
        assertNull(TrainSettings.OUTPUT_ACTIVATION.defaultValue(), "follows the loss");
        assertNull(TrainSettings.PARTITIONS.defaultValue(), "Spark's default parallelism");
        assertNull(TrainSettings.DECAY_RATE.defaultValue(), "follows the schedule");
        assertEquals("step schedule: factor per decay; exponential: factor per epoch (default step 0.1, exponential 0.95)",
                TrainSettings.DECAY_RATE.help());
        assertEquals("base learning rate (default 0.003)", TrainSettings.LEARNING_RATE.help());
    }

    private static <T> void defaultIsConsistent(Setting<T> s, TrainConfig defaults) {
        T d = s.defaultValue();
        assertTrue(s.help().contains("(default "), s + ": " + s.help());
        assertFalse(s.help().contains("\n"), s.name());
        assertTrue(d == null || s.type().isInstance(d), s.name());
        if (d != null) {
            s.check(d);
            assertTrue(s.help().endsWith("(default " + s.format(d) + ")"), s + ": " + s.help());
            assertTrue(same(d, s.parse(s.format(d))), s + " reads back its own text");
            T inEffect = s.get(defaults);
            assertTrue(inEffect == null || same(d, inEffect), s + ": default " + s.format(d) + ", in effect " + inEffect);
        }
    }

    @Test
    void dependentDefaultsAreResolvedByTheKindChosen() {
        TrainConfig.Builder b = TrainConfig.builder();
        b.schedule = ScheduleKind.STEP;
        assertEquals(0.1, TrainSettings.DECAY_RATE.get(b.build()));
        assertEquals(10L, TrainSettings.DECAY_EPOCHS.get(b.build()));
        b.schedule = ScheduleKind.EXPONENTIAL;
        assertEquals(0.95, TrainSettings.DECAY_RATE.get(b.build()));
        assertNull(TrainSettings.DECAY_EPOCHS.get(b.build()), "unused by exponential");
        b.decayRate = 0.5;
        assertEquals(0.5, TrainSettings.DECAY_RATE.get(b.build()));
        b.loss = Loss.BINARY_CROSS_ENTROPY;
        assertEquals("sigmoid", TrainSettings.OUTPUT_ACTIVATION.get(b.build()));
    }

    @Test
    void aRefusedValueNamesItsSetting() {
        TrainConfig.Builder b = TrainConfig.builder();
        b.learningRate = -1;
        InvalidSettingException e = assertThrows(InvalidSettingException.class, b::build);
        assertSame(TrainSettings.LEARNING_RATE, e.setting());
        assertEquals("must be a finite number > 0, got -1.0", e.problem());
        assertEquals("learning-rate must be a finite number > 0, got -1.0", e.getMessage());

        TrainConfig.Builder unused = TrainConfig.builder();
        unused.momentum = 1.5;
        assertSame(TrainSettings.MOMENTUM, assertThrows(InvalidSettingException.class, unused::build).setting(),
                "refused even where adam leaves it unused");

        TrainConfig.Builder output = TrainConfig.builder();
        output.outputActivation = Activation.SIGMOID;
        e = assertThrows(InvalidSettingException.class, output::build);
        assertSame(TrainSettings.OUTPUT_ACTIVATION, e.setting());
        assertEquals("sigmoid does not fit loss cross_entropy, which needs softmax", e.problem());

        TrainConfig.Builder cosine = TrainConfig.builder();
        cosine.schedule = ScheduleKind.COSINE;
        cosine.minLearningRate = 0.01;
        e = assertThrows(InvalidSettingException.class, cosine::build);
        assertSame(TrainSettings.MIN_LEARNING_RATE, e.setting());
        assertEquals("must be at most learning-rate 0.003, got 0.01", e.problem());

        TrainConfig.Builder hidden = TrainConfig.builder();
        hidden.activation = Activation.SOFTMAX;
        assertEquals("must be one of identity, relu, leaky_relu, sigmoid, tanh, got 'softmax'",
                assertThrows(InvalidSettingException.class, hidden::build).problem());

        assertEquals("must be one of sgd, momentum, nesterov, adam, adamw, lazy-adam, got 'lbfgs'",
                assertThrows(IllegalArgumentException.class, () -> TrainSettings.OPTIMIZER.check(TrainSettings.OPTIMIZER.parse("lbfgs"))).getMessage());
        assertEquals("cross_entropy", TrainSettings.LOSS.parse(" CE "), "aliases come back in their canonical spelling");
        assertEquals("not a number", assertThrows(IllegalArgumentException.class, () -> TrainSettings.L2.parse("fast")).getMessage());
        assertEquals("not a whole number", assertThrows(IllegalArgumentException.class, () -> TrainSettings.EPOCHS.parse("2.5")).getMessage());
        assertArrayEquals(new int[0], TrainSettings.HIDDEN.parse("none"));
        assertEquals("must be layer widths of at least 1, got 8,0",
                assertThrows(IllegalArgumentException.class, () -> TrainSettings.HIDDEN.check(new int[] {8, 0})).getMessage());
    }

    @Test
    void modelJsonsTrainingObjectHasOneKeyPerSetting() {
        for (Setting<?> s : TrainSettings.all()) {
            Variant v = Variant.of(s);
            ObjectNode json = v.changed().toJson();
            assertEquals(List.copyOf(NAMES.keySet()), fieldNames(json));
            assertEquals(v.text(), json.get(s.name()).isArray() ? json.get(s.name()).toString().replaceAll("[\\[\\]]", "")
                    : json.get(s.name()).asText(), s.name());
            assertFalse(v.changed().equals(v.base()), s + " tells configurations apart");
            assertEquals(v.changed(), v.changed().toBuilder().build(), s + " survives toBuilder");
        }
    }

    private static List<String> fieldNames(ObjectNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void everySettingIsPartOfACheckpointsIdentity(@TempDir Path dir) {
        Schema schema = new Schema(4, List.of("a", "b", "c", "d"), List.of("y"), LabelKind.CLASSES, List.of("p", "q", "r"), 3);
        int i = 0;
        for (Setting<?> s : TrainSettings.all()) {
            Variant v = Variant.of(s);
            Checkpoints checkpoints = new Checkpoints(dir.resolve("run-" + i++).toString(), 1, 2, true);
            CheckpointStore written = store(checkpoints, v.base(), schema);
            Topology topology = topology(v.base(), schema);
            written.save(new RunState(new double[topology.parameterCount()], v.base().optimizer().newState(topology.parameterCount())), 1);
            assertNotNull(store(checkpoints, v.base(), schema).loadNewest(), s + ": the same run resumes");
            UserException e = assertThrows(UserException.class, () -> store(checkpoints, v.changed(), schema).loadNewest(), s.name());
            assertTrue(e.getMessage().contains("belongs to another run") && e.getMessage().contains("configuration." + s.name() + " is "),
                    e.getMessage());
        }
    }

    private static CheckpointStore store(Checkpoints checkpoints, TrainConfig config, Schema schema) {
        return new CheckpointStore(checkpoints, new Configuration(), config, topology(config, schema), schema, new int[] {5, 5});
    }

    private static Topology topology(TrainConfig config, Schema schema) {
        int[] hidden = config.hidden();
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = schema.numFeatures();
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = schema.outputs();
        return Topology.of(sizes, config.activation(), config.effectiveOutputActivation(), config.loss());
    }

    static boolean same(Object a, Object b) {
        return a instanceof int[] x && b instanceof int[] y ? java.util.Arrays.equals(x, y) : Objects.equals(a, b);
    }

    /**
     * A configuration in which a setting is in effect, and the same with only that setting changed: found by walking
     * the table, so a new setting is covered without a line here.
     *
     * @param text the changed value, as {@link Setting#format} writes it
     */
    record Variant(Setting<?> setting, TrainConfig base, TrainConfig changed, String text) {
        /** Names a choice may change to, tried in order; each keeps the other settings in effect as they were where it can. */
        private static final List<String> CHOICES = List.of("adamw", "exponential", "binary_cross_entropy", "double", "sigmoid", "tanh", "0.5", "balanced");

        /** Configurations that between them put every setting in effect. */
        static List<TrainConfig> bases() {
            TrainConfig.Builder regression = TrainConfig.builder();
            regression.loss = Loss.MSE;
            regression.partitions = 3;
            TrainConfig.Builder momentumStep = TrainConfig.builder();
            momentumStep.optimizer = OptimizerKind.MOMENTUM;
            momentumStep.schedule = ScheduleKind.STEP;
            TrainConfig.Builder adamwCosine = TrainConfig.builder();
            adamwCosine.optimizer = OptimizerKind.ADAMW;
            adamwCosine.schedule = ScheduleKind.COSINE;
            return List.of(regression.build(), momentumStep.build(), adamwCosine.build());
        }

        static Variant of(Setting<?> s) {
            for (TrainConfig base : bases()) {
                if (s.get(base) != null) {
                    return of(s, base);
                }
            }
            throw new AssertionError(s + " is in effect in none of the bases: add one");
        }

        private static <T> Variant of(Setting<T> s, TrainConfig base) {
            T current = s.get(base);
            for (T candidate : candidates(s, current)) {
                try {
                    s.check(candidate);
                    TrainConfig.Builder b = base.toBuilder();
                    s.apply(b, candidate);
                    TrainConfig changed = b.build();
                    assertTrue(same(candidate, s.get(changed)), s + ": apply then get gives " + s.get(changed) + ", not " + candidate);
                    assertTrue(same(candidate, s.parse(s.format(candidate))), s + " reads back " + s.format(candidate));
                    return new Variant(s, base, changed, s.format(candidate));
                } catch (IllegalArgumentException e) {
                    // not a value this setting takes here: try the next
                }
            }
            throw new AssertionError("no other value found for " + s);
        }

        private static <T> List<T> candidates(Setting<T> s, T current) {
            List<Object> out = new ArrayList<>();
            if (current instanceof Double d) {
                out.add(d > 0 ? d / 2 : 0.001);
            } else if (current instanceof Integer n) {
                out.add(n + 1);
            } else if (current instanceof Long n) {
                out.add(n + 1);
            } else if (current instanceof int[] widths) {
                int[] wider = widths.clone();
                wider[0]++;
                out.add(wider);
            } else {
                CHOICES.stream().filter(c -> !c.equals(current)).forEach(out::add);
            }
            return out.stream().map(s::cast).toList();
        }
    }
}
