package org.sparkprop.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Block;
import org.sparkprop.driver.data.BuiltinData;
import org.sparkprop.driver.data.BuiltinExport;
import org.sparkprop.driver.data.DataFormat;
import org.sparkprop.driver.data.DataReader;
import org.sparkprop.driver.data.Dataset;
import org.sparkprop.driver.data.InputSpec;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.PartitionFigures;
import org.sparkprop.driver.data.Storage;
import org.sparkprop.driver.eval.Evaluator;
import org.sparkprop.driver.eval.Metrics;
import org.sparkprop.driver.optim.OptimizerKind;
import org.sparkprop.driver.optim.ScheduleKind;
import org.sparkprop.driver.train.BatchPlan;
import org.sparkprop.driver.train.ChannelProbe;
import org.sparkprop.driver.train.EpochRecord;
import org.sparkprop.driver.train.Exchange;
import org.sparkprop.driver.train.StepExchange;
import org.sparkprop.driver.train.StepGradient;
import org.sparkprop.driver.train.StepJob;
import org.sparkprop.driver.train.TrainConfig;
import org.sparkprop.driver.train.TrainListener;
import org.sparkprop.driver.train.TrainResult;
import org.sparkprop.driver.train.Trainer;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Blas;
import org.sparkprop.kernels.ElementMath;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Throughput;
import org.sparkprop.kernels.Topology;
import org.sparkprop.kernels.WeightInit;
import scala.collection.Iterator;

/**
 * {@code sparkprop bench}: in one run on one machine, (1) BLAS gemm GFLOP/s at the benchmark networks' layer
 * shapes, native and Java; (2) sparkprop's forward and backward pass on one core as a fraction of the same gemm
 * calls alone; (3) Spark's bare-job time against a training step's overhead (step time minus its slowest task's
 * compute), per step (in memory and through broadcast and task results) and per epoch (one barrier stage), and the
 * per-epoch channel's round trip alone; (4) training throughput and time to a target accuracy of sparkprop against Spark MLlib's
 * MultilayerPerceptronClassifier on the built-in digits, MLlib as installed (in a JVM of its own, on the BLAS netlib
 * finds there) and MLlib in this JVM (on sparkprop's BLAS: netlib chooses once per JVM), (4b) sparkprop per epoch
 * and per step beside one numpy process ({@link NumpyPeer}) on the same rows and settings, where Python has numpy, and
 * (5) sparse input: sparkprop's epochs on builtin:text against one epoch of scikit-learn's MLPClassifier
 * ({@link SklearnPeer}), where Python has scikit-learn, and sparse storage against dense on a generated set of 1% density.
 * Prints a table and writes the same figures as JSON, with the machine's load average.
 */
final class BenchCommand implements Main.Command {
    /** Global batch of the step-overhead steps: small, so that a step is mostly overhead. */
    static final int STEP_BATCH = 32;
    static final long SEED = 42;
    /** Timed steps of each way per round of section 3: a per-epoch stretch holds every task slot, so ways take turns by rounds. */
    static final int ROUND_STEPS = 20;
    /** numpy's trainer, relative to the repository's root. */
    static final String NUMPY_SCRIPT = "benchmarks/numpy/numpy_mlp.py";
    /** scikit-learn's trainer, relative to the repository's root. */
    static final String SKLEARN_SCRIPT = "benchmarks/sklearn/sklearn_mlp.py";
    /** Debian's python3-sklearn is for the system's Python. */
    static final String SKLEARN_PYTHON = "/usr/bin/python3";

    /**
     * What runs and for how long.
     *
     * @param kernelNetworks  networks (input to output) of the kernel sections
     * @param kernelRows      rows per forward and backward pass in the kernel sections: one partition's share of a batch
     * @param stepNetwork     the step-overhead network
     * @param trainData       the end-to-end training data (a class-labelled built-in set); it also feeds the steps
     * @param testData        the data the end-to-end accuracies are measured on
     * @param hidden          the end-to-end network's hidden widths (sigmoid, as MLlib's)
     * @param seconds         time per kernel measurement
     * @param steps           timed steps (and bare jobs) for the step overhead
     * @param epochs          sparkprop's epochs in the end-to-end run
     * @param batchSize       sparkprop's global batch in the end-to-end run
     * @param learningRate    sparkprop's (Adam's) learning rate in the end-to-end run
     * @param throughputBatch sparkprop's global batch in a run for throughput alone (MLlib's L-BFGS passes over all
     *                        rows at once; small batches measure Spark's per-step floor more than the arithmetic)
     * @param throughputEpochs epochs of that run
     * @param mllibIterations MLlib's most L-BFGS iterations
     * @param peerHidden      the hidden width of the comparison with numpy (ReLU, as numpy_mlp.py's)
     * @param peerRuns        {batch size, epochs} of each run of that comparison
     * @param peerRate        Adam's learning rate in it, numpy's and sparkprop's
     * @param sparse          section 5's settings
     */
    record Settings(int[][] kernelNetworks, int kernelRows, int[] stepNetwork, String trainData, String testData, int[] hidden,
                    double seconds, int steps, int epochs, int batchSize, double learningRate, int throughputBatch,
                    int throughputEpochs, int mllibIterations, int peerHidden, int[][] peerRuns, double peerRate, Sparse sparse) {
        /** Figures worth quoting, in about a minute and a half on two idle cores: the digits, a 200,000-weight step network. */
        static final Settings FULL = new Settings(new int[][] {{784, 128, 10}, {784, 1024, 1024, 10}}, 256, new int[] {784, 256, 10},
                "builtin:digits", "builtin:digits:test", new int[] {128}, 1.0, 200, 12, 512, 0.03, 8000, 20, 100,
                256, new int[][] {{512, 10}, {128, 20}}, 0.001, Sparse.FULL);
        /** A smoke run of seconds: every section on small networks and Iris (section 5: see {@link Sparse#QUICK}), figures not worth quoting. */
        static final Settings QUICK = new Settings(new int[][] {{64, 32, 10}, {64, 48, 48, 10}}, 32, new int[] {4, 64, 3},
                "builtin:iris", "builtin:iris:test", new int[] {8}, 0.02, 5, 8, 32, 0.01, 64, 1, 2, 8, new int[][] {{32, 1}}, 0.01, Sparse.QUICK);

        Settings {
            require(seconds > 0 && seconds <= 600, "seconds", seconds, "in (0, 600]");
            require(steps >= 1, "steps", steps, "at least 1");
            require(epochs >= 1, "epochs", epochs, "at least 1");
            require(batchSize >= 1, "batch-size", batchSize, "at least 1");
            require(learningRate > 0 && Double.isFinite(learningRate), "learning-rate", learningRate, "a finite number > 0");
            require(throughputBatch >= 1, "throughput-batch-size", throughputBatch, "at least 1");
            require(throughputEpochs >= 1, "throughput-epochs", throughputEpochs, "at least 1");
            require(mllibIterations >= 1, "mllib-iterations", mllibIterations, "at least 1");
        }

        /** These settings with the flags' values where given. */
        Settings with(Options o) {
            return new Settings(kernelNetworks, kernelRows, stepNetwork, trainData, testData, hidden, o.number("seconds", seconds),
                    o.integer("steps", steps), o.integer("epochs", epochs), o.integer("batch-size", batchSize),
                    o.number("learning-rate", learningRate), o.integer("throughput-batch-size", throughputBatch),
                    o.integer("throughput-epochs", throughputEpochs), o.integer("mllib-iterations", mllibIterations), peerHidden, peerRuns,
                    peerRate, sparse);
        }

        private static void require(boolean ok, String flag, Object value, String expected) {
            if (!ok) {
                throw new UserException("--" + flag + " must be " + expected + ", got " + value);
            }
        }
    }

