package org.sparkprop.driver;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
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
        sc.setJobDescription(description);
        try {
            sc.sc().runJob(rdd.rdd(), function, CollectionConverters.asScala(partitions).toSeq(), collect, tag);
        } finally {
            sc.setJobDescription(null);
        }
        return results;
    }
}
