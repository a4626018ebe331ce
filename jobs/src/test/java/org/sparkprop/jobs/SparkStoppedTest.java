package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/**
 * The three ways a command met a Spark context that Spark had stopped under it (seen in SecuredClusterIT's runs
 * with another secret, depending on when the stop landed) read as one sentence naming the innermost message; other
 * failures are not taken for it. The cluster test shows the whole path: the line, exit status 2, no trace.
 */
class SparkStoppedTest {
    private static final String CREATED = "\nThis stopped SparkContext was created at:\n\norg.apache.spark.api.java.JavaSparkContext.<init>";

    @Test
    void eachWaySparkSaysItStoppedIsOneSentence() {
        IllegalStateException stopped = new IllegalStateException("Cannot call methods on a stopped SparkContext." + CREATED);
        SparkException serialization = new SparkException("Job aborted due to stage failure: Task serialization failed: "
                + "java.lang.IllegalStateException: Cannot call methods on a stopped SparkContext." + CREATED, stopped);
        String expected = "Spark stopped the application before the command finished (Cannot call methods on a stopped"
                + " SparkContext); Spark's log says why, and 'All masters are unresponsive' there means that the standalone"
                + " master could not be reached or refused the application, as it refuses one with another spark.authenticate.secret";
        assertEquals(expected, Main.sparkStopped(serialization, false));
        assertEquals(expected, Main.sparkStopped(stopped, false));
        assertEquals(expected.replace("Cannot call methods on a stopped SparkContext", "SparkContext has been shutdown"),
                Main.sparkStopped(new IllegalStateException("SparkContext has been shutdown"), false));
        assertEquals(expected.replace("Cannot call methods on a stopped SparkContext", "Job 3 cancelled because SparkContext was shut down"),
                Main.sparkStopped(new SparkException("Job 3 cancelled because SparkContext was shut down"), false));
    }

    @Test
    void anyFailureOfAJobWhoseContextSparkStoppedIsIt() {
        SparkException interrupted = new SparkException("Job aborted due to stage failure: Task serialization failed: "
                + "java.lang.InterruptedException\njava.lang.InterruptedException", new InterruptedException());
        assertEquals("Spark stopped the application before the command finished (Job aborted due to stage failure: Task serialization"
                + " failed: java.lang.InterruptedException); Spark's log says why, and 'All masters are unresponsive' there means that"
                + " the standalone master could not be reached or refused the application, as it refuses one with another"
                + " spark.authenticate.secret", Main.sparkStopped(interrupted, true));
        assertNull(Main.sparkStopped(interrupted, false));
    }

    @Test
    void otherFailuresAreNotTakenForIt() {
        assertNull(Main.sparkStopped(new IllegalStateException("packed 3 of 4 rows"), false));
        assertNull(Main.sparkStopped(new SparkException("Job aborted due to stage failure: Task 0 in stage 1.0 failed 4 times",
                new ArithmeticException("/ by zero")), false));
        assertNull(Main.sparkStopped(new RuntimeException((String) null), false));
    }
}