    /**
     * Section 5, sparse input: (a) sparkprop for {@code epochs} epochs against scikit-learn's MLPClassifier for one, a
     * network features-{@code hidden}-classes (ReLU, softmax) trained on the same rows with the same batch, each at a
     * rate for its epochs; (b) the same network on {@code onePercent} for {@code densityEpochs} epochs, cached sparse and cached dense.
     *
     * @param textTrain     (a)'s training data: a built-in split, or null for {@code quickText} generated
     * @param textTest      (a)'s test data, likewise
     * @param quickText     (a)'s generated stand-in where {@code textTrain} is null
     * @param hidden        the hidden width of (a) and (b)
     * @param batchSize     the global batch of (a) and (b)
     * @param epochs        sparkprop's epochs in (a); scikit-learn runs one
     * @param learningRate  scikit-learn's learning rate in (a) (constant, as its default), and sparkprop's in (b)
     * @param textRate      sparkprop's base learning rate in (a), for its {@code epochs} epochs
     * @param textSchedule  sparkprop's learning-rate schedule in (a)
     * @param onePercent    (b)'s generated data
     * @param densityEpochs epochs of each run of (b)
     */
    record Sparse(String textTrain, String textTest, SparseBenchData quickText, int hidden, int batchSize, int epochs, double learningRate,
                  double textRate, ScheduleKind textSchedule, SparseBenchData onePercent, int densityEpochs) {
        /**
         * builtin:text at 262144-128-20, Adam, batch 256, 5 epochs (issue 13's target): scikit-learn at its default rate,
         * 0.001, whose one epoch is about as accurate as this network gets on these data (more epochs at that rate
         * overfit, in both); sparkprop's five epochs with a cosine decay from 0.0003, a rate for five epochs. 1%
         * density at 10,000 features.
         */
        static final Sparse FULL = new Sparse("builtin:text", "builtin:text:test", null, 128, 256, 5, 0.001, 0.0003, ScheduleKind.COSINE,
                new SparseBenchData(10_000, 100, 20, 8_000, 2_000), 3);
        /** Seconds: small generated sets for both parts. */
        static final Sparse QUICK = new Sparse(null, null, new SparseBenchData(2_000, 12, 5, 600, 200), 16, 32, 2, 0.01, 0.01, ScheduleKind.COSINE,
                new SparseBenchData(1_000, 10, 5, 400, 100), 2);
    }

    @Override
    public Options options() {
        Settings d = Settings.FULL;
        Settings q = Settings.QUICK;
        return new Options("bench", "Measures BLAS, sparkprop's kernels, its training step against Spark's own floor, and "
                + "training against Spark MLlib's MultilayerPerceptronClassifier, and sparse input against scikit-learn and the dense path; "
                + "prints a table and writes JSON.")
                .required("output", "PATH", "JSON file to write (refused if it exists, unless --overwrite)")
                .flag("overwrite", "replace an existing output file (atomically)")
                .flag("quick", "a smoke run of seconds: every section on small networks, Iris and small generated sparse sets, figures not worth quoting "
                        + "(defaults below in brackets)")
                .value("seconds", "S", "seconds per kernel measurement (default " + d.seconds() + " [" + q.seconds() + "])")
                .value("steps", "N", "steps and bare jobs timed for the step overhead (default " + d.steps() + " [" + q.steps() + "])")
                .value("epochs", "N", "sparkprop's epochs in the end-to-end run (default " + d.epochs() + " [" + q.epochs() + "])")
                .value("batch-size", "N", "sparkprop's batch size in the end-to-end run (default " + d.batchSize() + " [" + q.batchSize() + "])")
                .value("learning-rate", "RATE", "sparkprop's (Adam's) learning rate in the end-to-end run (default " + d.learningRate()
                        + " [" + q.learningRate() + "])")
                .value("throughput-batch-size", "N", "sparkprop's batch size in a run for rows/s alone (default " + d.throughputBatch()
                        + " [" + q.throughputBatch() + "])")
                .value("throughput-epochs", "N", "epochs of that run (default " + d.throughputEpochs() + " [" + q.throughputEpochs() + "])")
                .value("mllib-iterations", "N", "MLlib's most L-BFGS iterations (default " + d.mllibIterations() + " [" + q.mllibIterations() + "])")
                .value("mllib", "WHERE", "where MLlib runs: own-jvm (as installed: a JVM of its own, with the BLAS netlib finds "
                        + "there), same-jvm (this JVM, on sparkprop's BLAS) or both (default both)")
                .value("python", "CMD", "the Python whose numpy runs beside sparkprop in section 4 (default python3; "
                        + "without numpy the column is left out)")
                .value("numpy-script", "PATH", "numpy's trainer (default " + NUMPY_SCRIPT + ", from the repository's root)")
                .flag("only-step", "run section 3 (one training step against Spark's floor) alone: on a cluster, say")
                .flag("only-sparse", "run section 5 (sparse input) alone")
                .value("sparse-optimizer", "NAME", "sparkprop's optimizer in section 5 (default adam; scikit-learn's is Adam)")
                .value("sklearn-python", "CMD", "the Python whose scikit-learn runs beside sparkprop in section 5 (default "
                        + SKLEARN_PYTHON + "; without scikit-learn the column is left out)")
                .value("sklearn-script", "PATH", "scikit-learn's trainer (default " + SKLEARN_SCRIPT + ", from the repository's root)")
                .value("master", "URL", "Spark master (default: spark-submit's, else " + SparkRuntime.DEFAULT_MASTER + ")");
    }

    @Override
    public void run(Options o, PrintStream out) {
        Settings settings = (o.has("quick") ? Settings.QUICK : Settings.FULL).with(o);
        String output = o.string("output");
        boolean overwrite = o.has("overwrite");
        MllibRuns mllibRuns = o.get("mllib", MllibRuns::parse, MllibRuns.BOTH);
        HadoopFiles.checkAbsent(output, overwrite, "output", DataFlags.hadoopConf());

        boolean onlySparse = o.has("only-sparse");
        boolean onlyStep = o.has("only-step");
        if (onlySparse && onlyStep) {
            throw new UserException("--only-step and --only-sparse each run one section alone: give one of them");
        }
        OptimizerKind sparseOptimizer = o.get("sparse-optimizer", OptimizerKind::parse, OptimizerKind.ADAM);
        NumpyPeer.Probe numpy = onlySparse || onlyStep ? null : NumpyPeer.probe(o.has("python") ? o.string("python") : "python3",
                o.has("numpy-script") ? o.string("numpy-script") : NUMPY_SCRIPT);
        SklearnPeer.Probe sklearn = SklearnPeer.probe(o.has("sklearn-python") ? o.string("sklearn-python") : SKLEARN_PYTHON,
                o.has("sklearn-script") ? o.string("sklearn-script") : SKLEARN_SCRIPT);
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("quick", o.has("quick"));
        json.put("load_average_at_start", loadAverage());
        ObjectNode machine = json.putObject("machine");
        Table table = new Table(out);

        List<Block> trainBlocks = null;
        List<Block> testBlocks = null;
        String master;
        try (JavaSparkContext sc = SparkRuntime.open("bench", o.string("master"))) {
            master = sc.master();
            describeMachine(machine, sc);
            table.header(machine);
            if (!onlySparse) {
                if (!onlyStep) {
                    BLAS nativeBlas = Blas.isNative() ? NativeBLAS.getInstance() : null;
                    BLAS javaBlas = JavaBLAS.getInstance();
                    json.set("blas", blasSection(settings, nativeBlas, javaBlas, table));
                    json.set("kernels", kernelSection(settings, nativeBlas, javaBlas, table));
                }
                Dataset train = DataReader.readForTraining(sc, InputSpec.of(settings.trainData(), DataFormat.LIBSVM), LabelKind.CLASSES,
                        null, sc.defaultParallelism());
                Dataset test = DataReader.readOrdered(sc, InputSpec.of(settings.testData(), DataFormat.LIBSVM), train.schema());
                json.set("step", stepSection(settings, sc, train, table));
                if (!onlyStep) {
                    ObjectNode endToEnd = json.putObject("end_to_end");
                    endToEnd.set("sparkprop", sparkpropRun(settings, settings.batchSize(), settings.epochs(), sc, train, test));
                    endToEnd.set("sparkprop_throughput", sparkpropRun(settings, settings.throughputBatch(), settings.throughputEpochs(), sc, train, null));
                    endToEnd.set("beside_numpy", besideNumpy(settings, sc, train, test, numpy));
                    trainBlocks = Arrays.asList(SparkJobs.runOnPartitions(sc, train.blocks(), new OnlyBlock(), Block.class, "bench: blocks for MLlib"));
                    testBlocks = Arrays.asList(SparkJobs.runOnPartitions(sc, test.blocks(), new OnlyBlock(), Block.class, "bench: blocks for MLlib"));
                }
            }
            if (!onlyStep) {
                json.set("sparse", sparseSection(settings.sparse(), sparseOptimizer, sc, sklearn));
            }
        }
        UserException ownJvmFailure = onlySparse || onlyStep ? null : mllibSection(settings, json, mllibRuns, master, trainBlocks, testBlocks, table);
        if (!onlyStep) {
            printSparse((ObjectNode) json.get("sparse"), table);
        }
        json.put("load_average_at_end", loadAverage());
        table.title("load average (1 minute) at the start " + fixed(json.get("load_average_at_start").asDouble(), 2) + ", at the end "
                + fixed(json.get("load_average_at_end").asDouble(), 2));

        String text;
        try {
            text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot format the results as JSON", e);
        }
        HadoopFiles.writeTextAtomically(output, overwrite, DataFlags.hadoopConf(), writer -> writer.write(text + "\n"));
        out.println();
        out.println("results written to " + output);
        if (ownJvmFailure != null) {
            throw ownJvmFailure;
        }
    }

