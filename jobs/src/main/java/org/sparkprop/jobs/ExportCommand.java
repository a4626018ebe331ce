package org.sparkprop.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparkprop.driver.HadoopFiles;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.model.ModelStore;
import org.sparkprop.predictor.ModelFile;

/**
 * {@code sparkprop export}: a model directory (also a Spark ML model's) as an ONNX file ({@link OnnxExport}); no
 * Spark needed. The file is written beside its place and renamed into it.
 */
final class ExportCommand implements Main.Command {
    static final String FORMAT = "onnx";

    @Override
    public Options options() {
        return new Options("export", "Writes a model directory as an ONNX model (IR version " + OnnxExport.IR_VERSION + ", opset "
                + OnnxExport.OPSET + ", float32) for ONNX Runtime and other ONNX tools; input 'features' [N, features], "
                + "outputs 'probabilities' (and 'class' for classes) or 'values' (regression).")
                .required("model", "DIR", "model directory written by train, or a Spark ML model saved by sparkprop's estimators")
                .value("format", "FORMAT", "the output format: onnx (default onnx)")
                .required("output", "FILE", "file to write (refused if it exists, unless --overwrite)")
                .flag("overwrite", "replace an existing output file (atomically)");
    }

    @Override
    public void run(Options o, PrintStream out) {
        String format = o.string("format", FORMAT);
        if (!format.toLowerCase(Locale.ROOT).equals(FORMAT)) {
            throw new UserException("--format " + format + " is not known; the export format is onnx");
        }
        Configuration conf = DataFlags.hadoopConf();
        String output = o.string("output");
        boolean overwrite = o.has("overwrite");
        HadoopFiles.checkAbsent(output, overwrite, "output", conf);
        ModelFile model = ModelStore.read(o.string("model"), conf);
        byte[] onnx = OnnxExport.toOnnx(model);
        Path target = new Path(output);
        try {
            HadoopFiles.replaceAtomically(HadoopFiles.withoutChecksums(target.getFileSystem(conf)), conf, target, onnx);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + output, e);
        }
        out.printf(Locale.ROOT, "wrote the ONNX model of %s (%d bytes, modelSha256 %s) to %s%n", model.topology(), onnx.length,
                model.modelSha256(), output);
    }
}
