package org.sparkprop.driver;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * The Spark settings sparkprop needs: Kryo as the serializer, with registration required so that a class
 * crossing the network unregistered is a loud error rather than a silent slowdown; and, unless the user set them,
 * two that cut what a training step costs beyond Spark's floor. Every step broadcasts the weights and every task
 * returns a gradient, float arrays of 4 bytes a parameter: Kryo's unsafe streams copy such arrays in bulk (800 KB
 * written in 0.14 ms instead of 0.61, read in 0.11 instead of 0.28), and LZ4 does not shrink them (814,120 bytes of
 * initial 784-256-10 weights to 813,748) but costs 0.6 ms per broadcast (docs/benchmarks.md has the machine).
 */
public final class SparkSetup {
    private SparkSetup() {
    }

    /**
     * Adds sparkprop's serializer settings to {@code conf} (Modified) and returns it. Also, unless set already:
     * training runs one job per mini-batch, thousands of alike jobs, and Spark's status store keeps 1,000 jobs and
     * 100,000 tasks by default; keeping fewer makes a long run's driver memory level off sooner.
     */
    public static SparkConf configure(SparkConf conf) {
        return conf.setIfMissing("spark.ui.retainedJobs", "200")
                .setIfMissing("spark.ui.retainedStages", "200")
                .setIfMissing("spark.ui.retainedTasks", "20000")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.kryo.registrator", Registrator.class.getName())
                .setIfMissing("spark.kryo.unsafe", "true")
                .setIfMissing("spark.broadcast.compress", "false");
    }

    /** Registers every sparkprop class that Spark serializes: cached blocks, task results, broadcasts. */
    public static final class Registrator implements KryoRegistrator {
        @Override
        public void registerClasses(Kryo kryo) {
            for (Class<?> c : SerializedClasses.ALL) {
                kryo.register(c);
            }
        }
    }
}
