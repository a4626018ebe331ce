package org.sparkprop.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.registry.Registry;
import org.sparkprop.predictor.Json;

/**
 * {@code sparkprop models ACTION}: the versions of a registered model. {@code list}, {@code show},
 * {@code promote VERSION}, {@code rollback} (to the current version's parent), {@code gc --keep N} and
 * {@code path} (the current version's directory, for evaluate and predict's --model). No Spark is started.
 */
final class ModelsCommand implements Main.Command {
    static final List<String> ACTIONS = List.of("list", "show", "promote", "rollback", "gc", "path");
    private final String action;
    private final Integer positionalVersion;

    /** @param args the action and, for promote, the version: what follows "models" before the flags */
    ModelsCommand(String action, Integer positionalVersion) {
        if (!ACTIONS.contains(action)) {
            throw new UserException("unknown models action '" + action + "'; expected one of " + String.join(", ", ACTIONS));
        }
        this.action = action;
        this.positionalVersion = positionalVersion;
    }

    @Override
    public Options options() {
        Options o = new Options("models " + action, "Versions of a registered model: list, show, promote VERSION, rollback, gc --keep N, path.");
        o.required("registry", "URI", "the registry: a directory on any Hadoop file system")
                .required("name", "NAME", "the model's name in the registry");
        switch (action) {
            case "show", "path" -> o.value("version", "N", "this version instead of the current one");
            case "promote" -> o.value("version", "N", "the version to make current (or give it after 'promote')");
            case "gc" -> o.required("keep", "N", "keep the newest N versions (never the current one or its parent)");
            default -> {
            }
        }
        if (action.equals("list") || action.equals("show")) {
            o.flag("json", "print JSON instead of a table");
        }
        return o;
    }

    @Override
    public void run(Options o, PrintStream out) {
        Registry registry = new Registry(o.string("registry"), o.string("name"), new Configuration());
        Integer current = registry.currentVersion();
        switch (action) {
            case "list" -> list(registry, current, o.has("json"), out);
            case "show" -> {
                Registry.Version v = registry.version(versionOrCurrent(o, current, registry));
                ObjectNode n = describe(v, current);
                out.println(o.has("json") ? n.toString() : n.toPrettyString());
            }
            case "path" -> out.println(registry.versionPath(versionOrCurrent(o, current, registry)));
            case "promote" -> {
                Integer n = o.has("version") ? Integer.valueOf(o.integer("version", 0)) : positionalVersion;
                if (n == null) {
                    throw new UserException("models promote needs a version: sparkprop models promote VERSION --registry ... --name ...");
                }
                registry.setCurrent(n);
                out.printf(Locale.ROOT, "%s: current is now version %d (was %s)%n", registry.name(), n, current == null ? "none" : current);
            }
            case "rollback" -> {
                if (current == null) {
                    throw new UserException(registry.name() + " has no current version to roll back from");
                }
                Integer parent = registry.version(current).parent();
                if (parent == null) {
                    throw new UserException("version " + current + " of " + registry.name() + " has no parent to roll back to");
                }
                registry.setCurrent(parent);
                out.printf(Locale.ROOT, "%s: current is now version %d (rolled back from %d)%n", registry.name(), parent, current);
            }
            case "gc" -> {
                List<Integer> removed = registry.gc(o.integer("keep", 0));
                out.printf(Locale.ROOT, "%s: removed %d version%s%s%n", registry.name(), removed.size(), removed.size() == 1 ? "" : "s",
                        removed.isEmpty() ? "" : " " + removed);
            }
            default -> throw new IllegalStateException(action);
        }
    }

    private static int versionOrCurrent(Options o, Integer current, Registry registry) {
        if (o.has("version")) {
            return o.integer("version", 0);
        }
        if (current == null) {
            throw new UserException(registry.name() + " has no current version yet; give --version N");
        }
        return current;
    }

    private static void list(Registry registry, Integer current, boolean json, PrintStream out) {
        List<Registry.Version> versions = registry.versions();
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            versions.forEach(v -> array.add(describe(v, current)));
            out.println(array.toString());
            return;
        }
        out.printf(Locale.ROOT, "%-8s %-7s %-7s %-24s %s%n", "version", "current", "parent", "created", "validation");
        for (Registry.Version v : versions) {
            String metric = v.metrics().has("accuracy") ? String.format(Locale.ROOT, "accuracy %.4f", v.metrics().path("accuracy").asDouble())
                    : v.metrics().has("rmse") ? String.format(Locale.ROOT, "rmse %.4f", v.metrics().path("rmse").asDouble()) : "";
            out.printf(Locale.ROOT, "%-8d %-7s %-7s %-24s %s%n", v.number(), v.number() == (current == null ? -1 : current) ? "*" : "",
                    v.parent() == null ? "-" : v.parent(), v.createdAt(), metric);
        }
    }

    private static ObjectNode describe(Registry.Version v, Integer current) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("version", v.number());
        n.put("current", current != null && current == v.number());
        if (v.parent() == null) {
            n.putNull("parent");
        } else {
            n.put("parent", v.parent());
        }
        n.put("createdAt", v.createdAt());
        n.put("runKey", v.runKey());
        n.set("metrics", v.metrics());
        n.put("path", v.path());
        return n;
    }
}
