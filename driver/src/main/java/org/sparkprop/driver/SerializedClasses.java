package org.sparkprop.driver;

import java.util.List;
import java.util.stream.Stream;
import org.sparkprop.driver.data.DataReader;

/** The classes that cross Spark's serializer (Kryo): one list, registered by {@link SparkSetup.Registrator}. */
final class SerializedClasses {
    private SerializedClasses() {
    }

    static final List<Class<?>> ALL = Stream.concat(Stream.of(
            float[].class,
            double[].class,
            long[].class,
            int[].class,
            org.sparkprop.driver.data.LabelKind.class,
            org.sparkprop.driver.train.StepResult.class,
            org.sparkprop.driver.eval.EvalStats.class), DataReader.kryoClasses().stream()).toList();
}
