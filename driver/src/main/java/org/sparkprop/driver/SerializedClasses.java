package org.sparkprop.driver;

import java.util.ArrayList;
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
            org.sparkprop.driver.train.StepShare.class,
            org.sparkprop.driver.eval.EvalStats.class,
            // a sparse Block's features: cached blocks may be fetched from another executor
            org.sparkprop.kernels.SparseRows.class), Stream.concat(DataReader.kryoClasses().stream(), sqlTypes().stream())).toList();

    /**
     * Spark SQL's data types (and Spark ML's Vector and Matrix types), which Spark leaves unregistered: reading
     * Parquet or JSON, Spark infers the schema in a job whose tasks return StructTypes, so every type a column can
     * have crosses Kryo. Names that this Spark lacks are left out; the order is fixed, as Kryo's ids must agree.
     */
    private static List<Class<?>> sqlTypes() {
        String types = "org.apache.spark.sql.types.";
        List<String> names = new ArrayList<>();
        for (String t : List.of("Binary", "Boolean", "Byte", "CalendarInterval", "Date", "Double", "Float", "Integer", "Long", "Null",
                "Short", "String", "Timestamp", "TimestampNTZ", "Variant")) {
            names.add(types + t + "Type$");
        }
        for (String t : List.of("ArrayType", "MapType", "StructType", "StructField", "StructField[]", "DecimalType", "CharType",
                "VarcharType", "StringType", "DayTimeIntervalType", "YearMonthIntervalType", "TimeType", "GeometryType", "GeographyType",
                "Metadata")) {
            names.add(types + t);
        }
        names.add("org.apache.spark.ml.linalg.VectorUDT");
        names.add("org.apache.spark.ml.linalg.MatrixUDT");
        names.add("scala.collection.immutable.Map$EmptyMap$");
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            try {
                classes.add(name.endsWith("[]") ? Class.forName("[L" + name.substring(0, name.length() - 2) + ";")
                        : Class.forName(name, false, SerializedClasses.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError absent) {
                // Not in this Spark: nothing of that type can cross.
            }
        }
        return classes;
    }
}
