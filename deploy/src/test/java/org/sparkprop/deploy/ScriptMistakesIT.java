package org.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** deploy/bin/spark-cluster and deploy/bin/spark-submit on a user's mistakes: one sentence, exit status 2. */
@Tag("cluster")
class ScriptMistakesIT {
    static final Path DIR = Deploy.WORK.resolve("script-mistakes");

    static Command cluster(String log, Map<String, String> env, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Deploy.SPARK_CLUSTER.toString()));
        command.addAll(List.of(args));
        return Command.run(DIR.resolve(log), env, command);
    }

    @Test
    void aTakenPortIsNamed() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Command start = cluster("port-taken.log", Deploy.env(), "start", "--port", Integer.toString(port),
                    "--webui-port", Integer.toString(Deploy.freePorts(3)), "--dir", DIR.resolve("port-taken").toString());
            assertEquals(2, start.process.exitValue(), start.output());
            assertEquals("spark-cluster: port " + port + " on 127.0.0.1, for the master, is taken; choose others with --port and --webui-port",
                    start.output().strip());
            assertFalse(Files.exists(DIR.resolve("port-taken/cluster.state")), "nothing started");
        }
    }

    @Test
    void badFlagsAreNamed() {
        Command workers = cluster("workers.log", Deploy.env(), "start", "--workers", "0", "--dir", DIR.resolve("bad").toString());
        assertEquals(2, workers.process.exitValue());
        assertEquals("spark-cluster: --workers must be a positive whole number, not '0'", workers.output().strip());
        Command memory = cluster("memory.log", Deploy.env(), "start", "--memory", "lots", "--dir", DIR.resolve("bad").toString());
        assertEquals(2, memory.process.exitValue());
        assertEquals("spark-cluster: --memory must be a size such as 1g or 1536m, not 'lots'", memory.output().strip());
        Command unknown = cluster("unknown.log", Deploy.env(), "restart");
        assertEquals(2, unknown.process.exitValue());
        assertTrue(unknown.output().startsWith("usage: spark-cluster start"), unknown.output());
    }

    @Test
    void statusAndStopWithoutAClusterSaySo() {
        Path none = DIR.resolve("none");
        Command status = cluster("status-none.log", Deploy.env(), "status", "--dir", none.toString());
        assertEquals(3, status.process.exitValue());
        assertEquals("no cluster started from " + none, status.output().strip());
        Command stop = cluster("stop-none.log", Deploy.env(), "stop", "--dir", none.toString());
        assertEquals(0, stop.process.exitValue());
        assertEquals("no cluster started from " + none, stop.output().strip());
    }

    @Test
    void aSparkHomeWithoutSparkIsNamed() throws IOException {
        Path empty = Files.createDirectories(DIR.resolve("not-spark"));
        Command submit = Command.run(DIR.resolve("not-spark.log"), Map.of("SPARKPROP_SPARK_HOME", empty.toString()),
                List.of(Deploy.SPARK_SUBMIT.toString(), "--version"));
        assertEquals(2, submit.process.exitValue());
        assertEquals("spark-submit: SPARKPROP_SPARK_HOME=" + empty + " is not a Spark home (it needs a RELEASE file and jars/)",
                submit.output().strip());
    }
}
