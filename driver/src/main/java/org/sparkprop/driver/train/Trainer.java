package org.sparkprop.driver.train;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkprop.driver.Chunks;
import org.sparkprop.driver.MemoryCheck;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.PartitionFigures;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.driver.optim.GradientTransforms;
import org.sparkprop.kernels.ArrayMath;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Topology;
import org.sparkprop.kernels.WeightInit;

/**
 * The step loop of docs/architecture.md, 'One training step'. Per step ({@link StepJob}): broadcast the weights in the compute type (in local
 * mode: hand them over in memory); every partition runs its share of the global mini-batch forward and backward
 * ({@link StepTask}); the driver sums (Σgrad, Σloss, Σw) in partition order, divides by Σw, adds the L2/L1 terms,
 * clips, checks that all is finite, applies the optimizer, and destroys the broadcast. Epochs repeat until the
 * epoch budget, the tolerance or early stopping ends the run. The trainer holds only configuration; a run's state
 * is local to {@link #train}.
 *
 * <p>Row weights ({@link Block#weights}): w is a row's weight, and 1 for every row of data without weights, so Σw
 * is then the row count n and the division is today's division by n, to the bit. The gradient and the epoch's
 * mean loss are weighted means. A step whose rows all weigh 0 has a data gradient of 0: nothing is divided by
 * Σw = 0, the L2/L1 terms and the optimizer still apply (with momentum or Adam the weights still move; plain SGD
 * without a penalty leaves them), and the step adds nothing to the epoch's loss. Data whose weights are all 0 are
 * refused before the first step.
 */
public final class Trainer {
    /** Rows per forward/backward pass at most; a larger share of a batch is processed in chunks. */
    static final int MAX_CHUNK_ROWS = 1024;
    /**
     * Spark's setting of the driver's cores: the threads of the driver's element-wise passes ({@link Chunks}); as a
     * local property of the training thread it overrides the configuration (tests), else the JVM's processors.
     */
    static final String DRIVER_CORES = "spark.driver.cores";

    private final JavaSparkContext sc;
    private final TrainConfig config;

    public Trainer(JavaSparkContext sc, TrainConfig config) {
        this.sc = sc;
        this.config = config;
    }

    /** The network this configuration builds for data of this schema. */
    public Topology topologyFor(Schema schema) {
        int[] hidden = config.hidden();
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = schema.numFeatures();
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = schema.outputs();
        return Topology.of(sizes, config.activation(), config.effectiveOutputActivation(), config.loss());
    }

    /**
     * Trains on {@code train} from freshly initialised weights.
     *
     * @param validation null, or data for the per-epoch validation metric and early stopping
     */
    public TrainResult train(Dataset train, Dataset validation, TrainListener listener) {
        return train(train, validation, null, listener);
    }

    /**
     * Trains on {@code train}, starting from {@code initialWeights} (Not modified) when given, else from
     * {@link WeightInit} with the configured seed.
     */
    public TrainResult train(Dataset train, Dataset validation, double[] initialWeights, TrainListener listener) {
        return train(train, validation, initialWeights, Checkpoints.NONE, listener);
    }

    /**
     * Trains on {@code train}. With {@code checkpoints.resume()} and a complete checkpoint in its directory the
     * run continues from the newest one (refused if its configuration, network or data differ from this run's);
     * otherwise it starts from {@code initialWeights} (Not modified) when given, else from {@link WeightInit}.
     * Checkpoints are written every {@code checkpoints.everySteps()} steps and at the end of every epoch. With class
     * weights the training rows' weights are multiplied by their classes' ({@link ClassWeighting}); with dropout the
     * steps drop hidden units ({@link StepTask#share}); evaluation and validation run the whole network.
     */
    public TrainResult train(Dataset train, Dataset validation, double[] initialWeights, Checkpoints checkpoints,
                             TrainListener listener) {
        Dataset weighted = ClassWeighting.apply(sc, train, config.classWeights());
        try {
            return trainOn(weighted, validation, initialWeights, checkpoints, listener);
        } finally {
            if (weighted != train) {
                weighted.unpersist();
            }
        }
    }

