package org.sparkprop.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;
import org.sparkprop.jobs.ReportCharts.Series;

/**
 * A model directory's training report, {@value #FILE}: one self-contained HTML file (no script, nothing fetched)
 * with inline SVG charts per epoch of the training and validation loss, the validation metric, the learning
 * rate, the gradient norm and the throughput (from {@value ModelStore#TRAINING_FILE}); the confusion matrix as a
 * heat map for classification, or predicted against actual values for regression (from {@link ReportSample}'s
 * file); and the final metrics, the configuration and the data summary (from {@value ModelStore#MODEL_FILE}).
 * Everything comes from the model directory, so the report of a model reads the same whenever it is drawn.
 */
final class Report {
    static final String FILE = "report.html";

    private final String dir;
    private final Model model;
    private final JsonNode history;
    private final JsonNode sample;

    /**
     * @param dir     the model directory, as shown in the report
     * @param history the content of training.json
     * @param sample  the content of {@value ReportSample#FILE}, or null
     */
    Report(String dir, Model model, JsonNode history, JsonNode sample) {
        this.dir = dir;
        this.model = model;
        this.history = history;
        this.sample = sample;
    }

    /** Reads the model directory {@code dir} and writes its report into it (atomically, replacing an old one); returns the report's path. */
    static String write(String dir, Configuration conf) {
        Model model = ModelStore.load(dir, conf);
        ObjectNode history = ModelStore.readTrainingHistory(dir, conf);
        Report report = new Report(dir, model, history, ReportSample.read(dir, conf));
        String path = new Path(dir, FILE).toString();
        String html = report.html();
        HadoopFiles.writeTextAtomically(path, true, conf, writer -> writer.write(html));
        return path;
    }

    /** The whole page. */
    String html() {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<title>sparkprop report: ").append(escape(dir)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n");
        h.append("<h1>Training report</h1>\n<p class=\"sub\">").append(escape(dir)).append("<br/>")
                .append(escape(model.topology().toString())).append(", ")
                .append(model.topology().parameterCount()).append(" parameters, ").append(escape(model.precision().toString())).append(" compute</p>\n");
        summary(h);
        h.append("<h2>Per epoch</h2>\n<div class=\"grid\">\n");
        for (String chart : epochCharts()) {
            h.append("<figure>").append(chart).append("</figure>\n");
        }
        h.append("</div>\n");
        outcome(h);
        h.append("<h2>Configuration</h2>\n");
        table(h, configuration());
        h.append("<h2>Data</h2>\n");
        table(h, dataSummary());
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private List<JsonNode> epochs() {
        List<JsonNode> epochs = new ArrayList<>();
        history.path("epochs").forEach(epochs::add);
        return epochs;
    }

    /** The validation metric's name as training.json records it ("validation_accuracy" gives "accuracy"), or null. */
    private String metricName() {
        for (JsonNode e : epochs()) {
            for (Iterator<String> names = e.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (name.startsWith("validation_")) {
                    return name.substring("validation_".length());
                }
            }
        }
        return null;
    }

    /** The SVG charts per epoch: loss, validation metric, learning rate, gradient norm, throughput. */
    List<String> epochCharts() {
        List<JsonNode> epochs = epochs();
        double[] x = new double[epochs.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = epochs.get(i).path("epoch").asDouble(i + 1);
        }
        String metric = metricName();
        List<String> charts = new ArrayList<>();
        charts.add(ReportCharts.lineChart("chart-loss", "Loss", "epoch", "mean loss per row",
                List.of(new Series("train", x, field(epochs, "trainLoss")), new Series("validation", x, field(epochs, "validationLoss")))));
        if (metric != null) {
            charts.add(ReportCharts.lineChart("chart-metric", "Validation " + metric, "epoch", metric,
                    List.of(new Series("validation", x, field(epochs, "validation_" + metric)))));
        }
        charts.add(ReportCharts.lineChart("chart-learning-rate", "Learning rate (last step of the epoch)", "epoch", "learning rate",
                List.of(new Series("learning rate", x, field(epochs, "learningRate")))));
        charts.add(ReportCharts.lineChart("chart-gradient-norm", "Gradient norm (mean over the epoch, before clipping)", "epoch", "L2 norm",
                List.of(new Series("gradient norm", x, field(epochs, "gradientNorm")))));
        charts.add(ReportCharts.lineChart("chart-throughput", "Throughput", "epoch", "training rows per second",
                List.of(new Series("rows/s", x, field(epochs, "samplesPerSecond")))));
        return charts;
    }

