package org.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A standalone cluster that a test starts with deploy/bin/spark-cluster, on free ports, in a folder of its own. */
final class Cluster {
    final Path dir;
    final String masterUrl;
    final int webUiPort;

    private Cluster(Path dir, String masterUrl, int webUiPort) {
        this.dir = dir;
        this.masterUrl = masterUrl;
        this.webUiPort = webUiPort;
    }

    /**
     * Empties a test's folder {@code testDir} and runs {@code spark-cluster start} with its folder in
     * testDir/cluster: {@code workers} workers of 1 core and 1 GiB each, authentication on when {@code secret}
     * is not null. Checks what start prints: the master URL and every web UI address.
     */
    static Cluster start(Path testDir, int workers, String secret) {
        Path dir = testDir.resolve("cluster");
        if (Files.exists(dir.resolve("cluster.state"))) {  // left running by an interrupted run
            new Cluster(dir, "", 0).stop();
        }
        deleteRecursively(testDir);
        int port = Deploy.freePorts(1);
        int webUiPort = Deploy.freePorts(workers + 1);
        Map<String, String> env = new HashMap<>(Deploy.env());
        if (secret != null) {
            env.put("SPARKPROP_SECRET", secret);
        }
        Command start = Command.run(dir.resolve("logs/spark-cluster-start.log"), env, List.of(Deploy.SPARK_CLUSTER.toString(), "start",
                "--workers", Integer.toString(workers), "--cores", "1", "--memory", "1g",
                "--port", Integer.toString(port), "--webui-port", Integer.toString(webUiPort), "--dir", dir.toString()));
        assertEquals(0, start.process.exitValue(), start.tail());
        Cluster cluster = new Cluster(dir, "spark://127.0.0.1:" + port, webUiPort);
        assertTrue(start.output().contains("master URL  " + cluster.masterUrl), start.output());
        for (int ui = webUiPort; ui <= webUiPort + workers; ui++) {
            assertTrue(start.output().contains("http://127.0.0.1:" + ui + "  (running"), start.output());
        }
        return cluster;
    }

    /** Runs {@code spark-cluster stop}; returns it. */
    Command stop() {
        return Command.run(dir.resolve("logs/spark-cluster-stop.log"), Deploy.env(), List.of(Deploy.SPARK_CLUSTER.toString(), "stop", "--dir", dir.toString()));
    }

    boolean running() {
        return Files.exists(dir.resolve("cluster.state"));
    }

    /** The environment for deploy/bin/spark-submit to submit here: the configuration start wrote. */
    Map<String, String> submitEnv() {
        return Map.of("SPARKPROP_SPARK_HOME", Deploy.SPARK_HOME.toString(), "SPARK_CONF_DIR", dir.resolve("client-conf").toString());
    }

    Path masterLog() {
        return dir.resolve("logs/master.log");
    }

    /** The master and the workers, from the state file that start wrote. */
    List<ProcessHandle> daemons() {
        List<ProcessHandle> daemons = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("cluster.state"))) {
                String[] fields = line.split(" ");
                if (fields[0].equals("master") || fields[0].startsWith("worker-")) {
                    ProcessHandle.of(Long.parseLong(fields[1])).ifPresent(daemons::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return daemons;
    }

    /**
     * The executor JVMs of the newest application: the workers' children that run CoarseGrainedExecutorBackend
     * with the latest --app-id (application ids begin with their start time).
     */
    List<ProcessHandle> executors() {
        List<ProcessHandle> all = daemons().stream().flatMap(ProcessHandle::children)
                .filter(p -> p.info().commandLine().orElse("").contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"))
                .toList();
        String newest = all.stream().map(Cluster::appId).max(String::compareTo).orElse("");
        return all.stream().filter(p -> appId(p).equals(newest)).toList();
    }

    static String appId(ProcessHandle executor) {
        String[] args = executor.info().arguments().orElseThrow();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--app-id")) {
                return args[i + 1];
            }
        }
        throw new AssertionError("no --app-id among the arguments of executor " + executor.pid());
    }

    /** The folders the workers made for the executors of {@code appId}: work/worker-N/APP/EXECUTOR. */
    long executorDirs(String appId) {
        try (Stream<Path> dirs = Files.walk(dir.resolve("work"), 3)) {
            return dirs.filter(d -> d.getParent() != null && d.getParent().getFileName().toString().equals(appId)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
