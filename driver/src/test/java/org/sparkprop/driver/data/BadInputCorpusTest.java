package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkprop.driver.TestSpark;
import org.sparkprop.driver.UserException;

/**
 * The corpus of malformed inputs: text files in {@code src/test/resources/data/bad/} and binary or compressed ones
 * written by {@link #writeBinaryCases}. Under the default policy each gives its one expected message naming the file
 * and line; under a skip policy each bad row is skipped and counted (the rows kept are checked against the same file
 * with the bad lines removed), while a problem with the whole file gives the same message as before.
 */
class BadInputCorpusTest {
    private static final BadRowPolicy SKIP = BadRowPolicy.of(10L, null);
    private static final Schema IRIS = new Schema(4, List.of("sepal_length", "sepal_width", "petal_length", "petal_width"),
            List.of("species"), LabelKind.CLASSES, List.of("setosa", "versicolor", "virginica"), 3);
    private static final String[] GOOD_SVM = {"a 1:0.5 2:1", "b 1:-1 3:0.25", "a 2:2"};
    private static final String[] GOOD_CSV = {"a,b,c,label", "1,2,3,x", "4,5,6,y", "7,8,9,x"};
    private static final String NOT_UTF8 = "the line is not UTF-8 text; is this a binary file, or text in another encoding?";

    @TempDir
    static Path generated;

    private final JavaSparkContext sc = TestSpark.context();

