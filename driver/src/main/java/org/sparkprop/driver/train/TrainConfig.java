package org.sparkprop.driver.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.driver.optim.OptimizerSpec;
import org.sparkprop.driver.optim.ScheduleKind;
import org.sparkprop.driver.optim.ScheduleSpec;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Dropout;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Precision;

/**
 * Everything that decides a training run apart from the data: immutable, validated here against the bounds of
 * {@link TrainSettings}' table (a refused value is an {@link InvalidSettingException} naming its setting), printed
 * in full by {@link #toString()} and stored with the model by {@link #toJson()}. Defaults live in {@link Builder}.
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
 * @param dropout          inverted dropout on the hidden layers' activations while training: one rate, or one per
 *                         hidden layer; {@link Dropout#NONE} turns it off
 * @param classWeights     weights of the classes, multiplied into the training rows' weights (classification only)
 */
public record TrainConfig(int[] hidden, Activation activation, Activation outputActivation, Loss loss,
                          OptimizerSpec optimizer, ScheduleSpec schedule, int batchSize, int epochs, long seed,
                          int partitions, Precision precision, double l1, double l2, double clipNorm,
                          double clipValue, double tolerance, int patience, Dropout dropout, ClassWeights classWeights) {

    public TrainConfig(int[] hidden, Activation activation, Activation outputActivation, Loss loss, OptimizerSpec optimizer,
                       ScheduleSpec schedule, int batchSize, int epochs, long seed, int partitions, Precision precision, double l1,
                       double l2, double clipNorm, double clipValue, double tolerance, int patience, Dropout dropout,
                       ClassWeights classWeights) {
        if (hidden == null || activation == null || loss == null || optimizer == null || schedule == null || precision == null
                || dropout == null || classWeights == null) {
            throw new IllegalArgumentException("hidden, activation, loss, optimizer, schedule, precision, dropout and class weights are required");
        }
        if (partitions < 0) {
            throw new InvalidSettingException(TrainSettings.PARTITIONS, "must be at least 1 (or 0 for Spark's default), got " + partitions);
        }
        this.hidden = hidden.clone();
        this.activation = activation;
        this.outputActivation = outputActivation;
        this.loss = loss;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.batchSize = batchSize;
        this.epochs = epochs;
        this.seed = seed;
        this.partitions = partitions;
        this.precision = precision;
        this.l1 = l1;
        this.l2 = l2;
        this.clipNorm = clipNorm;
        this.clipValue = clipValue;
        this.tolerance = tolerance;
        this.patience = patience;
        this.dropout = dropout;
        this.classWeights = classWeights;
        TrainSettings.checkEach(this);
        checkOutputActivation(outputActivation, loss);
        checkDropoutAndClassWeights(hidden.length, dropout, loss, classWeights);
    }

    private static void checkDropoutAndClassWeights(int hiddenLayers, Dropout dropout, Loss loss, ClassWeights classWeights) {
        if (!dropout.fits(hiddenLayers)) {
            throw new InvalidSettingException(TrainSettings.DROPOUT, hiddenLayers == 0
                    ? "applies to hidden layers, and the network has none; got " + TrainSettings.formatDropout(dropout)
                    : "needs one rate, or one per hidden layer (" + hiddenLayers + "), got " + TrainSettings.formatDropout(dropout));
        }
        if (loss == Loss.MSE && !classWeights.isNone()) {
            throw new InvalidSettingException(TrainSettings.CLASS_WEIGHTS, "applies to classification, not to loss " + loss.id()
                    + "; got " + classWeights);
        }
    }

    private static void checkOutputActivation(Activation outputActivation, Loss loss) {
        Activation required = loss.requiredOutput();
        if (outputActivation != null && required != null && outputActivation != required) {
            throw new InvalidSettingException(TrainSettings.OUTPUT_ACTIVATION, outputActivation + " does not fit loss " + loss
                    + ", which needs " + required);
        }
    }

    /** The defaults ({@link Builder}'s initial values). */
    public static TrainConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.hidden = hidden.clone();
        b.activation = activation;
        b.outputActivation = outputActivation;
        b.loss = loss;
        b.optimizer = optimizer.kind();
        b.momentum = optimizer.momentum();
        b.beta1 = optimizer.beta1();
        b.beta2 = optimizer.beta2();
        b.adamEpsilon = optimizer.epsilon();
        b.weightDecay = optimizer.weightDecay();
        b.schedule = schedule.kind();
        b.learningRate = schedule.baseRate();
        b.warmupSteps = schedule.warmupSteps();
        if (schedule.kind() == ScheduleKind.STEP) {
            b.decayEpochs = schedule.stepSize();
        }
        if (schedule.kind() == ScheduleKind.STEP || schedule.kind() == ScheduleKind.EXPONENTIAL) {
            b.decayRate = schedule.gamma();
        }
        if (schedule.kind() == ScheduleKind.COSINE) {
            b.minLearningRate = schedule.minRate();
        }
        b.batchSize = batchSize;
        b.epochs = epochs;
        b.seed = seed;
        b.partitions = partitions > 0 ? partitions : null;
        b.precision = precision;
        b.l1 = l1;
        b.l2 = l2;
        b.clipNorm = clipNorm;
        b.clipValue = clipValue;
        b.tolerance = tolerance;
        b.patience = patience;
        b.dropout = dropout;
        b.classWeights = classWeights;
        return b;
    }

    /**
     * Collects settings, one field per {@link TrainSettings setting}; {@link #build()} validates them and assembles
     * the optimizer and the schedule. Its initial values are sparkprop's defaults, the one place they are written
     * (the optimizers' own, from the papers, are {@link OptimizerSpec}'s constants): they train the built-in data sets
     * well. A null field has no fixed default: it follows other settings (see each field).
     */
    public static final class Builder {
        public int[] hidden = {64};
        public Activation activation = Activation.RELU;
        /** Null: the loss's {@link Loss#defaultOutput()}. */
        public Activation outputActivation = null;
        public Loss loss = Loss.SOFTMAX_CROSS_ENTROPY;
        public OptimizerKind optimizer = OptimizerKind.ADAM;
        public double learningRate = 0.003;
        public double momentum = OptimizerSpec.DEFAULT_MOMENTUM;
        public double beta1 = OptimizerSpec.DEFAULT_BETA1;
        public double beta2 = OptimizerSpec.DEFAULT_BETA2;
        public double adamEpsilon = OptimizerSpec.DEFAULT_EPSILON;
        public double weightDecay = OptimizerSpec.DEFAULT_WEIGHT_DECAY;
        public ScheduleKind schedule = ScheduleKind.CONSTANT;
        public long warmupSteps = 0;
        public long decayEpochs = 10;
        /** Null: {@link ScheduleSpec#DEFAULT_STEP_GAMMA} for step, {@link ScheduleSpec#DEFAULT_EXPONENTIAL_GAMMA} for exponential. */
        public Double decayRate = null;
        public double minLearningRate = ScheduleSpec.DEFAULT_MIN_RATE;
        public int batchSize = 32;
        public int epochs = 30;
        public long seed = 42L;
        /** Null: Spark's default parallelism. */
        public Integer partitions = null;
        public Precision precision = Precision.FLOAT;
        public double l1 = 0;
        public double l2 = 0;
        public double clipNorm = 0;
        public double clipValue = 0;
        public double tolerance = 0;
        public int patience = 10;
        public Dropout dropout = Dropout.NONE;
        public ClassWeights classWeights = ClassWeights.NONE;

        private Builder() {
        }

        /**
         * The configuration these settings make: the optimizer and schedule assembled from their flat settings,
         * with the defaults that depend on the kind chosen.
         *
         * @throws InvalidSettingException naming the setting whose value is refused, alone or with others
         */
        public TrainConfig build() {
            if (activation == null || loss == null || optimizer == null || schedule == null || precision == null || dropout == null
                    || classWeights == null) {
                throw new IllegalArgumentException("activation, loss, optimizer, schedule, precision, dropout and class weights are required");
            }
            TrainSettings.checkEach(this);
            checkOutputActivation(outputActivation, loss);
            checkDropoutAndClassWeights(hidden == null ? 0 : hidden.length, dropout, loss, classWeights);
            if (schedule == ScheduleKind.COSINE && minLearningRate > learningRate) {
                throw new InvalidSettingException(TrainSettings.MIN_LEARNING_RATE, "must be at most learning-rate " + learningRate
                        + ", got " + minLearningRate);
            }
            OptimizerSpec optimizerSpec = new OptimizerSpec(optimizer, momentum, beta1, beta2, adamEpsilon, weightDecay);
            ScheduleSpec scheduleSpec = switch (schedule) {
                case CONSTANT -> ScheduleSpec.constant(learningRate);
                case STEP -> ScheduleSpec.step(learningRate, decayEpochs, decayRate != null ? decayRate : ScheduleSpec.DEFAULT_STEP_GAMMA);
                case EXPONENTIAL -> ScheduleSpec.exponential(learningRate, decayRate != null ? decayRate : ScheduleSpec.DEFAULT_EXPONENTIAL_GAMMA);
                case COSINE -> ScheduleSpec.cosine(learningRate, minLearningRate);
            };
            return new TrainConfig(hidden, activation, outputActivation, loss, optimizerSpec, scheduleSpec.withWarmup(warmupSteps),
                    batchSize, epochs, seed, partitions == null ? 0 : partitions, precision, l1, l2, clipNorm, clipValue, tolerance,
                    patience, dropout, classWeights);
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

    /** The settings in effect, one key per {@link TrainSettings setting} ({@link TrainSettings#toJson}). */
    public ObjectNode toJson() {
        return TrainSettings.toJson(this);
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
