package org.sparkprop.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.Block;

/**
 * The peer that {@code sparkprop bench} measures against: Spark MLlib's {@code MultilayerPerceptronClassifier}
 * (sigmoid hidden layers, softmax output, L-BFGS over the whole data set per iteration), trained and evaluated on
 * the same rows in a SparkSession of its own with Spark's default settings, as an MLlib user would run it.
 *
 * <p>It runs in one of two places. {@link #inOwnJvm} starts a JVM of its own (this class's {@link #main}) with
 * the bench JVM's {@code java}, flags and classpath: no sparkprop code runs there, so netlib finds a BLAS as it
 * does for any MLlib user (the system's {@code libblas.so.3}, else its Java code). {@link #inThisJvm} runs it in
 * the bench's JVM, where sparkprop has already pointed netlib at its bundled OpenBLAS, and netlib's choice holds
 * for the whole JVM: MLlib then runs on a BLAS that a stock installation does not have.
 */
final class MllibPeer {
    private MllibPeer() {
    }

    /**
     * @param seconds    time of {@code fit} alone (data cached beforehand)
     * @param iterations L-BFGS iterations run
     * @param accuracy   accuracy on the test rows
     * @param blas       the BLAS MLlib's gemm calls went to, see {@link #blasInUse()}
     */
    record Result(double seconds, int iterations, double accuracy, String blas) {
    }

    /**
     * Class-labelled rows, row-major: row r's features are {@code features[r·inputs .. (r+1)·inputs)}. What the
     * peer trains on, in either JVM; {@link #write} and {@link #read} carry them to the other JVM as plain
     * big-endian numbers.
     */
    record Rows(int inputs, int[] labels, float[] features) {
        /** The rows of class-labelled blocks (a class index as the first target), in order. */
        static Rows of(List<Block> blocks) {
            int inputs = blocks.get(0).inputs;
            int count = blocks.stream().mapToInt(b -> b.rows).sum();
            int[] labels = new int[count];
            float[] features = new float[count * inputs];
            int r = 0;
            for (Block block : blocks) {
                for (int i = 0; i < block.rows; i++, r++) {
                    labels[r] = (int) block.targets[i * block.targetWidth];
                }
                System.arraycopy(block.features, 0, features, (r - block.rows) * inputs, block.rows * inputs);
            }
            return new Rows(inputs, labels, features);
        }

        int count() {
            return labels.length;
        }

        void write(DataOutputStream out) throws IOException {
            out.writeInt(inputs);
            out.writeInt(count());
            for (int r = 0; r < count(); r++) {
                out.writeInt(labels[r]);
                for (int k = 0; k < inputs; k++) {
                    out.writeFloat(features[r * inputs + k]);
                }
            }
        }

        static Rows read(DataInputStream in) throws IOException {
            int inputs = in.readInt();
            int count = in.readInt();
            int[] labels = new int[count];
            float[] features = new float[count * inputs];
            for (int r = 0; r < count; r++) {
                labels[r] = in.readInt();
                for (int k = 0; k < inputs; k++) {
                    features[r * inputs + k] = in.readFloat();
                }
            }
            return new Rows(inputs, labels, features);
        }
    }

    /** Trains and evaluates in this JVM, on whichever BLAS netlib has chosen here. */
    static Result inThisJvm(String master, int[] layers, int maxIterations, long seed, Rows train, Rows test) {
        return trainAndEvaluate(master, layers, maxIterations, seed, train, test);
    }