    /**
     * One malformed input: how to read it, the message under the default policy ({file} stands for its path), and
     * under {@link #SKIP} either the rows kept and skipped (with the 1-based lines of the bad rows), or a message.
     */
    record Case(String file, LabelKind kind, Schema known, Integer numFeatures, List<String> labelColumns,
                String message, int kept, int[] badLines, String skipMessage) {

        static Case row(String file, String message, int kept, int... badLines) {
            return new Case(file, LabelKind.CLASSES, null, null, List.of(), message, kept, badLines, null);
        }

        /** A problem of the whole file: the same message under the skip policy. */
        static Case fatal(String file, String message) {
            return new Case(file, LabelKind.CLASSES, null, null, List.of(), message, 0, new int[0], message);
        }

        Case kind(LabelKind k) {
            return new Case(file, k, known, numFeatures, labelColumns, message, kept, badLines, skipMessage);
        }

        Case known(Schema s) {
            return new Case(file, s.labelKind(), s, numFeatures, labelColumns, message, kept, badLines, skipMessage);
        }

        Case numFeatures(int n) {
            return new Case(file, kind, known, n, labelColumns, message, kept, badLines, skipMessage);
        }

        Case labels(String... columns) {
            return new Case(file, kind, known, numFeatures, List.of(columns), message, kept, badLines, skipMessage);
        }

        Case whenSkipping(String otherMessage) {
            return new Case(file, kind, known, numFeatures, labelColumns, message, kept, badLines, otherMessage);
        }

        Path path() {
            Path written = generated.resolve(file);
            return Files.exists(written) ? written : TestData.resource("bad/" + file);
        }

        DataFormat format() {
            return file.contains(".csv") ? DataFormat.CSV : DataFormat.LIBSVM;
        }

        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Case> corpus() {
        return Stream.of(
                // LibSVM: numbers
                Case.row("svm-not-a-number.svm", "{file}:2: feature 2 is not a number: 'abc'", 3, 2),
                Case.row("svm-nan.svm", "{file}:3: feature 1 is not finite: 'nan'", 3, 3),
                Case.row("svm-infinity.svm", "{file}:1: feature 2 is not finite: '-Infinity'", 3, 1),
                Case.row("svm-too-large.svm", "{file}:2: feature 1 is too large for a float: '1e39'", 3, 2),
                Case.row("svm-hexadecimal.svm", "{file}:4: feature 1 is not a number: '0x1p3'", 3, 4),
                Case.row("svm-empty-value.svm", "{file}:2: feature 1 is empty; missing values are not supported", 3, 2),
                // LibSVM: indices and fields
                Case.row("svm-out-of-order.svm", "{file}:2: indices not increasing: 2 after 9", 3, 2),
                Case.row("svm-repeated-index.svm", "{file}:2: indices not increasing: 2 after 2", 3, 2),
                Case.row("svm-index-zero.svm", "{file}:2: LibSVM index 0; indices start at 1", 3, 2),
                Case.row("svm-negative-index.svm", "{file}:2: LibSVM index '-3' is not a positive integer", 3, 2),
                Case.row("svm-huge-index.svm", "{file}:2: LibSVM index '99999999999' is not a positive integer", 3, 2),
                Case.row("svm-index-over-limit.svm", "{file}:3: index 5 exceeds --num-features 3", 3, 3).numFeatures(3),
                Case.row("svm-wider-than-training.svm", "{file}:2: index 6 exceeds the 4 features of the training data", 2, 2)
                        .known(IRIS),
                Case.row("svm-missing-colon.svm", "{file}:2: expected index:value, found '7'", 3, 2),
                Case.row("svm-no-label.svm", "{file}:2: the line starts with '1:0.5'; a LibSVM row starts with its label", 3, 2),
                Case.row("svm-blank-lines.svm", "{file}:6: feature 1 is not a number: 'x'", 3, 6),
                Case.row("svm-two-bad-rows.svm", "{file}:2: indices not increasing: 1 after 1", 3, 2, 4),
                // LibSVM: labels
                Case.row("svm-regression-label.svm", "{file}:2: label is not a number: 'high'", 2, 2).kind(LabelKind.REGRESSION),
                Case.row("svm-regression-nan-label.svm", "{file}:3: label is not finite: 'NaN'", 2, 3).kind(LabelKind.REGRESSION),
                Case.row("svm-multilabel-index.svm", "{file}:2: label index 'x' is not a non-negative integer (a multi-label row"
                        + " lists label indices, like 0,3)", 2, 2).kind(LabelKind.MULTILABEL),
                Case.row("svm-multilabel-twice.svm", "{file}:2: label index 1 is listed twice", 2, 2).kind(LabelKind.MULTILABEL),
                Case.row("svm-unseen-label.svm", "{file}:2: label 'purple' was not seen in training (known: setosa, versicolor,"
                        + " virginica)", 2, 2).known(IRIS),
                Case.fatal("svm-third-binary-label.svm", "{file}:3: binary labels take exactly 2 values; 'c' is a third after"
                        + " 'a' and 'b'").kind(LabelKind.BINARY),
                Case.row("svm-all-rows-bad.svm", "{file}:1: label is not a number: 'x'", 0, 1, 2).kind(LabelKind.REGRESSION)
                        .whenSkipping("no rows in {file} (1 file; all 2 rows read were bad and skipped)"),
                // CSV: field counts, numbers, quotes
                Case.row("csv-too-few-fields.csv", "{file}:3: expected 4 columns, found 3", 3, 3),
                Case.row("csv-too-many-fields.csv", "{file}:4: expected 4 columns, found 5", 3, 4),
                Case.row("csv-not-a-number.csv", "{file}:3: feature 'b' is not a number: 'abc'", 3, 3),
                Case.row("csv-nan.csv", "{file}:2: feature 'a' is not finite: 'NaN'", 3, 2),
                Case.row("csv-infinity.csv", "{file}:5: feature 'c' is not finite: '-Infinity'", 3, 5),
                Case.row("csv-float-suffix.csv", "{file}:3: feature 'a' is not a number: '1.5f'", 3, 3),
                Case.row("csv-empty-field.csv", "{file}:3: feature 'b' is empty; missing values are not supported", 3, 3),
                Case.row("csv-only-commas.csv", "{file}:4: feature 'a' is empty; missing values are not supported", 3, 4),
                Case.row("csv-unclosed-quote.csv", "{file}:3: a quoted field is not closed (quoted fields cannot span lines)", 3, 3),
                Case.row("csv-text-after-quote.csv", "{file}:3: text after the closing quote of field 2: '3,3,x'", 3, 3),
                // CSV: labels
                Case.row("csv-empty-label.csv", "{file}:3: label is empty", 3, 3),
                Case.row("csv-multilabel.csv", "{file}:3: label 't2' must be 0 or 1, found '2'", 2, 3)
                        .kind(LabelKind.MULTILABEL).labels("t1", "t2"),
                Case.row("csv-regression-label.csv", "{file}:3: label 'y' is not a number: 'high'", 2, 3).kind(LabelKind.REGRESSION),
                Case.row("csv-unseen-label.csv", "{file}:3: label 'purple' was not seen in training (known: setosa, versicolor,"
                        + " virginica)", 2, 3).known(IRIS),
                // CSV: headers and files without rows
                Case.fatal("csv-duplicate-column.csv", "{file}:1: column name 'a' appears twice in the header"),
                Case.fatal("csv-header-only.csv", "no rows in {file} (1 file)"),
                Case.fatal("csv-blank-lines-only.csv", "no rows in {file} (1 file)"),
                Case.fatal("empty.svm", "no rows in {file} (1 file)"),
                Case.fatal("empty.csv.gz", "no rows in {file} (1 file)"),
                // not text
                Case.row("svm-latin1.svm", "{file}:2: " + NOT_UTF8, 3, 2),
                Case.row("svm-binary-junk.svm", "{file}:3: " + NOT_UTF8, 3, 3, 4, 5),
                Case.row("csv-nul-byte.csv", "{file}:3: the line holds the control character 0x00, which is not text; is this"
                        + " a binary file?", 3, 3),
                Case.fatal("csv-binary-file.csv", "{file}:1: " + NOT_UTF8),
                // compression
                Case.fatal("plain-text.csv.gz", "{file}: its name ends in .gz but it does not hold gzip-compressed data (it starts"
                        + " with 'a,b,c,label'); if it is plain text, rename it without .gz"),
                Case.fatal("gzip-without-extension.csv", "{file} holds gzip-compressed data, but its name does not end in .gz,"
                        + " so it would be read as text; rename it to end in .gz, or decompress it"),
                Case.fatal("bzip2-named-gzip.csv.gz", "{file}: its name ends in .gz but it holds bzip2-compressed data; rename it"
                        + " to end in .bz2"),
                Case.fatal("zip-archive.csv", "{file} holds a zip archive, which Hadoop does not read; decompress it first"),
                Case.fatal("truncated.csv.gz", "{file}: the compressed data end early; is the file truncated?"),
                Case.row("bad-row-in-gzip.csv.gz", "{file}:3: expected 4 columns, found 5", 3, 3),
                Case.row("bad-row-in-bzip2.svm.bz2", "{file}:2: feature 2 is not a number: 'abc'", 3, 2));
    }

    @BeforeAll
    static void writeBinaryCases() throws IOException {
        Files.createFile(generated.resolve("empty.svm"));
        Files.createFile(generated.resolve("empty.csv.gz"));
        write("svm-latin1.svm", text(GOOD_SVM[0]), "caf\u00e9 1:1\n".getBytes(StandardCharsets.ISO_8859_1),
                text(GOOD_SVM[1], GOOD_SVM[2]));
        // A PNG file's first 12 bytes: its signature and the length of its first chunk; lines 89 50 4e 47, 1a, 00 00 00.
        byte[] pngStart = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0x0D};
        write("svm-binary-junk.svm", text(GOOD_SVM[0], GOOD_SVM[1]), pngStart, text(GOOD_SVM[2]));
        write("csv-nul-byte.csv", text(GOOD_CSV[0], GOOD_CSV[1]), "1,2\u0000,3,x\n".getBytes(StandardCharsets.US_ASCII),
                text(GOOD_CSV[2], GOOD_CSV[3]));
        byte[] junk = new byte[4096];
        new SplittableRandom(7).nextBytes(junk);
        write("csv-binary-file.csv", pngStart, junk);
        write("plain-text.csv.gz", text(GOOD_CSV));
        write("gzip-without-extension.csv", gzip(text(GOOD_CSV)));
        write("bzip2-named-gzip.csv.gz", bzip2(text(GOOD_CSV)));
        write("zip-archive.csv", zip("rows.csv", text(GOOD_CSV)));
        write("truncated.csv.gz", Arrays.copyOf(gzip(text(GOOD_CSV)), 12));
        write("bad-row-in-gzip.csv.gz", gzip(text(GOOD_CSV[0], GOOD_CSV[1], "1,2,3,4,x", GOOD_CSV[2], GOOD_CSV[3])));
        write("bad-row-in-bzip2.svm.bz2", bzip2(text(GOOD_SVM[0], "b 1:0.5 2:abc", GOOD_SVM[1], GOOD_SVM[2])));
    }

