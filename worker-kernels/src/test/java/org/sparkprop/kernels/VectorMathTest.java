package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The activations on the Vector API ({@link VectorMath}) against independent scalar computations, and the choice
 * between them and the scalar loops ({@link ElementMath}): the Vector API runs in this build's test JVMs, which
 * have the module; a JVM without it, or with {@code -Dsparkprop.vectorMath=false}, runs the scalar loops and
 * computes the same gradients within float rounding.
 */
class VectorMathTest {
    private static final float SLOPE = (float) Activation.LEAKY_SLOPE;

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void theVectorApiRunsInTheseTests() {
        // so that every other kernel test here exercises it; the surefire JVM has --add-modules=jdk.incubator.vector
        assertTrue(ElementMath.VECTOR, ElementMath.description());
        assertTrue(ElementMath.description().matches("Vector API \\(jdk\\.incubator\\.vector, \\d+ float lanes\\) from the first call, "
                + "chosen by -Dsparkprop.vectorMath=eager"), ElementMath.description());
    }

    @Test
    void sigmoidAndTanhAreWithinAFewUnitsInTheLastPlaceOfMath() {
        double[] z = inputs();
        float[] zf = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            zf[i] = (float) z[i];
        }
        float[] sigmoidF = new float[z.length];
        float[] tanhF = new float[z.length];
        double[] sigmoidD = new double[z.length];
        double[] tanhD = new double[z.length];
        VectorMath.sigmoid(zf, sigmoidF, z.length);
        VectorMath.tanh(zf, tanhF, z.length);
        VectorMath.sigmoid(z, sigmoidD, z.length);
        VectorMath.tanh(z, tanhD, z.length);
        for (int i = 0; i < z.length; i++) {
            assertUlps("float sigmoid", zf[i], (float) (1 / (1 + Math.exp(-zf[i]))), sigmoidF[i], 4, true);
            assertUlps("float tanh", zf[i], (float) Math.tanh(zf[i]), tanhF[i], 4, true);
            assertUlps("double sigmoid", z[i], 1 / (1 + Math.exp(-z[i])), sigmoidD[i], 8, false);
            assertUlps("double tanh", z[i], Math.tanh(z[i]), tanhD[i], 8, false);
        }
    }

    @Test
    void theScalarFunctionsGiveTheVectorLanesBitsSoTheChoiceChangesNoResult() {
        double[] z = inputs();
        float[] zf = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            zf[i] = (float) z[i];
        }
        List<String> vector = Activations.lines(zf, z, true);
        List<String> scalar = Activations.lines(zf, z, false);
        for (int k = 0; k < vector.size(); k++) {
            assertSameBits("on the Vector API", vector.get(k), "in scalar code", scalar.get(k), zf, z);
        }
    }

    /**
     * The bug this guards against: sigmoid and tanh on the Vector API's EXP and TANH gave the JDK's SVML results once
     * C2 had compiled the loop and Math-like ones before, so training repeated with one seed in one JVM differed in
     * the last bits. Here a JVM that only interprets and one that stops at C1 (neither compiles the Vector API's
     * intrinsics) must give this JVM's bits once C2 has compiled the loops.
     */
    @Test
    void sigmoidAndTanhGiveTheSameBitsInterpretedAndCompiled() throws Exception {
        float[] zf = Activations.floatInputs();
        double[] zd = Activations.doubleInputs();
        warmUntilCompiled();
        List<String> compiled = Activations.lines(zf, zd, true);
        for (String mode : List.of("-Xint", "-XX:TieredStopAtLevel=1")) {
            // eager, as in this JVM: the child's description must be this one's
            List<String> child = inNewJvm(true, List.of(mode, "-D" + ElementMath.CHOICE_PROPERTY + "=eager"), Activations.class);
            assertEquals(ElementMath.description(), child.get(0), mode);
            assertEquals(compiled.size(), child.size() - 1, mode + ": lines after the description");
            for (int k = 0; k < compiled.size(); k++) {
                assertSameBits("compiled by C2", compiled.get(k), "with " + mode, child.get(k + 1), zf, zd);
            }
        }
    }

    @Test
    void theReluFamilyGivesTheScalarLoopsResultsBitForBit() {
        double[] z = inputs();
        SplittableRandom random = new SplittableRandom(11);
        float[] zf = new float[z.length];
        float[] reluF = new float[z.length];
        float[] deltaF = new float[z.length];
        double[] reluD = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            zf[i] = (float) z[i];
            reluF[i] = Math.max(zf[i], 0f);
            reluD[i] = Math.max(z[i], 0.0);
            deltaF[i] = (float) random.nextGaussian();
        }
        deltaF[0] = Float.POSITIVE_INFINITY;
        deltaF[1] = Float.NaN;
        double[] deltaD = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            deltaD[i] = deltaF[i];
        }

        float[] expectedF = new float[z.length];
        double[] expectedD = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            expectedF[i] = deltaF[i] * Math.signum(reluF[i]);
            expectedD[i] = deltaD[i] * Math.signum(reluD[i]);
        }
        float[] actualF = deltaF.clone();
        double[] actualD = deltaD.clone();
        VectorMath.reluBackward(reluF, actualF, z.length);
        VectorMath.reluBackward(reluD, actualD, z.length);
        assertBitsEqual("float ReLU backward", expectedF, actualF);
        assertBitsEqual("double ReLU backward", expectedD, actualD);

        for (int i = 0; i < z.length; i++) {
            expectedF[i] = zf[i] < 0f ? SLOPE * zf[i] : zf[i];
            expectedD[i] = z[i] < 0.0 ? Activation.LEAKY_SLOPE * z[i] : z[i];
        }
        VectorMath.leakyRelu(zf, actualF, z.length, SLOPE);
        VectorMath.leakyRelu(z, actualD, z.length, Activation.LEAKY_SLOPE);
        assertBitsEqual("float leaky ReLU", expectedF, actualF);
        assertBitsEqual("double leaky ReLU", expectedD, actualD);

        float[] leakyF = actualF.clone();
        double[] leakyD = actualD.clone();
        for (int i = 0; i < z.length; i++) {
            expectedF[i] = leakyF[i] < 0f ? SLOPE * deltaF[i] : deltaF[i];
            expectedD[i] = leakyD[i] < 0.0 ? Activation.LEAKY_SLOPE * deltaD[i] : deltaD[i];
        }
        actualF = deltaF.clone();
        actualD = deltaD.clone();
        VectorMath.leakyReluBackward(leakyF, actualF, z.length, SLOPE);
        VectorMath.leakyReluBackward(leakyD, actualD, z.length, Activation.LEAKY_SLOPE);
        assertBitsEqual("float leaky ReLU backward", expectedF, actualF);
        assertBitsEqual("double leaky ReLU backward", expectedD, actualD);
    }

    @Test
    void anElementsValueDoesNotDependOnWhereTheArrayEndsOrOnComputingInPlace() {
        SplittableRandom random = new SplittableRandom(5);
        int lanes = VectorMath.floatLanes();
        float[] z = new float[4 * lanes + 3];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (8 * random.nextGaussian());
        }
        float[] sigmoidAll = new float[z.length];
        float[] tanhAll = new float[z.length];
        VectorMath.sigmoid(z, sigmoidAll, z.length);
        VectorMath.tanh(z, tanhAll, z.length);
        for (int n = 0; n <= z.length; n++) {
            // the first n, the rest of the array untouched
            float[] sigmoid = new float[z.length];
            float[] tanh = new float[z.length];
            VectorMath.sigmoid(z, sigmoid, n);
            VectorMath.tanh(z, tanh, n);
            assertArrayEquals(Arrays.copyOf(sigmoidAll, n), Arrays.copyOf(sigmoid, n), "sigmoid of the first " + n);
            assertArrayEquals(Arrays.copyOf(tanhAll, n), Arrays.copyOf(tanh, n), "tanh of the first " + n);
            assertArrayEquals(new float[z.length - n], Arrays.copyOfRange(sigmoid, n, z.length), "beyond the first " + n);
            float[] inPlace = Arrays.copyOf(z, n);
            VectorMath.sigmoid(inPlace, inPlace, n);
            assertArrayEquals(Arrays.copyOf(sigmoidAll, n), inPlace, "sigmoid in place of the first " + n);
        }
    }

    @Test
    void withoutTheModuleTheScalarLoopsRunAndGiveTheSameGradients() throws Exception {
        List<String> child = inNewJvm(false, null);
        assertEquals("scalar Java, the same bits: jdk.incubator.vector is not in this JVM (java --add-modules=jdk.incubator.vector adds it)",
                child.get(0));
        assertGradientsClose(child);
    }

    @Test
    void falseChoosesTheScalarLoops() throws Exception {
        List<String> child = inNewJvm(true, "-D" + ElementMath.CHOICE_PROPERTY + "=false");
        assertEquals("scalar Java, the same bits: chosen by -Dsparkprop.vectorMath=false", child.get(0));
        assertGradientsClose(child);
    }

    @Test
    void anUnknownChoiceIsRefusedNamingTheProperty() throws Exception {
        List<String> child = inNewJvm(true, "-D" + ElementMath.CHOICE_PROPERTY + "=fast");
        assertEquals("-Dsparkprop.vectorMath must be true, false or eager, got 'fast'", child.get(0));
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void byDefaultAJvmStartsOnTheScalarLoopsWithTheSameResults() throws Exception {
        List<String> child = inNewJvm(true, null);
        assertTrue(child.get(0).matches("scalar Java, then the Vector API \\(jdk\\.incubator\\.vector, \\d+ float lanes\\) once each "
                + "activation has computed 2\\^26 elements \\(sigmoid, tanh\\) or 2\\^28 \\(ReLU's backward pass, leaky ReLU\\), the driver's "
                + "sum of float gradients 2\\^30"), child.get(0));
        // the child's few elements run on the scalar loops, this JVM's on the Vector API: the same bits
        assertEquals(PrintGradients.lines(), child.subList(1, child.size()));
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void byDefaultEachActivationsElementsAreCountedTowardsItsGate() throws Exception {
        List<String> child = inNewJvm(true, List.of(), GateCounts.class);
        // PrintGradients' float networks, one pass each: 37 rows through hidden layers of 19 and 13
        int each = 37 * (19 + 13);
        assertEquals(List.of("sigmoid " + each, "tanh " + each, "leaky relu " + each, "relu backward " + each,
                "leaky relu backward " + each, "sum 5000"), child.subList(1, child.size()));
    }

    /** The child's gradients (after its description line) against this JVM's, activation by activation. */
    private static void assertGradientsClose(List<String> child) {
        List<String> here = PrintGradients.lines();
        assertEquals(here.size(), child.size() - 1, "lines after the description");
        for (int k = 0; k < here.size(); k++) {
            String[] expected = here.get(k).split(" ");
            String[] actual = child.get(k + 1).split(" ");
            assertEquals(expected[0], actual[0]);
            for (int i = 1; i < expected.length; i++) {
                // float passes on the same BLAS whose activations differ in their last bits (none for the ReLUs), summed
                // over rows with cancellation: float's tolerance
                Approx.assertClose(expected[0] + " gradient[" + (i - 1) + "]", Double.parseDouble(expected[i]), Double.parseDouble(actual[i]),
                        Approx.FLOAT_TOLERANCE);
            }
        }
    }

    /** Values of every range the activations treat differently, and the special ones. */
    private static double[] inputs() {
        SplittableRandom random = new SplittableRandom(3);
        double[] specials = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
                -Double.MIN_VALUE, Float.MIN_VALUE, 1e-300, -1e-30, 88.72, -88.72, 87.3, -87.3, 103.9, -103.9, 709.8, -709.8, 745.2, -745.2, 20, -20};
        double[] z = Arrays.copyOf(specials, 300_003);
        for (int i = specials.length; i < z.length; i++) {
            z[i] = switch (i % 4) {
                case 0 -> random.nextDouble(-800, 800);
                case 1 -> random.nextDouble(-120, 120);
                case 2 -> 4 * random.nextGaussian();
                default -> random.nextDouble(-1, 1) * Math.pow(10, -random.nextInt(20));
            };
        }
        return z;
    }

    /** |actual − expected| within {@code ulps} units in the last place of expected, in float or double. */
    private static void assertUlps(String what, double z, double expected, double actual, int ulps, boolean single) {
        if (Double.isNaN(expected) ? Double.isNaN(actual) : expected == actual) {
            return;
        }
        // results below the normal range are compared absolutely: a flushed 1e-39 is no error that matters
        double tiny = single ? Float.MIN_NORMAL : Double.MIN_NORMAL;
        double allowed = Math.abs(expected) < tiny ? tiny : ulps * (single ? Math.ulp((float) expected) : Math.ulp(expected));
        if (!(Math.abs(actual - expected) <= allowed)) {
            fail(what + "(" + z + "): expected " + expected + ", got " + actual + ", more than " + ulps + " units in the last place apart");
        }
    }

    /**
     * Calls the Vector API's sigmoid and tanh until a call allocates nothing: until then the Vector API boxes its
     * vectors, in the interpreter and in C1's code, so nothing allocated means C2 has compiled them with its intrinsics.
     */
    private static void warmUntilCompiled() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int n = 1000; // not a multiple of the lanes: the partial last vector is compiled too
        float[] zf = Arrays.copyOf(Activations.floatInputs(), n);
        double[] zd = Arrays.copyOf(Activations.doubleInputs(), n);
        float[] af = new float[n];
        double[] ad = new double[n];
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int call = 0; call < 100; call++) {
                VectorMath.sigmoid(zf, af, n);
                VectorMath.tanh(zf, af, n);
                VectorMath.sigmoid(zd, ad, n);
                VectorMath.tanh(zd, ad, n);
            }
            if (threads.getThreadAllocatedBytes(thread) == before) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "C2 did not compile VectorMath's sigmoid and tanh within a minute");
        }
    }

    /**
     * Two {@link Activations#lines} lines alike to the bit, or a failure naming the first input where they differ and
     * how each was computed.
     */
    private static void assertSameBits(String expectedHow, String expected, String actualHow, String actual, float[] zf, double[] zd) {
        if (expected.equals(actual)) {
            return;
        }
        String[] e = expected.split(" ");
        String[] a = actual.split(" ");
        assertEquals(e[0], a[0]);
        assertEquals(e.length, a.length, e[0] + ": values");
        for (int i = 1; i < e.length; i++) {
            if (!e[i].equals(a[i])) {
                String z = e[0].endsWith("float") ? Float.toString(zf[i - 1]) : Double.toString(zd[i - 1]);
                fail(e[0] + "(" + z + "): bits " + e[i] + " " + expectedHow + ", " + a[i] + " " + actualHow);
            }
        }
    }

    private static void assertBitsEqual(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    private static void assertBitsEqual(String what, double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    /** The lines {@link PrintGradients} prints in a new JVM, with or without the module, and with {@code option}. */
    private static List<String> inNewJvm(boolean module, String option) throws IOException, InterruptedException {
        return inNewJvm(module, option == null ? List.of() : List.of(option), PrintGradients.class);
    }

    /** The lines {@code main} prints in a new JVM, with or without the module, and with {@code options}. */
    private static List<String> inNewJvm(boolean module, List<String> options, Class<?> main) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>();
        if (module) {
            all.add("--add-modules=jdk.incubator.vector");
        }
        all.addAll(options);
        return ChildJvm.outputLines(all, main);
    }

    /**
     * Prints {@link ElementMath#description()}, then the bits of sigmoid and tanh in float and double over fixed
     * inputs, computed on the Vector API, one line per function: {@code -Xint} or {@code -XX:TieredStopAtLevel=1} in
     * the command line decides how the JVM runs them.
     */
    public static final class Activations {
        public static void main(String[] args) {
            System.out.println(ElementMath.description());
            lines(floatInputs(), doubleInputs(), true).forEach(System.out::println);
        }

        /** Every range the functions treat differently and the special values, with the thousands of lanes between. */
        static double[] doubleInputs() {
            return Arrays.copyOf(inputs(), 20_003);
        }

        static float[] floatInputs() {
            double[] z = doubleInputs();
            float[] zf = new float[z.length];
            for (int i = 0; i < z.length; i++) {
                zf[i] = (float) z[i];
            }
            return zf;
        }

        /**
         * "sigmoid/float", "tanh/float", "sigmoid/double", "tanh/double", each followed by its results' bits in hex,
         * from {@link VectorMath} where {@code vector}, else from {@link ElementMath}'s scalar functions.
         */
        static List<String> lines(float[] zf, double[] zd, boolean vector) {
            int n = zf.length;
            float[] sigmoidF = new float[n];
            float[] tanhF = new float[n];
            double[] sigmoidD = new double[zd.length];
            double[] tanhD = new double[zd.length];
            if (vector) {
                VectorMath.sigmoid(zf, sigmoidF, n);
                VectorMath.tanh(zf, tanhF, n);
                VectorMath.sigmoid(zd, sigmoidD, zd.length);
                VectorMath.tanh(zd, tanhD, zd.length);
            } else {
                for (int i = 0; i < n; i++) {
                    sigmoidF[i] = ElementMath.sigmoid(zf[i]);
                    tanhF[i] = ElementMath.tanh(zf[i]);
                }
                for (int i = 0; i < zd.length; i++) {
                    sigmoidD[i] = ElementMath.sigmoid(zd[i]);
                    tanhD[i] = ElementMath.tanh(zd[i]);
                }
            }
            return List.of(bits("sigmoid/float", sigmoidF), bits("tanh/float", tanhF), bits("sigmoid/double", sigmoidD),
                    bits("tanh/double", tanhD));
        }

        private static String bits(String name, float[] values) {
            StringBuilder line = new StringBuilder(name);
            for (float v : values) {
                line.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(v)));
            }
            return line.toString();
        }

        private static String bits(String name, double[] values) {
            StringBuilder line = new StringBuilder(name);
            for (double v : values) {
                line.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(v)));
            }
            return line.toString();
        }
    }

    /**
     * Prints {@link ElementMath#description()} (or the message of the error that choosing raised), then per
     * hidden activation one line: its name and the float gradient of a small network over fixed rows.
     */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void warmingTheSumUpForBenchOpensItsGateInADefaultJvm() throws Exception {
        assertEquals(List.of("false", "true"), inNewJvm(true, List.of(), WarmUpSum.class).subList(1, 3));
    }

    /** Whether the sum's gate is open before and after {@link Throughput#warmUpSum()}. */
    public static final class WarmUpSum {
        public static void main(String[] args) {
            if (ChildJvm.printDescription(ElementMath::description)) {
                System.out.println(ArrayMath.SUM.isOpen());
                Throughput.warmUpSum();
                System.out.println(ArrayMath.SUM.isOpen());
            }
        }
    }

    /**
     * After {@link PrintGradients}' passes and a sum of 5,000 floats, the elements each float activation's gate and
     * the sum's counted on the scalar loops.
     */
    public static final class GateCounts {
        public static void main(String[] args) {
            if (ChildJvm.printDescription(ElementMath::description)) {
                PrintGradients.lines();
                System.out.println("sigmoid " + ElementMath.SIGMOID_FLOAT.scalarElements());
                System.out.println("tanh " + ElementMath.TANH_FLOAT.scalarElements());
                System.out.println("leaky relu " + FloatNetwork.LEAKY_RELU.scalarElements());
                System.out.println("relu backward " + FloatNetwork.RELU_BACKWARD.scalarElements());
                System.out.println("leaky relu backward " + FloatNetwork.LEAKY_RELU_BACKWARD.scalarElements());
                ArrayMath.sumInto(new float[5000], 0, new double[5000], 0, 5000, true);
                System.out.println("sum " + ArrayMath.SUM.scalarElements());
            }
        }
    }

    public static final class PrintGradients {
        public static void main(String[] args) {
            if (ChildJvm.printDescription(ElementMath::description)) {
                lines().forEach(System.out::println);
            }
        }

        static List<String> lines() {
            List<String> lines = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(9);
            int inputs = 20;
            int rows = 37;
            float[] x = new float[inputs * rows];
            float[] y = new float[rows];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (3 * random.nextGaussian());
            }
            for (int r = 0; r < rows; r++) {
                y[r] = random.nextInt(4);
            }
            int[] order = random.ints(rows, 0, rows).toArray();
            for (Activation activation : List.of(Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.LEAKY_RELU)) {
                Topology topology = Topology.of(new int[] {inputs, 19, 13, 4}, activation, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
                Network<float[]> network = Network.ofFloat(topology);
                double[] weights = new double[topology.parameterCount()];
                WeightInit.initialize(topology, 2, weights);
                float[] gradient = network.newArray(weights.length);
                network.accumulateGradient(network.toCompute(weights), x, y, order, 0, rows, gradient, network.newWorkspace(16));
                StringBuilder line = new StringBuilder(activation.name());
                for (float g : gradient) {
                    line.append(' ').append(g);
                }
                lines.add(line.toString());
            }
            return lines;
        }
    }
}
