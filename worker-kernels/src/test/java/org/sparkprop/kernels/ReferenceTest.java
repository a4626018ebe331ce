package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Outputs, loss and every gradient entry against values computed independently with numpy by
 * {@code src/test/python/reference.py} (one fixed 3-4-3-K network per loss), in both precisions and through both
 * entry points: the dense one ({@link Network#forward}, {@link Network#lossAndGradient}) and the block one
 * ({@link Network#evaluate}, {@link Network#accumulateGradient}). Inputs and parameters are float32 values, so
 * the float path differs from the reference only by its arithmetic.
 */
class ReferenceTest {

    static Stream<Arguments> cases() {
        return Stream.of("mse_tanh_identity", "ce_relu_softmax", "bce_sigmoid_sigmoid")
                .flatMap(name -> Stream.of(Precision.values()).map(p -> Arguments.of(name, p)));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("cases")
    void denseForwardLossAndGradientMatchNumpy(String name, Precision precision) {
        Reference ref = Reference.load(name);
        checkDense(Network.create(ref.topology, precision), ref);
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("cases")
    void blockEvaluateAndAccumulateGradientMatchNumpy(String name, Precision precision) {
        Reference ref = Reference.load(name);
        checkBlock(Network.create(ref.topology, precision), ref);
    }

    private static <A> void checkDense(Network<A> net, Reference ref) {
        double tolerance = Approx.tolerance(net.precision());
        A params = net.toCompute(ref.params);
        A x = net.toCompute(ref.x);
        Workspace ws = net.newWorkspace(ref.rows);

        A out = net.newArray(ref.outputs.length);
        net.forward(params, x, ref.rows, out, ws);
        Approx.assertAllClose("outputs", ref.outputs, toDouble(net, out), tolerance);

        A grad = net.newArray(ref.gradient.length);
        double loss = net.lossAndGradient(params, x, net.toCompute(ref.y), ref.rows, grad, ws);
        Approx.assertClose("loss", ref.lossSum, loss, tolerance);
        Approx.assertAllClose("gradient", ref.gradient, toDouble(net, grad), tolerance);
    }

    private static <A> void checkBlock(Network<A> net, Reference ref) {
        double tolerance = Approx.tolerance(net.precision());
        A params = net.toCompute(ref.params);
        float[] x = toFloat(ref.x);
        float[] y = toFloat(ref.y);
        Workspace ws = net.newWorkspace(2);

        double[] out = new double[ref.outputs.length];
        double loss = net.evaluate(params, x, y, 0, ref.rows, out, ws);
        Approx.assertAllClose("outputs", ref.outputs, out, tolerance);
        Approx.assertClose("loss", ref.lossSum, loss, tolerance);

        A grad = net.newArray(ref.gradient.length);
        int[] rows = IntStream.range(0, ref.rows).toArray();
        double gatheredLoss = net.accumulateGradient(params, x, y, rows, 0, rows.length, grad, ws);
        Approx.assertClose("loss", ref.lossSum, gatheredLoss, tolerance);
        Approx.assertAllClose("gradient", ref.gradient, toDouble(net, grad), tolerance);
    }

    private static <A> double[] toDouble(Network<A> net, A values) {
        double[] result = new double[Array.getLength(values)];
        net.addTo(values, result);
        return result;
    }

    private static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
            assertEquals(values[i], result[i], 0.0, "reference inputs are float32 values");
        }
        return result;
    }

    /** One file written by reference.py: lines "key value value ...", '#' lines are comments. */
    record Reference(Topology topology, int rows, double[] params, double[] x, double[] y,
                     double[] outputs, double lossSum, double[] gradient) {

        static Reference load(String name) {
            String resource = "/reference/" + name + ".txt";
            Map<String, String[]> fields = new HashMap<>();
            try (InputStream in = ReferenceTest.class.getResourceAsStream(resource)) {
                assertNotNull(in, resource);
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        String[] tokens = line.trim().split("\\s+");
                        fields.put(tokens[0], Arrays.copyOfRange(tokens, 1, tokens.length));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(resource, e);
            }
            int[] sizes = Arrays.stream(fields.get("sizes")).mapToInt(Integer::parseInt).toArray();
            Activation[] activations = Arrays.stream(fields.get("activations")).map(Activation::parse).toArray(Activation[]::new);
            Topology topology = new Topology(sizes, activations, Loss.parse(fields.get("loss")[0]));
            int rows = Integer.parseInt(fields.get("rows")[0]);
            Reference ref = new Reference(topology, rows, numbers(fields, "params"), numbers(fields, "x"), numbers(fields, "y"),
                    numbers(fields, "outputs"), numbers(fields, "loss_sum")[0], numbers(fields, "gradient"));
            assertEquals(topology.parameterCount(), ref.params.length, resource + " params");
            assertEquals(topology.parameterCount(), ref.gradient.length, resource + " gradient");
            assertEquals(topology.inputs() * rows, ref.x.length, resource + " x");
            assertEquals(topology.targetWidth() * rows, ref.y.length, resource + " y");
            assertEquals(topology.outputs() * rows, ref.outputs.length, resource + " outputs");
            return ref;
        }

        private static double[] numbers(Map<String, String[]> fields, String key) {
            String[] tokens = fields.get(key);
            assertNotNull(tokens, "missing line '" + key + "'");
            return Arrays.stream(tokens).mapToDouble(Double::parseDouble).toArray();
        }
    }
}
