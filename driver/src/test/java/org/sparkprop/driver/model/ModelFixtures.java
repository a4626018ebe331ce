package org.sparkprop.driver.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/**
 * Models for the tests, and the writer of the checked-in fixtures {@code src/test/resources/models/v1-iris-like}
 * (format version 1), {@code v2-iris-like} (format version 2, with modelSha256) and {@code v3-iris-weighted} (format
 * version 3: the same network trained with a sample-weight column, dropout and class weights), which
 * {@link ModelFixtureTest} loads so that every later version is shown to read them. {@link #irisLike()},
 * {@link #irisLikeWeighted()} and {@link #irisLikeHistory()} must never change: they are what those fixtures hold.
 *
 * <p>Each fixture was written once, by the version of the code that wrote its format, from the repository root:
 * <pre>
 * mvn -o -q -pl driver -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp driver/target/test-classes:driver/target/classes:worker-kernels/target/classes:$(cat /tmp/cp.txt) \
 *     org.sparkprop.driver.model.ModelFixtures driver/src/test/resources/models/v2-iris-like
 * </pre>
 * and {@code v3-iris-weighted} with the second argument {@code weighted}.
 */
public final class ModelFixtures {

    private ModelFixtures() {
    }

    /**
     * 4 -tanh-> 5 -softmax-> 3 with cross-entropy, 43 weights: Gaussian draws (java.util.Random's generator is
     * specified, so they are the same on every JVM) with a few awkward values at the start: −0.0, the smallest
     * subnormal, 0.1 (not exact in binary), and a value with all 52 mantissa bits set.
     */
    public static Model irisLike() {
        Topology topology = Topology.of(new int[] {4, 5, 3}, Activation.TANH, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        Schema schema = new Schema(4, List.of("sepal_length", "sepal_width", "petal_length", "petal_width"),
                List.of("species"), LabelKind.CLASSES, List.of("setosa", "versicolor", "virginica"), 3);
        double[] weights = new double[topology.parameterCount()];
        Random random = new Random(20240607L);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 0.5 * random.nextGaussian();
        }
        weights[0] = -0.0;
        weights[1] = Double.MIN_VALUE;
        weights[2] = 0.1;
        weights[3] = Math.nextDown(2.0);
        ObjectNode training = ModelJson.object(Map.of(
                "hidden", List.of(5),
                "activation", "tanh",
                "loss", "cross_entropy",
                "optimizer", Map.of("kind", "adam", "beta1", 0.9, "beta2", 0.999, "epsilon", 1e-8),
                "batchSize", 16,
                "epochs", 50,
                "seed", 42,
                "precision", "float"));
        ObjectNode metrics = ModelJson.object(Map.of("trainLoss", 0.0613, "trainAccuracy", 0.98, "epochs", 50));
        return new Model(topology, Precision.FLOAT, schema, weights, training, metrics);
    }

    /**
     * {@link #irisLike()} as if trained with the sample-weight column {@code sample_weight}, dropout 0.2 and balanced
     * class weights: the schema names the weight column (format version 3), the training configuration records the rest.
     */
    public static Model irisLikeWeighted() {
        Model model = irisLike();
        ObjectNode training = model.training();
        training.put("dropout", "0.2");
        training.put("class-weights", "balanced");
        return new Model(model.topology(), model.precision(), model.schema().withWeightColumn("sample_weight"), model.weights(), training,
                model.metrics());
    }

    /** A short training history, as the trainer writes to training.json. */
    public static ObjectNode irisLikeHistory() {
        ObjectNode history = ModelJson.newObject();
        ArrayNode epochs = history.putArray("epochs");
        double[] losses = {1.0986, 0.7421, 0.4303};
        for (int e = 0; e < losses.length; e++) {
            epochs.addObject().put("epoch", e + 1).put("trainLoss", losses[e]);
        }
        history.put("stopReason", "max_epochs");
        return history;
    }

    /** Writes the fixture to the directory args[0] ({@link #irisLikeWeighted()} with args[1] "weighted"), replacing what is there. */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2 || args.length == 2 && !args[1].equals("weighted")) {
            throw new IllegalArgumentException("usage: ModelFixtures <directory> [weighted]");
        }
        Model model = args.length == 2 ? irisLikeWeighted() : irisLike();
        ModelStore.save(model, args[0], Map.of(ModelStore.TRAINING_FILE, irisLikeHistory()), true, new Configuration());
    }
}
