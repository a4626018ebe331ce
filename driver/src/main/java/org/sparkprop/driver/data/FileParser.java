package org.sparkprop.driver.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.sparkprop.driver.UserException;

/**
 * Reads one input file in a task: opens it through Hadoop's FileSystem, decompressing by its extension after
 * checking that its first bytes agree ({@link CompressedData}); feeds its non-blank lines ({@link TextLines}) to
 * the format's {@link RowParser}; and returns the packed, validated rows. A bad row refuses the file or is skipped
 * and counted, as {@link ParseSettings#badRows} says; a problem with the whole file's content always refuses it
 * ({@link ParsedFile#refused}: the task succeeds and the driver reports it); a file that cannot be read fails the task.
 */
final class FileParser {
    private FileParser() {
    }

    static ParsedFile parse(Configuration conf, ParseSettings settings, int fileIndex, String pathText) {
        Path path = new Path(pathText);
        String file = InputFiles.display(path);
        RowParser parser = settings.format == DataFormat.CSV ? new CsvRowParser(settings, file) : new LibSvmRowParser(settings, file);
        BadRows badRows = new BadRows(settings.badRows);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
        TextLines lines = null;
        try (BufferedInputStream raw = new BufferedInputStream(path.getFileSystem(conf).open(path), 1 << 16)) {
            if (CompressedData.check(raw, codec, file)) {
                try (InputStream in = decompressed(raw, codec, file)) {
                    lines = new TextLines(in, file);
                    read(lines, parser, badRows, file);
                }
            }
        } catch (UserException refused) {
            // the file's content (a bad row the policy does not skip, its header, its compression): the file's
            // result, so that Spark does not retry a task that would fail the same way. Read errors, below, are
            // thrown: they may be passing.
            return ParsedFile.refused(fileIndex, file, refused.getMessage());
        } catch (IOException e) {
            long line = lines == null ? 0 : lines.lineNumber();
            String where = line == 0 ? "" : " after line " + line;
            if (codec != null && e instanceof EOFException) {
                throw new UserException(file + ": the compressed data end early" + where + "; is the file truncated?", e);
            }
            String how = codec == null ? "" : " (decompressing it as " + codec.getDefaultExtension() + ")";
            throw new UserException(file + ": cannot read" + where + how + ": " + e.getMessage(), e);
        }
        return parser.finish(fileIndex, badRows);
    }

    private static void read(TextLines lines, RowParser parser, BadRows badRows, String file) throws IOException {
        while (true) {
            String line;
            try {
                line = lines.next();
            } catch (BadRow bad) {
                if (parser.needsHeader()) {
                    throw bad;
                }
                badRows.add(bad, file, lines.lineNumber());
                continue;
            }
            if (line == null) {
                return;
            }
            if (line.isBlank()) {
                continue;
            }
            if (parser.needsHeader()) {
                parser.readHeader(line, lines.lineNumber());
                continue;
            }
            try {
                parser.parseRow(line, lines.lineNumber());
            } catch (BadRow bad) {
                badRows.add(bad, file, lines.lineNumber());
            }
        }
    }

    private static InputStream decompressed(InputStream raw, CompressionCodec codec, String file) throws IOException {
        if (codec == null) {
            return raw;
        }
        try {
            return codec.createInputStream(raw);
        } catch (RuntimeException e) { // a codec without its native library, such as zstd, says so this way
            throw new UserException(file + ": cannot decompress it as " + codec.getDefaultExtension() + ": " + e.getMessage(), e);
        }
    }
}