    /**
     * Section 4's MLlib runs, after sparkprop's: each run's figures and the comparison into the JSON's end_to_end
     * (Modified), the tables printed; returns the failure of MLlib's own JVM, if it failed, for the command to end with.
     */
    private static UserException mllibSection(Settings settings, ObjectNode json, MllibRuns mllibRuns, String master,
                                              List<Block> trainBlocks, List<Block> testBlocks, Table table) {
        ObjectNode endToEnd = (ObjectNode) json.get("end_to_end");
        int[] layers = endToEndNetwork(settings, trainBlocks.get(0).inputs, endToEnd.get("sparkprop").get("classes").asInt());
        MllibPeer.Rows trainRows = MllibPeer.Rows.of(trainBlocks);
        MllibPeer.Rows testRows = MllibPeer.Rows.of(testBlocks);
        List<Peer> peers = new ArrayList<>();
        UserException ownJvmFailure = null;
        if (mllibRuns.ownJvm()) {
            try {
                peers.add(Peer.ownJvm(MllibPeer.inOwnJvm(master, layers, settings.mllibIterations(), SEED, trainRows, testRows), null));
            } catch (UserException e) {
                ownJvmFailure = e;
                peers.add(Peer.ownJvm(null, e.getMessage()));
            }
        }
        if (mllibRuns.sameJvm()) {
            peers.add(Peer.sameJvm(MllibPeer.inThisJvm(master, layers, settings.mllibIterations(), SEED, trainRows, testRows)));
        }
        compare(endToEnd, peers, layers, trainRows.count(), settings, table);
        printBesideNumpy((ObjectNode) endToEnd.get("beside_numpy"), table);
        return ownJvmFailure;
    }

    /** {@code --mllib}: where MLlib runs. */
    enum MllibRuns {
        OWN_JVM, SAME_JVM, BOTH;

        static MllibRuns parse(String raw) {
            return switch (raw) {
                case "own-jvm" -> OWN_JVM;
                case "same-jvm" -> SAME_JVM;
                case "both" -> BOTH;
                default -> throw new IllegalArgumentException("expected own-jvm, same-jvm or both");
            };
        }

        boolean ownJvm() {
            return this != SAME_JVM;
        }

        boolean sameJvm() {
            return this != OWN_JVM;
        }
    }

    /**
     * One MLlib run of section 4.
     *
     * @param key    its object in the JSON's end_to_end
     * @param jvm    "own" or "same", in the JSON
     * @param label  its name in the table
     * @param header its column's heading
     * @param where  the JVM it ran in, in the table
     * @param result its figures, or null when it failed
     * @param error  why it failed, or null
     */
    private record Peer(String key, String jvm, String label, String header, String where, MllibPeer.Result result, String error) {
        static Peer ownJvm(MllibPeer.Result result, String error) {
            return new Peer("mllib_own_jvm", "own", "(a) MLlib as installed", "(a) MLlib as installed", "in a JVM of its own",
                    result, error);
        }

        static Peer sameJvm(MllibPeer.Result result) {
            return new Peer("mllib_same_jvm", "same", "(b) MLlib on sparkprop's BLAS", "(b) on sparkprop's BLAS",
                    "in this JVM after sparkprop", result, null);
        }
    }

    // ---- 1. BLAS ----

    private static ArrayNode blasSection(Settings settings, BLAS nativeBlas, BLAS javaBlas, Table table) {
        ArrayNode rows = new ObjectMapper().createArrayNode();
        int rowsPerPass = settings.kernelRows();
        table.title("1. BLAS gemm C = A·B (m × n × k, n = " + rowsPerPass + " rows), one core, GFLOP/s");
        table.row("%-18s %-5s %-16s %12s %12s %12s %12s", "network", "layer", "m × n × k", "sgemm native", "sgemm java",
                "dgemm native", "dgemm java");
        for (int[] sizes : settings.kernelNetworks()) {
            for (int l = 0; l + 1 < sizes.length; l++) {
                int m = sizes[l + 1];
                int k = sizes[l];
                ObjectNode row = rows.addObject();
                row.put("network", name(sizes));
                row.put("layer", l + 1);
                row.put("m", m);
                row.put("n", rowsPerPass);
                row.put("k", k);
                double[] figures = new double[4];
                int f = 0;
                for (Precision precision : Precision.values()) {
                    for (BLAS blas : new BLAS[] {nativeBlas, javaBlas}) {
                        String key = (precision == Precision.FLOAT ? "sgemm_" : "dgemm_") + (blas == javaBlas ? "java" : "native") + "_gflops";
                        figures[f] = blas == null ? Double.NaN
                                : Throughput.gemm(blas, precision, "N", "N", m, rowsPerPass, k, settings.seconds()).gflops();
                        putFigure(row, key, figures[f++]);
                    }
                }
                table.row("%-18s %-5d %-16s %12s %12s %12s %12s", name(sizes), l + 1, m + " × " + rowsPerPass + " × " + k,
                        fixed(figures[0], 1), fixed(figures[1], 1), fixed(figures[2], 1), fixed(figures[3], 1));
            }
        }
        return rows;
    }

    // ---- 2. kernels ----

