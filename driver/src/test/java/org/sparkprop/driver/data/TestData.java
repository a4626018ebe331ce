package org.sparkprop.driver.data;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Helpers for the data tests: rows of datasets as comparable text, and input files. */
final class TestData {
    private TestData() {
    }

    /** Every row of {@code dataset}, block after block, as "f1 f2 ... | t1 ...". */
    static List<String> rows(Dataset dataset) {
        List<String> rows = new ArrayList<>();
        for (Block block : dataset.blocks().collect()) {
            rows.addAll(rows(block));
        }
        return rows;
    }

    static List<String> rows(Block block) {
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < block.rows; r++) {
            StringBuilder row = new StringBuilder();
            for (int f = 0; f < block.inputs; f++) {
                row.append(block.features[r * block.inputs + f]).append(' ');
            }
            row.append('|');
            for (int t = 0; t < block.targetWidth; t++) {
                row.append(' ').append(block.targets[r * block.targetWidth + t]);
            }
            rows.add(row.toString());
        }
        return rows;
    }

    /** A row as {@link #rows} writes it. */
    static String row(float[] features, float... targets) {
        StringBuilder row = new StringBuilder();
        for (float f : features) {
            row.append(f).append(' ');
        }
        row.append('|');
        for (float t : targets) {
            row.append(' ').append(t);
        }
        return row.toString();
    }

    static Path write(Path file, String... lines) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path writeGzip(Path file, String... lines) {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path resource(String name) {
        try {
            return Path.of(TestData.class.getResource("/data/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
