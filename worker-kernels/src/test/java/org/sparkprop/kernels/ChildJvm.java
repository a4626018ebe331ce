package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs a class's main in a new JVM (this one's java and class path), for what a JVM chooses once, when a class
 * loads: which BLAS, which way activations compute.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * For a child's main: prints {@code description}'s line, or the message of the error that the choice behind it
     * raised when its class loaded; true when it printed the description.
     */
    static boolean printDescription(Supplier<String> description) {
        try {
            System.out.println(description.get());
            return true;
        } catch (ExceptionInInitializerError e) {
            System.out.println(e.getCause().getMessage());
            return false;
        }
    }

    /** The lines {@code main} prints on standard output in a new JVM with {@code options}; its standard error is dropped. */
    static List<String> outputLines(List<String> options, Class<?> main) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");
        return out.lines().toList();
    }
}