    private static ArrayNode kernelSection(Settings settings, BLAS nativeBlas, BLAS javaBlas, Table table) {
        ArrayNode rows = new ObjectMapper().createArrayNode();
        int rowsPerPass = settings.kernelRows();
        table.title("2. forward + backward pass (accumulateGradient), " + rowsPerPass
                + " rows, one core: GFLOP/s, and in brackets the fraction of the same gemm calls timed alone");
        table.row("%-18s %-9s %18s %18s", "network", "precision", "native", "java");
        Throughput.warmUpJit(2 * settings.seconds());
        for (int[] sizes : settings.kernelNetworks()) {
            Topology topology = Topology.of(sizes, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
            for (Precision precision : Precision.values()) {
                String[] cells = new String[2];
                int c = 0;
                for (BLAS blas : new BLAS[] {nativeBlas, javaBlas}) {
                    ObjectNode row = rows.addObject();
                    row.put("network", name(sizes));
                    row.put("rows", rowsPerPass);
                    row.put("precision", precision.toString());
                    row.put("blas", blas == javaBlas ? "java" : "native");
                    if (blas == null) {
                        row.putNull("pass_gflops");
                        cells[c++] = "n/a";
                        continue;
                    }
                    Throughput.PassAndGemms measured = Throughput.passAndGemms(Network.create(topology, precision, blas), blas,
                            rowsPerPass, 2 * settings.seconds());
                    row.put("pass_gflops", measured.pass().gflops());
                    row.put("gemm_gflops", measured.gemms().gflops());
                    row.put("fraction_of_gemm", measured.fraction());
                    cells[c++] = fixed(measured.pass().gflops(), 1) + " (" + fixed(measured.fraction(), 2) + ")";
                }
                table.row("%-18s %-9s %18s %18s", name(sizes), precision, cells[0], cells[1]);
            }
        }
        return rows;
    }

    // ---- 3. step overhead ----

    private static ObjectNode stepSection(Settings settings, JavaSparkContext sc, Dataset train, Table table) {
        // the steps timed here are a long run's: its driver's sum on the Vector API, which a run takes only after
        // thousands of steps (VectorGate)
        Throughput.warmUpSum();
        int[] rowsPerPartition = Arrays.stream(PartitionFigures.of(sc, train, "bench: rows per partition")).mapToInt(f -> (int) f.rows()).toArray();
        BatchPlan plan = BatchPlan.of(rowsPerPartition, STEP_BATCH);
        int[] sizes = settings.stepNetwork();
        Topology topology = Topology.of(sizes, Activation.RELU, Activation.SOFTMAX, Loss.SOFTMAX_CROSS_ENTROPY);
        @SuppressWarnings("unchecked")
        Network<Object> network = (Network<Object>) Network.create(topology, Precision.FLOAT);
        double[] weights = new double[topology.parameterCount()];
        WeightInit.initialize(topology, SEED, weights);
        StepGradient gradient = new StepGradient(topology);
        int warmUp = Math.max(1, settings.steps() / 5);
        // local mode: per step as training ran before (in memory) and as on a cluster (broadcast and task results),
        // and per epoch (one barrier stage, steps through the channel in memory); on a cluster, per step and, where
        // there is a task slot for every partition, per epoch through Spark's RPC environment
        boolean local = sc.sc().isLocal();
        boolean epochs = local || sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile()) >= rowsPerPartition.length;
        StepJob[] jobs = local
                ? new StepJob[] {StepJob.open(sc, train.blocks(), network, SEED, plan.largestShare(), true),
                        StepJob.open(sc, train.blocks(), network, SEED, plan.largestShare(), false)}
                : new StepJob[] {StepJob.open(sc, train.blocks(), network, SEED, plan.largestShare(), false)};
        StepExchange perEpoch = epochs ? StepExchange.perEpoch(sc, train.blocks(), network, SEED, plan.largestShare(), plan) : null;
        List<String> names = new ArrayList<>(local ? List.of("per step, in memory (local mode)", "per step, broadcast and task results (as on a cluster)")
                : List.of("per step, broadcast and task results"));
        List<String> keys = new ArrayList<>(local ? List.of("per-step in memory", "per-step broadcast") : List.of("per-step broadcast"));
        if (epochs) {
            names.add(local ? "per epoch, through the channel (local mode)" : "per epoch, through Spark's RPC environment");
            keys.add(local ? "per-epoch" : "per-epoch rpc");
        }
        int ways = names.size();
        int steps = settings.steps();
        double[] bare = new double[steps];
        double[][] step = new double[ways][steps];
        double[][] slowest = new double[ways][steps];
        double[][] overhead = new double[ways][steps];
        double[] channel = new double[local ? steps : 0];
        double[] channelRpc = new double[steps];
        long[] rpcBytes = null;
        long[] stepBytes = null;
        long epochStep = 0;
        try {
            // Rounds of ROUND_STEPS: the bare jobs and per-step ways take turns step by step; then a per-epoch stretch of
            // as many steps (its first, which waits for the stage's tasks to launch, untimed: the stage holds every
            // task slot, so no other job can run inside it), then as many round trips of the channel alone, in memory (local
            // mode) and through Spark's RPC environment.
            int timed = 0;
            for (int round = -1; timed < steps; round++) {
                boolean warm = round >= 0;
                int n = warm ? Math.min(ROUND_STEPS, steps - timed) : warmUp;
                for (int k = 0; k < n; k++) {
                    long start = System.nanoTime();
                    SparkJobs.runOnPartitions(sc, train.blocks(), new NoOp(), Integer.class, "bench: bare job");
                    long bareNanos = System.nanoTime() - start;
                    int t = (timed + k) % plan.steps();
                    for (int w = 0; w < jobs.length; w++) {
                        start = System.nanoTime();
                        StepJob.Sums sums = jobs[w].run(weights, null, 0, plan.starts(t), plan.starts(t + 1), "bench: step", gradient);
                        record(warm, timed + k, System.nanoTime() - start, sums, step[w], slowest[w], overhead[w]);
                    }
                    if (warm) {
                        bare[timed + k] = bareNanos / 1e6;
                    }
                }
                if (perEpoch != null) {
                    int w = jobs.length;
                    perEpoch.begin("bench: per-epoch steps");
                    boolean failed = true;
                    try {
                        for (int k = -1; k < n; k++) {
                            int t = (int) (epochStep % plan.steps());
                            long start = System.nanoTime();
                            StepJob.Sums sums = perEpoch.step(weights, null, epochStep++, 0, t, "bench: step", gradient);
                            record(warm && k >= 0, timed + k, System.nanoTime() - start, sums, step[w], slowest[w], overhead[w]);
                        }
                        failed = false;
                    } finally {
                        perEpoch.end(failed);
                    }
                }
                if (local) {
                    long[] trips = ChannelProbe.roundTrips(network, weights, rowsPerPartition.length, n + 1);
                    for (int k = 0; warm && k < n; k++) {
                        channel[timed + k] = trips[k + 1] / 1e6;
                    }
                }
                ChannelProbe.Trips trips = ChannelProbe.rpcRoundTrips(network, weights, rowsPerPartition.length, n + 1);
                for (int k = 0; warm && k < n; k++) {
                    channelRpc[timed + k] = trips.nanos()[k + 1] / 1e6;
                }
                rpcBytes = new long[] {trips.bytesIn(), trips.bytesOut()};
                if (warm) {
                    timed += n;
                }
            }
            stepBytes = perEpoch != null ? perEpoch.driverBytes() : null;
        } finally {
            for (StepJob job : jobs) {
                job.close();
            }
            if (perEpoch != null) {
                perEpoch.close();
            }
        }
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("network", name(sizes));
        n.put("parameters", topology.parameterCount());
        n.put("precision", Precision.FLOAT.toString());
        n.put("batch_size", STEP_BATCH);
        n.put("partitions", rowsPerPartition.length);
        n.put("steps", steps);
        n.put("bare_job_ms", median(bare));
        ArrayNode waysJson = n.putArray("ways");
        for (int w = 0; w < ways; w++) {
            ObjectNode way = waysJson.addObject();
            way.put("way", keys.get(w));
            way.put("in_memory", w < jobs.length ? jobs[w].inMemory() : true);
            way.put("step_ms", median(step[w]));
            way.put("slowest_task_compute_ms", median(slowest[w]));
            way.put("step_overhead_ms", median(overhead[w]));
            way.put("step_overhead_p10_ms", quantile(overhead[w], 0.1));
            way.put("overhead_to_bare_job", median(overhead[w]) / median(bare));
            if (w == jobs.length && stepBytes != null) {
                way.put("driver_bytes_in_per_step", stepBytes[0] / epochStep);
                way.put("driver_bytes_out_per_step", stepBytes[1] / epochStep);
            }
        }
        if (local) {
            n.put("channel_round_trip_ms", median(channel));
            n.put("channel_round_trip_p10_ms", quantile(channel, 0.1));
        }
        n.put("channel_rpc_round_trip_ms", median(channelRpc));
        n.put("channel_rpc_round_trip_p10_ms", quantile(channelRpc, 0.1));
        n.put("channel_rpc_driver_bytes_in", rpcBytes[0]);
        n.put("channel_rpc_driver_bytes_out", rpcBytes[1]);
        // the storage figures come from Spark's status store, which listener events update after the jobs
        try {
            sc.sc().listenerBus().waitUntilEmpty(60_000);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not catch up within a minute", e);
        }
        RDDInfo cached = Arrays.stream(sc.sc().getRDDStorageInfo()).filter(i -> i.id() == train.blocks().id()).findFirst().orElseThrow();
        long raw = 4L * train.rows() * (train.schema().numFeatures() + train.schema().targetWidth());
        n.put("cached_bytes", cached.memSize());
        n.put("raw_float_bytes", raw);
        n.put("cached_to_raw", cached.memSize() / (double) raw);
        table.title(String.format(Locale.ROOT, "3. one training step against Spark's floor: %s (%,d weights, float), batch %d, "
                        + "%d partitions; medians of %d, in rounds of %d", name(sizes), topology.parameterCount(), STEP_BATCH,
                rowsPerPartition.length, steps, ROUND_STEPS));
        table.row("%-44s %9s ms", "bare job (runJob, a named no-op function)", fixed(median(bare), 2));
        for (int w = 0; w < ways; w++) {
            table.row("training step, %s", names.get(w));
            table.row("  %-42s %9s ms", "step", fixed(median(step[w]), 2));
            table.row("  %-42s %9s ms", "its slowest task's compute", fixed(median(slowest[w]), 2));
            table.row("  %-42s %9s ms  = %s × the bare job (p10 %s ms)", "overhead (step − slowest task's compute)",
                    fixed(median(overhead[w]), 2), fixed(median(overhead[w]) / median(bare), 2), fixed(quantile(overhead[w], 0.1), 2));
            if (w == jobs.length && stepBytes != null) {
                table.row("  %-42s %,9d in, %,d out", "the driver's bytes a step", stepBytes[0] / epochStep, stepBytes[1] / epochStep);
            }
        }
        if (local) {
            table.row("%-44s %9s ms  (p10 %s ms)", "the channel alone: weights out, gradients in", fixed(median(channel), 3),
                    fixed(quantile(channel, 0.1), 3));
        }
        table.row("%-44s %9s ms  (p10 %s ms)", "the same through Spark's RPC env (loopback)", fixed(median(channelRpc), 3),
                fixed(quantile(channelRpc, 0.1), 3));
        table.row("  %-42s %,9d in, %,d out", "the driver's bytes a round trip", rpcBytes[0], rpcBytes[1]);
        table.row("%-44s %,9d bytes = %s × the raw floats", "cached training blocks (Spark's storage info)", cached.memSize(),
                fixed(cached.memSize() / (double) raw, 4));
        return n;
    }

