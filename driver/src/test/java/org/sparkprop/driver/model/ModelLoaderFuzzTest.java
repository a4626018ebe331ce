package org.sparkprop.driver.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkprop.driver.UserException;
import org.sparkprop.driver.data.LabelKind;
import org.sparkprop.driver.data.Schema;
import org.sparkprop.kernels.Activation;
import org.sparkprop.kernels.Loss;
import org.sparkprop.kernels.Network;
import org.sparkprop.kernels.Precision;
import org.sparkprop.kernels.Topology;

/**
 * Fuzzes {@link ModelStore#load} with {@value #MUTANTS} damaged copies of two saved models, deterministically from
 * {@value #SEED}: model.json gets bit flips, byte replacements, deleted and duplicated runs, truncation, numbers
 * replaced by huge, negative or fractional ones, strings swapped with other strings of the file, values of the
 * wrong type, removed and added fields, and topologies and counts inflated (consistently with each other or not);
 * weights.bin gets bit flips, truncation, extension, deletion, and non-finite weights under a matching checksum.
 *
 * <p>Every mutant must either be refused with a {@link UserException} whose message is one line naming the file,
 * or load as a model that predicts bit for bit like the original on fixed rows and has the same topology,
 * precision, schema and weights (training configuration and metrics, which no prediction reads, may differ).
 * Anything else fails the test: another exception type (an OutOfMemoryError included), a load that allocates
 * more than {@value #ALLOCATION_PER_BYTE} bytes per byte of the mutant's files beyond twice what loading the
 * original takes (so no claimed size, only the files' real size, can make it allocate; counted by the JVM per
 * thread, the lesser of two loads when the first is over), or a load still running after {@value #HANG_SECONDS} s
 * (a hang guard, far above the sub-millisecond loads). The counts of outcomes and of refusal reasons are printed.
 */
class ModelLoaderFuzzTest {

    private static final long SEED = 20260501L;
    /** The issue asks for at least 10,000. */
    private static final int MUTANTS = 10_000;
    private static final int HANG_SECONDS = 10;
    /**
     * Bytes a load may allocate per byte of the mutant's files, beyond twice the original's allocation: a JSON
     * tree alone takes about 8 per byte of its text.
     */
    private static final long ALLOCATION_PER_BYTE = 32;
    /** Longest refusal message accepted: one sentence. */
    private static final int MAX_MESSAGE_CHARS = 400;
    private static final int ROWS = 6;
    private static final Configuration CONF = new Configuration();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    private static final Pattern STRING = Pattern.compile("\"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\"");
    private static final byte[] AWKWARD_BYTES = "{}[]\",:-.019eE\\ \n\tn".getBytes(StandardCharsets.US_ASCII);
    private static final String[] AWKWARD_NUMBERS = {
        "0", "-0", "-1", "2", "-2147483648", "2147483647", "2147483648", "4294967297", "1073741825",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e9", "1E2", "1e308", "1e400",
        "-1e400", "0.5", "4.0", "4.5", "3e0", "0x10", "NaN", "9".repeat(1200),
    };

    @TempDir
    Path tmp;

    /** A saved model and what it predicts on the fixed rows. */
    private record Original(Model model, byte[] json, byte[] weights, String sha256, float[] rows, long[] predictions) {
    }

    /** The two files of one mutant (weights null when deleted) and what was done to them, for the failure report. */
    private static final class Mutant {
        byte[] json;
        byte[] weights;
        final List<String> steps = new ArrayList<>();

        Mutant(Original original) {
            json = original.json.clone();
            weights = original.weights.clone();
        }
    }

    private record Attempt(Model loaded, Throwable thrown, long allocatedBytes) {
    }

