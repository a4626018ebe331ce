package org.sparkprop.ml;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark ML tests' session: a user's, not configured by sparkprop. {@code -Dsparkprop.test.serializer} picks
 * its serializer: {@code kryo} (Kryo with {@code spark.kryo.registrationRequired} and no registrator of ours, the
 * strictest a user can set) or {@code java} (Spark's default).
 */
final class MlSpark {
    private static SparkSession session;

    private MlSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            SparkSession.Builder builder = SparkSession.builder()
                    .master("local[2]")
                    .appName("sparkprop-ml-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2");
            if (serializer().equals("kryo")) {
                builder.config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                        .config("spark.kryo.registrationRequired", "true");
            }
            session = builder.getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }

    static String serializer() {
        return System.getProperty("sparkprop.test.serializer", "kryo");
    }

    /** Fisher's Iris (../shared/data/iris.csv) with a {@code features} Vector and a {@code label} index, in one partition. */
    static Dataset<Row> iris() {
        Path csv = Paths.get(System.getProperty("sparkprop.shared", "../../shared"), "data", "iris.csv");
        Dataset<Row> raw = session().read().option("header", "true")
                .schema("sepal_length DOUBLE, sepal_width DOUBLE, petal_length DOUBLE, petal_width DOUBLE, species STRING").csv(csv.toString()).coalesce(1);
        Pipeline prepare = new Pipeline().setStages(new PipelineStage[] {
                new StringIndexer().setInputCol("species").setOutputCol("label"),
                new VectorAssembler().setInputCols(new String[] {"sepal_length", "sepal_width", "petal_length", "petal_width"})
                        .setOutputCol("features")});
        return prepare.fit(raw).transform(raw);
    }
}