    /** One timed step's figures into slot {@code i} of the arrays (Modified), if {@code keep}. */
    private static void record(boolean keep, int i, long stepNanos, StepJob.Sums sums, double[] step, double[] slowest, double[] overhead) {
        if (keep) {
            step[i] = stepNanos / 1e6;
            slowest[i] = sums.slowestComputeNanos() / 1e6;
            overhead[i] = (stepNanos - sums.slowestComputeNanos()) / 1e6;
        }
    }

    // ---- 4. end to end ----

    /**
     * sparkprop on the end-to-end data, the same network as MLlib's (sigmoid hidden layers); with {@code test}, the
     * accuracy on it after every epoch, and how long training took to reach each epoch without validating: the run
     * with validation is trained a second time without it first (the same seed, so the same weights after every
     * epoch; checked), since validating ends the epoch's stage and runs a job of its own, which MLlib's time to its
     * accuracy has no counterpart of.
     */
    private static ObjectNode sparkpropRun(Settings settings, int batchSize, int epochs, JavaSparkContext sc, Dataset train, Dataset test) {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = settings.hidden();
        b.activation = Activation.SIGMOID;
        b.batchSize = batchSize;
        b.learningRate = settings.learningRate();
        b.epochs = epochs;
        b.seed = SEED;
        b.patience = 0;
        TrainConfig config = b.build();
        TrainResult unvalidated = test == null ? null : new Trainer(sc, config).train(train, null, TrainListener.SILENT);
        TrainResult result = new Trainer(sc, config).train(train, test, TrainListener.SILENT);
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("classes", train.schema().outputs());
        n.put("optimizer", config.optimizer().kind().id());
        n.put("learning_rate", config.learningRate());
        n.put("batch_size", config.batchSize());
        n.put("precision", config.precision().toString());
        n.put("epochs", result.history().size());
        n.put("train_seconds", result.trainSeconds());
        n.put("rows_per_second", result.samplesPerSecond());
        if (test != null) {
            if (!Arrays.equals(unvalidated.weights(), result.weights()) || unvalidated.history().size() != result.history().size()) {
                throw new IllegalStateException("the same training with and without validation ended with different weights");
            }
            n.put("train_seconds_without_validation", unvalidated.trainSeconds());
            n.put("accuracy", result.history().get(result.history().size() - 1).validationMetric());
            ArrayNode history = n.putArray("history");
            for (int i = 0; i < result.history().size(); i++) {
                EpochRecord r = result.history().get(i);
                ObjectNode e = history.addObject();
                e.put("epoch", r.epoch());
                e.put("elapsed_seconds", r.elapsedSeconds());
                e.put("training_seconds", unvalidated.history().get(i).elapsedSeconds());
                e.put("accuracy", r.validationMetric());
            }
        }
        return n;
    }

    /** The end-to-end network, input to output. */
    private static int[] endToEndNetwork(Settings settings, int inputs, int classes) {
        int[] layers = new int[settings.hidden().length + 2];
        layers[0] = inputs;
        System.arraycopy(settings.hidden(), 0, layers, 1, settings.hidden().length);
        layers[layers.length - 1] = classes;
        return layers;
    }

