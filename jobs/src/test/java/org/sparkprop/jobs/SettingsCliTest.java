package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.train.Setting;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainSettings;

/**
 * Every training setting of the table is a flag of train and retrain with its help, and a configuration-file key
 * that reads back through --print-config; a bad value is named as the user wrote it. No Spark.
 */
class SettingsCliTest {
    @TempDir
    Path dir;

    /** Settings, as text, that between them put every setting in effect. */
    private static final List<Map<String, String>> BASES = List.of(Map.of("loss", "mse", "partitions", "3"),
            Map.of("optimizer", "momentum", "schedule", "step"), Map.of("optimizer", "adamw", "schedule", "cosine"));
    /** Names a choice may change to, tried in order. */
    private static final List<String> CHOICES = List.of("adamw", "exponential", "binary_cross_entropy", "double", "sigmoid", "tanh", "0.5", "balanced");

    @Test
    void everySettingIsAFlagWithTheTablesHelp() {
        for (String command : List.of("train", "retrain")) {
            CliTest.Run help = CliTest.run(command, "--help");
            assertEquals(0, help.status(), help.err());
            for (Setting<?> s : TrainSettings.all()) {
                String flag = "--" + s.name() + " " + s.valueName();
                assertTrue(help.out().lines().anyMatch(l -> l.strip().startsWith(flag + " ") && l.strip().endsWith("  " + s.help())),
                        command + " --help lacks " + flag + " with " + s.help() + ":\n" + help.out());
            }
        }
    }

    @Test
    void everySettingIsAConfigFileKeyThatReadsBackThroughPrintConfig() throws IOException {
        for (Setting<?> s : TrainSettings.all()) {
            Map<String, String> base = new LinkedHashMap<>(base(s));
            String changed = other(s, base);
            base.remove(s.name());
            List<String> lines = new ArrayList<>();
            base.forEach((k, v) -> lines.add(k + ": " + v));
            lines.add(s.name() + ": " + ConfigFile.yamlScalar(changed));
            Path file = Files.write(dir.resolve(s.name() + ".yaml"), lines);
            CliTest.Run fromFile = CliTest.run("train", "--config", file.toString(), "--print-config");
            assertEquals(0, fromFile.status(), s + ": " + fromFile.err());
            assertEquals(changed, shown(fromFile.out(), s.name()), s.name());

            Path printed = Files.writeString(dir.resolve(s.name() + "-printed.yaml"), fromFile.out());
            CliTest.Run again = CliTest.run("train", "--config", printed.toString(), "--print-config");
            assertEquals(fromFile.out(), again.out(), s + ": --print-config's output reads back as the same configuration");

            List<String> args = new ArrayList<>(List.of("train", "--print-config", "--" + s.name(), changed));
            base.forEach((k, v) -> args.addAll(List.of("--" + k, v)));
            assertEquals(fromFile.out(), CliTest.run(args.toArray(String[]::new)).out(), s + ": the flag and the key mean the same");
        }
    }

    @Test
    void aBadValueIsNamedAsTheUserWroteIt() throws IOException {
        CliTest.Run flag = CliTest.run("train", "--print-config", "--learning-rate", "-1");
        assertEquals(2, flag.status());
        assertEquals("sparkprop: --learning-rate must be a finite number > 0, got -1.0", flag.err().strip());
        Path file = Files.write(dir.resolve("bad.yaml"), List.of("epochs: 3", "learning-rate: -1"));
        CliTest.Run fromFile = CliTest.run("train", "--config", file.toString(), "--print-config");
        assertEquals(2, fromFile.status());
        assertEquals("sparkprop: " + file + ":2: learning-rate must be a finite number > 0, got -1.0", fromFile.err().strip());

        assertEquals("sparkprop: --optimizer must be one of sgd, momentum, nesterov, adam, adamw, lazy-adam, got 'lbfgs'",
                CliTest.run("train", "--print-config", "--optimizer", "lbfgs").err().strip());
        assertEquals("sparkprop: --epochs '2.5': not a whole number", CliTest.run("train", "--print-config", "--epochs", "2.5").err().strip());

        Path cross = Files.write(dir.resolve("cross.yaml"), List.of("loss: cross_entropy", "output-activation: sigmoid"));
        assertEquals("sparkprop: " + cross + ":2: output-activation sigmoid does not fit loss cross_entropy, which needs softmax",
                CliTest.run("train", "--config", cross.toString(), "--print-config").err().strip());
        assertEquals("sparkprop: --min-learning-rate must be at most learning-rate 0.003, got 0.01",
                CliTest.run("train", "--print-config", "--schedule", "cosine", "--min-learning-rate", "0.01").err().strip());
        CliTest.Run retrain = CliTest.run("retrain", "--registry", dir.toString(), "--name", "m", "--train", "builtin:iris",
                "--validation", "builtin:iris", "--beta2", "1");
        assertEquals(2, retrain.status());
        assertEquals("sparkprop: --beta2 must be in [0, 1), got 1.0", retrain.err().strip());
    }

    /** The first base in which {@code s} is in effect. */
    private static Map<String, String> base(Setting<?> s) {
        for (Map<String, String> base : BASES) {
            if (s.get(config(base)) != null) {
                return base;
            }
        }
        throw new AssertionError(s + " is in effect in none of the bases: add one");
    }

    private static TrainConfig config(Map<String, String> settings) {
        TrainConfig.Builder b = TrainConfig.builder();
        settings.forEach((name, text) -> apply(TrainSettings.byName(name), text, b));
        return b.build();
    }

    private static <T> void apply(Setting<T> s, String text, TrainConfig.Builder b) {
        T value = s.parse(text);
        s.check(value);
        s.apply(b, value);
    }

    /** A value of {@code s} other than the one in effect in {@code base} that the configuration takes, as text. */
    private static <T> String other(Setting<T> s, Map<String, String> base) {
        T current = s.get(config(base));
        List<String> candidates = new ArrayList<>();
        if (current instanceof Double d) {
            candidates.add(Double.toString(d > 0 ? d / 2 : 0.001));
        } else if (current instanceof Integer || current instanceof Long) {
            candidates.add(Long.toString(((Number) current).longValue() + 1));
        } else if (current instanceof int[] widths) {
            candidates.add(s.format(s.cast(new int[] {widths[0] + 1, 7})));
        } else {
            CHOICES.stream().filter(c -> !c.equals(current)).forEach(candidates::add);
        }
        for (String candidate : candidates) {
            Map<String, String> changed = new LinkedHashMap<>(base);
            changed.put(s.name(), candidate);
            try {
                config(changed);
                return candidate;
            } catch (IllegalArgumentException e) {
                // not a value this setting takes here: try the next
            }
        }
        throw new AssertionError("no other value found for " + s);
    }

    /** The value --print-config shows for {@code key}, or null when it shows it as unused. */
    private static String shown(String printed, String key) {
        for (String line : printed.split("\n")) {
            if (line.startsWith(key + ": ")) {
                return ConfigFile.parse("printed", line).get(0).value();
            }
        }
        assertTrue(printed.contains("# " + key + ":\n"), key + " missing from " + printed);
        return null;
    }
}
