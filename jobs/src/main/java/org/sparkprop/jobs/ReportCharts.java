package org.sparkprop.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG, drawn here (no script, no library): line charts over epochs, a heat map of
 * a confusion matrix, a scatter plot of predicted against actual values. The output is well-formed XML, and
 * every drawn series carries its point count ({@code data-points}) so that a test can check what was drawn.
 */
final class ReportCharts {
    /** Chart size in CSS pixels. */
    static final int WIDTH = 540;
    static final int HEIGHT = 300;
    private static final int LEFT = 70;
    private static final int RIGHT = 16;
    private static final int TOP = 36;
    private static final int BOTTOM = 46;
    /** Estimated width of a character of the 12 px chart font. */
    private static final double CHAR_WIDTH = 6.5;
    /** Series with at most this many points also get a marker per point. */
    private static final int MARKERS_UP_TO = 40;
    /** Colours of series in order (colour-blind safe: Okabe and Ito's palette). */
    static final List<String> COLOURS = List.of("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9");

    private ReportCharts() {
    }

    /**
     * One line of a line chart.
     *
     * @param x, y the points; NaN y values are left out (an epoch without validation)
     */
    record Series(String name, double[] x, double[] y) {
        Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException(name + ": " + x.length + " x values but " + y.length + " y values");
            }
        }

        int finitePoints() {
            int n = 0;
            for (double v : y) {
                n += Double.isFinite(v) ? 1 : 0;
            }
            return n;
        }
    }

    /** A line chart of {@code series} (those without a finite point are left out); x are integers (epochs). */
    static String lineChart(String id, String title, String xLabel, String yLabel, List<Series> series) {
        List<Series> drawn = series.stream().filter(s -> s.finitePoints() > 0).toList();
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : drawn) {
            for (int i = 0; i < s.x.length; i++) {
                if (Double.isFinite(s.y[i])) {
                    xMin = Math.min(xMin, s.x[i]);
                    xMax = Math.max(xMax, s.x[i]);
                    yMin = Math.min(yMin, s.y[i]);
                    yMax = Math.max(yMax, s.y[i]);
                }
            }
        }
        StringBuilder svg = open(id, title);
        if (drawn.isEmpty()) {
            text(svg, WIDTH / 2.0, HEIGHT / 2.0, "middle", "note", "nothing recorded");
            return svg.append("</svg>\n").toString();
        }
        Axis x = Axis.of(xMin, xMax, 6, true);
        Axis y = Axis.of(yMin, yMax, 5, false);
        Plot plot = new Plot(x, y, LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP);
        plot.axes(svg, xLabel, yLabel);
        for (int k = 0; k < drawn.size(); k++) {
            Series s = drawn.get(k);
            String colour = COLOURS.get(k % COLOURS.size());
            StringBuilder d = new StringBuilder();
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < s.x.length; i++) {
                if (Double.isFinite(s.y[i])) {
                    double px = plot.px(s.x[i]);
                    double py = plot.py(s.y[i]);
                    d.append(d.length() == 0 ? "M" : " L").append(fmt(px)).append(' ').append(fmt(py));
                    points.add(new double[] {px, py});
                }
            }
            svg.append(String.format(Locale.ROOT, "<path class=\"series\" data-series=\"%s\" data-points=\"%d\" d=\"%s\" "
                    + "fill=\"none\" stroke=\"%s\" stroke-width=\"2\" stroke-linejoin=\"round\"/>%n", Report.escape(s.name), points.size(), d, colour));
            if (points.size() <= MARKERS_UP_TO) {
                for (double[] p : points) {
                    svg.append(String.format(Locale.ROOT, "<circle class=\"marker\" cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>%n", fmt(p[0]), fmt(p[1]), colour));
                }
            }
        }
        if (series.size() > 1) {
            legend(svg, drawn.stream().map(Series::name).toList());
        }
        return svg.append("</svg>\n").toString();
    }

    /**
     * A heat map of a confusion matrix: cell (actual a, predicted p) holds the count, shaded by its share of
     * row a (the recall of class a on the diagonal).
     *
     * @param counts K × K, rows actual. Not modified.
     */
    static String confusionMatrix(String id, String title, List<String> classes, long[][] counts) {
        int k = classes.size();
        int labelWidth = 104;
        int cell = Math.max(4, Math.min(72, (WIDTH - labelWidth - 20) / Math.max(k, 1)));
        boolean labels = cell >= 14;
        boolean numbers = cell >= 24;
        int longest = classes.stream().mapToInt(c -> shortLabel(c).length()).max().orElse(0);
        boolean slanted = labels && longest * CHAR_WIDTH > cell - 4;
        int top = TOP + 36 + (slanted ? (int) (longest * CHAR_WIDTH * 0.71) : 0);
        int width = Math.max(WIDTH, labelWidth + cell * k + 20);
        int height = top + cell * k + 20;
        StringBuilder svg = open(id, title, width, height);
        text(svg, labelWidth + cell * k / 2.0, TOP + 8, "middle", "axis-label", "predicted");
        svg.append(String.format(Locale.ROOT, "<text class=\"axis-label\" transform=\"translate(14 %s) rotate(-90)\" text-anchor=\"middle\">actual</text>%n",
                fmt(top + cell * k / 2.0)));
        for (int a = 0; a < k; a++) {
            long rowTotal = 0;
            for (int p = 0; p < k; p++) {
                rowTotal += counts[a][p];
            }
            if (labels) {
                text(svg, labelWidth - 6, top + cell * (a + 0.5) + 4, "end", "tick", shortLabel(classes.get(a)));
                if (slanted) {
                    svg.append(String.format(Locale.ROOT, "<text class=\"tick\" transform=\"translate(%s %d) rotate(-45)\" text-anchor=\"start\">%s</text>%n",
                            fmt(labelWidth + cell * (a + 0.5)), top - 6, Report.escape(shortLabel(classes.get(a)))));
                } else {
                    text(svg, labelWidth + cell * (a + 0.5), top - 6, "middle", "tick", shortLabel(classes.get(a)));
                }
            }
            for (int p = 0; p < k; p++) {
                double share = rowTotal == 0 ? 0 : (double) counts[a][p] / rowTotal;
                svg.append(String.format(Locale.ROOT, "<rect class=\"cell\" data-actual=\"%d\" data-predicted=\"%d\" data-count=\"%d\" "
                                + "x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#ffffff\"><title>actual %s, predicted %s: %d</title></rect>%n",
                        a, p, counts[a][p], labelWidth + cell * p, top + cell * a, cell, cell, shade(share),
                        Report.escape(classes.get(a)), Report.escape(classes.get(p)), counts[a][p]));
                if (numbers) {
                    text(svg, labelWidth + cell * (p + 0.5), top + cell * (a + 0.5) + 4, "middle", share > 0.5 ? "count on-dark" : "count",
                            Long.toString(counts[a][p]));
                }
            }
        }
        return svg.append("</svg>\n").toString();
    }

    /**
     * Predicted against actual values with the line y = x; one colour per output.
     *
     * @param actual    per output, the actual values. Not modified.
     * @param predicted per output, the predicted values, as long as actual's. Not modified.
     */
    static String predictedAgainstActual(String id, String title, List<String> outputs, double[][] actual, double[][] predicted) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < outputs.size(); k++) {
            for (int i = 0; i < actual[k].length; i++) {
                lo = Math.min(lo, Math.min(actual[k][i], predicted[k][i]));
                hi = Math.max(hi, Math.max(actual[k][i], predicted[k][i]));
            }
        }
        StringBuilder svg = open(id, title);
        if (!(lo <= hi)) {
            text(svg, WIDTH / 2.0, HEIGHT / 2.0, "middle", "note", "no sample stored");
            return svg.append("</svg>\n").toString();
        }
        Axis x = Axis.of(lo, hi, 6, false);
        Axis y = Axis.of(lo, hi, 5, false);
        Plot plot = new Plot(x, y, LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP);
        plot.axes(svg, "actual", "predicted");
        double from = Math.max(x.lo, y.lo);
        double to = Math.min(x.hi, y.hi);
        svg.append(String.format(Locale.ROOT, "<path class=\"diagonal\" d=\"M%s %s L%s %s\" stroke=\"#888888\" stroke-dasharray=\"4 3\" fill=\"none\"/>%n",
                fmt(plot.px(from)), fmt(plot.py(from)), fmt(plot.px(to)), fmt(plot.py(to))));
        for (int k = 0; k < outputs.size(); k++) {
            String colour = COLOURS.get(k % COLOURS.size());
            svg.append(String.format(Locale.ROOT, "<g class=\"points\" data-series=\"%s\" data-points=\"%d\" fill=\"%s\" fill-opacity=\"0.55\">%n",
                    Report.escape(outputs.get(k)), actual[k].length, colour));
            for (int i = 0; i < actual[k].length; i++) {
                svg.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%s\" cy=\"%s\" r=\"2.5\"/>%n",
                        fmt(plot.px(actual[k][i])), fmt(plot.py(predicted[k][i]))));
            }
            svg.append("</g>\n");
        }
        if (outputs.size() > 1) {
            legend(svg, outputs);
        }
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder open(String id, String title) {
        return open(id, title, WIDTH, HEIGHT);
    }

    private static StringBuilder open(String id, String title, int width, int height) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" class=\"chart\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n", id, width, height, width, height, Report.escape(title)));
        svg.append(String.format(Locale.ROOT, "<rect class=\"background\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
        text(svg, 12, 22, "start", "title", title);
        return svg;
    }

    private static void legend(StringBuilder svg, List<String> names) {
        double x = WIDTH - RIGHT;
        for (int k = names.size() - 1; k >= 0; k--) {
            String name = names.get(k);
            double width = 26 + CHAR_WIDTH * name.length();
            x -= width;
            String colour = COLOURS.get(k % COLOURS.size());
            svg.append(String.format(Locale.ROOT, "<g class=\"legend\"><path d=\"M%s 18 h16\" stroke=\"%s\" stroke-width=\"3\"/>", fmt(x), colour));
            text(svg, x + 20, 22, "start", "tick", name);
            svg.append("</g>\n");
        }
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String cssClass, String content) {
        svg.append(String.format(Locale.ROOT, "<text class=\"%s\" x=\"%s\" y=\"%s\" text-anchor=\"%s\">%s</text>%n",
                cssClass, fmt(x), fmt(y), anchor, Report.escape(content)));
    }

    /** White to dark blue by {@code share} in [0, 1]. */
    static String shade(double share) {
        int[] light = {0xf7, 0xfb, 0xff};
        int[] dark = {0x08, 0x30, 0x6b};
        StringBuilder c = new StringBuilder("#");
        for (int i = 0; i < 3; i++) {
            c.append(String.format(Locale.ROOT, "%02x", Math.round(light[i] + (dark[i] - light[i]) * share)));
        }
        return c.toString();
    }

    private static String shortLabel(String label) {
        return label.length() <= 12 ? label : label.substring(0, 11) + "…";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * An axis over [lo, hi] widened to whole ticks: steps of 1, 2 or 5 × 10ⁿ, about {@code target} of them.
     * An integer axis (epochs) has steps of at least 1.
     */
    record Axis(double lo, double hi, double step) {
        static Axis of(double min, double max, int target, boolean integers) {
            if (min == max) {
                double pad = integers ? 1 : Math.max(Math.abs(min) * 0.1, 1e-9);
                min -= pad;
                max += pad;
            }
            double raw = (max - min) / target;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double normalized = raw / magnitude;
            double step = (normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10) * magnitude;
            if (integers) {
                step = Math.max(1, Math.round(step));
            }
            double lo = Math.floor(min / step + 1e-9) * step;
            double hi = Math.ceil(max / step - 1e-9) * step;
            return new Axis(lo, hi, step);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            long n = Math.round((hi - lo) / step);
            for (long i = 0; i <= n; i++) {
                ticks.add(lo + i * step);
            }
            return ticks;
        }

        /** A tick's text: as many decimals as the step needs, or powers of ten for very small or large values. */
        String label(double v) {
            double scale = Math.max(Math.abs(lo), Math.abs(hi));
            if (Math.abs(v) < step * 1e-6) {
                return "0";
            }
            if (scale >= 1e6 || scale < 1e-3) {
                return String.format(Locale.ROOT, "%.1e", v);
            }
            int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
    }

    /** Maps data to pixels inside [left, right] × [top, bottom] (y grows upward in data, downward on screen). */
    private record Plot(Axis x, Axis y, double left, double right, double bottom, double top) {
        double px(double v) {
            return left + (v - x.lo) / (x.hi - x.lo) * (right - left);
        }

        double py(double v) {
            return bottom - (v - y.lo) / (y.hi - y.lo) * (bottom - top);
        }

        void axes(StringBuilder svg, String xLabel, String yLabel) {
            for (double t : y.ticks()) {
                double py = py(t);
                svg.append(String.format(Locale.ROOT, "<path class=\"grid\" d=\"M%s %s H%s\" stroke=\"#e4e4e4\"/>%n", fmt(left), fmt(py), fmt(right)));
                text(svg, left - 6, py + 4, "end", "tick", y.label(t));
            }
            for (double t : x.ticks()) {
                double px = px(t);
                svg.append(String.format(Locale.ROOT, "<path class=\"grid\" d=\"M%s %s V%s\" stroke=\"#f0f0f0\"/>%n", fmt(px), fmt(bottom), fmt(top)));
                text(svg, px, bottom + 16, "middle", "tick", x.label(t));
            }
            svg.append(String.format(Locale.ROOT, "<path class=\"axis\" d=\"M%s %s V%s H%s\" stroke=\"#444444\" fill=\"none\"/>%n",
                    fmt(left), fmt(top), fmt(bottom), fmt(right)));
            text(svg, (left + right) / 2, bottom + 36, "middle", "axis-label", xLabel);
            svg.append(String.format(Locale.ROOT, "<text class=\"axis-label\" transform=\"translate(16 %s) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                    fmt((top + bottom) / 2), Report.escape(yLabel)));
        }
    }
}