    /**
     * Adds each MLlib run's figures and sparkprop's ratios against it to {@code endToEnd} (Modified) and prints
     * the comparison: throughput, and time to the accuracy that run reached.
     */
    private static void compare(ObjectNode endToEnd, List<Peer> peers, int[] layers, long trainRows, Settings settings, Table table) {
        ObjectNode ours = (ObjectNode) endToEnd.get("sparkprop");
        ObjectNode throughput = (ObjectNode) endToEnd.get("sparkprop_throughput");
        endToEnd.put("data", settings.trainData());
        endToEnd.put("train_rows", trainRows);
        endToEnd.put("test_data", settings.testData());
        endToEnd.put("network", name(layers) + " (sigmoid hidden layers, softmax output)");
        double oursRowsPerSecond = throughput.get("rows_per_second").asDouble();
        double[] peerRowsPerSecond = new double[peers.size()];
        for (int p = 0; p < peers.size(); p++) {
            Peer peer = peers.get(p);
            ObjectNode n = endToEnd.putObject(peer.key());
            n.put("jvm", peer.jvm());
            if (peer.result() == null) {
                n.put("error", peer.error());
                continue;
            }
            MllibPeer.Result mllib = peer.result();
            n.put("blas", mllib.blas());
            n.put("solver", "l-bfgs");
            n.put("iterations", mllib.iterations());
            n.put("train_seconds", mllib.seconds());
            // an L-BFGS iteration passes over every row (its line search may evaluate more than once)
            peerRowsPerSecond[p] = trainRows * (double) mllib.iterations() / mllib.seconds();
            n.put("rows_per_second", peerRowsPerSecond[p]);
            n.put("accuracy", mllib.accuracy());
            putFigure(n, "seconds_to_target", mllib.seconds());
            // the target: this run's final accuracy; sparkprop's time to it in training alone, and with its per-epoch validation
            double oursToTarget = secondsTo(ours, mllib.accuracy(), "training_seconds");
            putFigure(n, "sparkprop_seconds_to_target", oursToTarget);
            putFigure(n, "sparkprop_seconds_to_target_validating", secondsTo(ours, mllib.accuracy(), "elapsed_seconds"));
            n.put("rows_per_second_ratio", oursRowsPerSecond / peerRowsPerSecond[p]);
            putFigure(n, "time_to_target_ratio", mllib.seconds() / oursToTarget);
        }

        table.title(String.format(Locale.ROOT, "4. end to end: %s (%d rows), %s sigmoid-softmax, accuracy on %s", settings.trainData(),
                trainRows, name(layers), settings.testData()));
        for (Peer peer : peers) {
            table.row("%s, %s: %s", peer.label(), peer.where(), peer.result() != null ? peer.result().blas() : "failed");
        }
        String format = "%-26s %22s" + " %24s %7s".repeat(peers.size());
        List<Object[]> rows = new ArrayList<>();
        rows.add(cells(peers, "", "sparkprop (" + ours.get("optimizer").asText() + ")", p -> new String[] {peers.get(p).header(), "ratio"}));
        rows.add(cells(peers, "training rows/s", fixed(oursRowsPerSecond, 0) + " (batch " + settings.throughputBatch() + ")",
                p -> peers.get(p).result() == null ? new String[] {"failed", ""} : new String[] {fixed(peerRowsPerSecond[p], 0)
                        + " (all rows)", fixed(oursRowsPerSecond / peerRowsPerSecond[p], 1) + "×"}));
        rows.add(cells(peers, "", fixed(ours.get("rows_per_second").asDouble(), 0) + " (batch " + settings.batchSize() + ")",
                p -> new String[] {"", ""}));
        rows.add(cells(peers, "training (batch " + settings.batchSize() + ")",
                ours.get("epochs").asInt() + " epochs, " + fixed(ours.get("train_seconds").asDouble(), 1) + " s", p -> {
                    MllibPeer.Result r = peers.get(p).result();
                    return new String[] {r == null ? "" : r.iterations() + " iterations, " + fixed(r.seconds(), 1) + " s", ""};
                }));
        rows.add(cells(peers, "test accuracy", fixed(ours.get("accuracy").asDouble(), 4), p -> {
            MllibPeer.Result r = peers.get(p).result();
            return new String[] {r == null ? "" : fixed(r.accuracy(), 4), ""};
        }));
        // a row per distinct target, each run's final accuracy: two BLAS libraries may round their way to different ones
        List<Double> targets = peers.stream().filter(p -> p.result() != null).map(p -> p.result().accuracy()).distinct().toList();
        for (double target : targets) {
            double toTarget = secondsTo(ours, target, "training_seconds");
            rows.add(cells(peers, "seconds to accuracy " + fixed(target, 4), Double.isNaN(toTarget) ? "not reached" : fixed(toTarget, 2), p -> {
                MllibPeer.Result r = peers.get(p).result();
                return r == null || r.accuracy() != target ? new String[] {"", ""}
                        : new String[] {fixed(r.seconds(), 2), Double.isNaN(toTarget) ? "" : fixed(r.seconds() / toTarget, 1) + "×"};
            }));
            double validating = secondsTo(ours, target, "elapsed_seconds");
            rows.add(cells(peers, "  validating every epoch", Double.isNaN(validating) ? "not reached" : fixed(validating, 2), p -> {
                MllibPeer.Result r = peers.get(p).result();
                return r == null || r.accuracy() != target || Double.isNaN(validating) ? new String[] {"", ""}
                        : new String[] {"", fixed(r.seconds() / validating, 1) + "×"};
            }));
        }
        for (Object[] row : rows) {
            table.row(format, row);
        }
    }

    /** A row's cells: its label, sparkprop's, then two (a figure, a ratio) per MLlib run, from {@code peerCells} of the run's index. */
    private static Object[] cells(List<Peer> peers, String label, String ours, IntFunction<String[]> peerCells) {
        List<Object> cells = new ArrayList<>(List.of(label, ours));
        for (int p = 0; p < peers.size(); p++) {
            cells.addAll(List.of(peerCells.apply(p)));
        }
        return cells.toArray();
    }

    /**
     * The {@code seconds} figure ({@code training_seconds} or {@code elapsed_seconds}, from sparkprop's start) of the
     * first epoch whose test accuracy reaches {@code target}; NaN if none does.
     */
    private static double secondsTo(ObjectNode ours, double target, String seconds) {
        for (var epoch : ours.get("history")) {
            if (epoch.get("accuracy").asDouble() >= target) {
                return epoch.get(seconds).asDouble();
            }
        }
        return Double.NaN;
    }

    // ---- 4, beside numpy ----

    /**
     * sparkprop per epoch and per step and one numpy process, one after the other for each {batch, epochs} of
     * {@link Settings#peerRuns}: the same network (784-H-10, ReLU, softmax), Adam, rate, batch and epochs, float, on the
     * same rows (the built-in splits written as LibSVM for numpy). sparkprop's time is its training loop
     * ({@link TrainResult#trainSeconds}, no validation inside it), numpy's the script's loop; the accuracy is on the
     * test split, after the last epoch.
     */
    private static ObjectNode besideNumpy(Settings settings, JavaSparkContext sc, Dataset train, Dataset test, NumpyPeer.Probe numpy) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("network", name(new int[] {train.schema().numFeatures(), settings.peerHidden(), train.schema().outputs()})
                + " (relu hidden layer, softmax output)");
        n.put("optimizer", "adam");
        n.put("learning_rate", settings.peerRate());
        n.put("precision", Precision.FLOAT.toString());
        String note = numpy.note();
        if (note == null && (train.schema().numFeatures() != 784 || train.schema().outputs() != 10 || !BuiltinData.isBuiltin(settings.trainData()))) {
            note = "numpy column left out: numpy_mlp.py reads 784 features and 10 classes, and bench writes only built-in data for it";
        }
        Path folder = null;
        try {
            Path trainFile = null;
            Path testFile = null;
            if (note == null) {
                NumpyPeer.Found found = numpy.found();
                n.put("numpy_python", found.executable());
                n.put("numpy_version", found.version());
                n.put("numpy_blas", found.blas());
                n.put("numpy_threads", "numpy's default (OPENBLAS_NUM_THREADS and OMP_NUM_THREADS unset)");
                folder = Files.createTempDirectory("sparkprop-bench-");
                trainFile = folder.resolve("train.libsvm");
                testFile = folder.resolve("test.libsvm");
                for (Path file : new Path[] {trainFile, testFile}) {
                    try (var writer = Files.newBufferedWriter(file)) {
                        BuiltinExport.writeLibSvm(file == trainFile ? settings.trainData() : settings.testData(), writer);
                    }
                }
            } else {
                n.put("note", note);
            }
            ArrayNode runs = n.putArray("runs");
            for (int[] run : settings.peerRuns()) {
                ObjectNode r = runs.addObject();
                r.put("batch_size", run[0]);
                r.put("epochs", run[1]);
                r.put("load_average_before", loadAverage());
                ObjectNode perEpoch = peerRun(settings, run[0], run[1], sc, train, test, Exchange.PER_EPOCH);
                ObjectNode perStep = peerRun(settings, run[0], run[1], sc, train, test, Exchange.PER_STEP);
                r.set("per_epoch", perEpoch);
                r.set("per_step", perStep);
                if (note == null) {
                    NumpyPeer.Result result = NumpyPeer.train(numpy.found(), trainFile, testFile, settings.peerHidden(), run[1], run[0],
                            settings.peerRate());
                    ObjectNode np = r.putObject("numpy");
                    np.put("train_seconds", result.trainSeconds());
                    np.put("accuracy", result.accuracy());
                    np.put("output", result.line());
                    for (ObjectNode ours : new ObjectNode[] {perEpoch, perStep}) {
                        ours.put("time_to_numpy", ours.get("train_seconds").asDouble() / result.trainSeconds());
                        ours.put("accuracy_minus_numpy", ours.get("accuracy").asDouble() - result.accuracy());
                    }
                }
                r.put("load_average_after", loadAverage());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the built-in data for numpy", e);
        } finally {
            deletePeerFiles(folder);
        }
        return n;
    }

