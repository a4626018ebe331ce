package org.sparkprop.driver.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.UserException;
import org.sparkprop.kernels.Precision;

class ModelStoreTest {

    private static final Configuration CONF = new Configuration();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void roundTripThroughALocalPathIsBitIdentical() throws Exception {
        Model model = ModelFixtures.irisLike();
        Path dir = tmp.resolve("model");
        ModelStore.save(model, dir.toString(), Map.of(), false, CONF);

        Model loaded = ModelStore.load(dir.toString(), CONF);
        assertEquals(model, loaded);
        assertBitIdentical(model.weights(), loaded.weights());
        assertEquals(model.topology(), loaded.topology());
        assertEquals(model.schema(), loaded.schema());
        assertEquals(model.precision(), loaded.precision());
        assertEquals(model.training(), loaded.training());
        assertEquals(model.metrics(), loaded.metrics());
        assertEquals(List.of("model.json", "weights.bin"), list(dir));
        assertEquals(List.of("model"), list(tmp), "no temporary directory is left beside the model");
    }

    @Test
    void roundTripThroughAFileUri() {
        Model model = ModelFixtures.irisLike();
        String uri = tmp.resolve("model").toUri().toString();
        assertTrue(uri.startsWith("file:"), uri);
        ModelStore.save(model, uri, Map.of(), false, CONF);
        Model loaded = ModelStore.load(uri, CONF);
        assertEquals(model, loaded);
        assertBitIdentical(model.weights(), loaded.weights());
        assertEquals(model, ModelStore.load(tmp.resolve("model").toString(), CONF), "the URI and the path name one model");
    }