    private TrainResult trainOn(Dataset train, Dataset validation, double[] initialWeights, Checkpoints checkpoints,
                                TrainListener listener) {
        String cores = sc.getLocalProperty(DRIVER_CORES);
        Chunks.useThreads(cores != null ? Integer.parseInt(cores) : sc.getConf().getInt(DRIVER_CORES, Runtime.getRuntime().availableProcessors()));
        Run run = new Run(train, validation, initialWeights, checkpoints, listener);
        try (StepExchange exchange = StepExchange.open(sc, train.blocks(), run.sparseInput, run.network,
                config.seed(), config.dropout(), run.maxRows, run.plan)) {
            run.exchange = exchange.exchange();
            run.keptWeights = exchange.keptWeights();
            // the first layer's weights are the parameters [0, biasOffset(0))
            run.castFrom = exchange.tasksReadFirstLayerInDouble() ? run.topology.biasOffset(0) : 0;
            long firstStep = run.state.step;
            while (!run.stopped()) {
                int lastEpoch = validation != null ? run.state.epoch : config.epochs() - 1;
                exchange.begin(run.stretchDescription(lastEpoch));
                boolean failed = true;
                try {
                    run.stepsThrough(lastEpoch, exchange);
                    failed = false;
                } finally {
                    exchange.end(failed);
                }
                if (run.state.stepInEpoch == run.stepsPerEpoch) {
                    run.endEpoch();
                }
            }
            long[] bytes = exchange.driverBytes();
            long steps = run.state.step - firstStep;
            if (bytes != null && steps > 0) {
                StepExchange.LOG.info("exchange: through Spark's RPC environment the driver received {} and sent {} a step ({} steps)",
                        MemoryCheck.size(bytes[0] / steps), MemoryCheck.size(bytes[1] / steps), steps);
            }
        }
        return run.result();
    }

    /**
     * One run: what its configuration and data fix (network, batch plan, checkpoint store, listener) and its
     * {@link RunState}. The step, the stop rules and the epoch's end are its methods, so that {@link #train} reads
     * as the loop it is.
     */
    private final class Run {
        final Topology topology;
        final Network<Object> network;
        final BatchPlan plan;
        final int stepsPerEpoch;
        final long totalSteps;
        final int maxRows;
        /** What the exchange needs to know of sparse blocks; null for dense ones. */
        final StepExchange.SparseInput sparseInput;
        final Dataset validation;
        final TrainListener listener;
        final CheckpointStore store;
        final long checkpointEvery;
        final String metricName;
        final RunState state;
        /** Σ w·∂L/∂θ of a step, then the gradient the optimizer gets before clipping: one array for the whole run. */
        final StepGradient gradient;
        /** Each chunk's Σ g² of the step ({@link Chunks}), in {@link ArrayMath#LANES} lanes, for the gradient's norm. */
        final double[] chunkSquares;
        /** The values {@link #gradient} holds: what the last step can have made non-zero. */
        final Chunks.Cover touched;
        /** No weight: what changed outside the update between steps where the exchange keeps the weights. */
        final Chunks.Cover unchanged;
        final long start = System.nanoTime();
        /** The rate of the epoch's latest step, for its record. */
        double rate = Double.NaN;
        /** How the run's steps travel. */
        Exchange exchange;
        /** The exchange's weights in the compute type, which the update writes as it goes; null where it keeps none. */
        Object keptWeights;
        /**
         * The first parameter the update casts into {@link #keptWeights}: past the first layer's weights where the
         * exchange's tasks read those from the driver's θ, else 0.
         */
        int castFrom;

