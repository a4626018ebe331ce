package org.sparkprop.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.model.Model;

/**
 * A model of several outputs trained by {@link SparkpropMultiOutput}: its prediction column holds a Vector, the
 * regression targets or each label's probability. Saves as a sparkprop model directory that the command line reads too.
 */
public final class SparkpropMultiOutputModel extends org.apache.spark.ml.Model<SparkpropMultiOutputModel>
        implements ModelFiles.Holder, MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Forward forward;
    private final ObjectNode history;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;

    SparkpropMultiOutputModel(String uid, Model model, ObjectNode history) {
        this(Uids.constructing(uid), model, history, true);
    }

    private SparkpropMultiOutputModel(String uid, Model model, ObjectNode history, boolean constructing) {
        this.uid = uid;
        Uids.done();
        this.forward = new Forward(model);
        this.history = history;
        featuresCol = new Param<>(uid, "featuresCol", "features column: a Vector or an array of numbers");
        predictionCol = new Param<>(uid, "predictionCol", "prediction column: a Vector, one value per output");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
    }

    /** A model of {@code model} (a sparkprop model of several regression targets or labels), with a new uid. */
    public static SparkpropMultiOutputModel of(Model model) {
        Forward.requireKind(model, "SparkpropMultiOutputModel", LabelKind.REGRESSION, LabelKind.MULTILABEL);
        return new SparkpropMultiOutputModel(Identifiable$.MODULE$.randomUID("sparkpropMultiOutputModel"), model, null);
    }

    @Override
    public String uid() {
        return uid != null ? uid : Uids.current();
    }

    @Override
    public Param<?>[] params() {
        Map<String, Param<?>> all = new LinkedHashMap<>();
        for (Param<?> p : SettingParams.params(this, null)) {
            all.put(p.name(), p);
        }
        if (featuresCol != null) {
            all.put(featuresCol.name(), featuresCol);
            all.put(predictionCol.name(), predictionCol);
        }
        return all.values().toArray(new Param<?>[0]);
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public SparkpropMultiOutputModel setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public SparkpropMultiOutputModel setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /** Outputs per row. */
    public int numOutputs() {
        return forward.outputs();
    }

    public int numFeatures() {
        return forward.numFeatures();
    }

    /** The outputs for one row's features. */
    public Vector predict(Vector features) {
        return Vectors.dense(forward.outputs(features));
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
    public StructType transformSchema(StructType schema) {
        StructType vectors = Frames.asVectors(schema, getOrDefault(featuresCol));
        if (!List.of(vectors.fieldNames()).contains(getOrDefault(featuresCol))
                || !(vectors.apply(getOrDefault(featuresCol)).dataType() instanceof VectorUDT)) {
            throw new IllegalArgumentException("the DataFrame has no features column " + getOrDefault(featuresCol)
                    + " holding Vectors or arrays of numbers");
        }
        return schema.add(getOrDefault(predictionCol), new VectorUDT(), false);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        Dataset<Row> frame = Frames.asVectors(dataset, getOrDefault(featuresCol));
        Forward f = forward;
        UserDefinedFunction predict = functions.udf((UDF1<Vector, Vector>) features -> Vectors.dense(f.outputs(features)), new VectorUDT());
        return frame.withColumn(getOrDefault(predictionCol), predict.apply(frame.col(getOrDefault(featuresCol))));
    }

    @Override
    public SparkpropMultiOutputModel copy(ParamMap extra) {
        return copyValues(new SparkpropMultiOutputModel(uid(), forward.model(), history), extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ModelFiles.Writer(this);
    }

    public static MLReader<SparkpropMultiOutputModel> read() {
        return new ModelFiles.Reader<>(SparkpropMultiOutputModel.class, (uid, model) -> new SparkpropMultiOutputModel(uid, model, null));
    }

    public static SparkpropMultiOutputModel load(String path) {
        return read().load(path);
    }
}
