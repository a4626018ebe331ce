package org.sparkprop.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.model.Model;

/**
 * A classifier trained by {@link SparkpropClassifier}: {@code rawPrediction} holds the natural logarithms of the
 * class probabilities (a softmax of them gives {@code probability} back), {@code prediction} the most probable
 * class index. Saves as a sparkprop model directory that the command line reads too.
 */
public final class SparkpropClassificationModel
        extends ProbabilisticClassificationModel<Vector, SparkpropClassificationModel>
        implements ModelFiles.Holder, MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Forward forward;
    private final ObjectNode history;

    SparkpropClassificationModel(String uid, Model model, ObjectNode history) {
        this(Uids.constructing(uid), model, history, true);
    }

    private SparkpropClassificationModel(String uid, Model model, ObjectNode history, boolean constructing) {
        this.uid = uid;
        Uids.done();
        this.forward = new Forward(model);
        this.history = history;
    }

    /** A model of {@code model} (a sparkprop model of classes, as {@code ModelStore.load} reads one), with a new uid. */
    public static SparkpropClassificationModel of(Model model) {
        Forward.requireKind(model, "SparkpropClassificationModel", LabelKind.CLASSES);
        return new SparkpropClassificationModel(Identifiable$.MODULE$.randomUID("sparkpropClassificationModel"), model, null);
    }

    @Override
    public String uid() {
        return uid != null ? uid : Uids.current();
    }

    @Override
    public Model sparkpropModel() {
        return forward.model();
    }

    @Override
    public ObjectNode trainingHistory() {
        return history == null ? null : history.deepCopy();
    }

    @Override
    public int numClasses() {
        return forward.outputs();
    }

    @Override
    public int numFeatures() {
        return forward.numFeatures();
    }

    @Override
    public Vector predictRaw(Vector features) {
        double[] p = forward.outputs(features);
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.log(p[i]);
        }
        return Vectors.dense(p);
    }

    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        double[] v = ((DenseVector) rawPrediction).values();
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= sum;
        }
        return rawPrediction;
    }

    /** Spark's training summaries are not kept; the Java compiler needs one of the two inherited declarations chosen. */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return super.transformSchema(Frames.asVectors(schema, getFeaturesCol()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        return super.transform(Frames.asVectors(dataset, getFeaturesCol()));
    }

    @Override
    public SparkpropClassificationModel copy(ParamMap extra) {
        return copyValues(new SparkpropClassificationModel(uid(), forward.model(), history), extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ModelFiles.Writer(this);
    }

    public static MLReader<SparkpropClassificationModel> read() {
        return new ModelFiles.Reader<>(SparkpropClassificationModel.class, (uid, model) -> new SparkpropClassificationModel(uid, model, null));
    }

    public static SparkpropClassificationModel load(String path) {
        return read().load(path);
    }
}