    @Test
    void everyMutantIsRefusedClearlyOrLoadsAsTheSameModel() throws Exception {
        List<Original> originals = List.of(original("iris", ModelFixtures.irisLike()), original("regression", regression()));
        Path dir = tmp.resolve("mutant");
        Files.createDirectories(dir);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ExecutorService loader = Executors.newSingleThreadExecutor();
        try {
            long baseline = 0;
            for (int warmUp = 0; warmUp < 200; warmUp++) {
                Original original = originals.get(warmUp % originals.size());
                write(dir, original.json, original.weights);
                Attempt attempt = loader.submit(() -> attempt(dir, threads)).get(HANG_SECONDS, TimeUnit.SECONDS);
                assertEquals(original.model, attempt.loaded, "the original loads");
                baseline = Math.max(baseline, attempt.allocatedBytes);
            }

            Map<String, Integer> outcomes = new TreeMap<>();
            Map<String, Integer> reasons = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            double worstExtraAllocationPerByte = 0;
            long start = System.nanoTime();
            for (int i = 0; i < MUTANTS; i++) {
                Original original = originals.get(i % originals.size());
                Mutant mutant = mutate(original, new Random(SEED * 1_000_003L + i));
                write(dir, mutant.json, mutant.weights);
                Future<Attempt> pending = loader.submit(() -> attempt(dir, threads));
                Attempt attempt;
                try {
                    attempt = pending.get(HANG_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    loader.shutdownNow();
                    fail("mutant " + i + " still loading after " + HANG_SECONDS + " s: " + mutant.steps);
                    return;
                }
                long size = mutant.json.length + (mutant.weights == null ? 0 : mutant.weights.length);
                long allocated = attempt.allocatedBytes;
                if (allocated > 2 * baseline + ALLOCATION_PER_BYTE * size) {
                    // the first run of a code path also loads classes and runs interpreted: what the file costs is
                    // what a second load of it allocates
                    allocated = Math.min(allocated, loader.submit(() -> attempt(dir, threads)).get(HANG_SECONDS, TimeUnit.SECONDS).allocatedBytes);
                }
                worstExtraAllocationPerByte = Math.max(worstExtraAllocationPerByte, (allocated - 2 * baseline) / (double) size);
                if (allocated > 2 * baseline + ALLOCATION_PER_BYTE * size) {
                    failures.add("mutant " + i + " " + mutant.steps + ": the load allocated " + allocated
                            + " bytes for " + size + " bytes of files (the original's load: " + baseline + ")");
                }
                String outcome = classify(original, dir, attempt, mutant, i, failures);
                outcomes.merge(outcome, 1, Integer::sum);
                if (outcome.equals("refused")) {
                    reasons.merge(reason(attempt.thrown.getMessage(), dir), 1, Integer::sum);
                }
            }

            System.out.printf("model loader fuzz: %d mutants (seed %d) in %.1f s: %s; a load allocated at most twice the"
                    + " original's %d bytes plus %.1f per byte of its files%n", MUTANTS, SEED, (System.nanoTime() - start) / 1e9,
                    outcomes, baseline, worstExtraAllocationPerByte);
            reasons.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(reason -> System.out.printf("%7d  %s%n", reason.getValue(), reason.getKey()));
            assertTrue(failures.isEmpty(), failures.size() + " mutants misbehaved, the first ones:\n"
                    + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
            assertEquals(MUTANTS, outcomes.values().stream().mapToInt(Integer::intValue).sum());
            for (String outcome : List.of("refused", "loaded the same model", "loaded the same model, other training or metrics")) {
                assertTrue(outcomes.getOrDefault(outcome, 0) > 0, "the mutants reach the outcome '" + outcome + "': " + outcomes);
            }
        } finally {
            loader.shutdownNow();
        }
    }

    /** Loads the model in dir, counting the bytes this thread allocates meanwhile. */
    private static Attempt attempt(Path dir, com.sun.management.ThreadMXBean threads) {
        long before = threads.getCurrentThreadAllocatedBytes();
        Model loaded = null;
        Throwable thrown = null;
        try {
            loaded = ModelStore.load(dir.toString(), CONF);
        } catch (Throwable t) {
            thrown = t;
        }
        return new Attempt(loaded, thrown, threads.getCurrentThreadAllocatedBytes() - before);
    }

    /** The outcome's name, after adding to failures what is wrong with it. */
    private static String classify(Original original, Path dir, Attempt attempt, Mutant mutant, int index, List<String> failures) {
        String what = "mutant " + index + " " + mutant.steps;
        if (attempt.thrown != null) {
            Throwable thrown = attempt.thrown;
            String message = thrown.getMessage();
            if (thrown.getClass() != UserException.class) {
                failures.add(what + ": threw " + thrown);
            } else if (message.contains("\n") || message.contains("\r")) {
                failures.add(what + ": a message of several lines: " + message);
            } else if (message.length() > MAX_MESSAGE_CHARS) {
                failures.add(what + ": a message of " + message.length() + " characters: " + message.substring(0, 200) + "…");
            } else if (!message.contains(dir.resolve(ModelStore.MODEL_FILE).toString())
                    && !message.contains(dir.resolve(ModelStore.WEIGHTS_FILE).toString())) {
                failures.add(what + ": the message names neither file: " + message);
            }
            return "refused";
        }
        Model loaded = attempt.loaded;
        Model expected = original.model;
        if (!loaded.topology().equals(expected.topology()) || loaded.precision() != expected.precision()
                || !loaded.schema().equals(expected.schema())
                || !Arrays.equals(bits(loaded.weights()), bits(expected.weights()))) {
            failures.add(what + ": loaded a different model: " + loaded + " " + loaded.schema());
            return "loaded a different model";
        }
        long[] predictions = bits(predict(Network.create(loaded.topology(), loaded.precision()), loaded.weights(), original.rows));
        if (!Arrays.equals(predictions, original.predictions)) {
            failures.add(what + ": loaded a model that predicts differently");
            return "loaded a model that predicts differently";
        }
        return loaded.equals(expected) ? "loaded the same model" : "loaded the same model, other training or metrics";
    }

    /** A refusal message with the directory, numbers and quoted values taken out, cut short: a reason to count. */
    private static String reason(String message, Path dir) {
        String reason = message.replace(dir.toString() + "/", "")
                .replaceAll("\"[^\"]*\"|'[^']*'", "…")
                .replaceAll("[0-9]+", "#");
        return reason.length() <= 90 ? reason : reason.substring(0, 90) + "…";
    }

    private Original original(String name, Model model) throws IOException {
        Path dir = tmp.resolve(name);
        ModelStore.save(model, dir.toString(), Map.of(), false, CONF);
        byte[] weights = Files.readAllBytes(dir.resolve(ModelStore.WEIGHTS_FILE));
        String sha256 = HexFormat.of().formatHex(sha256(weights));
        Random random = new Random(7);
        float[] rows = new float[ROWS * model.topology().inputs()];
        for (int i = 0; i < rows.length; i++) {
            // the last row's inputs are large enough to saturate tanh and push the softmax to 0 and 1
            rows[i] = (float) (i >= rows.length - model.topology().inputs() ? 500 * random.nextGaussian() : random.nextGaussian());
        }
        long[] predictions = bits(predict(Network.create(model.topology(), model.precision()), model.weights(), rows));
        // The mutants must be the same in every run, but the file holds the time it was written, and the training
        // configuration and metrics in the order of a Map.of, which changes from run to run: neither is checked
        // by the loader, so they are fixed here.
        ObjectNode json = (ObjectNode) JSON.readTree(dir.resolve(ModelStore.MODEL_FILE).toFile());
        json.put("createdAt", "2026-05-01T00:00:00.000Z");
        json.set("training", sorted(json.get("training")));
        json.set("metrics", sorted(json.get("metrics")));
        return new Original(model, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json), weights, sha256, rows, predictions);
    }

    /** 3 -relu-> 6 -tanh-> 4 -identity-> 2 in double precision, for two regression targets. */
    private static Model regression() {
        Topology topology = new Topology(new int[] {3, 6, 4, 2}, new Activation[] {Activation.RELU, Activation.TANH, Activation.IDENTITY}, Loss.MSE);
        Schema schema = new Schema(3, List.of("a", "b", "c"), List.of("y1", "y2"), LabelKind.REGRESSION, List.of(), 2);
        double[] weights = new double[topology.parameterCount()];
        Random random = new Random(11);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = random.nextGaussian();
        }
        ObjectNode training = ModelJson.object(Map.of("optimizer", "sgd", "learningRate", 0.01, "epochs", 3));
        ObjectNode metrics = ModelJson.object(Map.of("trainLoss", 1.25, "trainRmse", 1.118));
        return new Model(topology, Precision.DOUBLE, schema, weights, training, metrics);
    }

