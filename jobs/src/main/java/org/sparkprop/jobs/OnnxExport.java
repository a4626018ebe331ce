package org.sparkprop.jobs;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Topology;
import org.sparkprop.predictor.Json;
import org.sparkprop.predictor.ModelFile;
import org.sparkprop.predictor.ModelFormat;
import org.sparkprop.predictor.OutputKind;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

/**
 * A sparkprop model as an ONNX model (IR version {@value #IR_VERSION}, opset {@value #OPSET}, float32), built with
 * Tribuo's ONNX classes:
 * <pre>
 * features [N, inputs] float ─ Gemm(W₀, b₀) ─ activation ─ … ─ Gemm(W_L, b_L) ─ output activation ─ probabilities or values
 *                                                                            (classes: ─ ArgMax ─ class [N] int64)
 * </pre>
 * One {@code Gemm} per dense layer (our weights are the row-major [in, out] matrix Gemm takes as B, the bias its
 * C); activations {@code Relu}, {@code LeakyRelu} (alpha {@link Activation#LEAKY_SLOPE}), {@code Sigmoid},
 * {@code Tanh}, {@code Softmax} over the last axis, none for identity. Outputs by the model's kind: classes give
 * {@value #PROBABILITIES} [N, K] and {@value #CLASS} [N] (the first most probable class's index), binary and
 * multi-label give {@value #PROBABILITIES} [N, outputs], regression {@value #VALUES} [N, outputs]. The model's
 * metadata_props hold {@code kind}, {@code classes}, {@code featureNames} and {@code labelColumns} (JSON arrays),
 * {@code modelSha256} and {@code sparkpropVersion}.
 */
final class OnnxExport {
    static final long IR_VERSION = 8;
    static final int OPSET = 13;
    static final String FEATURES = "features";
    static final String PROBABILITIES = "probabilities";
    static final String CLASS = "class";
    static final String VALUES = "values";

    private OnnxExport() {
    }

    /** The ONNX model of {@code model}, as the bytes of its ModelProto. */
    static byte[] toOnnx(ModelFile model) {
        Topology topology = model.topology();
        OutputKind kind = model.schema().kind();
        ONNXContext context = new ONNXContext();
        context.setName("sparkprop");
        ONNXRef<?> x = context.floatInput(FEATURES, topology.inputs());
        double[] weights = model.weights();
        for (int l = 0; l < topology.layers(); l++) {
            int in = topology.size(l);
            int out = topology.size(l + 1);
            int weightOffset = topology.weightOffset(l);
            int biasOffset = topology.biasOffset(l);
            // W is in × out, row-major, as Gemm's B without transB
            ONNXInitializer w = context.floatTensor("W" + l, List.of(in, out), buffer -> {
                for (int i = 0; i < in * out; i++) {
                    buffer.put((float) weights[weightOffset + i]);
                }
            });
            float[] bias = new float[out];
            for (int j = 0; j < out; j++) {
                bias[j] = (float) weights[biasOffset + j];
            }
            ONNXInitializer b = context.array("b" + l, bias);
            x = x.apply(ONNXOperators.GEMM, List.of(w, b));
            x = activate(x, topology.activation(l));
        }
        String outputName = kind == OutputKind.REGRESSION ? VALUES : PROBABILITIES;
        ONNXRef<?> outputs = x.assignTo(context.floatOutput(outputName, topology.outputs()));
        OnnxMl.GraphProto.Builder graph = context.buildGraph().toBuilder();
        if (kind == OutputKind.CLASSES) {
            graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ArgMax").setName("argmax").setDomain("")
                    .addInput(outputs.getReference()).addOutput(CLASS)
                    .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1))
                    .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0))
                    .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("select_last_index").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0)));
            graph.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(CLASS).setType(OnnxMl.TypeProto.newBuilder()
                    .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.INT64.getNumber())
                            .setShape(OnnxMl.TensorShapeProto.newBuilder().addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))))));
        }
        OnnxMl.ModelProto.Builder onnx = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("sparkprop")
                .setProducerVersion(ModelFormat.sparkpropVersion())
                .setDocString("sparkprop model " + topology + "; outputs as sparkprop predict computes them, in float32")
                .setGraph(graph);
        metadata(onnx, "kind", kind.id());
        metadata(onnx, "classes", jsonArray(model.schema().classes()));
        metadata(onnx, "featureNames", jsonArray(model.schema().featureNames()));
        metadata(onnx, "labelColumns", jsonArray(model.schema().labelColumns()));
        metadata(onnx, "modelSha256", model.modelSha256());
        metadata(onnx, "sparkpropVersion", ModelFormat.sparkpropVersion());
        return onnx.build().toByteArray();
    }

    private static ONNXRef<?> activate(ONNXRef<?> x, Activation activation) {
        return switch (activation) {
            case IDENTITY -> x;
            case RELU -> x.apply(Op.RELU);
            case LEAKY_RELU -> x.apply(Op.LEAKY_RELU, Map.of("alpha", (float) Activation.LEAKY_SLOPE));
            case SIGMOID -> x.apply(ONNXOperators.SIGMOID);
            case TANH -> x.apply(Op.TANH);
            // over the last axis, the classes (opset 13's default, named for readers)
            case SOFTMAX -> x.apply(ONNXOperators.SOFTMAX, Map.of("axis", -1));
        };
    }

    private static void metadata(OnnxMl.ModelProto.Builder onnx, String key, String value) {
        onnx.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private static String jsonArray(List<String> texts) {
        try {
            return Json.MAPPER.writeValueAsString(texts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always written", e);
        }
    }

    /** The ONNX operators of ours that Tribuo's {@link ONNXOperators} does not list, in the default domain at opset 13. */
    private enum Op implements ONNXOperator {
        RELU("Relu", Map.of()),
        LEAKY_RELU("LeakyRelu", Map.of("alpha", new ONNXAttribute("alpha", OnnxMl.AttributeProto.AttributeType.FLOAT, false))),
        TANH("Tanh", Map.of());

        private final String name;
        private final Map<String, ONNXAttribute> attributes;

        Op(String name, Map<String, ONNXAttribute> attributes) {
            this.name = name;
            this.attributes = attributes;
        }

        @Override
        public String getOpName() {
            return name;
        }

        @Override
        public int getNumInputs() {
            return 1;
        }

        @Override
        public int getNumOptionalInputs() {
            return 0;
        }

        @Override
        public int getNumOutputs() {
            return 1;
        }

        @Override
        public Map<String, ONNXAttribute> getAttributes() {
            return attributes;
        }

        @Override
        public Set<String> getMandatoryAttributeNames() {
            return Set.of();
        }

        @Override
        public int getOpVersion() {
            return OPSET;
        }

        @Override
        public String getOpDomain() {
            return "";
        }
    }
}