        @SuppressWarnings("unchecked")
        Run(Dataset train, Dataset validation, double[] initialWeights, Checkpoints checkpoints, TrainListener listener) {
            this.topology = topologyFor(train.schema());
            this.network = (Network<Object>) Network.create(topology, config.precision());
            this.validation = validation;
            this.listener = listener;
            int parameters = topology.parameterCount();
            // The weights, the gradient sum, Adam's two moments and the best weights kept for early stopping, in double.
            MemoryCheck.checkDriver(parameters, 5, topology.toString());

            // what the job that cached the data counted, or a job of its own (which caches them) where it did not
            PartitionFigures[] figures = PartitionFigures.of(sc, train, "train: cache data");
            int[] rowsPerPartition = Arrays.stream(figures).mapToInt(f -> (int) f.rows()).toArray();
            long totalRows = Arrays.stream(rowsPerPartition).asLongStream().sum();
            if (totalRows == 0) {
                throw new UserException("the training data have no rows");
            }
            if (Arrays.stream(figures).allMatch(f -> f.weightSum() == 0)) {
                throw new UserException("every row of the training data has weight 0; at least one row needs a weight above 0");
            }
            this.sparseInput = !train.sparse() ? null : new StepExchange.SparseInput(
                    Arrays.stream(figures).mapToDouble(PartitionFigures::nonZeros).sum() / totalRows * Math.min(config.batchSize(), totalRows),
                    Arrays.stream(figures).mapToInt(PartitionFigures::mostNonZerosInARow).max().orElse(0));
            this.plan = BatchPlan.of(rowsPerPartition, config.batchSize());
            this.stepsPerEpoch = plan.steps();
            this.totalSteps = (long) stepsPerEpoch * config.epochs();
            this.maxRows = Math.min(plan.largestShare(), MAX_CHUNK_ROWS);
            this.metricName = train.schema().labelKind() == LabelKind.REGRESSION ? "rmse" : "accuracy";

            this.store = checkpoints.enabled()
                    ? new CheckpointStore(checkpoints, sc.hadoopConfiguration(), config, topology, train.schema(), rowsPerPartition)
                    : null;
            this.checkpointEvery = checkpoints.everySteps();
            RunState resumed = store != null && checkpoints.resume() ? store.loadNewest() : null;
            this.state = resumed != null ? resumed : new RunState(firstWeights(initialWeights), config.optimizer().newState(parameters));
            this.gradient = new StepGradient(topology);
            this.chunkSquares = new double[Chunks.chunkCount(parameters) * ArrayMath.LANES];
            this.touched = (held, rest) -> gradient.forEachHeld(false, held, rest);
            this.unchanged = Chunks.none(parameters);
            listener.onStart(topology, totalRows, rowsPerPartition.length, stepsPerEpoch);
        }

        private double[] firstWeights(double[] initialWeights) {
            int parameters = topology.parameterCount();
            double[] weights = new double[parameters];
            if (initialWeights != null) {
                if (initialWeights.length != parameters) {
                    throw new IllegalArgumentException("initial weights have " + initialWeights.length + " values; " + topology + " has " + parameters);
                }
                System.arraycopy(initialWeights, 0, weights, 0, parameters);
            } else {
                WeightInit.initialize(topology, config.seed(), weights);
            }
            return weights;
        }

        /** True once the epoch budget is spent or a stop rule ended the run. */
        boolean stopped() {
            return state.epoch >= config.epochs() || state.stopReason != null;
        }

        /**
         * A stretch: the steps up to the end of epoch {@code lastEpoch}, ending the epochs before it on the way
         * (validation, which needs Spark's task slots, makes every epoch a stretch of its own). Returns early when a
         * stop rule ends the run; the last epoch's end is left for after the stretch.
         */
        void stepsThrough(int lastEpoch, StepExchange exchange) {
            while (true) {
                while (state.stepInEpoch < stepsPerEpoch) {
                    step(exchange);
                }
                if (state.epoch == lastEpoch) {
                    return;
                }
                endEpoch();
                if (stopped()) {
                    return;
                }
            }
        }

        /** The Spark UI's name of a stretch through epoch {@code lastEpoch}: "train epoch 3/20, steps 97-128". */
        String stretchDescription(int lastEpoch) {
            long first = state.step + 1;
            long last = (long) (lastEpoch + 1) * stepsPerEpoch;
            String epochs = lastEpoch == state.epoch
                    ? String.format(Locale.ROOT, "epoch %d/%d", state.epoch + 1, config.epochs())
                    : String.format(Locale.ROOT, "epochs %d-%d/%d", state.epoch + 1, lastEpoch + 1, config.epochs());
            return String.format(Locale.ROOT, "train %s, steps %d-%d", epochs, first, last);
        }

