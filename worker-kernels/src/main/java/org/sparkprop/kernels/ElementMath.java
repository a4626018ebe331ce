package org.sparkprop.kernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * How the sigmoid and tanh activations compute their exponentials, chosen once per JVM when this class loads.
 *
 * <p>A scalar loop over {@link Math#exp} costs about 7 ns an element on the project's machine: in a 784-128-10
 * sigmoid network that is a fifth of a forward and backward pass, and a tanh through exponentials twice that. The
 * Vector API ({@code jdk.incubator.vector}) computes 16 float or 8 double lanes per instruction with the JDK's
 * SVML routines (x86-64 only; elsewhere its {@code EXP} and {@code TANH} run lane by lane, slower than the loop),
 * at under half a nanosecond an element, within a few units in the last place of {@link Math} (VectorMathTest).
 * So the Vector API is used where:
 * <ul>
 *   <li>the JVM has the module ({@code --add-modules=jdk.incubator.vector}, which Spark's launch scripts, our
 *       {@code sparkprop} script and the build's tests pass);</li>
 *   <li>it runs on x86-64 with the JDK's SVML library ({@code libjsvml});</li>
 *   <li>the system property {@value #CHOICE_PROPERTY} is not {@code false}.</li>
 * </ul>
 * Otherwise the scalar loops run. The choice depends only on the JVM and its flags, never on timing, so executors
 * set up alike compute alike; {@link #description()} names it for the run's log.
 */
public final class ElementMath {
    /** System property: false keeps the scalar loops even where the Vector API could run. */
    public static final String CHOICE_PROPERTY = "sparkprop.vectorMath";
    private static final String MODULE = "jdk.incubator.vector";

    /** True: sigmoid and tanh go through {@link VectorMath}. */
    static final boolean VECTOR;
    private static final String DESCRIPTION;

    static {
        String why = whyNotVector();
        VECTOR = why == null;
        DESCRIPTION = VECTOR ? "Vector API (" + MODULE + ", " + VectorMath.floatLanes() + " float lanes)" : "scalar java.lang.Math: " + why;
    }

    private ElementMath() {
    }

    /** The way sigmoid and tanh run in this JVM, and why, in one line for a run's log. */
    public static String description() {
        return DESCRIPTION;
    }

    /** Null where the Vector API should run, else the reason it does not. */
    private static String whyNotVector() {
        String choice = System.getProperty(CHOICE_PROPERTY, "true").trim().toLowerCase(Locale.ROOT);
        if (choice.equals("false")) {
            return "chosen by -D" + CHOICE_PROPERTY + "=false";
        }
        if (!choice.equals("true")) {
            throw new IllegalArgumentException("-D" + CHOICE_PROPERTY + " must be true or false, got '" + choice + "'");
        }
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return MODULE + " is not in this JVM (java --add-modules=" + MODULE + " adds it)";
        }
        String arch = System.getProperty("os.arch");
        if (!Set.of("amd64", "x86_64").contains(arch)) {
            return "the JDK has no vector exp and tanh routines on " + arch;
        }
        String library = System.mapLibraryName("jsvml");
        Path home = Path.of(System.getProperty("java.home"));
        if (!Files.exists(home.resolve("lib").resolve(library)) && !Files.exists(home.resolve("bin").resolve(library))) {
            return "this JDK lacks " + library + ", its vector exp and tanh routines";
        }
        return null;
    }
}
