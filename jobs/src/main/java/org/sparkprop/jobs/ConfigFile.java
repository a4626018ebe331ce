package org.sparkprop.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.driver.optim.OptimizerSpec;
import org.sparkprop.driver.optim.ScheduleSpec;
import org.sparkprop.driver.train.TrainConfig;

/**
 * A configuration file for {@code train --config FILE}: a subcommand's flags without their leading dashes,
 * one per line. Two syntaxes, by the file's name:
 * <ul>
 *   <li>properties (any name): {@code key = value}; lines starting with {@code #} or {@code !} are comments;
 *       the value is the rest of the line, trimmed, taken literally (no escapes, no continuation lines);</li>
 *   <li>YAML ({@code .yaml}, {@code .yml}): a flat subset, {@code key: value} at the start of a line, a value
 *       plain or in single or double quotes, {@code #} comments, an optional {@code ---} first. Everything else
 *       YAML allows (nesting, lists, flow collections, anchors, tags, block scalars) is refused with the
 *       line named, so nothing is ever read differently from what a YAML parser would read.</li>
 * </ul>
 * A flag without a value (such as {@code overwrite}) takes {@code true} or {@code false}. A key given twice is
 * refused. Which keys exist is the subcommand's business ({@link Options}).
 */
final class ConfigFile {
    /** Largest configuration file read: a few dozen settings fit many times over. */
    static final long MAX_BYTES = 1L << 20;

    /**
     * One setting.
     *
     * @param where the file and 1-based line, as "FILE:LINE", for messages
     */
    record Entry(String key, String value, String where) {
    }

    private ConfigFile() {
    }

