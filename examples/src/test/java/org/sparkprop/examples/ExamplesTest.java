package org.sparkprop.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Spark ML examples run, in a plain local session as a user's test would make it. */
class ExamplesTest {
    private static SparkSession spark;
    private static final String IRIS = Paths.get(System.getProperty("sparkprop.shared"), "data", "iris.csv").toString();

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("sparkprop-examples")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void javaPipeline(@TempDir Path dir) throws Exception {
        double accuracy = IrisPipeline.run(spark, IRIS, dir.resolve("iris-pipeline").toString());
        assertTrue(accuracy > 0.85, "test accuracy " + accuracy);
    }

    @Test
    void scalaCrossValidation() {
        double accuracy = IrisTuning.run(spark, IRIS);
        assertTrue(accuracy > 0.85, "cross-validated accuracy " + accuracy);
    }
}
