package org.sparkprop.driver.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.sparkprop.driver.UserException;

/**
 * Compressed formats told by their first bytes (their magic numbers), to catch a file whose name does not say how
 * it is compressed: Hadoop picks a codec by the name's extension alone, and would otherwise read gzip bytes as
 * text or plain text as gzip. {@link #extension} is the extension Hadoop's codec for the format reads, or null
 * when Hadoop has none.
 */
enum CompressedData {
    /** RFC 1952: 1f 8b, then the method 08 (deflate). */
    GZIP("gzip-compressed data", ".gz", new int[] {0x1F, 0x8B, 0x08}),
    /** "BZh", the block size '1' to '9', then the magic of a block (π) or of the end of the stream (√π). */
    BZIP2("bzip2-compressed data", ".bz2", new int[] {'B', 'Z', 'h'}) {
        @Override
        boolean matches(byte[] head) {
            return super.matches(head) && head.length > 3 && head[3] >= '1' && head[3] <= '9'
                    && (startsWith(head, 4, BZIP2_BLOCK) || startsWith(head, 4, BZIP2_END));
        }
    },
    /** RFC 8878: the frame magic 0xFD2FB528, little-endian. */
    ZSTANDARD("zstd-compressed data", ".zst", new int[] {0x28, 0xB5, 0x2F, 0xFD}),
    XZ("xz-compressed data", null, new int[] {0xFD, '7', 'z', 'X', 'Z', 0x00}),
    /** A local file header, the first bytes of a zip archive with at least one entry. */
    ZIP("a zip archive", null, new int[] {'P', 'K', 0x03, 0x04});

    /** Bytes looked at: more than the longest signature (bzip2's 4 + 6), enough for a message to quote. */
    static final int HEAD_BYTES = 40;
    private static final int[] BZIP2_BLOCK = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
    private static final int[] BZIP2_END = {0x17, 0x72, 0x45, 0x38, 0x50, 0x90};

    /** What a file of this format holds, for messages: "gzip-compressed data". */
    final String contents;
    final String extension;
    private final int[] magic;

    CompressedData(String contents, String extension, int[] magic) {
        this.contents = contents;
        this.extension = extension;
        this.magic = magic;
    }

    /**
     * Checks that the data {@code in} starts with fit the codec chosen by the file's name ({@code codec}, null for
     * none); a user error naming {@code file} when compressed data have no codec or a codec's data are something
     * else. Leaves {@code in} where it was. Returns false when {@code in} holds no bytes at all.
     */
    static boolean check(BufferedInputStream in, CompressionCodec codec, String file) throws IOException {
        in.mark(HEAD_BYTES);
        byte[] head = in.readNBytes(HEAD_BYTES);
        in.reset();
        if (head.length == 0) {
            return false;
        }
        CompressedData found = of(head);
        if (codec == null) {
            if (found == null) {
                return true;
            }
            throw new UserException(file + " holds " + found.contents + (found.extension != null
                    ? ", but its name does not end in " + found.extension + ", so it would be read as text; rename it to end in "
                    + found.extension + ", or decompress it" : ", which Hadoop does not read; decompress it first"));
        }
        String extension = codec.getDefaultExtension();
        CompressedData expected = byExtension(extension);
        if (expected == null || expected == found) {
            return true;
        }
        if (found != null) {
            throw new UserException(file + ": its name ends in " + extension + " but it holds " + found.contents
                    + (found.extension != null ? "; rename it to end in " + found.extension : ", which Hadoop does not read; decompress it first"));
        }
        throw new UserException(file + ": its name ends in " + extension + " but it does not hold " + expected.contents
                + " (it starts with " + describe(head) + "); if it is plain text, rename it without " + extension);
    }

    /** The format {@code head} (a file's first bytes) starts with, or null. */
    static CompressedData of(byte[] head) {
        for (CompressedData c : values()) {
            if (c.matches(head)) {
                return c;
            }
        }
        return null;
    }

    /** True when {@code head} starts with this format's signature. */
    boolean matches(byte[] head) {
        return startsWith(head, 0, magic);
    }

    private static CompressedData byExtension(String extension) {
        for (CompressedData c : values()) {
            if (extension.equals(c.extension)) {
                return c;
            }
        }
        return null;
    }

    private static boolean startsWith(byte[] head, int offset, int[] signature) {
        if (head.length < offset + signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((head[offset + i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first bytes up to a line end: quoted when they are printable ASCII, else in hexadecimal. */
    private static String describe(byte[] head) {
        StringBuilder text = new StringBuilder();
        StringBuilder hex = new StringBuilder("bytes");
        boolean printable = true;
        for (byte b : head) {
            if (b == '\n' || b == '\r') {
                break;
            }
            printable &= b >= 0x20 && b < 0x7F || b == '\t';
            text.append((char) b);
            hex.append(String.format(Locale.ROOT, " %02x", b & 0xFF));
        }
        return printable ? Fields.quote(text.toString()) : hex.toString();
    }
}
