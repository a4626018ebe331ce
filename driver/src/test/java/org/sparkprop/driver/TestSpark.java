package org.sparkprop.driver;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

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
}
