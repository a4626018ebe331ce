package org.sparkprop.driver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sparkprop.driver.UserException;

/**
 * The champion/challenger rule a candidate must pass to be published, such as
 * {@code accuracy >= champion - 0.002}, {@code rmse <= champion * 1.01} or {@code accuracy >= 0.9}: a metric of
 * the candidate on the validation data, a comparison, and a bound that is a number or the champion's value of
 * the same metric on the same data, optionally shifted ({@code + - }) or scaled ({@code *}) by a number.
 *
 * @param metric     accuracy, loss, mse, rmse, mae or r2 (as {@code evaluate --json} names them)
 * @param comparison one of {@code >=, >, <=, <}
 * @param champion   true when the bound is the champion's value, false for a fixed number
 * @param operator   '+', '-', '*' applied to the champion's value with {@code operand}, or 0 for none
 * @param operand    the number: the fixed bound, or what shifts or scales the champion's value
 */
public record Gate(String metric, String comparison, boolean champion, char operator, double operand) {
    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*([a-z0-9_]+)\\s*(>=|<=|>|<)\\s*(?:(champion)\\s*(?:([-+*])\\s*([0-9.eE+-]+))?|([0-9.eE+-]+))\\s*");
    private static final java.util.Set<String> METRICS = java.util.Set.of("accuracy", "loss", "mse", "rmse", "mae", "r2");

    /** The default for a task: no worse than the champion by its headline metric. */
    public static Gate defaultFor(boolean regression) {
        return regression ? parse("rmse <= champion") : parse("accuracy >= champion");
    }

    public static Gate parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new UserException("--gate '" + text + "' is not a rule like 'accuracy >= champion - 0.002' or 'rmse <= champion * 1.01'");
        }
        String metric = m.group(1);
        if (!METRICS.contains(metric)) {
            throw new UserException("--gate '" + text + "': unknown metric '" + metric + "'; expected one of accuracy, loss, mse, rmse, mae, r2");
        }
        try {
            if (m.group(3) != null) {
                return new Gate(metric, m.group(2), true, m.group(4) == null ? 0 : m.group(4).charAt(0),
                        m.group(5) == null ? 0 : Double.parseDouble(m.group(5)));
            }
            return new Gate(metric, m.group(2), false, (char) 0, Double.parseDouble(m.group(6)));
        } catch (NumberFormatException e) {
            throw new UserException("--gate '" + text + "': not a number in it");
        }
    }

    /** The verdict on a candidate's metrics against the champion's (null for the first version: it passes). */
    public Verdict judge(JsonNode candidate, JsonNode championMetrics) {
        double value = value(candidate, "candidate");
        if (champion && championMetrics == null) {
            return new Verdict(true, String.format(Locale.ROOT, "first version: %s %.6g, nothing to compare with", metric, value));
        }
        double bound = champion ? shifted(value(championMetrics, "champion")) : operand;
        boolean pass = switch (comparison) {
            case ">=" -> value >= bound;
            case ">" -> value > bound;
            case "<=" -> value <= bound;
            default -> value < bound;
        };
        return new Verdict(pass, String.format(Locale.ROOT, "candidate %s %.6g %s %.6g (%s)%s", metric, value,
                pass ? comparison : "fails " + comparison, bound, this, champion ? String.format(Locale.ROOT, ", champion %.6g",
                        value(championMetrics, "champion")) : ""));
    }

    private double shifted(double championValue) {
        return switch (operator) {
            case '+' -> championValue + operand;
            case '-' -> championValue - operand;
            case '*' -> championValue * operand;
            default -> championValue;
        };
    }

    private double value(JsonNode metrics, String whose) {
        JsonNode v = metrics.path(metric);
        if (!v.isNumber()) {
            throw new UserException("--gate uses " + metric + ", which the " + whose + "'s evaluation does not have (regression has mse, rmse, mae, r2; classification accuracy; both loss)");
        }
        return v.asDouble();
    }

    @Override
    public String toString() {
        String bound = champion ? "champion" + (operator == 0 ? "" : " " + operator + " " + operand) : Double.toString(operand);
        return metric + " " + comparison + " " + bound;
    }

    /** Whether the candidate passed, and one sentence saying why. */
    public record Verdict(boolean pass, String reason) {
    }
}
