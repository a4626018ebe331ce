package org.sparkprop.driver.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.driver.optim.OptimizerSpec;
import org.sparkprop.driver.optim.ScheduleSpec;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Precision;

/**
 * Everything that decides a training run apart from the data: immutable, validated here, printed in full by
 * {@link #toString()} and stored with the model by {@link #toJson()}. Defaults live in {@link #defaults()}.
 *
 * @param hidden           widths of the hidden layers, input to output (may be empty: a linear model)
 * @param activation       activation of every hidden layer
 * @param outputActivation activation of the output layer; null picks the loss's default
 * @param loss             the loss; it also decides what labels mean
 * @param optimizer        optimizer and its settings
 * @param schedule         learning-rate schedule (its base rate is the learning rate)
 * @param batchSize        global mini-batch size: rows per step over all partitions together
 * @param epochs           most passes over the training data
 * @param seed             seeds weight initialisation and every epoch's row order
 * @param partitions       partitions of the cached training data; 0 means Spark's default parallelism
 * @param precision        compute type of the forward and backward passes
 * @param l1               L1 penalty λ₁·Σ|w| on weights (not biases)
 * @param l2               L2 penalty (λ₂/2)·Σw² on weights (not biases)
 * @param clipNorm         clip the gradient to this global L2 norm; 0 turns it off
 * @param clipValue        clip each gradient entry to [−clipValue, clipValue]; 0 turns it off
 * @param tolerance        stop when an epoch improves the training loss by less than this fraction; 0 turns it off
 * @param patience         with a validation set: stop after this many epochs without a better validation loss and
 *                         keep the best weights; 0 turns early stopping off
 */
public record TrainConfig(int[] hidden, Activation activation, Activation outputActivation, Loss loss,
                          OptimizerSpec optimizer, ScheduleSpec schedule, int batchSize, int epochs, long seed,
                          int partitions, Precision precision, double l1, double l2, double clipNorm,
                          double clipValue, double tolerance, int patience) {

    public TrainConfig {
        hidden = hidden.clone();
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden layer sizes must be at least 1, got " + Arrays.toString(hidden));
            }
        }
        require(activation != null && activation != Activation.SOFTMAX, "activation", activation, "a hidden-layer activation (not softmax)");
        require(loss != null, "loss", loss, "a loss");
        require(optimizer != null, "optimizer", optimizer, "an optimizer");
        require(schedule != null, "schedule", schedule, "a learning-rate schedule");
        require(precision != null, "precision", precision, "float or double");
        require(batchSize >= 1, "batch-size", batchSize, "at least 1");
        require(epochs >= 1, "epochs", epochs, "at least 1");
        require(partitions >= 0, "partitions", partitions, "at least 1 (or 0 for Spark's default)");
        require(l1 >= 0 && Double.isFinite(l1), "l1", l1, "a finite number ≥ 0");
        require(l2 >= 0 && Double.isFinite(l2), "l2", l2, "a finite number ≥ 0");
        require(clipNorm >= 0 && Double.isFinite(clipNorm), "clip-norm", clipNorm, "a finite number ≥ 0");
        require(clipValue >= 0 && Double.isFinite(clipValue), "clip-value", clipValue, "a finite number ≥ 0");
        require(tolerance >= 0 && tolerance < 1, "tolerance", tolerance, "in [0, 1)");
        require(patience >= 0, "patience", patience, "at least 0");
        Activation required = loss.requiredOutput();
        if (outputActivation != null && required != null && outputActivation != required) {
            throw new IllegalArgumentException("--output-activation " + outputActivation + " does not fit --loss " + loss + ", which needs " + required);
        }
    }

    private static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("--" + name + " must be " + expected + ", got " + value);
        }
    }

    /** The defaults ({@link Builder}'s initial values). */
    public static TrainConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.hidden = hidden.clone();
        b.activation = activation;
        b.outputActivation = outputActivation;
        b.loss = loss;
        b.optimizer = optimizer;
        b.schedule = schedule;
        b.batchSize = batchSize;
        b.epochs = epochs;
        b.seed = seed;
        b.partitions = partitions;
        b.precision = precision;
        b.l1 = l1;
        b.l2 = l2;
        b.clipNorm = clipNorm;
        b.clipValue = clipValue;
        b.tolerance = tolerance;
        b.patience = patience;
        return b;
    }

    /**
     * Collects settings; {@link #build()} validates them. Its initial values are sparkprop's defaults, the one
     * place they are written: they train the built-in data sets well.
     */
    public static final class Builder {
        public int[] hidden = {64};
        public Activation activation = Activation.RELU;
        public Activation outputActivation = null;
        public Loss loss = Loss.SOFTMAX_CROSS_ENTROPY;
        public OptimizerSpec optimizer = OptimizerSpec.defaults(OptimizerKind.ADAM);
        public ScheduleSpec schedule = ScheduleSpec.constant(0.003);
        public int batchSize = 32;
        public int epochs = 30;
        public long seed = 42L;
        public int partitions = 0;
        public Precision precision = Precision.FLOAT;
        public double l1 = 0;
        public double l2 = 0;
        public double clipNorm = 0;
        public double clipValue = 0;
        public double tolerance = 0;
        public int patience = 10;

        private Builder() {
        }

        public TrainConfig build() {
            return new TrainConfig(hidden, activation, outputActivation, loss, optimizer, schedule, batchSize, epochs,
                    seed, partitions, precision, l1, l2, clipNorm, clipValue, tolerance, patience);
        }
    }

    /** The output activation in effect: the one given, or the loss's default. */
    public Activation effectiveOutputActivation() {
        return outputActivation != null ? outputActivation : loss.defaultOutput();
    }

    public double learningRate() {
        return schedule.baseRate();
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    public ObjectNode toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        ArrayNode h = n.putArray("hidden");
        for (int size : hidden) {
            h.add(size);
        }
        n.put("activation", activation.id());
        n.put("outputActivation", effectiveOutputActivation().id());
        n.put("loss", loss.id());
        ObjectNode o = n.putObject("optimizer");
        o.put("kind", optimizer.kind().id());
        o.put("momentum", optimizer.momentum());
        o.put("beta1", optimizer.beta1());
        o.put("beta2", optimizer.beta2());
        o.put("epsilon", optimizer.epsilon());
        o.put("weightDecay", optimizer.weightDecay());
        ObjectNode s = n.putObject("schedule");
        s.put("kind", schedule.kind().id());
        s.put("learningRate", schedule.baseRate());
        s.put("warmupSteps", schedule.warmupSteps());
        s.put("decayEpochs", schedule.stepSize());
        s.put("gamma", schedule.gamma());
        s.put("minRate", schedule.minRate());
        n.put("batchSize", batchSize);
        n.put("epochs", epochs);
        n.put("seed", seed);
        n.put("partitions", partitions);
        n.put("precision", precision.toString());
        n.put("l1", l1);
        n.put("l2", l2);
        n.put("clipNorm", clipNorm);
        n.put("clipValue", clipValue);
        n.put("tolerance", tolerance);
        n.put("patience", patience);
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig c && toJson().equals(c.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "TrainConfig" + toJson();
    }
}
