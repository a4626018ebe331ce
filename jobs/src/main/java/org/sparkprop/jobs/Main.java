package org.sparkprop.jobs;

import java.io.PrintStream;
import java.util.Arrays;
import org.sparkprop.driver.UserException;

/**
 * The command line: {@code sparkprop <subcommand> [flags]}, the same under {@code spark-submit --class
 * org.sparkprop.jobs.Main <jar> <subcommand> ...} and through {@code deploy/bin/sparkprop}.
 * Exit status 0 on success, 2 for a user's mistake (one sentence on stderr, no stack trace), 1 for a bug.
 */
public final class Main {
    static final int OK = 0;
    static final int BUG = 1;
    static final int USER_ERROR = 2;

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != OK) {
            System.exit(status);
        }
    }

    /** Runs one command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(usage());
            return args.length == 0 ? USER_ERROR : OK;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        // models takes its action (and promote its version) before the flags.
        String modelsAction = args[0].equals("models") && rest.length > 0 && !rest[0].startsWith("--") ? rest[0] : null;
        Integer modelsVersion = null;
        if (modelsAction != null) {
            rest = Arrays.copyOfRange(rest, 1, rest.length);
            if (rest.length > 0 && rest[0].matches("\\d{1,9}")) {
                modelsVersion = Integer.valueOf(rest[0]);
                rest = Arrays.copyOfRange(rest, 1, rest.length);
            }
        }
        try {
            Command command = switch (args[0]) {
                case "train" -> new TrainCommand();
                case "evaluate" -> new EvaluateCommand();
                case "predict" -> new PredictCommand();
                case "bench" -> new BenchCommand();
                case "report" -> new ReportCommand();
                case "export" -> new ExportCommand();
                case "retrain" -> new RetrainCommand();
                case "models" -> {
                    if (modelsAction == null) {
                        throw new UserException("models needs an action: " + String.join(", ", ModelsCommand.ACTIONS)
                                + " (sparkprop models list --registry URI --name NAME)");
                    }
                    yield new ModelsCommand(modelsAction, modelsVersion);
                }
                default -> throw new UserException("unknown subcommand '" + args[0] + "'; expected train, evaluate, predict, report, export, retrain or models");
            };
            Options options = command.options();
            if (!options.parse(rest)) {
                out.print(options.usage());
                return OK;
            }
            command.run(options, out);
            return command.exitStatus();
        } catch (Exception e) { // Spark's Scala methods throw SparkException, a checked exception, undeclared
            UserException user = UserException.find(e);
            if (user != null) {
                err.println("sparkprop: " + user.getMessage());
                return USER_ERROR;
            }
            String stopped = sparkStopped(e, SparkRuntime.stoppedUnderTheCommand());
            if (stopped != null) {
                err.println("sparkprop: " + stopped);
                return USER_ERROR;
            }
            err.println("sparkprop: internal error (a bug; please report it with this trace):");
            e.printStackTrace(err);
            return BUG;
        }
    }

    /**
     * One sentence when {@code e} is Spark refusing work because its context was stopped under the command (Spark
     * gave the application up: a standalone master that cannot be reached or refuses it, a kill from Spark's UI, the
     * JVM shutting down), else null. Not a bug of sparkprop's, so no trace; Spark's own log lines say why.
     */
    static String sparkStopped(Throwable e, boolean contextStoppedBySpark) {
        String stopped = null;
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && (m.startsWith("SparkContext has been shutdown") || m.contains("stopped SparkContext")
                    || m.contains("because SparkContext was shut down"))) {
                stopped = m; // the innermost says it most plainly
            }
        }
        if (stopped == null && contextStoppedBySpark) {
            // Spark stopped the context under a job, which failed in a way of its own (seen: "Task serialization
            // failed: java.lang.InterruptedException" while a broadcast was stored); the outermost message says it.
            stopped = e.getMessage() != null ? e.getMessage() : e.toString();
        }
        if (stopped == null) {
            return null;
        }
        String why = stopped.lines().findFirst().orElse(stopped).strip().replaceAll("\\.$", "");
        return "Spark stopped the application before the command finished (" + why + "); Spark's log says why, and"
                + " 'All masters are unresponsive' there means that the standalone master could not be reached or refused"
                + " the application, as it refuses one with another spark.authenticate.secret";
    }

    static String usage() {
        return """
                usage: sparkprop <subcommand> [flags]

                Trains multilayer perceptrons by backpropagation on Apache Spark.

                subcommands:
                  train      train a network on LibSVM or CSV data (or a built-in data set) and write a model directory
                  evaluate   loss and metrics of a model on labelled data
                  predict    one prediction per row of data, written to a file
                  bench      BLAS, kernel and step timings, and training against Spark MLlib, as a table and JSON
                  report     an HTML training report (charts, confusion matrix, configuration) in a model directory
                  export     a model as an ONNX file, for ONNX Runtime and other ONNX tools
                  retrain    retrain a registered model on fresh data; publish the candidate only if it passes the gate
                  models     versions of a registered model: list, show, promote VERSION, rollback, gc, path

                'sparkprop <subcommand> --help' lists the flags of each.
                """;
    }

    /** One subcommand: its flags and what it does with them. */
    interface Command {
        Options options();

        void run(Options options, PrintStream out);

        /** The exit status after a run that did not throw: {@link #OK} unless the command says otherwise. */
        default int exitStatus() {
            return OK;
        }
    }
}