    /** Deletes a peer section's temporary folder and the LibSVM files written in it, where there is one. */
    private static void deletePeerFiles(Path folder) {
        if (folder == null) {
            return;
        }
        for (String f : new String[] {"train.libsvm", "test.libsvm", ""}) {
            try {
                Files.deleteIfExists(folder.resolve(f));
            } catch (IOException e) {
                // a temporary file left behind
            }
        }
    }

    /** sparkprop on the comparison's network through {@code exchange}, its accuracy on {@code test} after the last epoch. */
    private static ObjectNode peerRun(Settings settings, int batchSize, int epochs, JavaSparkContext sc, Dataset train, Dataset test,
                                      Exchange exchange) {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {settings.peerHidden()};
        b.activation = Activation.RELU;
        b.batchSize = batchSize;
        b.learningRate = settings.peerRate();
        b.epochs = epochs;
        b.seed = SEED;
        b.patience = 0;
        TrainConfig config = b.build();
        Trainer trainer = new Trainer(sc, config);
        TrainResult result;
        sc.setLocalProperty(Exchange.SETTING, exchange.id());
        try {
            result = trainer.train(train, null, TrainListener.SILENT);
        } finally {
            sc.setLocalProperty(Exchange.SETTING, null);
        }
        Metrics metrics = Evaluator.evaluate(sc, result.topology(), config.precision(), result.weights(), test.schema(), test.blocks(),
                "bench: test accuracy");
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("exchange", result.exchange());
        n.put("train_seconds", result.trainSeconds());
        n.put("steps", result.steps());
        n.put("accuracy", metrics.headline());
        return n;
    }

    private static void printBesideNumpy(ObjectNode n, Table table) {
        table.title(String.format(Locale.ROOT, "4b. beside one numpy process: %s, Adam at %s, float; training loop seconds (test accuracy)",
                n.get("network").asText(), n.get("learning_rate").asText()));
        if (n.has("note")) {
            table.row("%s", n.get("note").asText());
        } else {
            table.row("numpy %s (%s), BLAS %s, %s", n.get("numpy_version").asText(), n.get("numpy_python").asText(),
                    n.get("numpy_blas").asText(), n.get("numpy_threads").asText());
        }
        table.row("%-16s %18s %18s %18s %14s %14s %10s", "batch × epochs", "sparkprop per-epoch", "sparkprop per-step", "numpy",
                "per-epoch ÷ np", "per-step ÷ np", "load");
        for (var r : n.get("runs")) {
            ObjectNode np = (ObjectNode) r.get("numpy");
            table.row("%-16s %18s %18s %18s %14s %14s %10s", r.get("batch_size").asInt() + " × " + r.get("epochs").asInt(),
                    timeAndAccuracy(r.get("per_epoch")), timeAndAccuracy(r.get("per_step")), np == null ? "n/a" : timeAndAccuracy(np),
                    np == null ? "" : fixed(r.get("per_epoch").get("time_to_numpy").asDouble(), 2) + "×",
                    np == null ? "" : fixed(r.get("per_step").get("time_to_numpy").asDouble(), 2) + "×",
                    fixed(r.get("load_average_before").asDouble(), 1) + "→" + fixed(r.get("load_average_after").asDouble(), 1));
        }
    }

    private static String timeAndAccuracy(com.fasterxml.jackson.databind.JsonNode run) {
        return fixed(run.get("train_seconds").asDouble(), 2) + " s (" + fixed(run.get("accuracy").asDouble(), 4) + ")";
    }

    // ---- 5. sparse input ----

    /**
     * (a) sparkprop on the sparse set for {@link Sparse#epochs} epochs (storage as {@code auto} chooses, that is
     * sparse) against one scikit-learn process for one epoch on the same rows written as LibSVM, and (b) the same
     * network on the generated 1% set for {@link Sparse#densityEpochs} epochs cached sparse, then cached dense. Times
     * are training loops ({@link TrainResult#trainSeconds}, scikit-learn's fit); accuracies on the test rows after the
     * last epoch.
     */
    private static ObjectNode sparseSection(Sparse settings, OptimizerKind optimizer, JavaSparkContext sc, SklearnPeer.Probe sklearn) {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("optimizer", optimizer.id());
        n.put("batch_size", settings.batchSize());
        n.put("learning_rate", settings.learningRate());
        n.put("precision", Precision.FLOAT.toString());
        Path folder = null;
        try {
            folder = Files.createTempDirectory("sparkprop-bench-sparse-");
            Path trainFile = folder.resolve("train.libsvm");
            Path testFile = folder.resolve("test.libsvm");
            int partitions = sc.defaultParallelism();

            // (a) against scikit-learn
            ObjectNode text = n.putObject("text");
            InputSpec trainSpec;
            InputSpec testSpec;
            if (settings.textTrain() != null) {
                text.put("data", settings.textTrain());
                text.put("test_data", settings.textTest());
                trainSpec = InputSpec.of(settings.textTrain(), DataFormat.LIBSVM);
                testSpec = InputSpec.of(settings.textTest(), DataFormat.LIBSVM);
                if (sklearn.found() != null) {
                    for (Path file : new Path[] {trainFile, testFile}) {
                        try (var writer = Files.newBufferedWriter(file)) {
                            BuiltinExport.writeLibSvm(file == trainFile ? settings.textTrain() : settings.textTest(), writer);
                        }
                    }
                }
            } else {
                SparseBenchData data = settings.quickText();
                text.put("data", data.describe());
                data.write(trainFile, testFile, SEED);
                trainSpec = new InputSpec(trainFile.toString(), DataFormat.LIBSVM, data.features(), List.of());
                testSpec = new InputSpec(testFile.toString(), DataFormat.LIBSVM, data.features(), List.of());
            }
            Dataset train = DataReader.readForTraining(sc, trainSpec, LabelKind.CLASSES, null, partitions);
            ObjectNode ours;
            try {
                Dataset test = DataReader.readOrdered(sc, testSpec, train.schema());
                try {
                    text.put("network", name(new int[] {train.schema().numFeatures(), settings.hidden(), train.schema().outputs()})
                            + " (relu hidden layer, softmax output)");
                    text.put("train_rows", train.rows());
                    ours = sparseRun(settings, optimizer, settings.textRate(), settings.textSchedule(), settings.epochs(), sc, train, test);
                } finally {
                    test.unpersist();
                }
            } finally {
                train.unpersist();
            }
            text.set("sparkprop", ours);
            if (sklearn.found() == null) {
                text.put("sklearn_note", sklearn.note());
            } else {
                SklearnPeer.Found found = sklearn.found();
                NumpyPeer.Result result = SklearnPeer.train(found, trainFile, testFile, train.schema().numFeatures(), settings.hidden(), 1,
                        settings.batchSize(), settings.learningRate());
                ObjectNode sk = text.putObject("sklearn");
                sk.put("python", found.executable());
                sk.put("version", found.version());
                sk.put("epochs", 1);
                sk.put("train_seconds", result.trainSeconds());
                sk.put("accuracy", result.accuracy());
                sk.put("output", result.line());
                double ratio = ours.get("train_seconds").asDouble() / result.trainSeconds();
                text.put("sparkprop_epochs_to_one_sklearn_epoch", ratio);
                text.put("accuracy_minus_sklearn", ours.get("accuracy").asDouble() - result.accuracy());
                text.put("target_met", ratio <= 0.5 && ours.get("accuracy").asDouble() >= result.accuracy());
            }

            // (b) 1% density: sparse storage and kernels against the dense path on the same rows
            SparseBenchData data = settings.onePercent();
            ObjectNode density = n.putObject("density");
            density.put("data", data.describe());
            density.put("density", data.density());
            density.put("epochs", settings.densityEpochs());
            data.write(trainFile, testFile, SEED + 2);
            InputSpec onePercentTrain = new InputSpec(trainFile.toString(), DataFormat.LIBSVM, data.features(), List.of());
            InputSpec onePercentTest = new InputSpec(testFile.toString(), DataFormat.LIBSVM, data.features(), List.of())
                    .withStorage(Storage.SPARSE);
            for (Storage storage : new Storage[] {Storage.SPARSE, Storage.DENSE}) {
                Dataset rows = DataReader.readForTraining(sc, onePercentTrain.withStorage(storage), LabelKind.CLASSES, null, partitions);
                try {
                    Dataset test = DataReader.readOrdered(sc, onePercentTest, rows.schema());
                    try {
                        density.put("network", name(new int[] {rows.schema().numFeatures(), settings.hidden(), rows.schema().outputs()})
                                + " (relu hidden layer, softmax output)");
                        density.set(storage.id(), sparseRun(settings, optimizer, settings.learningRate(), ScheduleKind.CONSTANT,
                                settings.densityEpochs(), sc, rows, test));
                    } finally {
                        test.unpersist();
                    }
                } finally {
                    rows.unpersist();
                }
            }
            density.put("dense_to_sparse_per_epoch", density.get("dense").get("seconds_per_epoch").asDouble()
                    / density.get("sparse").get("seconds_per_epoch").asDouble());
            density.put("dense_to_sparse_after_first", density.get("dense").get("seconds_per_epoch_after_first").asDouble()
                    / density.get("sparse").get("seconds_per_epoch_after_first").asDouble());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the sparse sets for section 5", e);
        } finally {
            deletePeerFiles(folder);
        }
        return n;
    }

