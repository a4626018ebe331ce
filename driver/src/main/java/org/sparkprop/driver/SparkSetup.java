package org.sparkprop.driver;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * The Spark settings sparkprop needs: Kryo as the serializer, with registration required so that a class
 * crossing the network unregistered is a loud error rather than a silent slowdown.
 */
public final class SparkSetup {
    private SparkSetup() {
    }

    /** Adds sparkprop's serializer settings to {@code conf} (Modified) and returns it. */
    public static SparkConf configure(SparkConf conf) {
        return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrationRequired", "true")
                .set("spark.kryo.registrator", Registrator.class.getName());
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