        /** The Spark UI's name of the next step's job. */
        String stepDescription() {
            return String.format(Locale.ROOT, "train epoch %d/%d step %d/%d", state.epoch + 1, config.epochs(), state.stepInEpoch + 1, stepsPerEpoch);
        }

        /**
         * One step: the partitions' sums of the next mini-batch, the update, the step's bookkeeping, the listener,
         * and a checkpoint where one is due within the epoch.
         */
        void step(StepExchange exchange) {
            int t = state.stepInEpoch;
            long stepStart = System.nanoTime();
            rate = config.schedule().rate(state.step, totalSteps, stepsPerEpoch);
            // a step's job label, only where a step is a job: formatting it allocates a kilobyte or two per step
            String description = exchange.exchange() == Exchange.PER_STEP ? stepDescription() : null;
            // the weights changed since the previous step that the update did not cast itself: none where the exchange
            // keeps the weights (the update writes them there); elsewhere the exchange sends a fresh copy of all anyway
            Chunks.Cover changed = keptWeights != null ? unchanged : null;
            StepJob.Sums sums = exchange.step(state.weights, changed, state.step, state.epoch, t, description, gradient);
            double norm = update(sums);
            state.epochNormSum += norm;
            state.epochLoss += sums.lossSum();
            state.epochRows += sums.rows();
            state.epochWeight += sums.weightSum();
            state.epochStepSeconds += (System.nanoTime() - stepStart) / 1e9;
            state.stepInEpoch++;
            state.step++;
            listener.onStep(state.epoch + 1, config.epochs(), t + 1, stepsPerEpoch, state.epochLoss / state.epochWeight,
                    state.epochRows / state.epochStepSeconds);
            if (store != null && state.stepInEpoch < stepsPerEpoch && state.step % checkpointEvery == 0) {
                store.save(state, elapsed());
            }
        }

        /**
         * The driver's part of a step, on {@link #gradient} holding Σ w·∂L/∂θ, in two passes over the parameters (each
         * split over the driver's cores, {@link Chunks}): divide by Σw, add the penalties and sum the squares per chunk;
         * stop if anything is not finite; then clip and let the optimizer move the weights, checking them and casting
         * them into the exchange's compute-type weights for the next step, in one pass.
         * Without penalties the first pass covers only the values the step can have made non-zero (on sparse input,
         * the first layer's touched columns and the other layers); the others are 0 and stay so. Returns the
         * gradient's global norm before clipping.
         */
        double update(StepJob.Sums sums) {
            double weightSum = sums.weightSum();
            double l2 = config.l2();
            double l1 = config.l1();
            boolean penalties = l2 > 0 || l1 > 0;
            double[] g = gradient.values;
            double[] w = state.weights;
            java.util.Arrays.fill(chunkSquares, 0);
            gradient.forEachHeld(penalties, (chunk, from, to) ->
                    GradientTransforms.averageAndPenalize(g, w, weightSum, l2, l1, topology, from, to, chunkSquares, chunk * ArrayMath.LANES));
            if (penalties) {
                gradient.holdAll();
            }
            double norm = GradientTransforms.l2Norm(g, chunkSquares);
            // the norm is finite exactly when every value is (l2Norm rescales where only the sum of squares overflows)
            if (!Double.isFinite(sums.lossSum()) || !Double.isFinite(norm)) {
                throw diverged(Double.isFinite(sums.lossSum()) ? "gradient is" : "loss is");
            }
            double scale = config.clipNorm() > 0 ? GradientTransforms.clipScale(norm, config.clipNorm()) : 1;
            Object kept = keptWeights;
            int first = castFrom;
            Chunks.Range cast = kept == null ? null : (from, to) -> {
                if (Math.max(from, first) < to) {
                    network.castInto(w, kept, Math.max(from, first), to);
                }
            };
            if (!state.optimizer.step(w, g, rate, scale, config.clipValue(), touched, cast)) {
                throw diverged("weights after the update are");
            }
            return norm;
        }

