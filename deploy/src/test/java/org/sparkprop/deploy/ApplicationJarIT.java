package org.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The spark-submit jar and the Spark configuration shipped with it, against the Spark runtime they run on. */
@Tag("cluster")
class ApplicationJarIT {

    /**
     * Nothing in the application jar can clash with Spark's own jars: every class or resource of ours that a
     * Spark jar also holds is byte for byte Spark's (netlib and f2j, at the versions Spark 4.1 ships), so
     * whichever class loader finds it first, the same code runs. A library that fails this must be relocated
     * in jobs/pom.xml's shade configuration (or left to Spark, if Spark ships it).
     */
    @Test
    void everythingSparkAlsoHasIsIdenticalToSparks() throws IOException {
        Map<String, Path> sparkEntries = new HashMap<>();
        List<Path> sparkJars;
        try (Stream<Path> jars = Files.list(Deploy.SPARK_HOME.resolve("jars"))) {
            sparkJars = jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        assertTrue(sparkJars.size() > 100, "Spark's jars in " + Deploy.SPARK_HOME);
        for (Path jar : sparkJars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                file.stream().filter(e -> !e.isDirectory() && !e.getName().startsWith("META-INF/"))
                        .forEach(e -> sparkEntries.putIfAbsent(e.getName(), jar));
            }
        }
        List<String> clashes = new ArrayList<>();
        Map<Path, JarFile> open = new HashMap<>();
        int shared = 0;
        try (JarFile ours = new JarFile(Deploy.JOBS_JAR.toFile())) {
            for (JarEntry entry : ours.stream().toList()) {
                Path sparkJar = sparkEntries.get(entry.getName());
                if (entry.isDirectory() || entry.getName().startsWith("META-INF/") || sparkJar == null) {
                    continue;
                }
                shared++;
                JarFile spark = open.computeIfAbsent(sparkJar, ApplicationJarIT::openJar);
                try (InputStream a = ours.getInputStream(entry); InputStream b = spark.getInputStream(spark.getEntry(entry.getName()))) {
                    if (!Arrays.equals(a.readAllBytes(), b.readAllBytes())) {
                        clashes.add(entry.getName() + " differs from " + sparkJar.getFileName());
                    }
                }
            }
        } finally {
            for (JarFile jar : open.values()) {
                jar.close();
            }
        }
        assertEquals(List.of(), clashes, "classes that would clash with Spark's");
        assertTrue(shared > 0, "the jar carries netlib, which Spark also ships");
    }

    private static JarFile openJar(Path jar) {
        try {
            return new JarFile(jar.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** deploy/conf/spark-defaults.conf gives drivers and executors the JDK 17 flags of the pom (spark.jdk17.flags). */
    @Test
    void sparkDefaultsCarryThePomsJdkFlags() throws IOException {
        Properties defaults = new Properties();
        try (InputStream in = Files.newInputStream(Deploy.ROOT.resolve("deploy/conf/spark-defaults.conf"))) {
            defaults.load(in);
        }
        List<String> flags = List.of(System.getProperty("sparkprop.jdk17Flags").trim().split("\\s+"));
        for (String key : List.of("spark.driver.extraJavaOptions", "spark.executor.defaultJavaOptions")) {
            assertEquals(flags, List.of(defaults.getProperty(key, "").trim().split("\\s+")), key);
        }
    }
}
