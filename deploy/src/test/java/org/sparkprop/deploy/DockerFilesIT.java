package org.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml, deploy/Dockerfile and the image's entry point, checked without a Docker engine: the
 * compose file through {@code docker-compose config} (Debian's docker-compose package; skipped where it is not
 * installed), the Dockerfile against the files it copies and the Spark it must run on, and the entry point run
 * as a plain script.
 */
class DockerFilesIT {
    static final Path DIR = Deploy.WORK.resolve("docker-files");
    static final Path COMPOSE = Deploy.ROOT.resolve("docker-compose.yml");
    static final Path DOCKERFILE = Deploy.ROOT.resolve("deploy/Dockerfile");

    static boolean dockerComposeInstalled() {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "docker-compose")));
    }

    static Command compose(String log, Path envFile, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("docker-compose", "--project-directory", Deploy.ROOT.toString(),
                "--env-file", envFile.toString(), "-f", COMPOSE.toString()));
        command.addAll(List.of(args));
        return Command.run(DIR.resolve(log), env, command);
    }

    @Test
    void composeFileIsValidAndPublishesOnlyOnLoopback() throws IOException {
        assumeTrue(dockerComposeInstalled(), "docker-compose (Debian's package) is not installed");
        Files.createDirectories(DIR);
        Path envFile = Files.writeString(DIR.resolve("test.env"), "SPARKPROP_SECRET=not-a-real-secret\n");
        Command config = compose("config.log", envFile, Map.of(), "config");
        assertEquals(0, config.process.exitValue(), config.output());
        String rendered = config.output();
        for (String service : List.of("spark-master:", "spark-worker-1:", "spark-worker-2:", "train:", "history:")) {
            assertTrue(rendered.contains("\n  " + service + "\n"), service + "\n" + rendered);
        }
        List<String> published = new ArrayList<>();
        Matcher port = Pattern.compile("(?m)^    ports:\\n((?:    - .*\\n)+)").matcher(rendered);
        while (port.find()) {
            port.group(1).lines().forEach(l -> published.add(l.trim().substring(2)));
        }
        assertEquals(List.of("127.0.0.1:18080:18080/tcp", "127.0.0.1:8080:8080/tcp"), published.stream().sorted().toList(),
                "ports published: the master's and the history server's web UIs, on loopback only");

        Path noSecret = Files.writeString(DIR.resolve("empty.env"), "");
        Command refused = compose("config-no-secret.log", noSecret, Map.of(), "config");
        assertNotEquals(0, refused.process.exitValue(), refused.output());
        assertTrue(refused.output().contains("set SPARKPROP_SECRET in .env (see deploy/.env.example)"), refused.output());
    }

    /** Every variable the compose file reads is explained in deploy/.env.example. */
    @Test
    void envExampleNamesEveryVariableOfTheComposeFile() throws IOException {
        Set<String> used = new TreeSet<>();
        Matcher variable = Pattern.compile("\\$\\{(\\w+)").matcher(Files.readString(COMPOSE));
        while (variable.find()) {
            used.add(variable.group(1));
        }
        Set<String> declared = new TreeSet<>();
        for (String line : Files.readAllLines(Deploy.ROOT.resolve("deploy/.env.example"))) {
            if (line.matches("\\w+=.*")) {
                declared.add(line.substring(0, line.indexOf('=')));
            }
        }
        assertEquals(used, declared);
    }

    /**
     * The Dockerfile copies files that exist, from the official Apache Spark image of the version the tests run
     * on (deploy/pom.xml's spark.runtime.version), with Java 17.
     */
    @Test
    void dockerfileCopiesWhatExistsOntoTheTestedSpark() throws IOException {
        List<String> lines = Files.readAllLines(DOCKERFILE);
        String runtime = System.getProperty("sparkprop.sparkRuntimeVersion");
        assertTrue(lines.contains("ARG SPARK_IMAGE=apache/spark:" + runtime + "-scala2.13-java17-ubuntu"), "the Spark image is " + runtime);
        int copies = 0;
        for (String line : lines) {
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                List<String> parts = new ArrayList<>(List.of(line.substring(5).trim().split("\\s+")));
                parts.removeIf(p -> p.startsWith("--"));
                for (String source : parts.subList(0, parts.size() - 1)) {
                    if (!source.equals(".")) {
                        assertTrue(Files.isRegularFile(Deploy.ROOT.resolve(source)), "COPY source " + source);
                        copies++;
                    }
                }
            }
        }
        assertTrue(copies >= 5, "files copied: " + copies);
        assertTrue(Files.readString(Deploy.ROOT.resolve(".dockerignore")).contains("**/target*"), "build output stays out of the context");
    }

    /** The entry point puts the secret into a configuration only its user reads, and refuses to run without one. */
    @Test
    void entrypointAddsTheSecretToAPrivateConfiguration() throws IOException {
        Path entrypoint = Deploy.ROOT.resolve("deploy/docker/entrypoint.sh");
        Path sparkHome = Files.createDirectories(DIR.resolve("spark-home/conf"));
        Files.writeString(sparkHome.resolve("spark-defaults.conf"), "spark.authenticate true\n");
        Map<String, String> env = Map.of("SPARK_HOME", sparkHome.getParent().toString(), "SPARKPROP_SECRET", "s3cret", "TMPDIR", DIR.toString());
        Command run = Command.run(DIR.resolve("entrypoint.log"), env, List.of(entrypoint.toString(), "bash", "-c",
                "cat \"$SPARK_CONF_DIR/spark-defaults.conf\"; stat -c %a \"$SPARK_CONF_DIR/spark-defaults.conf\" \"$SPARK_CONF_DIR\"; echo \"secret in env: ${SPARKPROP_SECRET:-none}\""));
        assertEquals(0, run.process.exitValue(), run.output());
        assertEquals(List.of("spark.authenticate true", "spark.authenticate.secret s3cret", "600", "700", "secret in env: none"), run.output().lines().toList());

        Command refused = Command.run(DIR.resolve("entrypoint-no-secret.log"), Map.of("SPARK_HOME", sparkHome.getParent().toString(), "SPARKPROP_SECRET", ""),
                List.of(entrypoint.toString(), "true"));
        assertEquals(2, refused.process.exitValue());
        assertEquals("sparkprop image: SPARKPROP_SECRET is empty; set it in .env (see deploy/.env.example)", refused.output().strip());
        assertTrue(Files.getPosixFilePermissions(entrypoint).contains(PosixFilePermission.OWNER_EXECUTE));
    }
}
