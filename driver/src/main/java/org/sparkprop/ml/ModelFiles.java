package org.sparkprop.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.sparkprop.driver.model.Model;
import org.sparkprop.driver.model.ModelStore;
import scala.Option;

/**
 * How a Spark ML model of sparkprop's is saved: a sparkprop model directory ({@code model.json}, {@code weights.bin}
 * with its checksum, {@code training.json}), which {@code sparkprop evaluate --model} and {@code predict} read as
 * they are, plus Spark ML's {@code metadata/} (the class, uid and Params), which {@code PipelineModel.load} needs.
 * Both are written by {@link ModelStore#save} into one temporary sibling and renamed into place, so a failed save
 * leaves nothing behind.
 */
final class ModelFiles {
    private ModelFiles() {
    }

    /** A Spark ML model that holds a sparkprop model. */
    interface Holder extends Params {
        Model sparkpropModel();

        /** The per-epoch history, or null when none is known. */
        ObjectNode trainingHistory();
    }

    /** Writes a {@link Holder}. */
    static final class Writer extends MLWriter {
        private final Holder instance;

        Writer(Holder instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            ObjectNode history = instance.trainingHistory();
            ModelStore.save(instance.sparkpropModel(), path, history != null ? Map.of(ModelStore.TRAINING_FILE, history) : Map.of(),
                    false, sparkSession().sparkContext().hadoopConfiguration(),
                    temporary -> DefaultParamsWriter.saveMetadata(instance, temporary.toString(), sparkSession()));
        }
    }

    /** Reads what {@link Writer} wrote: checks the sparkprop model as ModelStore does, then sets the saved Params. */
    static final class Reader<M extends Holder> extends MLReader<M> {
        private final Class<M> type;
        private final BiFunction<String, Model, M> make;

        Reader(Class<M> type, BiFunction<String, Model, M> make) {
            this.type = type;
            this.make = make;
        }

        @Override
        public M load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(), type.getName());
            Model model = ModelStore.load(path, sparkSession().sparkContext().hadoopConfiguration());
            M instance = make.apply(metadata.uid(), model);
            metadata.getAndSetParams(instance, Option.empty());
            return instance;
        }
    }
}
