package org.sparkprop.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkprop.driver.SparkSetup;
import org.sparkprop.kernels.Blas;

/** Starts the SparkContext of one command: the master chosen, Kryo set up, the BLAS in use logged. */
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
        SparkConf conf = new SparkConf().setAppName("sparkprop " + appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster(DEFAULT_MASTER);
        }
        // A progress bar redrawn on stderr would garble sparkprop's own lines.
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        SparkSetup.configure(conf);
        JavaSparkContext sc = new JavaSparkContext(conf);
        LOG.info("spark {} master {}, default parallelism {}; BLAS on the driver: {}", sc.version(), sc.master(),
                sc.defaultParallelism(), Blas.implementationName());
        return sc;
    }
}
