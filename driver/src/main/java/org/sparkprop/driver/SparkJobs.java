package org.sparkprop.driver;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Function2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.BoxedUnit;

/**
 * Runs one Spark job over every partition of an RDD through {@code SparkContext.runJob}, with a function
 * that is a named class. Spark's ClosureCleaner leaves such a function alone, which makes a job cost Spark's
 * floor rather than the 25 to 40 ms of RDD methods that wrap Scala closures (docs/architecture.md, 'Measured facts'). Results come back
 * indexed by partition, so whatever the driver then sums, it sums in partition order: reproducible to the bit.
 */
public final class SparkJobs {
    /** The local property behind {@code setJobDescription}: what the Spark UI shows for a job. */
    static final String JOB_DESCRIPTION = "spark.job.description";

    private SparkJobs() {
    }

    /** A per-partition function; implementations are named, serializable classes with small fields. */
    public interface PartitionFunction<T, R> extends Function2<TaskContext, Iterator<T>, R>, java.io.Serializable {
    }

    /**
     * Runs {@code function} on every partition of {@code rdd} as one job and returns the results in partition order.
     * {@code description} labels the job in the Spark UI.
     */
    @SuppressWarnings("unchecked")
    public static <T, R> R[] runOnPartitions(JavaSparkContext sc, JavaRDD<T> rdd, PartitionFunction<T, R> function,
                                             Class<R> resultType, String description) {
        if (resultType.getName().startsWith("org.sparkprop.") && Wire.bytesNeeded(sc.sc().conf())) {
            byte[][] encoded = runOnPartitions(sc, rdd, new Encoded<>(function), byte[].class, description);
            R[] results = (R[]) Array.newInstance(resultType, encoded.length);
            for (int p = 0; p < encoded.length; p++) {
                results[p] = Wire.decode(encoded[p]);
            }
            return results;
        }
        int n = rdd.getNumPartitions();
        R[] results = (R[]) Array.newInstance(resultType, n);
        List<Object> partitions = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            partitions.add(p);
        }
        Function2<Object, R, BoxedUnit> collect = (index, result) -> {
            results[(Integer) index] = result;
            return BoxedUnit.UNIT;
        };
        ClassTag<R> tag = ClassTag$.MODULE$.apply(resultType);
        return described(sc, description, () -> {
            sc.sc().runJob(rdd.rdd(), function, CollectionConverters.asScala(partitions).toSeq(), collect, tag);
            return results;
        });
    }

    /**
     * Runs {@code jobs} with the Spark UI's job description set to {@code description}, then puts back the caller's
     * (sparkprop is often a guest in a user's session, whose descriptions and job group it leaves as it found them).
     */
    public static <T> T described(JavaSparkContext sc, String description, Supplier<T> jobs) {
        String callers = sc.getLocalProperty(JOB_DESCRIPTION);
        sc.setJobDescription(description);
        try {
            return jobs.get();
        } finally {
            sc.setLocalProperty(JOB_DESCRIPTION, callers);
        }
    }

    /** A function's results as {@link Wire} bytes, for a serializer that does not know sparkprop's classes. */
    private record Encoded<T, R>(PartitionFunction<T, R> function) implements PartitionFunction<T, byte[]> {
        @Override
        public byte[] apply(TaskContext context, Iterator<T> rows) {
            return Wire.encode((java.io.Serializable) function.apply(context, rows));
        }
    }
}