    /** Reads and parses {@code path} (any Hadoop file system); the syntax follows the name (see the class comment). */
    static List<Entry> read(String path, Configuration conf) {
        List<String> lines = new ArrayList<>();
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                throw new UserException("configuration file " + path + " does not exist");
            }
            FileStatus status = fs.getFileStatus(p);
            if (status.isDirectory()) {
                throw new UserException("configuration file " + path + " is a directory");
            }
            if (status.getLen() > MAX_BYTES) {
                throw new UserException("configuration file " + path + " has " + status.getLen() + " bytes, more than the " + MAX_BYTES + " allowed");
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UserException("cannot read configuration file " + path + ": " + e.getMessage(), e);
        }
        return parse(path, lines, isYaml(path));
    }

    static boolean isYaml(String path) {
        String name = path.toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /** The settings in {@code lines} of the file {@code name}, in file order. */
    static List<Entry> parse(String name, List<String> lines, boolean yaml) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String where = name + ":" + (i + 1);
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            Entry entry = yaml ? yamlLine(line, where, i == 0) : propertiesLine(line, where);
            if (entry == null) {
                continue;
            }
            if (!entry.key.matches("[a-z0-9][a-z0-9-]*")) {
                throw new UserException(where + ": '" + entry.key + "' is not a key; keys are flag names without their dashes, such as learning-rate");
            }
            Integer previous = firstLine.putIfAbsent(entry.key, i + 1);
            if (previous != null) {
                throw new UserException(where + ": key '" + entry.key + "' is set again (first on line " + previous + ")");
            }
            entries.add(entry);
        }
        return entries;
    }

    private static Entry propertiesLine(String line, String where) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
            return null;
        }
        int eq = trimmed.indexOf('=');
        if (eq < 0) {
            throw new UserException(where + ": expected key = value, got '" + trimmed + "'");
        }
        return new Entry(trimmed.substring(0, eq).strip(), trimmed.substring(eq + 1).strip(), where);
    }

    private static Entry yamlLine(String line, String where, boolean first) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#") || (first && trimmed.equals("---"))) {
            return null;
        }
        if (Character.isWhitespace(line.charAt(0))) {
            throw new UserException(where + ": indented (nested) YAML is not supported; write flat key: value lines");
        }
        if (trimmed.startsWith("-") || trimmed.equals("...")) {
            throw new UserException(where + ": only flat key: value lines are supported, not '" + trimmed + "'");
        }
        int colon = trimmed.indexOf(": ");
        String key;
        String rest;
        if (colon >= 0) {
            key = trimmed.substring(0, colon);
            rest = trimmed.substring(colon + 2).strip();
        } else if (trimmed.endsWith(":")) {
            key = trimmed.substring(0, trimmed.length() - 1);
            rest = "";
        } else {
            throw new UserException(where + ": expected key: value, got '" + trimmed + "'");
        }
        if (rest.isEmpty() || rest.startsWith("#")) {
            throw new UserException(where + ": '" + key.strip() + "' has no value (nested YAML is not supported; write flat key: value lines)");
        }
        return new Entry(key.strip(), yamlScalar(rest, where), where);
    }

    /** A plain, single-quoted or double-quoted scalar, with a trailing comment removed. */
    private static String yamlScalar(String text, String where) {
        char first = text.charAt(0);
        if (first == '\'' || first == '"') {
            StringBuilder value = new StringBuilder();
            int i = 1;
            for (; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == first) {
                    if (first == '\'' && i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                        value.append('\'');
                        i++;
                        continue;
                    }
                    break;
                }
                if (first == '"' && c == '\\') {
                    if (i + 1 < text.length() && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
                        value.append(text.charAt(++i));
                        continue;
                    }
                    throw new UserException(where + ": only \\\" and \\\\ escapes are supported in double-quoted values");
                }
                value.append(c);
            }
            if (i >= text.length()) {
                throw new UserException(where + ": the quoted value is not closed");
            }
            String after = text.substring(i + 1).strip();
            if (!after.isEmpty() && !after.startsWith("#")) {
                throw new UserException(where + ": unexpected '" + after + "' after the quoted value");
            }
            return value.toString();
        }
        if ("[{&*!|>%@`".indexOf(first) >= 0) {
            throw new UserException(where + ": YAML '" + first + "' values are not supported; write a plain value"
                    + (first == '[' ? " (a list as 256,128)" : ""));
        }
        int comment = text.indexOf(" #");
        return (comment >= 0 ? text.substring(0, comment) : text).strip();
    }

    /**
     * A subcommand's resolved configuration in the properties syntax that {@link #read} takes back: every flag but
     * help and the configuration flags themselves, in declaration order, with the value in effect (from
     * {@code resolved}, else as given); a flag with no value in effect is a comment line.
     *
     * @param resolved values in effect of the flags that a validated configuration decides, by flag name
     */
    static String print(String command, Options o, Map<String, String> resolved) {
        StringBuilder s = new StringBuilder("# sparkprop " + command
                + ": the resolved configuration (flags given override a --config file, which overrides the defaults)\n");
        for (String name : o.names()) {
            if (name.equals("help") || o.isConfigFlag(name)) {
                continue;
            }
            String value = resolved.containsKey(name) ? resolved.get(name) : o.string(name);
            s.append(value == null ? "# " + name + " =\n" : name + " = " + value + "\n");
        }
        return s.toString();
    }

    /**
     * The flag values that {@code config} stands for, under {@code train}'s flag names, in its flags' order:
     * what --print-config shows. Settings a choice does not use (momentum for Adam, decay-rate for a constant
     * schedule) are left out.
     */
    static Map<String, String> trainFlags(TrainConfig config) {
        Map<String, String> flags = new LinkedHashMap<>();
        int[] hidden = config.hidden();
        StringBuilder widths = new StringBuilder();
        for (int h : hidden) {
            widths.append(widths.length() == 0 ? "" : ",").append(h);
        }
        flags.put("hidden", hidden.length == 0 ? "none" : widths.toString());
        flags.put("activation", config.activation().id());
        flags.put("output-activation", config.effectiveOutputActivation().id());
        flags.put("loss", config.loss().id());
        OptimizerSpec optimizer = config.optimizer();
        flags.put("optimizer", optimizer.kind().id());
        ScheduleSpec schedule = config.schedule();
        flags.put("learning-rate", Double.toString(schedule.baseRate()));
        switch (optimizer.kind()) {
            case MOMENTUM, NESTEROV -> flags.put("momentum", Double.toString(optimizer.momentum()));
            case ADAM, ADAMW -> {
                flags.put("beta1", Double.toString(optimizer.beta1()));
                flags.put("beta2", Double.toString(optimizer.beta2()));
                flags.put("adam-epsilon", Double.toString(optimizer.epsilon()));
                if (optimizer.kind() == OptimizerKind.ADAMW) {
                    flags.put("weight-decay", Double.toString(optimizer.weightDecay()));
                }
            }
            case SGD -> {
            }
        }
        flags.put("schedule", schedule.kind().id());
        flags.put("warmup-steps", Long.toString(schedule.warmupSteps()));
        switch (schedule.kind()) {
            case STEP -> {
                flags.put("decay-epochs", Long.toString(schedule.stepSize()));
                flags.put("decay-rate", Double.toString(schedule.gamma()));
            }
            case EXPONENTIAL -> flags.put("decay-rate", Double.toString(schedule.gamma()));
            case COSINE -> flags.put("min-learning-rate", Double.toString(schedule.minRate()));
            case CONSTANT -> {
            }
        }
        flags.put("batch-size", Integer.toString(config.batchSize()));
        flags.put("epochs", Integer.toString(config.epochs()));
        flags.put("seed", Long.toString(config.seed()));
        if (config.partitions() > 0) {
            flags.put("partitions", Integer.toString(config.partitions()));
        }
        flags.put("precision", config.precision().toString());
        flags.put("l1", Double.toString(config.l1()));
        flags.put("l2", Double.toString(config.l2()));
        flags.put("clip-norm", Double.toString(config.clipNorm()));
        flags.put("clip-value", Double.toString(config.clipValue()));
        flags.put("tolerance", Double.toString(config.tolerance()));
        flags.put("patience", Integer.toString(config.patience()));
        return flags;
    }
}
