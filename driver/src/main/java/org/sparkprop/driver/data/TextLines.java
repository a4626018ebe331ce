package org.sparkprop.driver.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The lines of one file's bytes as UTF-8 text. A line ends at {@code \n}, {@code \r\n} or {@code \r}; a byte-order
 * mark opening the file is dropped. A line that is not text (invalid UTF-8, or a control character other than tab)
 * or longer than {@link #MAX_LINE_BYTES} is read to its end and reported as a {@link BadRow}, so that reading can
 * go on with the next line; only the first {@link #MAX_LINE_BYTES} bytes of a line are ever held.
 */
final class TextLines {
    /** Longest line read, in bytes (64 MiB): far more than any row of text data, far less than a task's memory. */
    static final int MAX_LINE_BYTES = 1 << 26;
    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final String file;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    /** The current line's bytes, {@code line[0, length)}. */
    private byte[] line = new byte[1 << 12];
    private int length;
    private long lineNumber;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    TextLines(InputStream in, String file) {
        this(in, file, MAX_LINE_BYTES);
    }

    /** Lines of {@code in}, which messages call {@code file}, each at most {@code maxLineBytes} long. */
    TextLines(InputStream in, String file, int maxLineBytes) {
        this.in = in;
        this.file = file;
        this.maxLineBytes = maxLineBytes;
    }

    /** The 1-based number of the line last returned or reported. */
    long lineNumber() {
        return lineNumber;
    }

    /**
     * The next line without its end, or null at the end of the input; a {@link BadRow} (the line consumed) when
     * the line is not text or is too long.
     */
    String next() throws IOException {
        length = 0;
        boolean any = false;
        boolean tooLong = false;
        boolean ascii = true;
        int control = -1;
        while (true) {
            if (position == limit && !fill()) {
                if (!any) {
                    return null;
                }
                break;
            }
            any = true;
            int i = position;
            byte b = 0;
            for (; i < limit; i++) {
                b = buffer[i];
                if (b >= 0x20 && b != 0x7F) {
                    continue;
                }
                if (b == '\n' || b == '\r') {
                    break;
                }
                if (b < 0) {
                    ascii = false;
                } else if (b != '\t' && control < 0) {
                    control = b;
                }
            }
            if (!tooLong) {
                tooLong = !append(position, i);
            }
            position = i;
            if (i < limit) {
                position++;
                if (b == '\r' && (position < limit || fill()) && buffer[position] == '\n') {
                    position++;
                }
                break;
            }
        }
        lineNumber++;
        if (tooLong) {
            throw BadRow.at(file, lineNumber, "the line is longer than " + maxLineBytes + " bytes; is this a binary file?");
        }
        if (control >= 0) {
            throw BadRow.at(file, lineNumber, String.format(Locale.ROOT,
                    "the line holds the control character 0x%02X, which is not text; is this a binary file?", control));
        }
        int from = lineNumber == 1 && startsWithByteOrderMark() ? BYTE_ORDER_MARK.length : 0;
        if (ascii) {
            return new String(line, from, length - from, StandardCharsets.ISO_8859_1);
        }
        try {
            return utf8.decode(ByteBuffer.wrap(line, from, length - from)).toString();
        } catch (CharacterCodingException e) {
            throw BadRow.at(file, lineNumber, "the line is not UTF-8 text; is this a binary file, or text in another encoding?");
        }
    }

    /** Appends {@code buffer[from, to)} to the line; false when that would make it longer than the limit. */
    private boolean append(int from, int to) {
        int n = to - from;
        if (n > maxLineBytes - length) {
            return false;
        }
        if (length + n > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(maxLineBytes, Math.max(2L * line.length, length + n)));
        }
        System.arraycopy(buffer, from, line, length, n);
        length += n;
        return true;
    }

    /** Reads more bytes into the buffer; false at the end of the input. */
    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buffer, 0, buffer.length);
        } while (n == 0);
        position = 0;
        limit = Math.max(n, 0);
        return n > 0;
    }

    private boolean startsWithByteOrderMark() {
        return length >= BYTE_ORDER_MARK.length && Arrays.equals(line, 0, BYTE_ORDER_MARK.length, BYTE_ORDER_MARK, 0, BYTE_ORDER_MARK.length);
    }
}