    @Test
    void filesHoldWhatTheFormatSays() throws Exception {
        Model model = ModelFixtures.irisLike();
        Path dir = tmp.resolve("model");
        ModelStore.save(model, dir.toString(), Map.of(), false, CONF);

        byte[] bin = Files.readAllBytes(dir.resolve("weights.bin"));
        double[] expected = model.weights();
        assertEquals(8L * expected.length, bin.length);
        double[] decoded = new double[expected.length];
        ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(decoded);
        assertBitIdentical(expected, decoded);

        ObjectNode json = (ObjectNode) JSON.readTree(dir.resolve("model.json").toFile());
        assertEquals("sparkprop-model", json.get("format").textValue());
        assertEquals(3, json.get("formatVersion").intValue());
        assertEquals(expected.length, json.get("parameterCount").intValue());
        assertEquals("weights.bin", json.at("/weights/file").textValue());
        assertEquals("float64-le", json.at("/weights/encoding").textValue());
        assertEquals(expected.length, json.at("/weights/count").intValue());
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bin));
        assertEquals(sha256, json.at("/weights/sha256").textValue());
        String described = "{\"topology\":{\"sizes\":[4,5,3],\"activations\":[\"tanh\",\"softmax\"],\"loss\":\"cross_entropy\"},"
                + "\"precision\":\"float\",\"schema\":{\"numFeatures\":4,"
                + "\"featureNames\":[\"sepal_length\",\"sepal_width\",\"petal_length\",\"petal_width\"],"
                + "\"labelColumns\":[\"species\"],\"labelKind\":\"classes\",\"classes\":[\"setosa\",\"versicolor\",\"virginica\"],"
                + "\"outputs\":3},\"weights\":{\"count\":43,\"sha256\":\"" + sha256 + "\"}}";
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(described.getBytes(StandardCharsets.UTF_8))),
                json.get("modelSha256").textValue(), "modelSha256 is the SHA-256 of the compact description");
        assertEquals("float", json.get("precision").textValue());
        assertEquals("cross_entropy", json.at("/topology/loss").textValue());
        assertEquals("classes", json.at("/schema/labelKind").textValue());
        assertEquals(model.training(), json.get("training"));
        assertEquals(model.metrics(), json.get("metrics"));
        assertTrue(json.get("createdAt").isTextual());
        assertTrue(json.get("sparkpropVersion").isTextual());
    }

    @Test
    void extraJsonFilesAreSavedAndTheTrainingHistoryReadsBack() throws Exception {
        Path dir = tmp.resolve("model");
        ObjectNode history = ModelFixtures.irisLikeHistory();
        ModelStore.save(ModelFixtures.irisLike(), dir.toString(), Map.of("training.json", history), false, CONF);
        assertEquals(List.of("model.json", "training.json", "weights.bin"), list(dir));
        assertEquals(history, ModelStore.readTrainingHistory(dir.toString(), CONF));

        Path bare = tmp.resolve("bare");
        ModelStore.save(ModelFixtures.irisLike(), bare.toString(), Map.of(), false, CONF);
        UserException e = assertThrows(UserException.class, () -> ModelStore.readTrainingHistory(bare.toString(), CONF));
        assertEquals("model " + bare.resolve("training.json") + ": file not found", e.getMessage());
    }

    @Test
    void extraFileNamesMustBePlainJsonNames() {
        for (String name : List.of("model.json", "../escape.json", "sub/x.json", "notes.txt", ".hidden.json")) {
            assertThrows(IllegalArgumentException.class, () -> ModelStore.save(ModelFixtures.irisLike(),
                    tmp.resolve("m").toString(), Map.of(name, ModelJson.newObject()), false, CONF), name);
        }
        assertFalse(Files.exists(tmp.resolve("m")));
    }

    @Test
    void anExistingDirectoryIsRefusedWithoutOverwrite() throws Exception {
        Path dir = tmp.resolve("model");
        Model first = ModelFixtures.irisLike();
        ModelStore.save(first, dir.toString(), Map.of(), false, CONF);
        UserException e = assertThrows(UserException.class,
                () -> ModelStore.save(other(first), dir.toString(), Map.of(), false, CONF));
        assertEquals("model directory " + dir + " already exists; pass --overwrite to replace it", e.getMessage());
        assertEquals(first, ModelStore.load(dir.toString(), CONF));
        assertEquals(List.of("model"), list(tmp));
    }

    @Test
    void overwriteReplacesTheWholeDirectory() throws Exception {
        Path dir = tmp.resolve("model");
        Model first = ModelFixtures.irisLike();
        ModelStore.save(first, dir.toString(), Map.of("training.json", ModelFixtures.irisLikeHistory()), false, CONF);
        Model second = other(first);
        ModelStore.save(second, dir.toString(), Map.of(), true, CONF);

        Model loaded = ModelStore.load(dir.toString(), CONF);
        assertEquals(second, loaded);
        assertBitIdentical(second.weights(), loaded.weights());
        assertEquals(List.of("model.json", "weights.bin"), list(dir), "the old training.json went with the old model");
        assertEquals(List.of("model"), list(tmp), "neither the old model nor the temporary directory is left");
    }

    @Test
    void overwriteRefusesADirectoryThatIsNotAModel() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        UserException e = assertThrows(UserException.class,
                () -> ModelStore.save(ModelFixtures.irisLike(), dir.toString(), Map.of(), true, CONF));
        assertEquals("model directory " + dir + " holds files but no model.json, so it is not a sparkprop model; refusing to replace it",
                e.getMessage());
        assertEquals("keep me", Files.readString(dir.resolve("notes.txt")));

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ModelStore.save(ModelFixtures.irisLike(), empty.toString(), Map.of(), true, CONF);
        assertEquals(ModelFixtures.irisLike(), ModelStore.load(empty.toString(), CONF));
    }

    @Test
    void aFailedSaveLeavesTheOldModelAndNoTemporaryDirectory() throws Exception {
        Path dir = tmp.resolve("model");
        Model first = ModelFixtures.irisLike();
        ModelStore.save(first, dir.toString(), Map.of(), false, CONF);
        // Jackson cannot write a plain Object, so the save fails after weights.bin is written
        ObjectNode unwritable = ModelJson.newObject();
        unwritable.putPOJO("value", new Object());
        UserException e = assertThrows(UserException.class, () ->
                ModelStore.save(other(first), dir.toString(), Map.of("training.json", unwritable), true, CONF));
        assertTrue(e.getMessage().startsWith("cannot write model directory " + dir + ": "), e.getMessage());
        assertEquals(first, ModelStore.load(dir.toString(), CONF));
        assertEquals(List.of("model"), list(tmp));

        Path fresh = tmp.resolve("fresh");
        assertThrows(UserException.class, () ->
                ModelStore.save(first, fresh.toString(), Map.of("training.json", unwritable), false, CONF));
        assertEquals(List.of("model"), list(tmp), "nothing is left of the failed save");
    }

    @Test
    void aTruncatedWeightsFileIsRefused() throws Exception {
        Path dir = saved();
        Path bin = dir.resolve("weights.bin");
        try (RandomAccessFile file = new RandomAccessFile(bin.toFile(), "rw")) {
            file.setLength(file.length() - 3);
        }
        assertRefused(dir, "model " + bin + ": the file is 341 bytes but model.json says it holds 43 weights of 8 bytes"
                + " (344 bytes); it is truncated or damaged");
    }

    @Test
    void aFlippedByteInTheWeightsIsRefused() throws Exception {
        Path dir = saved();
        Path bin = dir.resolve("weights.bin");
        byte[] bytes = Files.readAllBytes(bin);
        bytes[100] ^= 0x01;
        Files.write(bin, bytes);
        assertRefused(dir, "model " + bin + ": checksum does not match the sha256 in model.json (file damaged or altered)");
    }

    @Test
    void aNonFiniteWeightWithAMatchingChecksumIsRefused() throws Exception {
        Path dir = saved();
        Path bin = dir.resolve("weights.bin");
        byte[] bytes = Files.readAllBytes(bin);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putDouble(5 * 8, Double.NaN);
        Files.write(bin, bytes);
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(bytes);
        Model model = ModelFixtures.irisLike();
        editModelJson(dir, json -> {
            ((ObjectNode) json.get("weights")).put("sha256", HexFormat.of().formatHex(sha256));
            json.put("modelSha256", ModelStore.modelSha256(model.topology(), model.precision(), model.schema(), 43, sha256));
        });
        assertRefused(dir, "model " + bin + ": weight 5 is NaN; a model's weights must be finite");
    }

    @Test
    void aModelClaimingATrillionParametersIsRefusedBeforeAllocating() throws Exception {
        Path dir = saved();
        editModelJson(dir, json -> {
            ObjectNode topology = json.putObject("topology");
            topology.putArray("sizes").add(1_000_000).add(1_000_000);
            topology.putArray("activations").add("identity");
            topology.put("loss", "mse");
            json.put("parameterCount", 1_000_001_000_000L);
            ((ObjectNode) json.get("weights")).put("count", 1_000_001_000_000L);
        });
        assertRefused(dir, "model " + dir.resolve("model.json") + ": topology: the network [1000000, 1000000] has"
                + " 1000001000000 parameters; at most 1073741824 are supported");
    }

    @Test
    void aWeightCountBeyondTheLimitIsRefused() throws Exception {
        Path dir = saved();
        editModelJson(dir, json -> ((ObjectNode) json.get("weights")).put("count", 1_000_000_000_000L));
        assertRefused(dir, "model " + dir.resolve("model.json") + ": weights.count must be an integer from 1 to 1073741824, got 1000000000000");
    }

    @Test
    void countsThatDisagreeAreRefused() throws Exception {
        Path dir = saved();
        editModelJson(dir, json -> json.put("parameterCount", 44));
        assertRefused(dir, "model " + dir.resolve("model.json") + ": parameterCount is 44 but the network"
                + " 4 -tanh-> 5 -softmax-> 3 (loss cross_entropy) has 43 parameters");
        editModelJson(dir, json -> {
            json.put("parameterCount", 43);
            ((ObjectNode) json.get("weights")).put("count", 42);
        });
        assertRefused(dir, "model " + dir.resolve("model.json") + ": weights.count is 42 but parameterCount is 43");
    }

    @Test
    void aMissingModelJsonIsRefused() throws Exception {
        Path dir = saved();
        Files.delete(dir.resolve("model.json"));
        assertRefused(dir, "model " + dir.resolve("model.json") + ": file not found");
        Path nowhere = tmp.resolve("nowhere");
        assertRefused(nowhere, "model directory " + nowhere + " does not exist");
    }

    @Test
    void aNewerFormatVersionIsRefusedNamingTheVersionThisBuildReads() throws Exception {
        Path dir = saved();
        editModelJson(dir, json -> json.put("formatVersion", 99).put("sparkpropVersion", "9.0.0"));
        assertRefused(dir, "model " + dir.resolve("model.json") + ": written in format version 99 by sparkprop 9.0.0;"
                + " this build (sparkprop " + ModelStore.sparkpropVersion() + ") reads format version 3 only,"
                + " so load it with a newer sparkprop");
        editModelJson(dir, json -> json.put("sparkpropVersion", "9.0\nrun me"));
        assertRefused(dir, "model " + dir.resolve("model.json") + ": written in format version 99;"
                + " this build (sparkprop " + ModelStore.sparkpropVersion() + ") reads format version 3 only,"
                + " so load it with a newer sparkprop");
    }

    @Test
    void aFileOfAnotherFormatIsRefused() throws Exception {
        Path dir = saved();
        editModelJson(dir, json -> json.put("format", "keras"));
        assertRefused(dir, "model " + dir.resolve("model.json") + ": not a sparkprop model file (format is \"keras\","
                + " expected \"sparkprop-model\")");
    }

    @Test
    void malformedJsonIsRefused() throws Exception {
        Path dir = saved();
        Files.writeString(dir.resolve("model.json"), "{\"format\": \"sparkprop-model\",\n  \"formatVersion\": 1,\n  \"topology\": {");
        UserException e = refused(dir);
        String prefix = "model " + dir.resolve("model.json") + ": not valid JSON at line 3, column ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());

        Files.writeString(dir.resolve("model.json"), "{\"format\": \"a\", \"format\": \"b\"}");
        assertTrue(refused(dir).getMessage().contains("Duplicate field 'format'"));
        Files.writeString(dir.resolve("model.json"), "[1, 2]");
        assertRefused(dir, "model " + dir.resolve("model.json") + ": the file must hold a JSON object, got [1,2]");
        Files.writeString(dir.resolve("model.json"), "");
        assertRefused(dir, "model " + dir.resolve("model.json") + ": the file is empty");
        Files.writeString(dir.resolve("model.json"), "{\"training\": " + "[".repeat(100) + "]".repeat(100) + "}");
        String deep = refused(dir).getMessage();
        assertTrue(deep.startsWith("model " + dir.resolve("model.json") + ": not valid JSON: Document nesting depth (65)"
                + " exceeds the maximum allowed (64"), deep);
    }

    @Test
    void anOversizedModelJsonIsRefusedBeforeParsing() throws Exception {
        Path dir = saved();
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("model.json").toFile(), "rw")) {
            file.setLength(ModelStore.MAX_MODEL_JSON_BYTES + 1);
        }
        assertRefused(dir, "model " + dir.resolve("model.json") + ": the file is 16777217 bytes, more than the 16777216 allowed");
    }

    @Test
    void aSchemaThatDoesNotFitTheTopologyIsRefused() throws Exception {
        Path dir = saved();
        editModelJson(dir, json -> ((ObjectNode) json.get("schema")).put("outputs", 4));
        assertRefused(dir, "model " + dir.resolve("model.json") + ": the schema has 4 outputs but the network"
                + " 4 -tanh-> 5 -softmax-> 3 (loss cross_entropy) has 3");
        editModelJson(dir, json -> ((ObjectNode) json.get("schema")).put("outputs", 3).put("numFeatures", 3).putArray("featureNames"));
        assertRefused(dir, "model " + dir.resolve("model.json") + ": the schema has 3 features but the network"
                + " 4 -tanh-> 5 -softmax-> 3 (loss cross_entropy) has 4 inputs");
    }

    @Test
    void fieldsOfTheWrongTypeAreRefusedNamingTheField() throws Exception {
        Path dir = saved();
        String source = "model " + dir.resolve("model.json");
        editModelJson(dir, json -> json.put("precision", "half"));
        assertRefused(dir, source + ": precision must be one of float, double, got \"half\"");
        editModelJson(dir, json -> json.put("precision", "double").remove("metrics"));
        assertRefused(dir, source + ": metrics is missing");
        editModelJson(dir, json -> json.put("metrics", 3));
        assertRefused(dir, source + ": metrics must be a JSON object, got 3");
        editModelJson(dir, json -> {
            json.putObject("metrics");
            ((ObjectNode) json.get("weights")).put("file", "../../etc/passwd");
        });
        assertRefused(dir, source + ": weights.file must be \"weights.bin\", got \"../../etc/passwd\"");
        editModelJson(dir, json -> ((ObjectNode) json.get("weights")).put("file", "weights.bin").put("sha256", "xyz"));
        assertRefused(dir, source + ": weights.sha256 must be 64 hexadecimal digits, got \"xyz\"");
    }

    /**
     * Damage that leaves model.json well-formed and consistent, such as a changed class label or activation,
     * would change what the model predicts; modelSha256 catches it.
     */
    @Test
    void aChangedDescriptionIsRefusedByModelSha256() throws Exception {
        Path dir = saved();
        String source = "model " + dir.resolve("model.json");
        String altered = source + ": modelSha256 does not match the topology, precision, schema and weights the file"
                + " describes (file damaged or altered)";
        editModelJson(dir, json -> ((ArrayNode) json.at("/schema/classes")).set(1, TextNode.valueOf("versicolour")));
        assertRefused(dir, altered);
        editModelJson(dir, json -> ((ArrayNode) json.at("/schema/classes")).set(1, TextNode.valueOf("versicolor")));
        assertEquals(ModelFixtures.irisLike(), ModelStore.load(dir.toString(), CONF), "undone, it loads again");
        editModelJson(dir, json -> ((ArrayNode) json.at("/topology/activations")).set(0, TextNode.valueOf("relu")));
        assertRefused(dir, altered);
        editModelJson(dir, json -> ((ArrayNode) json.at("/topology/activations")).set(0, TextNode.valueOf("tanh")));
        editModelJson(dir, json -> json.put("precision", "double"));
        assertRefused(dir, altered);
        editModelJson(dir, json -> json.put("precision", "float").put("modelSha256", "0".repeat(64)));
        assertRefused(dir, altered);
        editModelJson(dir, json -> json.put("modelSha256", "abc"));
        assertRefused(dir, source + ": modelSha256 must be 64 hexadecimal digits, got \"abc\"");
        editModelJson(dir, json -> json.remove("modelSha256"));
        assertRefused(dir, source + ": modelSha256 is missing");
    }

    @Test
    void whatModelSha256DoesNotCoverMayChange() throws Exception {
        Path dir = saved();
        editModelJson(dir, json -> {
            json.put("createdAt", "yesterday");
            ((ObjectNode) json.get("metrics")).put("note", "checked by hand");
            ((ObjectNode) json.get("weights")).put("sha256", json.at("/weights/sha256").textValue().toUpperCase(Locale.ROOT));
        });
        Model loaded = ModelStore.load(dir.toString(), CONF);
        Model saved = ModelFixtures.irisLike();
        assertEquals("checked by hand", loaded.metrics().get("note").textValue());
        assertEquals(new Model(saved.topology(), saved.precision(), saved.schema(), saved.weights(), saved.training(),
                loaded.metrics()), loaded);
    }

    @Test
    void aVersion1FileWithoutModelSha256Loads() throws Exception {
        Path dir = saved();
        editModelJson(dir, json -> json.put("formatVersion", 1).remove("modelSha256"));
        assertEquals(ModelFixtures.irisLike(), ModelStore.load(dir.toString(), CONF));
    }

    @Test
    void aLongNetworkIsNotSpelledOutInTheMessage() throws Exception {
        Path dir = saved();
        editModelJson(dir, json -> {
            ArrayNode sizes = ((ObjectNode) json.get("topology")).putArray("sizes").add(4);
            ArrayNode activations = ((ObjectNode) json.get("topology")).putArray("activations");
            for (int l = 0; l < 1000; l++) {
                sizes.add(2);
                activations.add("relu");
            }
            sizes.add(3);
            activations.add("softmax");
        });
        assertRefused(dir, "model " + dir.resolve("model.json") + ": parameterCount is 43 but the network"
                + " 4 -relu-> … (1001 dense layers) … -softmax-> 3 (loss cross_entropy) has 6013 parameters");
    }

    @Test
    void aBlankDirectoryNameIsAUserError() {
        UserException e = assertThrows(UserException.class, () -> ModelStore.load(" ", CONF));
        assertEquals("the model directory must be given, got ' '", e.getMessage());
    }

    /** The model with its weights shifted and other metrics: equal in shape, different in content. */
    private static Model other(Model model) {
        double[] weights = model.weights();
        for (int i = 0; i < weights.length; i++) {
            weights[i] += 1.0;
        }
        return new Model(model.topology(), Precision.DOUBLE, model.schema(), weights, model.training(),
                ModelJson.object(Map.of("trainLoss", 0.5)));
    }

    private Path saved() {
        Path dir = tmp.resolve("model");
        ModelStore.save(ModelFixtures.irisLike(), dir.toString(), Map.of(), false, CONF);
        return dir;
    }

    private static void editModelJson(Path dir, Consumer<ObjectNode> edit) throws IOException {
        Path file = dir.resolve("model.json");
        ObjectNode json = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(json);
        JSON.writeValue(file.toFile(), json);
    }

    private static UserException refused(Path dir) {
        return assertThrows(UserException.class, () -> ModelStore.load(dir.toString(), CONF));
    }

    private static void assertRefused(Path dir, String message) {
        assertEquals(message, refused(dir).getMessage());
    }

    private static void assertBitIdentical(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        long[] expectedBits = new long[expected.length];
        long[] actualBits = new long[actual.length];
        for (int i = 0; i < expected.length; i++) {
            expectedBits[i] = Double.doubleToRawLongBits(expected[i]);
            actualBits[i] = Double.doubleToRawLongBits(actual[i]);
        }
        assertArrayEquals(expectedBits, actualBits);
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
