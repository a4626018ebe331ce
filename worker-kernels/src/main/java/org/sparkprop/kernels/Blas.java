package org.sparkprop.kernels;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The BLAS boundary: the one dev.ludovic.netlib instance every kernel uses, chosen once per JVM when this class
 * loads.
 *
 * <p>Where native OpenBLAS comes from: on Linux x86-64 the jar {@code org.bytedeco:openblas:linux-x86_64} (a
 * dependency of this module, so it is inside the application jar and on every executor) carries
 * {@code libopenblas.so.0} and its Fortran runtime (libgfortran, libquadmath; libgcc_s comes with every glibc system). This class copies them to a private temporary directory,
 * points netlib at that copy with {@code -Ddev.ludovic.netlib.blas.nativeLibPath}, lets netlib load it, and
 * deletes the copy (the loaded library stays mapped). That needs no system package and no root, and gives
 * every node the same OpenBLAS, one recent enough to recognise current CPUs (Debian 12's 0.3.21 falls back to
 * its slowest kernel on some of them). The system property {@value #CHOICE_PROPERTY} chooses otherwise:
 * <ul>
 *   <li>{@code bundled} (the default, {@link #DEFAULT_CHOICE}): the OpenBLAS above, where the platform has it,
 *       else as {@code system};</li>
 *   <li>{@code system}: netlib's own search, {@code libblas.so.3} (whatever the system's alternatives point at),
 *       or the library named by netlib's properties {@code dev.ludovic.netlib.blas.nativeLibPath}/{@code nativeLib}
 *       when set (they also make {@code bundled} stand aside);</li>
 *   <li>{@code java}: no native library; the vectorized Java implementation when {@code jdk.incubator.vector}
 *       is present, else plain Java.</li>
 * </ul>
 * When no native library loads, netlib falls back to Java quietly; {@link #description()} says which one runs and
 * why, so every run's log can name it. OpenBLAS must run one thread per task ({@code OPENBLAS_NUM_THREADS=1}
 * in the environment of every JVM that runs tasks): Spark already runs one task per core.
 */
public final class Blas {
    /** System property choosing the implementation: bundled, system or java. */
    public static final String CHOICE_PROPERTY = "sparkprop.blas";
    /** The implementation used when {@value #CHOICE_PROPERTY} is not set. */
    public static final String DEFAULT_CHOICE = "bundled";

    private static final String NATIVE_LIB_PATH = "dev.ludovic.netlib.blas.nativeLibPath";
    private static final String NATIVE_LIB = "dev.ludovic.netlib.blas.nativeLib";
    private static final String BUNDLE = "org/bytedeco/openblas/linux-x86_64/";
    private static final String BUNDLE_VERSION = "META-INF/maven/org.bytedeco/openblas/pom.properties";
    /** The bundle's libraries in load order: each one's dependencies come before it. */
    private static final String[] BUNDLE_LIBRARIES = {"libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0"};

    private static final BLAS INSTANCE;
    private static final String DESCRIPTION;

    static {
        String choice = System.getProperty(CHOICE_PROPERTY, DEFAULT_CHOICE).trim().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "java" -> {
                INSTANCE = JavaBLAS.getInstance();
                DESCRIPTION = implementationName() + ": the Java fallback, chosen by -D" + CHOICE_PROPERTY + "=java";
            }
            case "system" -> {
                String library = "system library " + systemLibrary();
                INSTANCE = BLAS.getInstance();
                DESCRIPTION = describe(library + loadedFile());
            }
            case "bundled" -> {
                Bundle bundle = Bundle.prepare();
                INSTANCE = BLAS.getInstance();
                bundle.deleteCopy();
                DESCRIPTION = describe(bundle.library);
            }
            default -> throw new IllegalArgumentException("-D" + CHOICE_PROPERTY + " must be bundled, system or java, got '" + choice + "'");
        }
    }

    private Blas() {
    }

    static BLAS instance() {
        return INSTANCE;
    }

    /** True when a native library does the arithmetic. */
    public static boolean isNative() {
        return INSTANCE instanceof NativeBLAS;
    }

    /**
     * "native", "vector" or "java", followed by netlib's class name, e.g. {@code native (dev.ludovic.netlib.blas.JNIBLAS)}.
     */
    public static String implementationName() {
        String kind;
        if (isNative()) {
            kind = "native";
        } else if (INSTANCE.getClass().getSimpleName().startsWith("Vector")) {
            kind = "vector";
        } else {
            kind = "java";
        }
        return kind + " (" + INSTANCE.getClass().getName() + ")";
    }

    /**
     * One line for a log: the implementation, the library file that netlib loaded (for native), and
     * {@code OPENBLAS_NUM_THREADS}; or, for Java, why no native library runs. For example
     * {@code native (dev.ludovic.netlib.blas.JNIBLAS): OpenBLAS 0.3.31-1.5.13 bundled from org.bytedeco:openblas, OPENBLAS_NUM_THREADS=1}.
     */
    public static String description() {
        return DESCRIPTION;
    }

    /** The description of {@link #INSTANCE} once netlib has tried to load {@code library}. */
    private static String describe(String library) {
        if (!isNative()) {
            return implementationName() + ": the Java fallback; " + library + " did not load, and native OpenBLAS is several times faster";
        }
        String threads = System.getenv("OPENBLAS_NUM_THREADS");
        return implementationName() + ": " + library + ", OPENBLAS_NUM_THREADS="
                + (threads == null ? "unset (set it to 1: Spark runs one task per core already)" : threads);
    }

    /**
     * " at FILE" with the file of the system BLAS that this process has mapped (Linux's /proc/self/maps), so
     * that a log tells OpenBLAS from the much slower reference BLAS behind the same name; "" where unknown.
     */
    private static String loadedFile() {
        Path maps = Path.of("/proc/self/maps");
        if (!isNative() || !Files.isReadable(maps)) {
            return "";
        }
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.map(line -> line.substring(line.indexOf('/') < 0 ? line.length() : line.indexOf('/')))
                    .filter(file -> file.contains("blas") && !file.contains("netlibblasjni"))
                    .findFirst().map(file -> " at " + file).orElse("");
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /** Which library netlib's own search will open: its properties when set, else libblas.so.3. */
    private static String systemLibrary() {
        String path = System.getProperty(NATIVE_LIB_PATH);
        if (path != null) {
            return path;
        }
        String name = System.getProperty(NATIVE_LIB);
        return name != null ? "lib" + name + ".so" : "libblas.so.3";
    }

    /** What netlib is about to load: its description, and the copy of the bundle to delete once it is loaded (or null). */
    private record Bundle(String library, Path copy) {
        /**
         * Copies the bundled libraries to a new private directory, loads the dependencies of libopenblas.so.0 from
         * there (so that the copy does not rely on the system having libquadmath and libgfortran) and points
         * netlib's nativeLibPath at the copy of libopenblas.so.0. Leaves netlib's search as it is, and says why,
         * when netlib's properties are already set, when this platform has no bundle, or when copying fails.
         */
        static Bundle prepare() {
            if (System.getProperty(NATIVE_LIB_PATH) != null || System.getProperty(NATIVE_LIB) != null) {
                return new Bundle("system library " + systemLibrary() + " (named by netlib's properties)", null);
            }
            ClassLoader loader = Blas.class.getClassLoader();
            String os = System.getProperty("os.name", "");
            String arch = System.getProperty("os.arch", "");
            if (!os.equals("Linux") || !arch.equals("amd64") || loader.getResource(BUNDLE + "libopenblas.so.0") == null) {
                return new Bundle("system library " + systemLibrary() + " (no bundled OpenBLAS for " + os + " " + arch + ")", null);
            }
            Path dir = null;
            try {
                dir = Files.createTempDirectory("sparkprop-openblas-");
                for (String library : BUNDLE_LIBRARIES) {
                    try (InputStream in = loader.getResourceAsStream(BUNDLE + library)) {
                        if (in == null) {
                            throw new IOException("the bundle lacks " + library);
                        }
                        Files.copy(in, dir.resolve(library));
                    }
                }
                for (int i = 0; i < BUNDLE_LIBRARIES.length - 1; i++) {
                    System.load(dir.resolve(BUNDLE_LIBRARIES[i]).toString());
                }
                System.setProperty(NATIVE_LIB_PATH, dir.resolve("libopenblas.so.0").toString());
                return new Bundle("OpenBLAS " + bundleVersion(loader) + " bundled from org.bytedeco:openblas", dir);
            } catch (IOException | UnsatisfiedLinkError e) {
                new Bundle("", dir).deleteCopy();
                return new Bundle("system library " + systemLibrary() + " (the bundled OpenBLAS could not be copied out: " + e.getMessage() + ")", null);
            }
        }

        /** Deletes the copied files: the loaded libraries stay mapped. */
        void deleteCopy() {
            if (copy == null) {
                return;
            }
            System.clearProperty(NATIVE_LIB_PATH);
            try (Stream<Path> files = Files.list(copy)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(copy);
            } catch (IOException e) {
                copy.toFile().deleteOnExit();
            }
        }
    }

    private static String bundleVersion(ClassLoader loader) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = loader.getResourceAsStream(BUNDLE_VERSION)) {
            if (in != null) {
                properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        }
        return properties.getProperty("version", "(version unknown)");
    }
}