    private static <A> double[] predict(Network<A> network, double[] weights, float[] rows) {
        int n = rows.length / network.topology().inputs();
        double[] out = new double[n * network.topology().outputs()];
        network.evaluate(network.toCompute(weights), rows, null, 0, n, out, network.newWorkspace(n));
        return out;
    }

    /** One to three mutations, mostly one, of model.json, weights.bin or both; never a copy of the original. */
    private static Mutant mutate(Original original, Random random) {
        Mutant mutant = new Mutant(original);
        int mutations = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
        while (mutant.steps.size() < mutations
                || (Arrays.equals(mutant.json, original.json) && Arrays.equals(mutant.weights, original.weights))) {
            int choice = random.nextInt(100);
            if (choice < 62) {
                mutateText(mutant, random);
            } else if (choice < 74) {
                mutateTree(mutant, random);
            } else if (choice < 80) {
                inflate(mutant, random);
            } else {
                mutateWeights(mutant, original, random);
            }
        }
        return mutant;
    }

    /** Byte-level and token-level damage to model.json. */
    private static void mutateText(Mutant mutant, Random random) {
        byte[] b = mutant.json;
        if (b.length == 0) {
            mutant.json = "{".getBytes(StandardCharsets.US_ASCII);
            mutant.steps.add("model.json: write '{' into the empty file");
            return;
        }
        int at = random.nextInt(b.length);
        switch (random.nextInt(9)) {
            case 0 -> {
                int bit = random.nextInt(8);
                b[at] ^= (byte) (1 << bit);
                mutant.steps.add("model.json: flip bit " + bit + " of byte " + at);
            }
            case 1 -> {
                byte value = random.nextBoolean() ? AWKWARD_BYTES[random.nextInt(AWKWARD_BYTES.length)] : (byte) random.nextInt(256);
                b[at] = value;
                mutant.steps.add("model.json: set byte " + at + " to " + (value & 0xff));
            }
            case 2 -> {
                int length = Math.min(b.length - at, 1 + random.nextInt(random.nextBoolean() ? 4 : 64));
                mutant.json = splice(b, at, length, new byte[0]);
                mutant.steps.add("model.json: delete " + length + " bytes at " + at);
            }
            case 3 -> {
                int length = Math.min(b.length - at, 1 + random.nextInt(random.nextBoolean() ? 4 : 64));
                int copies = random.nextInt(5) == 0 ? 1 + random.nextInt(200) : 1;
                byte[] run = Arrays.copyOfRange(b, at, at + length);
                ByteArrayOutputStream repeated = new ByteArrayOutputStream();
                for (int c = 0; c < copies; c++) {
                    repeated.writeBytes(run);
                }
                mutant.json = splice(b, at, 0, repeated.toByteArray());
                mutant.steps.add("model.json: duplicate " + length + " bytes at " + at + " " + copies + " times");
            }
            case 4 -> {
                mutant.json = Arrays.copyOf(b, at);
                mutant.steps.add("model.json: truncate to " + at + " bytes");
            }
            case 5, 6 -> replaceToken(mutant, random, NUMBER, AWKWARD_NUMBERS);
            case 7 -> replaceToken(mutant, random, STRING, null);
            default -> {
                byte[] open = new byte[5_000];
                Arrays.fill(open, (byte) (random.nextBoolean() ? '[' : '{'));
                mutant.json = splice(b, at, 0, open);
                mutant.steps.add("model.json: insert " + open.length + " '" + (char) open[0] + "' at " + at);
            }
        }
    }

