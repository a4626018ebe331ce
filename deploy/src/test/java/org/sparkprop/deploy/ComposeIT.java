package org.sparkprop.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkprop.deploy.Deploy.assertSameModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The same end-to-end run as the local cluster tests, against docker-compose.yml through Testcontainers: the
 * image built, the master and two workers up with authentication and AES-GCM, the train service's model equal to
 * a local[2] run with its arguments. Skipped where no Docker engine answers.
 */
@Tag("docker")
@Testcontainers(disabledWithoutDocker = true)
class ComposeIT {
    static final Path DIR = Deploy.WORK.resolve("compose");

    @Test
    void theTrainServiceWritesTheLocalModel() throws IOException, InterruptedException {
        Cluster.deleteRecursively(DIR);
        Files.createDirectories(DIR);
        List<String> trainArgs = trainServiceArguments();
        int output = trainArgs.indexOf("--output");
        Path expected = DIR.resolve("model-local");
        List<String> localArgs = new ArrayList<>(trainArgs);
        localArgs.set(output + 1, expected.toString());
        Command local = Command.run(DIR.resolve("model-local.log"), Deploy.env(), Deploy.sparkSubmit(List.of("--master", "local[2]"), localArgs));
        assertEquals(0, local.process.exitValue(), local.tail());

        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        try (ComposeContainer compose = new ComposeContainer(Deploy.ROOT.resolve("docker-compose.yml").toFile())
                .withEnv("SPARKPROP_SECRET", secret)
                .withBuild(true)
                .withRemoveVolumes(true)
                .waitingFor("train", Wait.forLogMessage(".*model written to .*\\n", 1).withStartupTimeout(Duration.ofMinutes(15)))) {
            compose.start();
            ContainerState train = compose.getContainerByServiceName("train").orElseThrow();
            String logs = train.getLogs();
            assertTrue(logs.contains("master spark://spark-master:7077"), logs);
            Path model = Files.createDirectories(DIR.resolve("model-compose"));
            String written = trainArgs.get(output + 1);
            for (String file : List.of("model.json", "weights.bin", "training.json")) {
                train.copyFileFromContainer(written + "/" + file, model.resolve(file).toString());
            }
            assertSameModel(expected, model);
        }
    }

    /**
     * The arguments of the train service after the application jar, read from docker-compose.yml, whose command
     * is written as a one-line flow sequence of quoted strings (which is also a JSON array).
     */
    static List<String> trainServiceArguments() throws IOException {
        String compose = Files.readString(Deploy.ROOT.resolve("docker-compose.yml"));
        Matcher command = Pattern.compile("(?m)^  train:\\n(?:    .*\\n|\\s*\\n)*?    command: (\\[.*])$").matcher(compose);
        assertTrue(command.find(), "the train service's command in docker-compose.yml");
        List<String> args = new ArrayList<>();
        for (JsonNode arg : new ObjectMapper().readTree(command.group(1))) {
            args.add(arg.asText());
        }
        int jar = args.indexOf("local:///opt/sparkprop/sparkprop-jobs.jar");
        assertTrue(jar > 0, "the train service submits the image's jar: " + args);
        return args.subList(jar + 1, args.size());
    }
}
