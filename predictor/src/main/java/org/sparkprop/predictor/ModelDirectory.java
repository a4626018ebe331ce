package org.sparkprop.predictor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The files of one model directory, wherever it is: a local folder ({@link #local}), or any file system the
 * caller can open (the driver reads through Hadoop's). {@link ModelFormat#read} reads a model through this.
 */
public interface ModelDirectory {

    /** A file's kind and size: {@code exists} false for a missing file. */
    record Entry(boolean exists, boolean directory, long length) {
        public static final Entry MISSING = new Entry(false, false, 0);
    }

    /** The directory as the user named it, for messages. */
    String name();

    /** How messages name the file {@code file} (a plain file name) of this directory. */
    String path(String file);

    /** What {@code file} is; {@link Entry#MISSING} when it does not exist. */
    Entry entry(String file) throws IOException;

    /** Whether the directory itself exists. */
    boolean exists() throws IOException;

    /** {@code file}'s content, for the caller to close. */
    InputStream open(String file) throws IOException;

    /** The folder {@code dir} on a local file system. */
    static ModelDirectory local(Path dir) {
        return new ModelDirectory() {
            @Override
            public String name() {
                return dir.toString();
            }

            @Override
            public String path(String file) {
                return dir.resolve(file).toString();
            }

            @Override
            public Entry entry(String file) throws IOException {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(dir.resolve(file), BasicFileAttributes.class);
                    return new Entry(true, attributes.isDirectory(), attributes.size());
                } catch (NoSuchFileException e) {
                    return Entry.MISSING;
                }
            }

            @Override
            public boolean exists() {
                return Files.exists(dir);
            }

            @Override
            public InputStream open(String file) throws IOException {
                return Files.newInputStream(dir.resolve(file));
            }
        };
    }
}
