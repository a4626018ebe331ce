package org.sparkprop.jobs;

import java.io.PrintStream;

/** {@code sparkprop report}: writes report.html into an existing model directory; no Spark, no data needed. */
final class ReportCommand implements Main.Command {
    @Override
    public Options options() {
        return new Options("report", "Writes " + Report.FILE + " into a model directory: charts per epoch of the loss, the validation metric, "
                + "the learning rate, the gradient norm and the throughput, the confusion matrix (classification) or predicted against "
                + "actual values (regression), the configuration and the data summary; one HTML file that needs no network to view.")
                .required("model", "DIR", "model directory written by train (the report replaces an older one there)");
    }

    @Override
    public void run(Options o, PrintStream out) {
        out.println("report written to " + Report.write(o.string("model"), DataFlags.hadoopConf()));
    }
}
