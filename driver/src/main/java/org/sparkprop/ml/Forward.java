package org.sparkprop.ml;

import java.io.Serializable;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.model.Model;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Topology;
import org.sparkprop.kernels.Workspace;

/**
 * The forward pass of a sparkprop model for one row at a time, as Spark ML's models predict: travels with the
 * model to the executors and builds its network, weights in the compute type and a workspace per thread there.
 */
final class Forward implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Model model;
    private transient volatile Object computeWeights;
    private transient ThreadLocal<Buffers> buffers;

    Forward(Model model) {
        this.model = model;
    }

    /** Refuses, for a model class named {@code holder}, a sparkprop model whose labels are of none of {@code kinds}. */
    static void requireKind(Model model, String holder, LabelKind... kinds) {
        if (!java.util.List.of(kinds).contains(model.schema().labelKind())) {
            throw new IllegalArgumentException(holder + " holds a model of " + java.util.List.of(kinds) + " labels; this one was trained on "
                    + model.schema().labelKind() + " labels");
        }
    }

    Model model() {
        return model;
    }

    int numFeatures() {
        return model.topology().inputs();
    }

    int outputs() {
        return model.topology().outputs();
    }

    /** The network's outputs for {@code features} (probabilities for softmax and sigmoid outputs). */
    @SuppressWarnings("unchecked")
    double[] outputs(Vector features) {
        Topology topology = model.topology();
        if (features.size() != topology.inputs()) {
            throw new IllegalArgumentException("a features vector has " + features.size() + " values; the model was trained on "
                    + topology.inputs() + " features");
        }
        Buffers b = buffers();
        java.util.Arrays.fill(b.row, 0f);
        if (features instanceof SparseVector s) {
            int[] index = s.indices();
            double[] values = s.values();
            for (int k = 0; k < index.length; k++) {
                b.row[index[k]] = (float) values[k];
            }
        } else {
            double[] values = ((DenseVector) features).values();
            for (int i = 0; i < values.length; i++) {
                b.row[i] = (float) values[i];
            }
        }
        double[] out = new double[topology.outputs()];
        ((Network<Object>) b.network).evaluate(weights(b.network), b.row, null, 0, 1, out, b.workspace);
        return out;
    }

    private Object weights(Network<?> network) {
        Object w = computeWeights;
        if (w == null) {
            synchronized (this) {
                if (computeWeights == null) {
                    computeWeights = network.toCompute(model.weights());
                }
                w = computeWeights;
            }
        }
        return w;
    }

    private synchronized Buffers buffers() {
        if (buffers == null) {
            buffers = ThreadLocal.withInitial(() -> new Buffers(Network.create(model.topology(), model.precision()), model.topology().inputs()));
        }
        return buffers.get();
    }

    /** One thread's network, row and workspace. */
    private static final class Buffers {
        final Network<?> network;
        final float[] row;
        final Workspace workspace;

        Buffers(Network<?> network, int inputs) {
            this.network = network;
            this.row = new float[inputs];
            this.workspace = network.newWorkspace(1);
        }
    }
}
