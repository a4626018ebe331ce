package org.sparkprop.driver.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.sparkprop.driver.UserException;

/**
 * Reads one input file in a task: opens it through Hadoop's FileSystem (decompressing by its extension), feeds
 * its non-blank lines, UTF-8, to the format's {@link RowParser}, and returns the packed, validated rows.
 */
final class FileParser {
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private FileParser() {
    }

    static ParsedFile parse(Configuration conf, ParseSettings settings, int fileIndex, String pathText) {
        Path path = new Path(pathText);
        String file = InputFiles.display(path);
        RowParser parser = settings.format == DataFormat.CSV ? new CsvRowParser(settings, file) : new LibSvmRowParser(settings, file);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
        try (BufferedReader reader = open(conf, path, codec)) {
            long lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
                    line = line.substring(1);
                }
                if (!line.isBlank()) {
                    parser.parseLine(line, lineNumber);
                }
            }
        } catch (IOException e) {
            String how = codec == null ? "" : " (decompressing it as " + codec.getDefaultExtension() + ")";
            throw new UserException(file + ": cannot read" + how + ": " + e.getMessage(), e);
        }
        return parser.finish(fileIndex);
    }

    private static BufferedReader open(Configuration conf, Path path, CompressionCodec codec) throws IOException {
        InputStream raw = path.getFileSystem(conf).open(path);
        try {
            InputStream in = codec == null ? raw : codec.createInputStream(raw);
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
