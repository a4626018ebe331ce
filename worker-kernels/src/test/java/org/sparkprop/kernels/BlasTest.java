package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Which BLAS runs and what the log says about it: the bundled OpenBLAS by default on Linux x86-64, and the Java
 * fallback, named as such with its reason, when the choice or a broken library path rules native out (those in a
 * JVM of their own, since the choice is made once per JVM).
 */
class BlasTest {
    @Test
    void implementationNameSaysWhichKindLoaded() {
        String name = Blas.implementationName();
        assertTrue(name.matches("(native|vector|java) \\(dev\\.ludovic\\.netlib\\.blas\\.\\w+\\)"), name);
        assertTrue(name.contains(Blas.instance().getClass().getSimpleName()), name);
        assertTrue(Blas.description().startsWith(name + ": "), Blas.description());
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void bundledOpenBlasLoadsByDefaultWithOneThread() {
        assertTrue(Blas.isNative(), Blas.description());
        assertTrue(Blas.description().matches(".*: OpenBLAS [0-9.-]+ bundled from org\\.bytedeco:openblas, .*"), Blas.description());
        // surefire sets the variable as deploy/bin/sparkprop and the executors' environment do
        assertTrue(Blas.description().endsWith("OPENBLAS_NUM_THREADS=1"), Blas.description());
    }

    @Test
    void theJavaFallbackIsChosenByProperty() throws Exception {
        String line = descriptionInNewJvm("-D" + Blas.CHOICE_PROPERTY + "=java");
        assertTrue(line.matches("(vector|java) \\(dev\\.ludovic\\.netlib\\.blas\\.\\w+\\): the Java fallback, chosen by -Dsparkprop\\.blas=java"), line);
    }

    @Test
    void aLibraryThatDoesNotLoadFallsBackToJavaAndSaysWhy() throws Exception {
        String line = descriptionInNewJvm("-Ddev.ludovic.netlib.blas.nativeLibPath=/nonexistent/libblas.so.3");
        assertTrue(line.contains(": the Java fallback; system library /nonexistent/libblas.so.3 (named by netlib's properties) did not load"), line);
        assertTrue(line.startsWith("vector ") || line.startsWith("java "), line);
    }

    @Test
    void anUnknownChoiceIsRefusedNamingTheProperty() throws Exception {
        String line = descriptionInNewJvm("-D" + Blas.CHOICE_PROPERTY + "=mkl");
        assertEquals("-Dsparkprop.blas must be bundled, system or java, got 'mkl'", line);
    }

    /** The first line that {@link PrintDescription} prints in a new JVM with the Vector API's module and {@code option}. */
    private static String descriptionInNewJvm(String option) throws IOException, InterruptedException {
        return ChildJvm.outputLines(List.of("--add-modules=jdk.incubator.vector", option), PrintDescription.class).stream()
                .findFirst().orElse("");
    }

    /** Prints {@link Blas#description()}, or the message of the error that choosing a BLAS raised. */
    public static final class PrintDescription {
        public static void main(String[] args) {
            ChildJvm.printDescription(Blas::description);
        }
    }
}
