package org.sparkprop.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Spark UI shows for a training run: every job's group and description, read back through a
 * SparkListener that Spark itself instantiates ({@code spark.extraListeners}) in a local[2] run of {@code train}.
 */
class SparkJobLabelsTest {
    @TempDir
    Path dir;

    /** One started job as the UI lists it. */
    record Job(String group, String description) {
    }

    /** Collects every job's group and description; Spark makes one per SparkContext through its no-argument constructor. */
    public static final class Recorder extends SparkListener {
        static final List<Job> JOBS = new ArrayList<>();

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            synchronized (JOBS) {
                JOBS.add(new Job(start.properties().getProperty("spark.jobGroup.id"), start.properties().getProperty("spark.job.description")));
            }
        }
    }

    @Test
    void everyJobOfATrainingRunHasAPhaseGroupAndADescription() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("user.dir"), "src/test/resources/data/iris.csv"));
        Path csv = Files.write(dir.resolve("iris.csv"), lines);
        int epochs = 2;
        int steps = 3; // 150 rows in batches of 50
        System.setProperty("spark.extraListeners", Recorder.class.getName());
        int status;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            synchronized (Recorder.JOBS) {
                Recorder.JOBS.clear();
            }
            status = Main.run(new String[] {"train", "--train", csv.toString(), "--label-col", "species", "--validation", csv.toString(),
                    "--output", dir.resolve("model").toString(), "--epochs", Integer.toString(epochs), "--batch-size", "50",
                    "--partitions", "2", "--master", "local[2]"},
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.clearProperty("spark.extraListeners");
        }
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        List<Job> jobs;
        synchronized (Recorder.JOBS) {
            jobs = List.copyOf(Recorder.JOBS); // stopping the SparkContext delivered every event
        }

        for (Job job : jobs) {
            assertTrue(job.group != null && job.description != null && !job.description.isBlank(), "unlabelled: " + job);
        }
        int loading = 0;
        while (loading < jobs.size() && jobs.get(loading).group.equals("load")) {
            assertTrue(jobs.get(loading).description.contains(csv.toString()), "a loading job names its data: " + jobs.get(loading));
            loading++;
        }
        assertTrue(loading >= 2, "training and validation data were read: " + jobs);

        // the data were read by sparkprop: the job that cached them counted each partition's rows, so training starts
        // with its first stage (no "train: cache data" job)
        List<Job> expected = new ArrayList<>();
        // local[2] with 2 partitions: the per-epoch exchange, one barrier stage's job per epoch (validation between)
        for (int e = 1; e <= epochs; e++) {
            expected.add(new Job("train", "train epoch " + e + "/" + epochs + ", steps " + ((e - 1) * steps + 1) + "-" + e * steps));
            expected.add(new Job("train", "validate epoch " + e + "/" + epochs));
        }
        expected.add(new Job("evaluate", "evaluate on training data"));
        expected.add(new Job("evaluate", "evaluate on validation data"));
        assertEquals(expected, jobs.subList(loading, jobs.size()));
    }
}
