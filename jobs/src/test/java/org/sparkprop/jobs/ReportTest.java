package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reports of real training runs (Iris classes, Friedman #1 regression), read as XML to check what the charts
 * hold, and rendered by headless Chromium to check that they draw.
 */
class ReportTest {
    private static final int EPOCHS = 6;
    private static final List<String> CHROMIUM = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    @TempDir
    static Path dir;
    static Path classes;
    static Path regression;

    @BeforeAll
    static void trainWithReports() throws IOException {
        Path[] split = CliTest.splitIris(dir, "train.csv", "held.csv");
        classes = dir.resolve("iris-model");
        CliTest.Run c = CliTest.run("train", "--train", split[0].toString(), "--label-col", "species",
                "--validation", split[1].toString(), "--output", classes.toString(), "--report",
                "--epochs", Integer.toString(EPOCHS), "--batch-size", "25", "--partitions", "2", "--master", "local[2]");
        assertEquals(0, c.status(), c.err());
        assertTrue(c.out().contains("report written to " + classes.resolve(Report.FILE)), c.out());

        regression = dir.resolve("friedman-model");
        CliTest.Run r = CliTest.run("train", "--train", "builtin:friedman1", "--validation", "builtin:friedman1:test", "--output", regression.toString(),
                "--report", "--epochs", "3", "--batch-size", "500", "--partitions", "2", "--master", "local[2]");
        assertEquals(0, r.status(), r.err());
    }

    static Document parse(Path html) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        return builder.parse(html.toFile());
    }

    private static List<Element> elements(Element root, String tag, String cssClass) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = root.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (cssClass == null || e.getAttribute("class").equals(cssClass)) {
                found.add(e);
            }
        }
        return found;
    }

    private static Element chart(Document page, String id) {
        for (Element svg : elements(page.getDocumentElement(), "svg", "chart")) {
            if (svg.getAttribute("id").equals(id)) {
                return svg;
            }
        }
        throw new AssertionError("no chart " + id);
    }

    /** The points of an SVG path made of "M x y L x y ...". */
    private static int points(String d) {
        return d.split("[ML]").length - 1;
    }

    @Test
    void theClassificationReportDrawsEveryEpochAndTheConfusionMatrix() throws Exception {
        Path html = classes.resolve(Report.FILE);
        Document page = parse(html);
        Map<String, Integer> seriesPerChart = Map.of("chart-loss", 2, "chart-metric", 1, "chart-learning-rate", 1, "chart-gradient-norm", 1,
                "chart-throughput", 1);
        for (Map.Entry<String, Integer> expected : seriesPerChart.entrySet()) {
            List<Element> series = elements(chart(page, expected.getKey()), "path", "series");
            assertEquals(expected.getValue(), series.size(), expected.getKey());
            for (Element path : series) {
                assertEquals(Integer.toString(EPOCHS), path.getAttribute("data-points"), expected.getKey());
                assertEquals(EPOCHS, points(path.getAttribute("d")), expected.getKey() + ": " + path.getAttribute("d"));
            }
        }

        JsonNode validation = new ObjectMapper().readTree(classes.resolve("model.json").toFile()).at("/metrics/validation");
        List<Element> cells = elements(chart(page, "chart-confusion"), "rect", "cell");
        assertEquals(9, cells.size());
        long total = 0;
        for (Element cell : cells) {
            int a = Integer.parseInt(cell.getAttribute("data-actual"));
            int p = Integer.parseInt(cell.getAttribute("data-predicted"));
            long count = Long.parseLong(cell.getAttribute("data-count"));
            assertEquals(validation.at("/confusionMatrix/" + a + "/" + p).asLong(), count);
            total += count;
        }
        assertEquals(validation.get("count").asLong(), total);

        String text = Files.readString(html);
        assertFalse(text.contains("<script"), "no script");
        assertEquals(Set.of("http://www.w3.org/2000/svg"), urls(text), "nothing to fetch: the only URL is SVG's namespace");
        assertTrue(text.contains("setosa") && text.contains(dir.resolve("train.csv").toString()), "the data summary");
        assertTrue(text.contains("learning-rate") && text.contains("adam-epsilon"), "the configuration, by setting name");
    }

    private static Set<String> urls(String text) {
        Set<String> urls = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(https?:|ftp:|//)[^\"'\\s<>)]*").matcher(text);
        while (m.find()) {
            urls.add(m.group());
        }
        return urls;
    }

    @Test
    void theRegressionReportPlotsTheStoredSampleOfValidationPredictions() throws Exception {
        JsonNode sample = new ObjectMapper().readTree(regression.resolve(ReportSample.FILE).toFile());
        JsonNode validation = new ObjectMapper().readTree(regression.resolve("model.json").toFile()).at("/metrics/validation");
        int rows = sample.get("rows").asInt();
        assertEquals("validation", sample.get("source").asText());
        assertEquals(Math.min(ReportSample.MAX_ROWS, validation.get("count").asInt()), rows, "friedman1:test's 1000 rows fit the sample");
        double squares = 0;
        for (int i = 0; i < rows; i++) {
            double error = sample.get("predicted").get(i).asDouble() - sample.get("actual").get(i).asDouble();
            squares += error * error;
        }
        assertEquals(validation.get("rmse").asDouble(), Math.sqrt(squares / rows), 1e-9 * validation.get("rmse").asDouble(),
                "the sample is the whole validation set here, so its RMSE is the validation RMSE");

        Document page = parse(regression.resolve(Report.FILE));
        Element scatter = chart(page, "chart-predicted");
        List<Element> groups = elements(scatter, "g", "points");
        assertEquals(1, groups.size());
        assertEquals(Integer.toString(rows), groups.get(0).getAttribute("data-points"));
        assertEquals(rows, elements(groups.get(0), "circle", "point").size());
        assertEquals(1, elements(scatter, "path", "diagonal").size());
        for (Element path : elements(chart(page, "chart-metric"), "path", "series")) {
            assertEquals(3, points(path.getAttribute("d")));
        }
        assertTrue(elements(page.getDocumentElement(), "svg", "chart").stream().noneMatch(svg -> svg.getAttribute("id").equals("chart-confusion")));
    }

    @Test
    void theReportCommandDrawsTheSameReportFromTheModelDirectory() throws IOException {
        for (Path model : List.of(classes, regression)) {
            Path copy = dir.resolve("copy-of-" + model.getFileName());
            Files.createDirectories(copy);
            for (String file : List.of("model.json", "weights.bin", "training.json", ReportSample.FILE)) {
                if (Files.exists(model.resolve(file))) {
                    Files.copy(model.resolve(file), copy.resolve(file));
                }
            }
            CliTest.Run r = CliTest.run("report", "--model", copy.toString());
            assertEquals(0, r.status(), r.err());
            assertEquals("report written to " + copy.resolve(Report.FILE), r.out().strip());
            String original = Files.readString(model.resolve(Report.FILE)).replace(model.toString(), "MODEL");
            assertEquals(original, Files.readString(copy.resolve(Report.FILE)).replace(copy.toString(), "MODEL"));
            assertEquals(List.of(), leftovers(copy), "no temporary file left behind");
        }
        CliTest.Run missing = CliTest.run("report", "--model", dir.resolve("nothing-here").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("sparkprop: ") && missing.err().strip().lines().count() == 1, missing.err());
    }

    private static List<String> leftovers(Path model) throws IOException {
        try (var files = Files.list(model)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList();
        }
    }

    @Test
    void headlessChromiumDrawsTheCharts() throws Exception {
        Path chromium = CHROMIUM.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(chromium != null, "Chromium is not installed (CI installs Debian's chromium package; apt-get install -y chromium)");
        for (Path model : List.of(classes, regression)) {
            Path png = dir.resolve(model.getFileName() + ".png");
            Path profile = Files.createTempDirectory(dir, "chromium-profile");
            Path log = dir.resolve(model.getFileName() + "-chromium.log");
            Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                    "--screenshot=" + png, "--window-size=1200,2000", model.resolve(Report.FILE).toUri().toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish within 180 s: " + Files.readString(log));
            }
            assertTrue(Files.exists(png), "no screenshot: " + Files.readString(log));
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(1200, image.getWidth());
            assertEquals(2000, image.getHeight());
            Map<Integer, Integer> colours = new HashMap<>();
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    colours.merge(image.getRGB(x, y) & 0xffffff, 1, Integer::sum);
                }
            }
            assertTrue(colours.size() > 200, model.getFileName() + ": " + colours.size() + " colours; a blank page has a handful");
            int first = Integer.parseInt(ReportCharts.COLOURS.get(0).substring(1), 16);
            assertTrue(colours.getOrDefault(first, 0) > 500, model.getFileName() + ": " + colours.getOrDefault(first, 0)
                    + " pixels of the first series' colour " + ReportCharts.COLOURS.get(0));
            if (model == classes) {
                int second = Integer.parseInt(ReportCharts.COLOURS.get(1).substring(1), 16);
                assertTrue(colours.getOrDefault(second, 0) > 50, colours.getOrDefault(second, 0) + " pixels of the validation loss's colour");
                JsonNode matrix = new ObjectMapper().readTree(model.resolve("model.json").toFile()).at("/metrics/validation/confusionMatrix");
                double best = 0;
                for (int a = 0; a < matrix.size(); a++) {
                    long row = 0;
                    for (JsonNode n : matrix.get(a)) {
                        row += n.asLong();
                    }
                    best = Math.max(best, matrix.get(a).get(a).asDouble() / row);
                }
                int shade = Integer.parseInt(ReportCharts.shade(best).substring(1), 16);
                assertTrue(colours.getOrDefault(shade, 0) > 1000, "the confusion matrix's best recalled class, shaded "
                        + ReportCharts.shade(best) + ": " + colours.getOrDefault(shade, 0) + " pixels");
            }
        }
    }

    @Test
    void axesStepByOneTwoOrFiveTimesAPowerOfTen() {
        ReportCharts.Axis loss = ReportCharts.Axis.of(0.13, 2.04, 5, false);
        assertEquals(0.5, loss.step(), 1e-12);
        assertEquals(0.0, loss.lo(), 1e-12);
        assertEquals(2.5, loss.hi(), 1e-12);
        assertEquals(List.of("0", "0.5", "1.0", "1.5", "2.0", "2.5"), loss.ticks().stream().map(loss::label).toList());
        ReportCharts.Axis epochs = ReportCharts.Axis.of(1, 3, 6, true);
        assertEquals(1, epochs.step(), "epochs step by whole numbers");
        ReportCharts.Axis one = ReportCharts.Axis.of(0.003, 0.003, 5, false);
        assertTrue(one.lo() < 0.003 && one.hi() > 0.003, "a constant is drawn inside the axis");
        assertArrayEquals(new String[] {"#f7fbff", "#08306b"}, new String[] {ReportCharts.shade(0), ReportCharts.shade(1)});
    }
}
