package org.sparkprop.driver;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** Output files through Hadoop's FileSystem API, written so that a reader never sees half of one. */
public final class HadoopFiles {
    private HadoopFiles() {
    }

    /** What writes the content of an output file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Writer writer) throws IOException;
    }

    /** Refuses an existing {@code path} unless {@code overwrite}: checked before any work starts. */
    public static void checkAbsent(String path, boolean overwrite, String what, Configuration conf) {
        if (overwrite) {
            return;
        }
        try {
            Path p = new Path(path);
            if (p.getFileSystem(conf).exists(p)) {
                throw new UserException(what + " " + path + " already exists; pass --overwrite to replace it");
            }
        } catch (IOException e) {
            throw new UserException("cannot check " + what + " " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a UTF-8 text file: first to a hidden temporary file beside {@code path}, then renamed into place,
     * so that {@code path} holds either nothing (or its old content) or the whole new content. The temporary file
     * is removed if writing fails.
     */
    public static void writeTextAtomically(String path, boolean overwrite, Configuration conf, Content content) {
        Path target = new Path(path);
        Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        FileSystem fs;
        try {
            FileSystem fileSystem = target.getFileSystem(conf);
            // No .crc side file beside a local output: it would outlive a replaced file's checksum and confuse readers.
            fs = fileSystem instanceof LocalFileSystem local ? local.getRawFileSystem() : fileSystem;
        } catch (IOException e) {
            throw new UserException("cannot open the file system of " + path + ": " + e.getMessage(), e);
        }
        try {
            try (Writer writer = new BufferedWriter(new OutputStreamWriter(fs.create(temporary, false), StandardCharsets.UTF_8))) {
                content.writeTo(writer);
            }
            if (fs.exists(target)) {
                if (!overwrite) {
                    throw new UserException("output " + path + " already exists; pass --overwrite to replace it");
                }
                fs.delete(target, false);
            }
            if (!fs.rename(temporary, target)) {
                throw new UserException("cannot rename " + temporary + " to " + path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        } finally {
            try {
                fs.delete(temporary, false);
            } catch (IOException ignored) {
                // Best effort: the rename consumed it, or the failure being reported matters more.
            }
        }
    }
}
