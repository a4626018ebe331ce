package org.sparkprop.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.model.Model;

/** A regressor trained by {@link SparkpropRegressor}. Saves as a sparkprop model directory that the command line reads too. */
public final class SparkpropRegressionModel extends RegressionModel<Vector, SparkpropRegressionModel>
        implements ModelFiles.Holder, MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Forward forward;
    private final ObjectNode history;

    SparkpropRegressionModel(String uid, Model model, ObjectNode history) {
        this(Uids.constructing(uid), model, history, true);
    }

    private SparkpropRegressionModel(String uid, Model model, ObjectNode history, boolean constructing) {
        this.uid = uid;
        Uids.done();
        this.forward = new Forward(model);
        this.history = history;
    }

    /** A model of {@code model} (a sparkprop regression model of one target), with a new uid. */
    public static SparkpropRegressionModel of(Model model) {
        Forward.requireKind(model, "SparkpropRegressionModel", LabelKind.REGRESSION);
        if (model.topology().outputs() != 1) {
            throw new IllegalArgumentException("SparkpropRegressionModel holds a model of one target; this one has "
                    + model.topology().outputs() + " (use SparkpropMultiOutputModel)");
        }
        return new SparkpropRegressionModel(Identifiable$.MODULE$.randomUID("sparkpropRegressionModel"), model, null);
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
    public int numFeatures() {
        return forward.numFeatures();
    }

    @Override
    public double predict(Vector features) {
        return forward.outputs(features)[0];
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
    public SparkpropRegressionModel copy(ParamMap extra) {
        return copyValues(new SparkpropRegressionModel(uid(), forward.model(), history), extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ModelFiles.Writer(this);
    }

    public static MLReader<SparkpropRegressionModel> read() {
        return new ModelFiles.Reader<>(SparkpropRegressionModel.class, (uid, model) -> new SparkpropRegressionModel(uid, model, null));
    }

    public static SparkpropRegressionModel load(String path) {
        return read().load(path);
    }
}