    /** sparkprop on {@code train} (ReLU hidden layer, the section's batch, {@code optimizer}), its accuracy on {@code test}. */
    private static ObjectNode sparseRun(Sparse settings, OptimizerKind optimizer, double rate, ScheduleKind schedule, int epochs, JavaSparkContext sc,
                                        Dataset train, Dataset test) {
        TrainConfig.Builder b = TrainConfig.builder();
        b.hidden = new int[] {settings.hidden()};
        b.activation = Activation.RELU;
        b.optimizer = optimizer;
        b.batchSize = settings.batchSize();
        b.learningRate = rate;
        b.schedule = schedule;
        b.epochs = epochs;
        b.seed = SEED;
        b.patience = 0;
        TrainConfig config = b.build();
        TrainResult result = new Trainer(sc, config).train(train, null, TrainListener.SILENT);
        Metrics metrics = Evaluator.evaluate(sc, result.topology(), config.precision(), result.weights(), test.schema(), test.blocks(),
                "bench: test accuracy");
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("learning_rate", rate);
        n.put("schedule", schedule.id());
        n.put("storage", train.storage());
        n.put("cached_bytes", train.cachedBytes());
        n.put("exchange", result.exchange());
        n.put("epochs", result.history().size());
        n.put("steps", result.steps());
        n.put("train_seconds", result.trainSeconds());
        n.put("seconds_per_epoch", result.trainSeconds() / result.history().size());
        // the epochs after the first, which also pays the stage's launch and the kernels' compilation
        List<EpochRecord> history = result.history();
        if (history.size() > 1) {
            n.put("seconds_per_epoch_after_first", (history.get(history.size() - 1).elapsedSeconds() - history.get(0).elapsedSeconds())
                    / (history.size() - 1));
        }
        n.put("accuracy", metrics.headline());
        return n;
    }

    private static void printSparse(ObjectNode n, Table table) {
        ObjectNode text = (ObjectNode) n.get("text");
        ObjectNode ours = (ObjectNode) text.get("sparkprop");
        table.title(String.format(Locale.ROOT, "5. sparse input: %s, %s, batch %d, float; training loop seconds (test accuracy)",
                text.get("network").asText(), n.get("optimizer").asText(), n.get("batch_size").asInt()));
        table.row("(a) %s (%,d rows), cached %s, %s bytes", text.get("data").asText(), text.get("train_rows").asLong(),
                ours.get("storage").asText(), String.format(Locale.ROOT, "%,d", ours.get("cached_bytes").asLong()));
        table.row("%-48s %s", "sparkprop, " + ours.get("epochs").asInt() + " epochs, " + ours.get("schedule").asText() + " from "
                + ours.get("learning_rate").asText(), timeAndAccuracy(ours));
        if (text.has("sklearn")) {
            ObjectNode sk = (ObjectNode) text.get("sklearn");
            table.row("%-48s %s", "scikit-learn " + sk.get("version").asText() + ", 1 epoch, constant " + n.get("learning_rate").asText(),
                    timeAndAccuracy(sk));
            table.row("%-48s %s× (target ≤ 0.5 at scikit-learn's accuracy or better: %s)", "sparkprop's epochs ÷ its one",
                    fixed(text.get("sparkprop_epochs_to_one_sklearn_epoch").asDouble(), 2), text.get("target_met").asBoolean() ? "met" : "not met");
        } else {
            table.row("%s", text.get("sklearn_note").asText());
        }
        ObjectNode density = (ObjectNode) n.get("density");
        table.row("(b) %s, %s, %d epochs each, constant rate %s", density.get("data").asText(), density.get("network").asText(),
                density.get("epochs").asInt(), n.get("learning_rate").asText());
        table.row("%-26s %14s %14s %14s %16s", "storage", "s per epoch", "after the 1st", "test accuracy", "cached bytes");
        for (String storage : new String[] {"sparse", "dense"}) {
            ObjectNode run = (ObjectNode) density.get(storage);
            table.row("%-26s %14s %14s %14s %,16d", storage, fixed(run.get("seconds_per_epoch").asDouble(), 3),
                    fixed(run.get("seconds_per_epoch_after_first").asDouble(), 3), fixed(run.get("accuracy").asDouble(), 4), run.get("cached_bytes").asLong());
        }
        table.row("%-26s %14s %14s (target ≥ 5×)", "dense ÷ sparse, per epoch", fixed(density.get("dense_to_sparse_per_epoch").asDouble(), 2) + "×",
                fixed(density.get("dense_to_sparse_after_first").asDouble(), 2) + "×");
    }

    /** The system's load average over the last minute, or NaN where the platform has none. */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    // ---- the machine ----

    private static void describeMachine(ObjectNode machine, JavaSparkContext sc) {
        machine.put("cpu", cpuModel());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("memory_gib", Math.round(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / (double) (1L << 30)));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("spark", sc.version());
        machine.put("master", sc.master());
        machine.put("default_parallelism", sc.defaultParallelism());
        machine.put("blas", Blas.description());
        machine.put("activations", ElementMath.description());
    }

    /** The first "model name" of /proc/cpuinfo, else the architecture. */
    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    // ---- helpers ----

    static String name(int[] sizes) {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The value at fraction {@code q} of the sorted values (nearest rank). */
    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    /** A figure, or null in the JSON where it could not be measured (no native BLAS, a target not reached). */
    private static void putFigure(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    private static String fixed(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "n/a";
    }

    /** The printed table: a header, then titled sections of aligned rows. */
    private record Table(PrintStream out) {
        void header(ObjectNode machine) {
            out.printf(Locale.ROOT, "sparkprop bench on %s (%d cores, %d GiB), %s; Spark %s, master %s%n", machine.get("cpu").asText(),
                    machine.get("cores").asInt(), machine.get("memory_gib").asLong(), machine.get("java").asText(),
                    machine.get("spark").asText(), machine.get("master").asText());
            out.println("BLAS: " + machine.get("blas").asText());
            out.println("activations: " + machine.get("activations").asText());
        }

        void title(String title) {
            out.println();
            out.println(title);
        }

        void row(String format, Object... values) {
            out.println(String.format(Locale.ROOT, format, values).stripTrailing());
        }
    }

    // ---- functions run on the executors ----

    /** Does nothing: a job of these costs Spark's floor. */
    static final class NoOp implements SparkJobs.PartitionFunction<Block, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer apply(TaskContext context, Iterator<Block> blocks) {
            return 0;
        }
    }

    /** The partition's one block. */
    static final class OnlyBlock implements SparkJobs.PartitionFunction<Block, Block> {
        private static final long serialVersionUID = 1L;

        @Override
        public Block apply(TaskContext context, Iterator<Block> blocks) {
            return blocks.next();
        }
    }
}