        /** The end of an epoch: validation, its record and the listener, the stop rules, and a checkpoint. */
        void endEpoch() {
            state.stepSeconds += state.epochStepSeconds;
            state.rowsProcessed += state.epochRows;
            double trainLoss = state.epochLoss / state.epochWeight;
            Metrics validated = validate();
            double validationLoss = validated != null ? validated.loss() : Double.NaN;
            EpochRecord record = new EpochRecord(state.epoch + 1, trainLoss, validationLoss,
                    validated != null ? validated.headline() : Double.NaN,
                    state.epochRows / state.epochStepSeconds, elapsed(), rate, state.epochNormSum / stepsPerEpoch);
            state.history.add(record);
            listener.onEpoch(record, config.epochs(), metricName);

            keepTheBestOrStopEarly(validationLoss);
            stopIfConverged(trainLoss);
            state.previousLoss = trainLoss;
            state.epoch++;
            state.startEpoch();
            if (store != null) {
                store.save(state, elapsed());
            }
        }

        /** The validation data's metrics for the current weights, or null without validation data. */
        private Metrics validate() {
            if (validation == null) {
                return null;
            }
            return Evaluator.evaluate(sc, topology, config.precision(), state.weights, validation.schema(), validation.blocks(),
                    String.format(Locale.ROOT, "validate epoch %d/%d", state.epoch + 1, config.epochs()));
        }

        /** Early stopping (with validation data and patience): keep the best epoch's weights; stop after patience epochs without one. */
        private void keepTheBestOrStopEarly(double validationLoss) {
            int epoch = state.epoch + 1;
            if (validation == null || config.patience() <= 0) {
                state.bestEpoch = epoch;
            } else if (validationLoss < state.bestValidationLoss) {
                state.bestValidationLoss = validationLoss;
                state.bestWeights = state.weights.clone();
                state.bestEpoch = epoch;
            } else if (epoch - state.bestEpoch >= config.patience()) {
                state.stopReason = "early stopping";
            }
        }

        /** The tolerance: stop when the training loss improved by less than this fraction of the previous epoch's. */
        private void stopIfConverged(double trainLoss) {
            if (state.stopReason == null && config.tolerance() > 0 && !Double.isNaN(state.previousLoss)
                    && (state.previousLoss - trainLoss) / Math.max(Math.abs(state.previousLoss), Double.MIN_NORMAL) < config.tolerance()) {
                state.stopReason = "converged";
            }
        }

        /** The divergence guard's message for the step in progress. */
        private UserException diverged(String what) {
            return Trainer.diverged(state.epoch, state.stepInEpoch, stepsPerEpoch, state.step, what, rate);
        }

        /** Seconds of training loop: this process's plus what the run spent before a resume. */
        double elapsed() {
            return state.elapsedBefore + (System.nanoTime() - start) / 1e9;
        }

        TrainResult result() {
            double[] finalWeights = state.bestWeights != null ? state.bestWeights : state.weights;
            String stopReason = state.stopReason != null ? state.stopReason : "epochs";
            return new TrainResult(topology, finalWeights, List.copyOf(state.history), state.step, stopReason, state.bestEpoch,
                    elapsed(), state.rowsProcessed / state.stepSeconds, metricName, state.resumedFrom, exchange.id());
        }
    }

    /** The divergence guard's message: where (1-based epoch and steps) and what stopped being finite. */
    private static UserException diverged(int epoch, int stepInEpoch, int stepsPerEpoch, long step, String what, double rate) {
        return new UserException(String.format(Locale.ROOT,
                "training diverged in epoch %d, step %d of %d (step %d of the run): the %s not finite; nothing was written; "
                        + "try a lower --learning-rate (now %g) or --clip-norm",
                epoch + 1, stepInEpoch + 1, stepsPerEpoch, step + 1, what, rate));
    }

    /** One step in a Spark job of its own ({@link StepJob}), with this run's seed, in memory or not. */
    StepJob.Sums sumGradients(JavaRDD<Block> blocks, Network<Object> network, double[] weights, int epoch, int maxRows,
                              int[] starts, int[] ends, boolean inMemory, String description, double[] gradientSum) {
        try (StepJob steps = StepJob.open(sc, blocks, network, config.seed(), config.dropout(), maxRows, inMemory)) {
            return steps.run(weights, null, epoch, starts, ends, description, new StepGradient(network.topology(), gradientSum));
        }
    }
}
