package org.sparkprop.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line ends, byte-order marks, lines that are not text or too long, and compressed data told by their first bytes. */
class TextLinesTest {
    /** Every line of {@code bytes}, a bad one as "BAD line: problem". */
    private static List<String> lines(byte[] bytes, int maxLineBytes) throws IOException {
        TextLines lines = new TextLines(new ByteArrayInputStream(bytes), "f", maxLineBytes);
        List<String> all = new ArrayList<>();
        while (true) {
            try {
                String line = lines.next();
                if (line == null) {
                    return all;
                }
                all.add(line);
            } catch (BadRow bad) {
                all.add("BAD " + bad.getMessage());
            }
        }
    }

    private static List<String> lines(String text) throws IOException {
        return lines(text.getBytes(StandardCharsets.UTF_8), TextLines.MAX_LINE_BYTES);
    }

    @Test
    void linesEndAtNewlineCarriageReturnOrBoth() throws IOException {
        assertEquals(List.of("a", "b", "c", "d"), lines("a\nb\r\nc\rd"));
        assertEquals(List.of("a", "", "b"), lines("a\n\nb\n"));
        assertEquals(List.of("", ""), lines("\r\n\n"));
        assertEquals(List.of(), lines(""));
        assertEquals(List.of("é,ü 1:2", "x"), lines("é,ü 1:2\nx"));
    }

    @Test
    void aByteOrderMarkOpeningTheFileIsDropped() throws IOException {
        assertEquals(List.of("x,y", "\uFEFFz"), lines("\uFEFFx,y\n\uFEFFz\n"));
    }

    @Test
    void aCarriageReturnNewlineSplitAcrossReadsIsOneLineEnd() throws IOException {
        byte[] bytes = new byte[(1 << 16) + 2];
        Arrays.fill(bytes, (byte) 'a');
        bytes[(1 << 16) - 1] = '\r';
        bytes[1 << 16] = '\n';
        List<String> all = lines(bytes, TextLines.MAX_LINE_BYTES);
        assertEquals(2, all.size());
        assertEquals((1 << 16) - 1, all.get(0).length());
        assertEquals("a", all.get(1));
    }

    @Test
    void linesThatAreNotTextAreReportedAndReadingGoesOn() throws IOException {
        byte[] bytes = {'o', 'k', '\n', 'a', 0, 'b', '\n', (byte) 0xC3, '(', '\n', 0x7F, '\n', 'a', '\t', 'b', '\n', 'e', 'n', 'd'};
        assertEquals(List.of("ok",
                "BAD f:2: the line holds the control character 0x00, which is not text; is this a binary file?",
                "BAD f:3: the line is not UTF-8 text; is this a binary file, or text in another encoding?",
                "BAD f:4: the line holds the control character 0x7F, which is not text; is this a binary file?",
                "a\tb", "end"), lines(bytes, 100));
    }

    @Test
    void aLineOverTheLimitIsReportedAndSkippedToItsEnd() throws IOException {
        assertEquals(List.of("12345678", "BAD f:2: the line is longer than 8 bytes; is this a binary file?", "ok"),
                lines("12345678\n123456789\nok".getBytes(StandardCharsets.US_ASCII), 8));
        byte[] longLine = new byte[200_000];
        Arrays.fill(longLine, (byte) '7');
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(longLine);
        bytes.write("\nafter\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("BAD f:1: the line is longer than 100000 bytes; is this a binary file?", "after"),
                lines(bytes.toByteArray(), 100_000));
    }

    @Test
    void lineNumbersCountEveryLine() throws IOException {
        TextLines lines = new TextLines(new ByteArrayInputStream("a\n\nb".getBytes(StandardCharsets.US_ASCII)), "f");
        assertEquals("a", lines.next());
        assertEquals(1, lines.lineNumber());
        assertEquals("", lines.next());
        assertEquals("b", lines.next());
        assertEquals(3, lines.lineNumber());
        assertNull(lines.next());
        assertEquals(3, lines.lineNumber());
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void compressedDataAreToldByTheirFirstBytes() {
        assertEquals(CompressedData.GZIP, CompressedData.of(bytes(0x1F, 0x8B, 0x08, 0x00)));
        assertEquals(CompressedData.BZIP2, CompressedData.of(bytes('B', 'Z', 'h', '9', 0x31, 0x41, 0x59, 0x26, 0x53, 0x59)));
        assertEquals(CompressedData.BZIP2, CompressedData.of(bytes('B', 'Z', 'h', '1', 0x17, 0x72, 0x45, 0x38, 0x50, 0x90)));
        assertEquals(CompressedData.ZSTANDARD, CompressedData.of(bytes(0x28, 0xB5, 0x2F, 0xFD, 0x04)));
        assertEquals(CompressedData.XZ, CompressedData.of(bytes(0xFD, '7', 'z', 'X', 'Z', 0x00, 0x00)));
        assertEquals(CompressedData.ZIP, CompressedData.of(bytes('P', 'K', 0x03, 0x04, 0x14)));
        assertNull(CompressedData.of("BZh9 is a label,1,2\n".getBytes(StandardCharsets.US_ASCII)), "text that starts like bzip2");
        assertNull(CompressedData.of("PK,x\n".getBytes(StandardCharsets.US_ASCII)));
        assertNull(CompressedData.of(bytes(0x1F)));
        assertNull(CompressedData.of(new byte[0]));
    }
}
