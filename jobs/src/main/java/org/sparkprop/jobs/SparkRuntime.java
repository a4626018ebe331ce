package org.sparkprop.jobs;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.driver.SparkJobs;
import org.sparkprop.driver.SparkSetup;
import org.sparkprop.driver.UserException;
import org.sparkprop.kernels.Blas;
import org.sparkprop.kernels.ElementMath;
import scala.collection.Iterator;

/**
 * Starts the SparkContext of one command: the master chosen, Kryo set up, one BLAS thread per executor task, and
 * the BLAS in use logged, the driver's and, on a cluster, the executors' (they do the arithmetic).
 */
final class SparkRuntime {
    private static final Logger LOG = LoggerFactory.getLogger("org.sparkprop");
    /** The master when neither --master nor spark-submit names one. */
    static final String DEFAULT_MASTER = "local[*]";

    private SparkRuntime() {
    }

    /**
     * @param master --master, or null: then spark-submit's master (spark.master), else {@link #DEFAULT_MASTER}
     */
    static JavaSparkContext open(String appName, String master) {
        String driverKernels;
        try {
            driverKernels = kernels();
        } catch (ExceptionInInitializerError e) {
            throw new UserException(e.getCause().getMessage());
        }
        SparkConf conf = new SparkConf().setAppName("sparkprop " + appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster(DEFAULT_MASTER);
        }
        // A progress bar redrawn on stderr would garble sparkprop's own lines.
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // Spark runs one task per core already; a threaded OpenBLAS in each would oversubscribe them.
        conf.setIfMissing("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
        SparkSetup.configure(conf);
        JavaSparkContext sc = new Owned(conf);
        LOG.info("spark {} master {}, default parallelism {}; BLAS on the driver: {}", sc.version(), sc.master(),
                sc.defaultParallelism(), driverKernels);
        if (!sc.isLocal()) {
            logExecutorBlas(sc);
        }
        return sc;
    }

    /**
     * Whether Spark had stopped the context of a command before the command closed it (a standalone master that
     * cannot be reached or refuses the application: Spark gives it up after a minute and stops the context under
     * whatever job runs, which then fails in one of several ways).
     */
    static boolean stoppedUnderTheCommand() {
        return stoppedBySpark;
    }

    private static volatile boolean stoppedBySpark;

    /** A command's context, which notes at close whether Spark had stopped it already. */
    private static final class Owned extends JavaSparkContext {
        Owned(SparkConf conf) {
            super(conf);
        }

        @Override
        public void close() {
            if (sc().isStopped()) {
                stoppedBySpark = true;
            }
            super.close();
        }
    }

    /** One line per distinct BLAS that the executors report, with the executors that report it. */
    private static void logExecutorBlas(JavaSparkContext sc) {
        int tasks = sc.defaultParallelism();
        String[] reports = SparkJobs.runOnPartitions(sc, sc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks),
                new ExecutorBlas(), String.class, "BLAS on the executors");
        Map<String, TreeSet<String>> executorsByBlas = new TreeMap<>();
        for (String report : reports) {
            int split = report.indexOf(' ');
            executorsByBlas.computeIfAbsent(report.substring(split + 1), b -> new TreeSet<>()).add(report.substring(0, split));
        }
        executorsByBlas.forEach((blas, executors) -> LOG.info("BLAS on executor{} {}: {}", executors.size() == 1 ? "" : "s",
                executors.stream().collect(Collectors.joining(", ")), blas));
    }

    /** "EXECUTOR-ID@HOST DESCRIPTION" of the executor that runs the task. */
    static final class ExecutorBlas implements SparkJobs.PartitionFunction<Integer, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String apply(TaskContext context, Iterator<Integer> ignored) {
            SparkEnv env = SparkEnv.get();
            return env.executorId() + "@" + env.blockManager().blockManagerId().host() + " " + kernels();
        }
    }

    /** What the kernels of this JVM run on: the BLAS, and the way activations compute. */
    static String kernels() {
        return Blas.description() + "; activations: " + ElementMath.description();
    }
}
