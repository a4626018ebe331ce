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

/** Configuration files: both syntaxes, their mistakes, and how train merges them (through --print-config, no Spark). */
class ConfigFileTest {
    @TempDir
    Path dir;

    private static Map<String, String> parsed(List<String> lines, boolean yaml) {
        Map<String, String> map = new LinkedHashMap<>();
        for (ConfigFile.Entry e : ConfigFile.parse("f", lines, yaml)) {
            map.put(e.key(), e.value() + " @" + e.where());
        }
        return map;
    }

    private static String error(List<String> lines, boolean yaml) {
        return assertThrows(UserException.class, () -> ConfigFile.parse("f", lines, yaml)).getMessage();
    }

    @Test
    void propertiesAreKeyEqualsValueLines() {
        assertEquals(Map.of("train", "hdfs:///d/x.csv?a=b @f:3", "hidden", "256,128 @f:5", "overwrite", "true @f:6"),
                parsed(List.of("# a comment", "", "  train = hdfs:///d/x.csv?a=b", "! another comment", "hidden=256,128", "overwrite =  true  "), false));
        assertEquals("f:2: expected key = value, got 'epochs 3'", error(List.of("seed = 1", "epochs 3"), false));
        assertEquals("f:3: key 'seed' is set again (first on line 1)", error(List.of("seed = 1", "epochs = 3", "seed = 2"), false));
        assertEquals("f:1: '--epochs' is not a key; keys are flag names without their dashes, such as learning-rate",
                error(List.of("--epochs = 3"), false));
    }

    @Test
    void yamlIsAFlatSubsetAndTheRestIsRefusedByLine() {
        assertEquals(Map.of("train", "builtin:iris @f:3", "label-col", "it's @f:4", "output", "/tmp/a \"b\" @f:5", "epochs", "12 @f:6"),
                parsed(List.of("---", "# settings", "train: builtin:iris", "label-col: 'it''s'", "output: \"/tmp/a \\\"b\\\"\"  # quoted",
                        "epochs: 12 # twelve"), true));
        assertEquals("f:1: 'optimizer' has no value (nested YAML is not supported; write flat key: value lines)",
                error(List.of("optimizer:", "  kind: adam"), true));
        assertEquals("f:2: indented (nested) YAML is not supported; write flat key: value lines", error(List.of("seed: 1", "  kind: adam"), true));
        assertEquals("f:1: only flat key: value lines are supported, not '- 256'", error(List.of("- 256"), true));
        assertEquals("f:1: YAML '[' values are not supported; write a plain value (a list as 256,128)", error(List.of("hidden: [256, 128]"), true));
        assertEquals("f:1: YAML '&' values are not supported; write a plain value", error(List.of("seed: &anchor 3"), true));
        assertEquals("f:1: 'epochs' has no value (nested YAML is not supported; write flat key: value lines)", error(List.of("epochs: # none"), true));
        assertEquals("f:1: the quoted value is not closed", error(List.of("output: 'abc"), true));
        assertEquals("f:1: expected key: value, got 'epochs=3'", error(List.of("epochs=3"), true));
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    /** The value --print-config shows for {@code key}, or null when it shows it as unset. */
    private static String shown(String printed, String key) {
        for (String line : printed.split("\n")) {
            if (line.startsWith(key + " = ")) {
                return line.substring(key.length() + 3);
            }
        }
        assertTrue(printed.contains("# " + key + " =\n"), key + " missing from " + printed);
        return null;
    }

    @Test
    void flagsOverrideTheFileWhichOverridesTheDefaults() throws IOException {
        Path file = write("run.properties", "train = builtin:iris", "output = " + dir.resolve("m"), "epochs = 7", "learning-rate = 0.01",
                "hidden = 32,16", "optimizer = momentum", "overwrite = false");
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
        assertFalse(r.out().contains("config ="), "the file flag itself is not a setting: " + r.out());

        Path printed = Files.writeString(dir.resolve("printed.properties"), r.out());
        CliTest.Run again = CliTest.run("train", "--config", printed.toString(), "--print-config");
        assertEquals(0, again.status(), again.err());
        assertEquals(r.out(), again.out(), "--print-config's output reads back as the same configuration");

        Path yaml = write("run.yaml", "train: builtin:friedman1", "output: '" + dir.resolve("y") + "'", "epochs: 7", "overwrite: true");
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
        Path badKey = write("bad-key.properties", "train = builtin:iris", "epocs = 3");
        CliTest.Run r = CliTest.run("train", "--config", badKey.toString(), "--output", dir.resolve("x").toString());
        assertEquals(2, r.status());
        assertEquals("sparkprop: " + badKey + ":2: unknown key 'epocs'; keys are the flags of train without their dashes (see sparkprop train --help)",
                r.err().strip());

        Path badNumber = write("bad-number.properties", "learning-rate = fast");
        CliTest.Run number = CliTest.run("train", "--config", badNumber.toString(), "--train", "builtin:iris", "--output", dir.resolve("x").toString());
        assertEquals(2, number.status());
        assertEquals("sparkprop: " + badNumber + ":1: learning-rate 'fast': not a number", number.err().strip());

        Path badRange = write("bad-range.yml", "batch-size: 0");
        CliTest.Run range = CliTest.run("train", "--config", badRange.toString(), "--print-config");
        assertEquals(2, range.status());
        assertEquals("sparkprop: " + badRange + ":1: batch-size must be at least 1, got 0", range.err().strip());

        Path badFlag = write("bad-flag.properties", "overwrite = yes");
        CliTest.Run flag = CliTest.run("train", "--config", badFlag.toString(), "--print-config");
        assertEquals(2, flag.status());
        assertEquals("sparkprop: " + badFlag + ":1: overwrite takes true or false, got 'yes'", flag.err().strip());

        Path nested = write("nested.properties", "config = other.properties");
        CliTest.Run self = CliTest.run("train", "--config", nested.toString(), "--print-config");
        assertEquals(2, self.status());
        assertTrue(self.err().startsWith("sparkprop: " + nested + ":1: unknown key 'config'"), self.err());

        CliTest.Run missing = CliTest.run("train", "--config", dir.resolve("nope.properties").toString(), "--print-config");
        assertEquals(2, missing.status());
        assertEquals("sparkprop: configuration file " + dir.resolve("nope.properties") + " does not exist", missing.err().strip());

        CliTest.Run onCommandLine = CliTest.run("train", "--batch-size", "0", "--print-config");
        assertEquals("sparkprop: --batch-size must be at least 1, got 0", onCommandLine.err().strip(), "command-line flags keep their names");
    }
}