    /**
     * Replaces one match of {@code token} in model.json by one of {@code replacements}, or for strings (null) by
     * another string of the file: a valid-looking value in the wrong place.
     */
    private static void replaceToken(Mutant mutant, Random random, Pattern token, String[] replacements) {
        String text = new String(mutant.json, StandardCharsets.ISO_8859_1);
        List<int[]> matches = new ArrayList<>();
        Matcher matcher = token.matcher(text);
        while (matcher.find()) {
            matches.add(new int[] {matcher.start(), matcher.end()});
        }
        if (matches.isEmpty()) {
            return;
        }
        int[] target = matches.get(random.nextInt(matches.size()));
        String old = text.substring(target[0], target[1]);
        String replacement;
        if (replacements == null) {
            int[] other = matches.get(random.nextInt(matches.size()));
            replacement = text.substring(other[0], other[1]);
        } else if (random.nextInt(4) == 0 && old.matches("-?[0-9]{1,12}")) {
            long value = Long.parseLong(old);
            long[] near = {value + 1, value - 1, value * 1000, -value, value * value};
            replacement = Long.toString(near[random.nextInt(near.length)]);
        } else {
            replacement = replacements[random.nextInt(replacements.length)];
        }
        mutant.json = (text.substring(0, target[0]) + replacement + text.substring(target[1])).getBytes(StandardCharsets.ISO_8859_1);
        mutant.steps.add("model.json: replace " + shorten(old) + " at " + target[0] + " by " + shorten(replacement));
    }

