package org.sparkprop.driver.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.sparkprop.driver.UserException;

/**
 * Lists the files an input path names, on the driver: a file, a directory (recursively), or a glob. Files and
 * directories whose names start with {@code _} or {@code .} (Hadoop's markers and checksums) are skipped below a
 * directory and among a glob's matches; a file named exactly is read whatever its name.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /** The files, fully qualified and sorted by path; a user error when there are none. */
    public static List<String> list(Configuration conf, String pathText) {
        Path pattern = new Path(pathText);
        boolean glob = pathText.chars().anyMatch(c -> "*?[]{}".indexOf(c) >= 0);
        TreeSet<String> files = new TreeSet<>();
        try {
            FileSystem fs = pattern.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(pattern);
            for (FileStatus match : matches == null ? new FileStatus[0] : matches) {
                if (glob && isHidden(match.getPath().getName())) {
                    continue;
                }
                if (!match.isDirectory()) {
                    files.add(match.getPath().toString());
                    continue;
                }
                RemoteIterator<LocatedFileStatus> below = fs.listFiles(match.getPath(), true);
                while (below.hasNext()) {
                    Path file = below.next().getPath();
                    if (!hiddenBelow(match.getPath(), file)) {
                        files.add(file.toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UserException("cannot list " + pathText + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new UserException("input path matches no files: " + pathText);
        }
        return new ArrayList<>(files);
    }

    /** How messages name {@code path}: a local file by its plain path, anything else by its URI. */
    static String display(Path path) {
        return "file".equals(path.toUri().getScheme()) ? path.toUri().getPath() : path.toString();
    }

    private static boolean isHidden(String name) {
        return name.startsWith("_") || name.startsWith(".");
    }

    /** True when {@code file} or a directory between it and {@code root} is hidden. */
    private static boolean hiddenBelow(Path root, Path file) {
        int rootDepth = root.depth();
        for (Path p = file; p != null && p.depth() > rootDepth; p = p.getParent()) {
            if (isHidden(p.getName())) {
                return true;
            }
        }
        return false;
    }
}
