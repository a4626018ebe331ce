package org.sparkprop.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkprop.driver.UserException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A configuration file for {@code --config FILE}: a YAML mapping, read by SnakeYAML, whose keys are a subcommand's
 * flags without their leading dashes. A value is a scalar (taken as written, so {@code 0.010} stays "0.010" and
 * {@code '256,128'} and {@code 256,128} are the same) or a list of scalars, which stands for their comma-separated
 * text ({@code hidden: [256, 128]} is {@code hidden: 256,128}). A flag without a value (such as {@code overwrite})
 * takes {@code true} or {@code false}. Nested mappings, an empty value and a key given twice are refused, each with
 * its file and line. Which keys exist is the subcommand's business ({@link Options}).
 */
final class ConfigFile {
    /** Largest configuration file read: a few dozen settings fit many times over. */
    static final long MAX_BYTES = 1L << 20;
    /** A line of the 'key = value' files that sparkprop read before it read YAML. */
    private static final Pattern OLD_STYLE = Pattern.compile("\\s*([a-z0-9][a-z0-9-]*)\\s*=\\s*(.*?)\\s*");
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /**
     * One setting.
     *
     * @param where the file and 1-based line, as "FILE:LINE", for messages
     */
    record Entry(String key, String value, String where) {
    }

    private ConfigFile() {
    }

    /** Reads and parses {@code path} (any Hadoop file system). */
    static List<Entry> read(String path, Configuration conf) {
        byte[] bytes;
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
            try (InputStream in = fs.open(p)) {
                bytes = in.readNBytes((int) MAX_BYTES + 1);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UserException("cannot read configuration file " + path + ": " + e.getMessage(), e);
        }
        return parse(path, new String(bytes, StandardCharsets.UTF_8));
    }

    /** The settings in {@code text}, the content of the file {@code name}, in file order. */
    static List<Entry> parse(String name, String text) {
        String content = text.startsWith("\uFEFF") ? text.substring(1) : text;
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit((int) MAX_BYTES);
            options.setMaxAliasesForCollections(20);
            options.setNestingDepthLimit(5);
            root = new Yaml(options).compose(new StringReader(content));
        } catch (MarkedYAMLException e) {
            throw refusal(name, content, line(e.getProblemMark()), "not YAML (" + e.getProblem() + ")");
        } catch (YAMLException e) {
            throw refusal(name, content, 1, "not YAML (" + e.getMessage() + ")");
        }
        if (root == null) {
            return List.of();
        }
        if (!(root instanceof MappingNode mapping)) {
            throw refusal(name, content, line(root.getStartMark()), "expected YAML key: value lines, got " + describe(root));
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            int line = line(tuple.getKeyNode().getStartMark());
            String where = name + ":" + line;
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode) || !KEY.matcher(keyNode.getValue()).matches()) {
                String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : describe(tuple.getKeyNode());
                throw refusal(name, content, line, "'" + key + "' is not a key; keys are flag names without their dashes, such as learning-rate");
            }
            String key = keyNode.getValue();
            Integer previous = firstLine.putIfAbsent(key, line);
            if (previous != null) {
                throw new UserException(where + ": key '" + key + "' is set again (first on line " + previous + ")");
            }
            entries.add(new Entry(key, value(key, tuple.getValueNode(), where), where));
        }
        return entries;
    }

    /** A scalar as written, or a list of scalars as their comma-separated text. */
    private static String value(String key, Node node, String where) {
        if (node instanceof ScalarNode scalar) {
            if (scalar.getTag().equals(Tag.NULL)) {
                throw new UserException(where + ": '" + key + "' has no value; write " + key + ": VALUE");
            }
            return scalar.getValue();
        }
        if (node instanceof SequenceNode sequence) {
            List<String> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                if (!(item instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
                    throw new UserException(where + ": '" + key + "' is a list whose items are not all plain values");
                }
                items.add(scalar.getValue());
            }
            return String.join(",", items);
        }
        throw new UserException(where + ": '" + key + "' holds a nested mapping; settings are flat key: value lines");
    }

    /**
     * The refusal of a file that is not the YAML mapping expected: when it holds a line of the 'key = value' form
     * sparkprop read before, one sentence on how to write it in YAML, pointing at that line.
     */
    private static UserException refusal(String name, String content, int line, String problem) {
        String[] lines = content.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = OLD_STYLE.matcher(lines[i]);
            if (m.matches()) {
                return new UserException(name + ":" + (i + 1) + ": configuration files are YAML, so write '" + m.group(1) + ": "
                        + m.group(2) + "' instead of the 'key = value' line '" + lines[i].strip() + "'");
            }
        }
        return new UserException(name + ":" + line + ": " + problem);
    }

    private static int line(Mark mark) {
        return mark == null ? 1 : mark.getLine() + 1;
    }

    private static String describe(Node node) {
        return node instanceof ScalarNode s ? "'" + s.getValue() + "'" : node instanceof SequenceNode ? "a list" : "a mapping";
    }

    /**
     * A subcommand's resolved configuration as a YAML file that {@link #read} takes back: every flag but help and
     * the configuration flags themselves, in declaration order, with the value in effect (from {@code resolved},
     * else as given); a flag with no value in effect is a comment line.
     *
     * @param resolved values in effect of the flags that a validated configuration decides, by flag name; a null
     *                 value means the configuration does not use that flag
     */
    static String print(String command, Options o, Map<String, String> resolved) {
        StringBuilder s = new StringBuilder("# sparkprop " + command
                + ": the resolved configuration (flags given override a --config file, which overrides the defaults)\n");
        for (String name : o.names()) {
            if (name.equals("help") || o.isConfigFlag(name)) {
                continue;
            }
            String value = resolved.containsKey(name) ? resolved.get(name) : o.string(name);
            s.append(value == null ? "# " + name + ":\n" : name + ": " + yamlScalar(value) + "\n");
        }
        return s.toString();
    }

    /** {@code value} as a YAML scalar that reads back as the same text: plain where that is safe, else single-quoted. */
    static String yamlScalar(String value) {
        boolean plain = value.matches("[A-Za-z0-9_./+\\-][A-Za-z0-9_./,:+=@\\-]*") && !value.endsWith(":")
                && !value.startsWith("-") || value.matches("-[0-9][0-9.eE+\\-]*");
        return plain ? value : "'" + value.replace("'", "''") + "'";
    }
}
