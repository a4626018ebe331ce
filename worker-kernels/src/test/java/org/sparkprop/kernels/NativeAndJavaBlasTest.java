package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native and the Java BLAS give the same losses and gradients: the same network and rows through
 * {@link Network#accumulateGradient} on {@link NativeBLAS} and on {@link JavaBLAS}, within the float tolerance in
 * both precisions (the two sum in different orders). Skipped where no native BLAS loads.
 */
class NativeAndJavaBlasTest {
    static Stream<Arguments> cases() {
        Topology[] topologies = {
            Topology.of(new int[] {784, 128, 10}, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY),
            Topology.of(new int[] {20, 64, 48, 5}, Activation.TANH, Activation.SIGMOID, Loss.BINARY_CROSS_ENTROPY),
            Topology.of(new int[] {12, 33, 3}, Activation.SIGMOID, Activation.IDENTITY, Loss.MSE),
        };
        return Stream.of(topologies).flatMap(t -> Stream.of(Precision.values()).map(p -> Arguments.of(t, p)));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("cases")
    void nativeAndJavaGradientsAgree(Topology topology, Precision precision) {
        assumeTrue(Blas.isNative(), "no native BLAS here: " + Blas.description());
        AccumulateGradientTest.Block block = AccumulateGradientTest.Block.draw(topology, 7);
        int[] rows = IntStream.range(0, 30).map(i -> (i * 11) % 37).toArray();
        Result onNative = gradient(Network.create(topology, precision, NativeBLAS.getInstance()), block, rows);
        Result onJava = gradient(Network.create(topology, precision, JavaBLAS.getInstance()), block, rows);
        Approx.assertClose("loss", onJava.loss, onNative.loss, Approx.FLOAT_TOLERANCE);
        Approx.assertAllClose("gradient", onJava.gradient, onNative.gradient, Approx.FLOAT_TOLERANCE);
    }

    private record Result(double loss, double[] gradient) {
    }

    /** Loss and gradient over the rows, in chunks of 8 rows, as double. */
    private static <A> Result gradient(Network<A> network, AccumulateGradientTest.Block block, int[] rows) {
        A grad = network.newArray(network.topology().parameterCount());
        double loss = network.accumulateGradient(network.toCompute(block.params()), block.x(), block.y(), rows, 0, rows.length,
                grad, network.newWorkspace(8));
        double[] sums = new double[network.topology().parameterCount()];
        network.addTo(grad, sums);
        return new Result(loss, sums);
    }
}
