package org.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkprop.deploy.Deploy.SMALL;
import static org.sparkprop.deploy.Deploy.assertSameModel;
import static org.sparkprop.deploy.Deploy.sparkSubmit;
import static org.sparkprop.deploy.Deploy.train;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A cluster started by deploy/bin/spark-cluster with SPARKPROP_SECRET set: authentication on and RPC encryption
 * with AES-GCM. Training through it gives the local model (per epoch: two one-core workers, a task slot for each
 * partition, so every step's weights and gradients are messages through the encrypted RPC connections); a worker or
 * an application with another secret is refused, and the master's log says why.
 */
@Tag("cluster")
class SecuredClusterIT {
    static final int EPOCHS = 4;
    static final Path DIR = Deploy.WORK.resolve("secured-cluster");
    static final String SECRET = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
    static final String WRONG_SECRET = "not-" + SECRET;
    /** Spark's line (at DEBUG, which the daemons' log configuration shows) for a connection it refuses. */
    static final String REFUSED = "Authentication failed for client";

    static Cluster cluster;
    static Command wrongSecretApp;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.start(DIR, 2, SECRET);
        // Spark gives up on an unreachable master after three tries of 20 s; this runs meanwhile.
        wrongSecretApp = Command.start(DIR.resolve("wrong-secret-app.log"), cluster.submitEnv(),
                sparkSubmit(List.of("--name", "wrong-secret-app", "--conf", "spark.authenticate.secret=" + WRONG_SECRET),
                        train(1, DIR.resolve("model-never"))));
    }

    @AfterAll
    static void stopCluster() {
        if (wrongSecretApp != null) {
            wrongSecretApp.process.destroyForcibly();
        }
        if (cluster != null && cluster.running()) {
            cluster.stop();
        }
    }

    @Test
    void theSecretIsOnlyInFilesOfTheUser() throws IOException {
        for (String conf : List.of("conf/spark-defaults.conf", "client-conf/spark-defaults.conf")) {
            Path file = cluster.dir.resolve(conf);
            assertTrue(Files.readAllLines(file).contains("spark.authenticate.secret " + SECRET), conf);
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file), conf);
        }
        for (ProcessHandle daemon : cluster.daemons()) {
            assertFalse(daemon.info().commandLine().orElse("").contains(SECRET), "the secret on the command line of " + daemon.pid());
        }
    }

    @Test
    void trainingWithTheSecretGivesTheLocalModel() throws IOException {
        Path reference = Deploy.trainLocally(EPOCHS, DIR.resolve("model-local"));
        Path model = DIR.resolve("model-client");
        Command run = Command.run(DIR.resolve("client.log"), cluster.submitEnv(), sparkSubmit(SMALL, train(EPOCHS, model)));
        assertEquals(0, run.process.exitValue(), run.tail());
        assertTrue(run.output().contains("exchange: per-epoch ("), run.tail());
        assertSameModel(reference, model);
        Properties conf = new Properties();
        try (Reader in = Files.newBufferedReader(cluster.dir.resolve("client-conf/spark-defaults.conf"))) {
            conf.load(in);
        }
        assertEquals("true", conf.getProperty("spark.authenticate"));
        assertEquals("true", conf.getProperty("spark.network.crypto.enabled"));
        assertEquals("AES/GCM/NoPadding", conf.getProperty("spark.network.crypto.cipher"));
    }

    @Test
    void anApplicationWithAWrongSecretIsRefused() throws IOException {
        // a user's error in one sentence, exit status 2, no trace
        assertEquals(2, wrongSecretApp.awaitExit(), wrongSecretApp.tail());
        assertTrue(wrongSecretApp.output().contains("All masters are unresponsive"), wrongSecretApp.tail());
        assertTrue(wrongSecretApp.output().contains("sparkprop: Spark stopped the application before the command finished ("),
                wrongSecretApp.tail());
        assertFalse(wrongSecretApp.output().contains("internal error"), wrongSecretApp.tail());
        String log = Files.readString(cluster.masterLog());
        assertFalse(log.contains("Registering app wrong-secret-app"), log);
        assertTrue(log.contains(REFUSED), log);
    }

    @Test
    void aWorkerWithAWrongSecretIsRefused() throws IOException {
        wrongSecretApp.awaitExit();  // so that every refusal the master logs from here on is the worker's
        long refusedBefore = count(Files.readString(cluster.masterLog()), REFUSED);
        int workerPort = Deploy.freePorts(1);
        Path conf = DIR.resolve("wrong-secret-worker.conf");
        Files.writeString(conf, String.join("\n", "spark.authenticate true", "spark.authenticate.secret " + WRONG_SECRET,
                "spark.network.crypto.enabled true", "spark.network.crypto.cipher AES/GCM/NoPadding", ""));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(System.getProperty("sparkprop.jdk17Flags").trim().split("\\s+")));
        command.addAll(List.of("-cp", Deploy.SPARK_HOME.resolve("jars") + "/*", "org.apache.spark.deploy.worker.Worker",
                "--host", "127.0.0.1", "--port", Integer.toString(workerPort), "--webui-port", Integer.toString(Deploy.freePorts(1)),
                "--cores", "1", "--memory", "512m", "--work-dir", DIR.resolve("wrong-secret-worker").toString(),
                "--properties-file", conf.toString(), cluster.masterUrl));
        Command worker = Command.start(DIR.resolve("wrong-secret-worker.log"),
                Map.of("SPARK_HOME", Deploy.SPARK_HOME.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1"), command);
        try {
            worker.awaitOutput("Retrying connection to master");
            String log = Files.readString(cluster.masterLog());
            assertTrue(count(log, REFUSED) > refusedBefore, log);
            assertFalse(log.contains("Registering worker 127.0.0.1:" + workerPort), log);
            assertFalse(worker.output().contains("Successfully registered with master"), worker.tail());
        } finally {
            worker.process.destroyForcibly();
        }
    }

    static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }
}
