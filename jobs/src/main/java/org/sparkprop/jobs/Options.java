package org.sparkprop.jobs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.sparkprop.driver.UserException;

/**
 * The flags of one subcommand: declared once with their help text, parsed from {@code --name value} or
 * {@code --name=value} pairs, and, where the subcommand declares a {@link #configFile configuration file flag},
 * from the {@link ConfigFile} it names (the command line wins). An unknown flag, a missing value, a repeated flag
 * or a value that does not parse is a {@link UserException} naming the flag, or the file, line and key.
 */
final class Options {
    private record Spec(String name, String valueName, String help, boolean required) {
    }

    private final String command;
    private final String summary;
    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    /** Where each value given in a configuration file came from ("FILE:LINE"); command-line values are absent. */
    private final Map<String, String> fileOrigins = new LinkedHashMap<>();
    /** Flags that ask for information rather than a run: with one of them, required flags may be missing. */
    private final Set<String> informational = new HashSet<>();
    /** The flag naming a configuration file, or null. */
    private String configFlag;

    Options(String command, String summary) {
        this.command = command;
        this.summary = summary;
        flag("help", "print this help and exit");
    }

    /** Declares a flag that takes a value; {@code help} should mention the default. */
    Options value(String name, String valueName, String help) {
        specs.put(name, new Spec(name, valueName, help, false));
        return this;
    }

    Options required(String name, String valueName, String help) {
        specs.put(name, new Spec(name, valueName, help, true));
        return this;
    }

    /** Declares a flag without a value. */
    Options flag(String name, String help) {
        specs.put(name, new Spec(name, null, help, false));
        return this;
    }

    /** Declares a flag without a value that asks for information (such as --print-config): required flags become optional. */
    Options informational(String name, String help) {
        informational.add(name);
        return flag(name, help);
    }

    /** Declares the flag naming a {@link ConfigFile} whose keys are this command's other flags. */
    Options configFile(String name, String valueName, String help) {
        configFlag = name;
        return value(name, valueName, help);
    }

    /** Parses {@code args}; returns false if --help was asked for (the caller prints {@link #usage()}). */
    boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UserException("unexpected argument '" + arg + "' for " + command + "; flags start with -- (see sparkprop " + command + " --help)");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Spec spec = specs.get(name);
            if (spec == null) {
                throw new UserException("unknown flag --" + name + " for " + command + " (see sparkprop " + command + " --help)");
            }
            if (spec.valueName == null) {
                if (value != null) {
                    throw new UserException("flag --" + name + " takes no value, got '" + value + "'");
                }
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.length || (args[i + 1].startsWith("--") && args[i + 1].length() > 2)) {
                    throw new UserException("flag --" + name + " needs a value (" + spec.valueName + ")");
                }
                value = args[++i];
            }
            if (values.put(name, value) != null) {
                throw new UserException("flag --" + name + " is given more than once");
            }
        }
        if (has("help")) {
            return false;
        }
        if (configFlag != null && has(configFlag)) {
            merge(ConfigFile.read(string(configFlag), DataFlags.hadoopConf()));
        }
        boolean informationOnly = informational.stream().anyMatch(this::has);
        for (Spec spec : specs.values()) {
            if (spec.required && !informationOnly && !values.containsKey(spec.name)) {
                throw new UserException(command + " needs --" + spec.name + " " + spec.valueName + " (see sparkprop " + command + " --help)");
            }
        }
        return true;
    }

    /** Adds the settings of a configuration file for the flags the command line did not give. */
    private void merge(List<ConfigFile.Entry> entries) {
        for (ConfigFile.Entry entry : entries) {
            String key = entry.key();
            Spec spec = specs.get(key);
            if (spec == null || key.equals("help") || key.equals(configFlag) || informational.contains(key)) {
                throw new UserException(entry.where() + ": unknown key '" + key + "'; keys are the flags of " + command
                        + " without their dashes (see sparkprop " + command + " --help)");
            }
            if (values.containsKey(key)) {
                continue;
            }
            String value = entry.value();
            if (spec.valueName == null) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new UserException(entry.where() + ": " + key + " takes true or false, got '" + value + "'");
                }
                if (value.equals("false")) {
                    continue;
                }
            } else if (value.isEmpty()) {
                throw new UserException(entry.where() + ": " + key + " needs a value (" + spec.valueName + ")");
            }
            values.put(key, value);
            fileOrigins.put(key, entry.where());
        }
    }

    /** How messages name the flag {@code name}: "--name", or "FILE:LINE: name" for a value from a configuration file. */
    String source(String name) {
        String origin = fileOrigins.get(name);
        return origin == null ? "--" + name : origin + ": " + name;
    }

    /** Whether {@code name} names the configuration file or asks for information: not a setting of a run. */
    boolean isConfigFlag(String name) {
        return name.equals(configFlag) || informational.contains(name);
    }

    /** The declared flags' names, in declaration order. */
    List<String> names() {
        return List.copyOf(specs.keySet());
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name) {
        return values.get(name);
    }

    String string(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    /** The flag's value converted by {@code parser}; a parser's IllegalArgumentException names the flag. */
    <T> T get(String name, Function<String, T> parser, T otherwise) {
        String raw = values.get(name);
        if (raw == null) {
            return otherwise;
        }
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
            throw new UserException(source(name) + " '" + raw + "': " + why);
        }
    }

    int integer(String name, int otherwise) {
        return get(name, Integer::parseInt, otherwise);
    }

    long longValue(String name, long otherwise) {
        return get(name, Long::parseLong, otherwise);
    }

    double number(String name, double otherwise) {
        return get(name, Options::parseFinite, otherwise);
    }

    private static double parseFinite(String raw) {
        double v = Double.parseDouble(raw);
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite number");
        }
        return v;
    }

    static List<String> stringList(String raw) {
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    String usage() {
        StringBuilder s = new StringBuilder();
        s.append("usage: sparkprop ").append(command).append(" [flags]\n\n").append(summary).append("\n\nflags:\n");
        int width = 0;
        for (Spec spec : specs.values()) {
            width = Math.max(width, left(spec).length());
        }
        for (Spec spec : specs.values()) {
            s.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", left(spec), spec.help + (spec.required ? " (required)" : "")));
        }
        return s.toString();
    }

    private static String left(Spec spec) {
        return "--" + spec.name + (spec.valueName == null ? "" : " " + spec.valueName);
    }
}