    private Dataset read(Case c, Path path, BadRowPolicy policy) {
        InputSpec spec = new InputSpec(path.toString(), c.format(), c.numFeatures(), c.labelColumns(), policy);
        return c.known() == null ? DataReader.readForTraining(sc, spec, c.kind(), null, 2) : DataReader.readOrdered(sc, spec, c.known());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachBadInputIsNamedOrSkippedAndCounted(Case c) throws IOException {
        Path path = c.path();
        UserException stop = assertThrows(UserException.class, () -> read(c, path, BadRowPolicy.STOP_AT_FIRST));
        assertEquals(c.message().replace("{file}", path.toString()), stop.getMessage());
        assertEquals(UserException.class, stop.getClass(), "what leaves a task is a plain UserException");
        if (c.skipMessage() != null) {
            String skipping = assertThrows(UserException.class, () -> read(c, path, SKIP)).getMessage();
            assertEquals(c.skipMessage().replace("{file}", path.toString()), skipping);
            return;
        }
        Dataset skipped = read(c, path, SKIP);
        try {
            assertEquals(c.badLines().length, skipped.badRows(), "bad rows skipped");
            assertEquals(c.kept(), skipped.rows(), "rows kept");
            Path cleaned = withoutLines(path, c.badLines());
            Dataset clean = read(c, cleaned, BadRowPolicy.STOP_AT_FIRST);
            assertEquals(0, clean.badRows());
            assertEquals(clean.schema(), skipped.schema(), "a bad row leaves no trace in the schema");
            assertEquals(TestData.rows(clean), TestData.rows(skipped));
            clean.unpersist();
        } finally {
            skipped.unpersist();
        }
    }

    /** A copy of {@code file} (decompressed, under an uncompressed name) with the given 1-based lines blanked. */
    private static Path withoutLines(Path file, int[] lines) throws IOException {
        String name = file.getFileName().toString().replaceAll("\\.(gz|bz2)$", "");
        byte[] bytes = decompress(file);
        List<byte[]> kept = new ArrayList<>();
        int start = 0;
        int line = 1;
        for (int i = 0; i <= bytes.length; i++) {
            boolean end = i == bytes.length || bytes[i] == '\n' || bytes[i] == '\r' && (i + 1 == bytes.length || bytes[i + 1] != '\n');
            if (end) {
                final int number = line;
                boolean bad = Arrays.stream(lines).anyMatch(l -> l == number);
                kept.add(bad ? new byte[0] : Arrays.copyOfRange(bytes, start, i));
                start = i + 1;
                line++;
            }
        }
        Path cleaned = generated.resolve("cleaned").resolve(name);
        Files.createDirectories(cleaned.getParent());
        try (OutputStream out = Files.newOutputStream(cleaned)) {
            for (byte[] k : kept) {
                out.write(k);
                out.write('\n');
            }
        }
        return cleaned;
    }

    private static byte[] decompress(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String name = file.getFileName().toString();
        if (name.endsWith(".gz")) {
            return new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
        }
        if (name.endsWith(".bz2")) {
            BZip2Codec codec = new BZip2Codec();
            codec.setConf(new Configuration());
            return codec.createInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
        }
        return bytes;
    }

    private static byte[] text(String... lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void write(String name, byte[]... parts) throws IOException {
        try (OutputStream out = Files.newOutputStream(generated.resolve(name))) {
            for (byte[] part : parts) {
                out.write(part);
            }
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] bzip2(byte[] data) throws IOException {
        BZip2Codec codec = new BZip2Codec();
        codec.setConf(new Configuration());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = codec.createOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] zip(String entry, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry(entry));
            out.write(data);
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void theCorpusHasAtLeast25CasesOfBadRows() {
        long rows = corpus().filter(c -> c.skipMessage() == null).count();
        assertTrue(rows >= 25, rows + " cases of bad rows");
    }

    /** Random bytes of random length, as each format: a sentence naming the file (and line), never another exception. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void randomBytesGiveOneSentenceNamingTheFile(int seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] junk = new byte[1 + random.nextInt(1 << 16)];
        random.nextBytes(junk);
        for (String name : List.of("junk-" + seed + ".svm", "junk-" + seed + ".csv")) {
            Path file = Files.write(generated.resolve(name), junk);
            Case c = Case.row(name, null, 0);
            for (BadRowPolicy policy : List.of(BadRowPolicy.STOP_AT_FIRST, BadRowPolicy.of(null, 0.5))) {
                String message = assertThrows(UserException.class, () -> read(c, file, policy)).getMessage();
                assertTrue(message.startsWith(file + ":") || message.startsWith("too many bad rows in " + file + ": "), message);
                assertTrue(message.contains("binary file"), message);
            }
        }
    }

    @Test
    void aGzipFileCutShortSaysWhere() throws IOException {
        List<String> lines = new ArrayList<>(List.of(GOOD_CSV));
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++) {
            lines.add(random.nextInt(1000) + "," + random.nextInt(1000) + "," + random.nextInt(1000) + "," + (i % 2 == 0 ? "x" : "y"));
        }
        byte[] whole = gzip(text(lines.toArray(new String[0])));
        write("cut.csv.gz", Arrays.copyOf(whole, whole.length / 2));
        Path file = generated.resolve("cut.csv.gz");
        String message = assertThrows(UserException.class, () -> read(Case.row("cut.csv.gz", null, 0), file, SKIP)).getMessage();
        assertTrue(message.matches(java.util.regex.Pattern.quote(file.toString())
                + ": the compressed data end early after line \\d+; is the file truncated\\?"), message);
    }
}
