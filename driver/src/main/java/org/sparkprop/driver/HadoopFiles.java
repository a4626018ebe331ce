package org.sparkprop.driver;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.predictor.Json;
import org.sparkprop.predictor.ModelDirectory;
import org.sparkprop.predictor.ModelFormatException;

/**
 * sparkprop's files through Hadoop's FileSystem API, in one place for model directories, checkpoints, the registry
 * and outputs: JSON read bounded by the hardened mapper ({@link Json}), files and directories written beside their
 * place and renamed into it, so that a reader never sees half of one, and no Hadoop {@code .crc} side files
 * (sparkprop's SHA-256s cover the content, and a stale {@code .crc} would make a hand-copied file unreadable).
 */
public final class HadoopFiles {
    private static final Logger LOG = LoggerFactory.getLogger(HadoopFiles.class);

    private HadoopFiles() {
    }

    /** What writes the files of a directory into {@code dir}, which exists and is empty. */
    @FunctionalInterface
    public interface DirectoryContent {
        void writeInto(Path dir) throws IOException;
    }

    /** {@code fs} without Hadoop's client-side checksums (see the class comment). */
    public static FileSystem withoutChecksums(FileSystem fs) {
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }

    /**
     * The JSON value in {@code path}, read only if at most {@code maxBytes} long, by the hardened mapper.
     *
     * @param source names the file in messages, e.g. {@code "model /m/model.json"}
     * @throws UserException         for a file too large or not JSON, naming {@code source}
     * @throws FileNotFoundException for a missing file
     * @throws IOException           when reading fails
     */
    public static JsonNode readJson(FileSystem fs, Path path, long maxBytes, String source) throws IOException {
        byte[] bytes = readBounded(fs, path, maxBytes, source);
        try {
            return Json.parse(bytes, source);
        } catch (ModelFormatException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    /**
     * The bytes of {@code path}, read only if at most {@code maxBytes} long (also if it grows while it is read).
     *
     * @throws UserException         for a file too large, naming {@code source}
     * @throws FileNotFoundException for a missing file
     * @throws IOException           when reading fails
     */
    public static byte[] readBounded(FileSystem fs, Path path, long maxBytes, String source) throws IOException {
        long length = fs.getFileStatus(path).getLen();
        try (InputStream in = fs.open(path)) {
            return Json.readBounded(in, length, maxBytes, source);
        } catch (ModelFormatException e) {
            throw new UserException(e.getMessage(), e);
        }
    }

    /** Writes {@code bytes} as the file {@code path}, replacing an older one. */
    public static void write(FileSystem fs, Path path, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
    }

    /**
     * Writes a small file in place of {@code target}: into a hidden temporary sibling, renamed over it where the file
     * system can (local, HDFS), else written as one object (object stores), so a reader sees the old or the new
     * content, never half of one.
     */
    public static void replaceAtomically(FileSystem fs, Configuration conf, Path target, byte[] bytes) throws IOException {
        fs.mkdirs(target.getParent());
        Path temporary = temporaryFile(target);
        write(fs, temporary, bytes);
        if (!renameOver(conf, temporary, target)) {
            fs.delete(temporary, false);
            write(fs, target, bytes);
        }
    }

    /** A hidden sibling of {@code target} to write a file into before it is renamed into place. */
    private static Path temporaryFile(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    }

    /**
     * Renames the file {@code temporary} to {@code target}, replacing it in one step; false, with nothing done, where
     * the file system cannot (object stores).
     */
    private static boolean renameOver(Configuration conf, Path temporary, Path target) throws IOException {
        try {
            FileContext.getFileContext(target.toUri(), conf).rename(temporary, target, Options.Rename.OVERWRITE);
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Writes a directory atomically where the file system's directory rename is (local, HDFS; not object stores):
     * {@code content} writes into a sibling {@code <target>.tmp-<random>}, which is then renamed to {@code target}.
     * Hadoop renames a directory into an existing directory rather than over it, so an existing {@code target}
     * (replaced only if {@code overwrite}) is moved aside to {@code <target>.old-<random>} first and deleted after.
     * The temporary directory is removed if anything fails. One writer per directory is assumed.
     *
     * @param what names {@code target} in messages, e.g. "model"
     * @throws UserException when {@code target} exists and {@code overwrite} is false
     */
    public static void writeDirectoryAtomically(FileSystem fs, Path target, boolean overwrite, String what,
                                                UserException exists, DirectoryContent content) throws IOException {
        Path temporary = new Path(target.getParent(), target.getName() + ".tmp-" + randomSuffix());
        boolean committed = false;
        try {
            if (!fs.mkdirs(temporary)) {
                throw new IOException("cannot create the directory " + temporary);
            }
            content.writeInto(temporary);
            if (!fs.exists(target)) {
                if (!fs.rename(temporary, target)) {
                    throw new IOException("cannot rename " + temporary + " to " + target);
                }
                committed = true;
                return;
            }
            if (!overwrite) {
                throw exists;
            }
            Path old = new Path(target.getParent(), target.getName() + ".old-" + randomSuffix());
            if (!fs.rename(target, old)) {
                throw new IOException("cannot move the old " + what + " " + target + " aside to " + old);
            }
            if (!fs.rename(temporary, target)) {
                if (!fs.rename(old, target)) {
                    LOG.error("The old {} {} could not be put back; it is at {}", what, target, old);
                }
                throw new IOException("cannot rename " + temporary + " to " + target);
            }
            committed = true;
            if (!fs.delete(old, true)) {
                LOG.warn("The replaced {} {} could not be deleted; delete it by hand", what, old);
            }
        } finally {
            if (!committed) {
                try {
                    fs.delete(temporary, true);
                } catch (IOException e) {
                    LOG.warn("Could not delete the temporary directory {}: {}", temporary, e.getMessage());
                }
            }
        }
    }

    /** The directory {@code root} of {@code fs} as the predictor module's model reader sees it; {@code name} as the user gave it. */
    public static ModelDirectory modelDirectory(FileSystem fs, Path root, String name) {
        return new ModelDirectory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String path(String file) {
                return new Path(root, file).toString();
            }

            @Override
            public Entry entry(String file) throws IOException {
                try {
                    FileStatus status = fs.getFileStatus(new Path(root, file));
                    return new Entry(true, status.isDirectory(), status.getLen());
                } catch (FileNotFoundException e) {
                    return Entry.MISSING;
                }
            }

            @Override
            public boolean exists() throws IOException {
                return fs.exists(root);
            }

            @Override
            public InputStream open(String file) throws IOException {
                return fs.open(new Path(root, file));
            }
        };
    }

    private static String randomSuffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** What writes the content of an output file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Writer writer) throws IOException;
    }

    /** The error for an output that exists and may not be replaced; {@code what} names it, e.g. "output". */
    public static UserException alreadyExists(String what, String path) {
        return new UserException(what + " " + path + " already exists; pass --overwrite to replace it");
    }

    /** Refuses an existing {@code path} unless {@code overwrite}: checked before any work starts. */
    public static void checkAbsent(String path, boolean overwrite, String what, Configuration conf) {
        if (overwrite) {
            return;
        }
        try {
            Path p = new Path(path);
            if (p.getFileSystem(conf).exists(p)) {
                throw alreadyExists(what, path);
            }
        } catch (IOException e) {
            throw new UserException("cannot check " + what + " " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a UTF-8 text file: first to a hidden temporary file beside {@code path}, then renamed over it as
     * {@link #replaceAtomically} renames (where the file system cannot rename over a file, the old one is deleted
     * first), so that {@code path} holds either nothing (or its old content) or the whole new content. The temporary
     * file is removed if writing fails.
     */
    public static void writeTextAtomically(String path, boolean overwrite, Configuration conf, Content content) {
        Path target = new Path(path);
        Path temporary = temporaryFile(target);
        FileSystem fs;
        try {
            // No .crc side file beside a local output: it would outlive a replaced file's checksum and confuse readers.
            fs = withoutChecksums(target.getFileSystem(conf));
        } catch (IOException e) {
            throw new UserException("cannot open the file system of " + path + ": " + e.getMessage(), e);
        }
        try {
            try (Writer writer = new BufferedWriter(new OutputStreamWriter(fs.create(temporary, false), StandardCharsets.UTF_8))) {
                content.writeTo(writer);
            }
            if (!overwrite && fs.exists(target)) {
                throw alreadyExists("output", path);
            }
            if (!renameOver(conf, temporary, target)) {
                fs.delete(target, false);
                if (!fs.rename(temporary, target)) {
                    throw new UserException("cannot rename " + temporary + " to " + path);
                }
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
