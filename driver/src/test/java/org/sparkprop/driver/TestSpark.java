package org.sparkprop.driver;

import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;

/**
 * The one local[2] SparkContext of the driver tests (a JVM holds one), configured as production is:
 * Kryo with registration required and sparkprop's registrator.
 */
public final class TestSpark {
    private static JavaSparkContext context;

    private TestSpark() {
    }

    public static synchronized JavaSparkContext context() {
        if (context == null) {
            SparkConf conf = SparkSetup.configure(new SparkConf()
                    .setMaster("local[2]")
                    .setAppName("sparkprop-driver-tests")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1"));
            context = new JavaSparkContext(conf);
            Runtime.getRuntime().addShutdownHook(new Thread(context::stop));
        }
        return context;
    }

    /**
     * {@code SparkContext.getRDDStorageInfo} once Spark's listener bus has caught up: the storage figures come from
     * the status store, which learns of cached blocks through listener events, after the job that cached them.
     */
    public static RDDInfo[] rddStorage(JavaSparkContext sc) {
        try {
            sc.sc().listenerBus().waitUntilEmpty(60_000);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not catch up within a minute", e);
        }
        return sc.sc().getRDDStorageInfo();
    }
}
