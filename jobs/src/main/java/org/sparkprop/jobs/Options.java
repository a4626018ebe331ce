package org.sparkprop.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.sparkprop.driver.UserException;

/**
 * The flags of one subcommand: declared once with their help text, parsed from {@code --name value} or
 * {@code --name=value} pairs. An unknown flag, a missing value, a repeated flag or a value that does not
 * parse is a {@link UserException} naming the flag.
 */
final class Options {
    private record Spec(String name, String valueName, String help, boolean required) {
    }

    private final String command;
    private final String summary;
    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();

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
        for (Spec spec : specs.values()) {
            if (spec.required && !values.containsKey(spec.name)) {
                throw new UserException(command + " needs --" + spec.name + " " + spec.valueName + " (see sparkprop " + command + " --help)");
            }
        }
        return true;
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
            throw new UserException("--" + name + " '" + raw + "': " + why);
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

    /** A comma-separated list of positive integers, such as "256,128"; "" or "none" for an empty list. */
    static int[] intList(String raw) {
        String trimmed = raw.trim();
        if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("none")) {
            return new int[0];
        }
        String[] parts = trimmed.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected comma-separated integers such as 256,128");
            }
            if (out[i] < 1) {
                throw new IllegalArgumentException("layer sizes must be at least 1");
            }
        }
        return out;
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
