package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.io.IOException;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.UserException;

/** Configuration files: YAML, their mistakes, and how train merges them (through --print-config, no Spark). */
class ConfigFileTest {
    @TempDir
    Path dir;

    private static Map<String, String> parsed(String... lines) {
        Map<String, String> map = new LinkedHashMap<>();
        for (ConfigFile.Entry e : ConfigFile.parse("f", String.join("\n", lines))) {
            map.put(e.key(), e.value() + " @" + e.where());
        }
        return map;
    }

    private static String error(String... lines) {
        return assertThrows(UserException.class, () -> ConfigFile.parse("f", String.join("\n", lines))).getMessage();
    }

    @Test
    void aFileIsAYamlMappingOfFlagsToValuesAsWritten() {
        assertEquals(Map.of("train", "builtin:iris @f:3", "label-col", "it's @f:4", "output", "/tmp/a \"b\" @f:5", "epochs", "12 @f:6",
                        "hidden", "256,128 @f:7", "learning-rate", "0.010 @f:8", "overwrite", "true @f:9", "seed", "7 @f:10"),
                parsed("---", "# settings", "train: builtin:iris", "label-col: 'it''s'", "output: \"/tmp/a \\\"b\\\"\"  # quoted",
                        "epochs: 12 # twelve", "hidden: [256, 128]", "learning-rate: 0.010", "overwrite: true", "seed:\n  7"));
        assertEquals(Map.of("hidden", "256,128 @f:1", "l2", "1e-4 @f:4"), parsed("hidden:", "  - 256", "  - 128", "l2: '1e-4'"));
        assertEquals(Map.of(), parsed("# nothing but a comment"));
    }

    @Test
    void whatIsNotAFlatMappingIsRefusedByLine() {
        assertEquals("f:1: 'optimizer' holds a nested mapping; settings are flat key: value lines", error("optimizer:", "  kind: adam"));
        assertEquals("f:2: 'epochs' has no value; write epochs: VALUE", error("seed: 1", "epochs: # none"));
        assertEquals("f:3: key 'seed' is set again (first on line 1)", error("seed: 1", "epochs: 3", "seed: 2"));
        assertEquals("f:1: '--epochs' is not a key; keys are flag names without their dashes, such as learning-rate", error("--epochs: 3"));
        assertEquals("f:1: 'hidden' is a list whose items are not all plain values", error("hidden: [[1, 2], 3]"));
        assertEquals("f:1: expected YAML key: value lines, got a list", error("- 256"));
        String unclosed = error("seed: 1", "output: 'abc");
        assertEquals("f:2: not YAML (found unexpected end of stream)", unclosed);
        String tab = error("seed: 1", "epochs:\t[1, 2");
        assertTrue(tab.startsWith("f:2: not YAML ("), tab);
    }

    @Test
    void anOldKeyEqualsValueFileIsToldHowToWriteItInYaml() {
        assertEquals("f:2: configuration files are YAML, so write 'train: builtin:iris' instead of the 'key = value' line 'train = builtin:iris'",
                error("# old style", "train = builtin:iris", "hidden=256,128"));
        assertEquals("f:2: configuration files are YAML, so write 'epochs: 3' instead of the 'key = value' line 'epochs = 3'",
                error("seed: 1", "epochs = 3"));
    }