    /** A field removed or added, or a value replaced by one of the wrong type, through the JSON tree. */
    private static void mutateTree(Mutant mutant, Random random) {
        JsonNode root = parse(mutant.json);
        if (root == null) {
            mutateText(mutant, random);
            return;
        }
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        if (container.isEmpty()) {
            return;
        }
        String slot;
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            slot = "field " + name;
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.set(name + "Extra", object.get(name).deepCopy());
                default -> object.set(name, wrongValue(object.get(name), random));
            }
        } else {
            ArrayNode array = (ArrayNode) container;
            int index = random.nextInt(array.size());
            slot = "element " + index;
            switch (random.nextInt(4)) {
                case 0 -> array.remove(index);
                case 1 -> array.insert(index, array.get(index).deepCopy());
                default -> array.set(index, wrongValue(array.get(index), random));
            }
        }
        mutant.json = serialize(root, random);
        mutant.steps.add("model.json: change " + slot + " of " + shorten(container.toString()));
    }

    private static JsonNode wrongValue(JsonNode old, Random random) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (random.nextInt(12)) {
            case 0 -> nodes.textNode(old.asText());
            case 1 -> nodes.nullNode();
            case 2 -> nodes.booleanNode(true);
            case 3 -> nodes.arrayNode().add(old.deepCopy());
            case 4 -> nodes.objectNode().set("value", old.deepCopy());
            case 5 -> nodes.numberNode(old.asDouble() + 0.5);
            case 6 -> nodes.numberNode(-1);
            case 7 -> nodes.numberNode(Long.MAX_VALUE);
            case 8 -> nodes.numberNode(BigInteger.TWO.pow(70));
            case 9 -> nodes.textNode("x".repeat(10_000));
            case 10 -> {
                JsonNode nested = old.deepCopy();
                // as deep as Jackson writes; mutateText nests deeper
                for (int depth = 0; depth < 990; depth++) {
                    nested = nodes.arrayNode().add(nested);
                }
                yield nested;
            }
            default -> nodes.textNode("tanh\nrelu");
        };
    }

    /**
     * Claims a far larger network: huge layers, many layers, or a huge schema, with the parameter and weight
     * counts made to agree, or not. Only the weights file's length then stands between the claim and an
     * allocation of gigabytes.
     */
    private static void inflate(Mutant mutant, Random random) {
        JsonNode root = parse(mutant.json);
        if (root == null || !(root.get("topology") instanceof ObjectNode topology) || !(root.get("schema") instanceof ObjectNode schema)
                || !(root.get("weights") instanceof ObjectNode weights) || !(topology.get("sizes") instanceof ArrayNode sizes)
                || sizes.size() < 2 || !(topology.get("activations") instanceof ArrayNode activations) || activations.isEmpty()) {
            mutateText(mutant, random);
            return;
        }
        long inputs = sizes.get(0).asLong();
        long outputs = sizes.get(sizes.size() - 1).asLong();
        JsonNode outputActivation = activations.get(activations.size() - 1);
        String step;
        long[] inflated;
        switch (random.nextInt(5)) {
            case 0 -> {
                inflated = new long[] {inputs, 30_000, 30_000, outputs};
                step = "two hidden layers of 30000";
            }
            case 1 -> {
                inflated = new long[] {inputs, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, outputs};
                step = "four hidden layers of 2^31-1";
            }
            case 2 -> {
                inflated = new long[2_000];
                Arrays.fill(inflated, 2);
                inflated[0] = inputs;
                inflated[inflated.length - 1] = outputs;
                step = "2000 layers";
            }
            case 3 -> {
                inflated = null;
                schema.put("numFeatures", Integer.MAX_VALUE - 1).putArray("featureNames");
                ArrayNode classes = schema.putArray("classes");
                for (int c = 0; c < 10_000; c++) {
                    classes.add("c" + c);
                }
                schema.put("outputs", 10_000);
                step = "a schema of 2^31-2 features and 10000 classes";
            }
            default -> {
                inflated = new long[] {1L << 20, 1023, outputs};
                schema.put("numFeatures", 1L << 20).putArray("featureNames");
                step = "2^20 inputs and a hidden layer of 1023, schema to match";
            }
        }
        if (inflated != null) {
            ArrayNode newSizes = topology.putArray("sizes");
            ArrayNode newActivations = topology.putArray("activations");
            long parameters = 0;
            for (int l = 0; l < inflated.length; l++) {
                newSizes.add(inflated[l]);
                if (l > 0) {
                    parameters += inflated[l - 1] * inflated[l] + inflated[l];
                    newActivations.add(l == inflated.length - 1 ? outputActivation.deepCopy() : JsonNodeFactory.instance.textNode("relu"));
                }
            }
            if (random.nextBoolean()) {
                ((ObjectNode) root).put("parameterCount", parameters);
                weights.put("count", parameters);
                step += ", counts to match";
            }
        }
        mutant.json = serialize(root, random);
        mutant.steps.add("model.json: inflate to " + step);
    }

    /** Damage to weights.bin, sometimes with model.json's checksum (and counts) made to match. */
    private static void mutateWeights(Mutant mutant, Original original, Random random) {
        if (mutant.weights == null) {
            mutant.weights = new byte[0];
            mutant.steps.add("weights.bin: recreate empty");
            return;
        }
        byte[] b = mutant.weights;
        switch (random.nextInt(7)) {
            case 0, 1 -> {
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips && b.length > 0; f++) {
                    int at = random.nextInt(b.length);
                    int bit = random.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    mutant.steps.add("weights.bin: flip bit " + bit + " of byte " + at);
                }
            }
            case 2 -> {
                int length = b.length == 0 ? 0 : random.nextInt(b.length);
                mutant.weights = Arrays.copyOf(b, length);
                mutant.steps.add("weights.bin: truncate to " + length + " bytes");
            }
            case 3 -> {
                int extra = random.nextBoolean() ? 1 + random.nextInt(16) : 8 * (1 + random.nextInt(64));
                mutant.weights = Arrays.copyOf(b, b.length + extra);
                for (int i = b.length; i < mutant.weights.length; i++) {
                    mutant.weights[i] = (byte) random.nextInt(256);
                }
                mutant.steps.add("weights.bin: append " + extra + " bytes");
                if (random.nextBoolean()) {
                    matchChecksum(mutant, original);
                }
            }
            case 4 -> {
                if (b.length < Double.BYTES) {
                    return;
                }
                int weight = random.nextInt(b.length / Double.BYTES);
                double[] nonFinite = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.longBitsToDouble(0xfff8_0000_dead_beefL)};
                double value = nonFinite[random.nextInt(nonFinite.length)];
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putDouble(weight * Double.BYTES, value);
                mutant.steps.add("weights.bin: set weight " + weight + " to " + value);
                matchChecksum(mutant, original);
            }
            case 5 -> {
                // the weights grow by whole weights and every count in model.json follows; only the topology disagrees
                int extra = 1 + random.nextInt(1000);
                mutant.weights = Arrays.copyOf(b, b.length + extra * Double.BYTES);
                JsonNode root = parse(mutant.json);
                if (root instanceof ObjectNode object && object.get("weights") instanceof ObjectNode weights) {
                    long count = mutant.weights.length / Double.BYTES;
                    object.put("parameterCount", count);
                    weights.put("count", count);
                    mutant.json = serialize(root, random);
                }
                mutant.steps.add("weights.bin: append " + extra + " zero weights, counts to match");
                matchChecksum(mutant, original);
            }
            default -> {
                mutant.weights = null;
                mutant.steps.add("weights.bin: delete");
            }
        }
    }

    /** Puts the damaged weights' SHA-256 into model.json in place of the original's. */
    private static void matchChecksum(Mutant mutant, Original original) {
        String text = new String(mutant.json, StandardCharsets.ISO_8859_1);
        String sha256 = HexFormat.of().formatHex(sha256(mutant.weights));
        mutant.json = text.replace(original.sha256, sha256).getBytes(StandardCharsets.ISO_8859_1);
        mutant.steps.add("model.json: sha256 to match");
    }

    /** A copy of {@code node} with the fields of every object in it in alphabetical order. */
    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode sorted = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.stream().sorted().forEach(name -> sorted.set(name, sorted(node.get(name))));
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode sorted = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> sorted.add(sorted(element)));
            return sorted;
        }
        return node;
    }

    private static void collectContainers(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            for (JsonNode child : node) {
                collectContainers(child, containers);
            }
        }
    }

    private static JsonNode parse(byte[] json) {
        try {
            JsonNode root = JSON.readTree(json);
            return root != null && root.isObject() ? root : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] serialize(JsonNode root, Random random) {
        try {
            return random.nextBoolean() ? JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root) : JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("a parsed tree writes back", e);
        }
    }

    private static byte[] splice(byte[] b, int at, int removed, byte[] inserted) {
        byte[] out = new byte[b.length - removed + inserted.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(b, at + removed, out, at + inserted.length, b.length - at - removed);
        return out;
    }

    private static void write(Path dir, byte[] json, byte[] weights) throws IOException {
        Files.write(dir.resolve(ModelStore.MODEL_FILE), json);
        if (weights == null) {
            Files.deleteIfExists(dir.resolve(ModelStore.WEIGHTS_FILE));
        } else {
            Files.write(dir.resolve(ModelStore.WEIGHTS_FILE), weights);
        }
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…(" + text.length() + " chars)";
    }

    private static long[] bits(double[] values) {
        return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