    /**
     * Trains and evaluates in a JVM of its own (same {@code java}, JVM flags, classpath and environment as this
     * one, and spark-submit's {@code spark.*} settings), which reads the rows from a temporary file; the JVM is
     * killed when this one shuts down or this thread is interrupted, and exits by itself when this JVM dies.
     *
     * @throws UserException one sentence when that JVM fails, naming the file that holds its output
     */
    static Result inOwnJvm(String master, int[] layers, int maxIterations, long seed, Rows train, Rows test) {
        Path dir;
        try {
            dir = Files.createTempDirectory("sparkprop-bench-mllib-");
        } catch (IOException e) {
            throw new UserException("cannot create a temporary directory for MLlib's JVM: " + e.getMessage(), e);
        }
        Path data = dir.resolve("rows.bin");
        Path result = dir.resolve("result.json");
        Path log = dir.resolve("mllib.log");
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(data), 1 << 16))) {
                train.write(out);
                test.write(out);
            }
            List<String> command = command(master, layers, maxIterations, seed, dir);
            int status = runToEnd(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()), dir);
            JsonNode json = Files.exists(result) ? new ObjectMapper().readTree(result.toFile()) : null;
            if (status != 0 || json == null || json.has("error")) {
                String why = json != null && json.has("error") ? json.get("error").asText() : lastLine(log);
                throw new UserException("MLlib in a JVM of its own failed (exit status " + status + "): " + why
                        + "; its output is in " + log + " (--mllib same-jvm skips this run)");
            }
            deleteQuietly(log);
            return new Result(json.get("seconds").asDouble(), json.get("iterations").asInt(), json.get("accuracy").asDouble(),
                    json.get("blas").asText());
        } catch (IOException e) {
            throw new UserException("cannot run MLlib in a JVM of its own: " + e, e);
        } finally {
            deleteQuietly(data);
            deleteQuietly(result);
            deleteQuietly(dir); // only once empty: a failed run's log stays
        }
    }

    /** {@code java}, this JVM's flags and spark.* properties, its classpath (with this class's), the child's arguments. */
    private static List<String> command(String master, int[] layers, int maxIterations, long seed, Path dir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!flag.startsWith("-agentlib:jdwp") && !flag.startsWith("-Xrunjdwp")) { // a debugger's port is taken
                command.add(flag);
            }
        }
        // spark-submit hands its settings to the application as system properties; the same-JVM session reads them too
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("spark.")).sorted()
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.add("-cp");
        command.add(classPath());
        command.add(MllibPeer.class.getName());
        command.addAll(List.of(master, BenchCommand.name(layers), Integer.toString(maxIterations), Long.toString(seed), dir.toString()));
        return command;
    }

    /**
     * This JVM's classpath, with the jar or directory of this class in front where it is not on it (spark-submit
     * loads the application jar through a class loader of its own).
     */
    private static String classPath() {
        String classPath = System.getProperty("java.class.path", "");
        try {
            Path own = Path.of(MllibPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            boolean listed = Arrays.stream(classPath.split(File.pathSeparator)).filter(e -> !e.isEmpty())
                    .anyMatch(e -> Path.of(e).toAbsolutePath().equals(own));
            return listed ? classPath : own + File.pathSeparator + classPath;
        } catch (URISyntaxException | RuntimeException e) {
            return classPath;
        }
    }

    /**
     * Starts the process and waits for it; kills it if this thread is interrupted meanwhile, or if this JVM shuts
     * down (then also deletes {@code dir}).
     */
    private static int runToEnd(ProcessBuilder builder, Path dir) throws IOException {
        Process process = builder.start();
        Thread killer = new Thread(() -> {
            kill(process);
            deleteDirectory(dir);
        }, "sparkprop bench: stop MLlib's JVM");
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while MLlib ran in a JVM of its own", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
            process.getOutputStream().close(); // its stdin: the child exits on end of input (see main)
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the files in {@code dir} and {@code dir}, as far as it can. */
    private static void deleteDirectory(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(MllibPeer::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            // gone already
        }
        deleteQuietly(dir);
    }

    /** The last non-blank line of a file, shortened; a fixed phrase when there is none. */
    private static String lastLine(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> !l.isBlank()).reduce((a, b) -> b).map(l -> shorten(l.strip())).orElse("it printed nothing");
        } catch (IOException | UncheckedIOException e) {
            return "its output cannot be read";
        }
    }

    private static String shorten(String text) {
        return text.length() <= 300 ? text : text.substring(0, 297) + "...";
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a directory that still holds a failed run's log, or a file already gone
        }
    }

    /**
     * The JVM of {@link #inOwnJvm}: {@code MASTER LAYERS MAX_ITERATIONS SEED DIR}, layers as in "784-128-10". Reads
     * DIR/rows.bin (train, then test rows), writes DIR/result.json: seconds, iterations, accuracy and blas, or
     * error (one line). Exits 0 on success; when its standard input ends (the bench JVM is gone), deletes DIR and
     * exits at once.
     */
    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent; end of input means the bench JVM has gone
                }
            } catch (IOException e) {
                // as gone
            }
            if (args.length == 5) {
                deleteDirectory(Path.of(args[4]));
            }
            Runtime.getRuntime().halt(3);
        }, "bench JVM watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = mapper.createObjectNode();
        int status = 0;
        try {
            Path dir = Path.of(args[4]);
            Rows train;
            Rows test;
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve("rows.bin")), 1 << 16))) {
                train = Rows.read(in);
                test = Rows.read(in);
            }
            int[] layers = Arrays.stream(args[1].split("-")).mapToInt(Integer::parseInt).toArray();
            Result result = trainAndEvaluate(args[0], layers, Integer.parseInt(args[2]), Long.parseLong(args[3]), train, test);
            json.put("seconds", result.seconds());
            json.put("iterations", result.iterations());
            json.put("accuracy", result.accuracy());
            json.put("blas", result.blas());
            mapper.writeValue(dir.resolve("result.json").toFile(), json);
        } catch (Throwable e) {
            status = 1;
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = root.getMessage() == null ? "" : ": " + root.getMessage().strip().lines().findFirst().orElse("");
            String line = shorten(root.getClass().getName() + message);
            System.err.println("MLlib peer failed: " + line);
            e.printStackTrace();
            if (args.length == 5) {
                try {
                    mapper.writeValue(Path.of(args[4], "result.json").toFile(), mapper.createObjectNode().put("error", line));
                } catch (IOException | RuntimeException ignored) {
                    // the log holds the line
                }
            }
        }
        System.exit(status); // Spark may leave non-daemon threads behind
    }

    /**
     * Trains a network of {@code layers} (input to output) for at most {@code maxIterations} iterations on
     * {@code train}, in a new session on {@code master}, and measures accuracy on {@code test}. The session is
     * stopped before returning.
     */
    private static Result trainAndEvaluate(String master, int[] layers, int maxIterations, long seed, Rows train, Rows test) {
        SparkSession spark = SparkSession.builder()
                .config(new SparkConf().setAppName("sparkprop bench: Spark MLlib's MultilayerPerceptronClassifier").setMaster(master)
                        .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false"))
                .getOrCreate();
        try {
            int partitions = spark.sparkContext().defaultParallelism();
            Dataset<Row> trainRows = frame(spark, train).repartition(partitions).cache();
            Dataset<Row> testRows = frame(spark, test).cache();
            trainRows.count();
            testRows.count();
            MultilayerPerceptronClassifier classifier = new MultilayerPerceptronClassifier()
                    .setLayers(layers).setMaxIter(maxIterations).setSeed(seed).setSolver("l-bfgs");
            long start = System.nanoTime();
            MultilayerPerceptronClassificationModel model = classifier.fit(trainRows);
            double seconds = (System.nanoTime() - start) / 1e9;
            double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(testRows));
            return new Result(seconds, model.summary().totalIterations(), accuracy, blasInUse());
        } finally {
            spark.stop();
        }
    }

    /**
     * The BLAS that MLlib's network layers call (Spark's {@code ml.linalg.BLAS.nativeBLAS}: netlib's native
     * instance where one loads, else its Java one): "native (CLASS) at FILE" with the BLAS library file(s) this
     * process has mapped (Linux's /proc/self/maps), or "java (CLASS)"; then OPENBLAS_NUM_THREADS.
     */
    static String blasInUse() {
        BLAS blas = org.apache.spark.ml.linalg.BLAS$.MODULE$.nativeBLAS();
        StringBuilder s = new StringBuilder();
        if (blas instanceof NativeBLAS) {
            s.append("native (").append(blas.getClass().getName()).append(") at ").append(mappedBlasFiles());
        } else {
            s.append("java (").append(blas.getClass().getName()).append(')');
        }
        String threads = System.getenv("OPENBLAS_NUM_THREADS");
        return s.append(", OPENBLAS_NUM_THREADS=").append(threads == null ? "unset" : threads).toString();
    }

    /** The distinct mapped files whose name has "blas" in it, netlib's JNI glue aside; "an unknown file" when none is seen. */
    private static String mappedBlasFiles() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return "an unknown file";
        }
        try (Stream<String> lines = Files.lines(maps)) {
            String files = lines.filter(line -> line.indexOf('/') >= 0).map(line -> line.substring(line.indexOf('/')))
                    .filter(file -> {
                        String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
                        return name.contains("blas") && !name.contains("netlibblasjni");
                    })
                    .distinct().collect(Collectors.joining(", "));
            return files.isEmpty() ? "an unknown file" : files;
        } catch (IOException | UncheckedIOException e) {
            return "an unknown file";
        }
    }

    /** Rows (label as a double class index, features as a dense vector). */
    private static Dataset<Row> frame(SparkSession spark, Rows data) {
        StructType schema = new StructType()
                .add("label", DataTypes.DoubleType, false)
                .add("features", SQLDataTypes.VectorType(), false);
        int inputs = data.inputs();
        List<Row> rows = new ArrayList<>(data.count());
        for (int r = 0; r < data.count(); r++) {
            double[] features = new double[inputs];
            for (int k = 0; k < inputs; k++) {
                features[k] = data.features()[r * inputs + k];
            }
            rows.add(RowFactory.create((double) data.labels()[r], Vectors.dense(features)));
        }
        return spark.createDataFrame(rows, schema);
    }
}