    @Test
    void printedValuesReadBackAsWritten() {
        for (String value : List.of("builtin:iris", "hdfs:///d/x.csv?a=b", "it's", "-1", "1.0E-8", "256,128", "yes", "a: b", "#x", "", "- x", "true")) {
            String yaml = "k: " + ConfigFile.yamlScalar(value);
            assertEquals(value, ConfigFile.parse("f", yaml).get(0).value(), yaml);
        }
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    /** The value --print-config shows for {@code key}, or null when it shows it as unset. */
    private static String shown(String printed, String key) {
        for (String line : printed.split("\n")) {
            if (line.startsWith(key + ": ")) {
                return ConfigFile.parse("printed", line).get(0).value();
            }
        }
        assertTrue(printed.contains("# " + key + ":\n"), key + " missing from " + printed);
        return null;
    }

    @Test
    void flagsOverrideTheFileWhichOverridesTheDefaults() throws IOException {
        Path file = write("run.yaml", "train: builtin:iris", "output: " + dir.resolve("m"), "epochs: 7", "learning-rate: 0.01",
                "hidden: [32, 16]", "optimizer: momentum", "overwrite: false");
        CliTest.Run r = CliTest.run("train", "--config", file.toString(), "--epochs", "9", "--print-config");
        assertEquals(0, r.status(), r.err());
        assertEquals("9", shown(r.out(), "epochs"));
        assertEquals("0.01", shown(r.out(), "learning-rate"));
        assertEquals("32,16", shown(r.out(), "hidden"));
        assertEquals("momentum", shown(r.out(), "optimizer"));
        assertEquals("0.9", shown(r.out(), "momentum"), "the default of the optimizer chosen");
        assertEquals("builtin:iris", shown(r.out(), "train"));
        assertEquals(null, shown(r.out(), "overwrite"));
        assertEquals(null, shown(r.out(), "validation"));
        assertEquals(null, shown(r.out(), "beta1"), "unused by momentum");
        assertFalse(r.out().contains("config:"), "the file flag itself is not a setting: " + r.out());

        Path printed = Files.writeString(dir.resolve("printed.yaml"), r.out());
        CliTest.Run again = CliTest.run("train", "--config", printed.toString(), "--print-config");
        assertEquals(0, again.status(), again.err());
        assertEquals(r.out(), again.out(), "--print-config's output reads back as the same configuration");

        Path yaml = write("run.yml", "train: builtin:friedman1", "output: '" + dir.resolve("y") + "'", "epochs: 7", "overwrite: true");
        CliTest.Run fromYaml = CliTest.run("train", "--config", yaml.toString(), "--print-config");
        assertEquals(0, fromYaml.status(), fromYaml.err());
        assertEquals("7", shown(fromYaml.out(), "epochs"));
        assertEquals("true", shown(fromYaml.out(), "overwrite"));
        assertEquals("mse", shown(fromYaml.out(), "loss"), "the built-in regression set's loss, resolved");
    }

    @Test
    void printConfigNeedsNoRequiredFlags() {
        CliTest.Run r = CliTest.run("train", "--print-config");
        assertEquals(0, r.status(), r.err());
        assertEquals(null, shown(r.out(), "train"));
        assertEquals("30", shown(r.out(), "epochs"));
        assertEquals("adam", shown(r.out(), "optimizer"));
    }

    @Test
    void aBadKeyOrValueInTheFileIsOneSentenceNamingFileLineAndKey() throws IOException {
        Path badKey = write("bad-key.yaml", "train: builtin:iris", "epocs: 3");
        CliTest.Run r = CliTest.run("train", "--config", badKey.toString(), "--output", dir.resolve("x").toString());
        assertEquals(2, r.status());
        assertEquals("sparkprop: " + badKey + ":2: unknown key 'epocs'; keys are the flags of train without their dashes (see sparkprop train --help)",
                r.err().strip());

        Path badNumber = write("bad-number.yaml", "learning-rate: fast");
        CliTest.Run number = CliTest.run("train", "--config", badNumber.toString(), "--train", "builtin:iris", "--output", dir.resolve("x").toString());
        assertEquals(2, number.status());
        assertEquals("sparkprop: " + badNumber + ":1: learning-rate 'fast': not a number", number.err().strip());

        Path badRange = write("bad-range.yml", "batch-size: 0");
        CliTest.Run range = CliTest.run("train", "--config", badRange.toString(), "--print-config");
        assertEquals(2, range.status());
        assertEquals("sparkprop: " + badRange + ":1: batch-size must be at least 1, got 0", range.err().strip());

        Path badFlag = write("bad-flag.yaml", "overwrite: yes");
        CliTest.Run flag = CliTest.run("train", "--config", badFlag.toString(), "--print-config");
        assertEquals(2, flag.status());
        assertEquals("sparkprop: " + badFlag + ":1: overwrite takes true or false, got 'yes'", flag.err().strip());

        Path nested = write("nested.yaml", "config: other.yaml");
        CliTest.Run self = CliTest.run("train", "--config", nested.toString(), "--print-config");
        assertEquals(2, self.status());
        assertTrue(self.err().startsWith("sparkprop: " + nested + ":1: unknown key 'config'"), self.err());

        CliTest.Run missing = CliTest.run("train", "--config", dir.resolve("nope.yaml").toString(), "--print-config");
        assertEquals(2, missing.status());
        assertEquals("sparkprop: configuration file " + dir.resolve("nope.yaml") + " does not exist", missing.err().strip());

        CliTest.Run onCommandLine = CliTest.run("train", "--batch-size", "0", "--print-config");
        assertEquals("sparkprop: --batch-size must be at least 1, got 0", onCommandLine.err().strip(), "command-line flags keep their names");
    }
}