    private static double[] field(List<JsonNode> epochs, String name) {
        double[] values = new double[epochs.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = epochs.get(i).get(name);
            values[i] = v != null && v.isNumber() ? v.asDouble() : Double.NaN;
        }
        return values;
    }

    private void summary(StringBuilder h) {
        List<JsonNode> epochs = epochs();
        int configured = model.training() == null ? epochs.size() : model.training().path("epochs").asInt(epochs.size());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"stopped", String.format(Locale.ROOT, "after %d of %d epochs (%s); weights of epoch %d kept", epochs.size(), configured,
                history.path("stopReason").asText("?"), history.path("bestEpoch").asInt())});
        rows.add(new String[] {"training loop", String.format(Locale.ROOT, "%d steps in %.1f s, %.0f rows/s", history.path("steps").asLong(),
                history.path("train_seconds").asDouble(), history.path("samples_per_second").asDouble())});
        table(h, rows);
        ObjectNode metrics = model.metrics();
        if (metrics == null || metrics.isEmpty()) {
            return;
        }
        List<String> columns = new ArrayList<>(List.of("count", "loss"));
        for (String name : List.of("accuracy", "exactMatch", "rmse", "mae", "r2")) {
            if (metrics.path("train").has(name) || metrics.path("validation").has(name)) {
                columns.add(name);
            }
        }
        h.append("<table class=\"metrics\">\n<tr><th>final metrics</th>");
        columns.forEach(c -> h.append("<th>").append(c.equals("count") ? "rows" : escape(c)).append("</th>"));
        h.append("</tr>\n");
        for (String data : List.of("train", "validation")) {
            JsonNode m = metrics.get(data);
            if (m == null) {
                continue;
            }
            h.append("<tr><td>").append(data).append("</td>");
            for (String c : columns) {
                JsonNode v = m.get(c);
                h.append("<td class=\"number\">").append(v == null || v.isNull() ? "" : v.isIntegralNumber() ? v.asText()
                        : String.format(Locale.ROOT, "%.4f", v.asDouble())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** The confusion matrix (classification) or predicted against actual (regression). */
    private void outcome(StringBuilder h) {
        Schema schema = model.schema();
        if (schema.labelKind() == LabelKind.REGRESSION) {
            h.append("<h2>Predicted against actual</h2>\n");
            if (sample == null) {
                h.append("<p class=\"note\">This model directory holds no ").append(ReportSample.FILE)
                        .append(" (it was written before train stored one).</p>\n");
                return;
            }
            int rows = sample.get("rows").asInt();
            List<String> outputs = new ArrayList<>();
            sample.get("outputs").forEach(o -> outputs.add(o.asText()));
            int k = outputs.size();
            double[][] actual = new double[k][rows];
            double[][] predicted = new double[k][rows];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < k; o++) {
                    actual[o][r] = sample.get("actual").get(r * k + o).asDouble();
                    predicted[o][r] = sample.get("predicted").get(r * k + o).asDouble();
                }
            }
            h.append("<p class=\"note\">").append(rows).append(" rows of the ").append(escape(sample.path("source").asText()))
                    .append(" data, the first of each partition; the dashed line is a perfect prediction.</p>\n<div class=\"grid\"><figure>")
                    .append(ReportCharts.predictedAgainstActual("chart-predicted", "Predicted against actual", outputs, actual, predicted))
                    .append("</figure></div>\n");
            return;
        }
        ObjectNode metrics = model.metrics();
        String source = metrics != null && metrics.path("validation").has("confusionMatrix") ? "validation" : "train";
        JsonNode m = metrics == null ? null : metrics.path(source);
        if (m == null || !m.has("confusionMatrix")) {
            return;
        }
        List<String> classes = new ArrayList<>();
        m.path("classes").forEach(c -> classes.add(c.asText()));
        long[][] counts = new long[classes.size()][classes.size()];
        for (int a = 0; a < classes.size(); a++) {
            for (int p = 0; p < classes.size(); p++) {
                counts[a][p] = m.path("confusionMatrix").path(a).path(p).asLong();
            }
        }
        h.append("<h2>Confusion matrix</h2>\n<p class=\"note\">On the ").append(source)
                .append(" data after training: rows are the actual classes, columns the predicted ones, shaded by the share of the row.</p>\n")
                .append("<div class=\"grid\"><figure>")
                .append(ReportCharts.confusionMatrix("chart-confusion", "Confusion matrix (" + source + ")", classes, counts))
                .append("</figure>\n<table class=\"metrics\">\n<tr><th>class</th><th>precision</th><th>recall</th><th>f1</th></tr>\n");
        for (String c : classes) {
            JsonNode one = m.path("perClass").path(c);
            h.append("<tr><td>").append(escape(c)).append("</td>");
            for (String name : List.of("precision", "recall", "f1")) {
                h.append("<td class=\"number\">").append(String.format(Locale.ROOT, "%.4f", one.path(name).asDouble())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table></div>\n");
    }

    /**
     * model.json's training configuration: one row per setting, leaving out those its choices do not use (null), the
     * data apart; nested objects of older model files flattened to "optimizer.kind" and so on.
     */
    private List<String[]> configuration() {
        List<String[]> rows = new ArrayList<>();
        ObjectNode training = model.training();
        if (training != null) {
            flatten("", training, rows);
        }
        return rows;
    }

    private static void flatten(String prefix, JsonNode node, List<String[]> rows) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (prefix.isEmpty() && field.getKey().equals("data")) {
                continue;
            }
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            if (value.isObject()) {
                flatten(prefix + field.getKey() + ".", value, rows);
            } else {
                rows.add(new String[] {prefix + field.getKey(), shown(value)});
            }
        }
    }

    private static String shown(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            return String.join(",", items);
        }
        return value.asText();
    }

    private List<String[]> dataSummary() {
        Schema schema = model.schema();
        List<String[]> rows = new ArrayList<>();
        JsonNode data = model.training() == null ? null : model.training().get("data");
        if (data != null) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = data.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                rows.add(new String[] {field.getKey(), shown(field.getValue())});
            }
        }
        rows.add(new String[] {"features", schema.numFeatures() + (schema.featureNames().isEmpty() ? "" : ": " + abbreviated(schema.featureNames()))});
        if (!schema.labelColumns().isEmpty()) {
            rows.add(new String[] {"label columns", String.join(", ", schema.labelColumns())});
        }
        rows.add(new String[] {"labels", schema.labelKind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + (schema.classes().isEmpty() ? ", " + schema.outputs() + " output" + (schema.outputs() > 1 ? "s" : "")
                : ", " + schema.classes().size() + " classes: " + abbreviated(schema.classes()))});
        ObjectNode metrics = model.metrics();
        if (metrics != null) {
            for (String name : List.of("train", "validation")) {
                if (metrics.path(name).has("count")) {
                    rows.add(new String[] {name + " rows evaluated", metrics.path(name).path("count").asText()});
                }
            }
        }
        return rows;
    }

    /** The first 20 names, then how many more. */
    private static String abbreviated(List<String> names) {
        int shown = Math.min(20, names.size());
        return String.join(", ", names.subList(0, shown)) + (names.size() > shown ? ", … (" + (names.size() - shown) + " more)" : "");
    }

    private static void table(StringBuilder h, List<String[]> rows) {
        h.append("<table class=\"pairs\">\n");
        for (String[] row : rows) {
            h.append("<tr><th>").append(escape(row[0])).append("</th><td>").append(escape(row[1])).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** Text made safe for HTML and XML content and attribute values. */
    static String escape(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        s.append(' ');
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.toString();
    }

    private static final String STYLE = """
            body { margin: 0; background: #f6f6f4; color: #1a1a1a; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
            main { max-width: 1120px; margin: 0 auto; padding: 24px; }
            h1 { font-size: 24px; margin: 0 0 4px; }
            h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid #d8d8d8; padding-bottom: 4px; }
            .sub, .note { color: #555555; margin: 4px 0 12px; }
            .grid { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
            figure { margin: 0; background: #ffffff; border: 1px solid #dddddd; border-radius: 4px; }
            svg text { font: 12px system-ui, sans-serif; fill: #333333; }
            svg text.title { font-size: 14px; font-weight: 600; }
            svg text.note { fill: #888888; }
            svg text.on-dark { fill: #ffffff; }
            table { border-collapse: collapse; margin: 8px 0; background: #ffffff; }
            th, td { border: 1px solid #dddddd; padding: 3px 10px; text-align: left; vertical-align: top; }
            th { background: #f0f0ee; font-weight: 600; }
            td.number { text-align: right; font-variant-numeric: tabular-nums; }
            table.pairs th { width: 200px; }
            """;
}
