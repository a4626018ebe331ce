package org.sparkprop.predictor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * How every sparkprop JSON file is read and written: the hardened mapper, the bounded read, and checked access to
 * a value's fields. A problem is a {@link ModelFormatException} whose message starts with {@code source} or the
 * name of the value, for example {@code "model /m/model.json: topology.sizes"}.
 */
public final class Json {

    /** Deepest nesting of objects and arrays read. */
    public static final int MAX_DEPTH = 64;

    /**
     * Reads and writes every sparkprop JSON file: duplicate keys and trailing content are errors, and the
     * mapper never closes the streams it is given. Field names are not canonicalized (nor interned): Jackson
     * would otherwise keep every name it meets in a table shared by all later reads, so that each file read
     * would leave state behind and one with many odd names would make later reads copy a larger table.
     * Nesting deeper than {@value #MAX_DEPTH} is refused: sparkprop's files nest a few levels, and a deeply
     * nested tree costs about a hundred bytes of memory per byte of its text.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    /** Longest text of a JSON value quoted in an error message. */
    private static final int SHOWN_CHARS = 60;

    private Json() {
    }

    /**
     * The bytes of a file of {@code length} bytes (as its file system reports it) from {@code in}, read only if
     * at most {@code maxBytes}; a file that grows past the limit while it is read is refused too. Any file, JSON or not.
     *
     * @param in     the file's content; read, not closed
     * @param source names the file in messages, e.g. {@code "model /m/model.json"}
     * @throws ModelFormatException for a file too large
     * @throws IOException          when reading fails
     */
    public static byte[] readBounded(InputStream in, long length, long maxBytes, String source) throws IOException {
        if (length > maxBytes) {
            throw new ModelFormatException(source + ": the file is " + length + " bytes, more than the " + maxBytes + " allowed");
        }
        byte[] bytes = in.readNBytes((int) maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw new ModelFormatException(source + ": the file grew past " + maxBytes + " bytes while it was read");
        }
        return bytes;
    }

    /**
     * The JSON value that {@code bytes} hold, read by {@link #MAPPER}.
     *
     * @throws ModelFormatException for text that is not one JSON value, or no text at all
     */
    public static JsonNode parse(byte[] bytes, String source) {
        JsonNode json;
        try {
            json = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ModelFormatException(source + ": not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + oneLine(String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ")), e);
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot read the file: " + e.getMessage(), e);
        }
        if (json == null || json.isMissingNode()) {
            throw new ModelFormatException(source + ": the file is empty");
        }
        return json;
    }

    /** {@code value} as a JSON object; refused naming {@code name} if it is missing or not an object. */
    public static ObjectNode requireObject(JsonNode value, String name) {
        if (!require(value, name).isObject()) {
            throw new ModelFormatException(name + " must be a JSON object, got " + shown(value));
        }
        return (ObjectNode) value;
    }

    public static JsonNode requireArray(JsonNode value, String name) {
        if (!require(value, name).isArray()) {
            throw new ModelFormatException(name + " must be a JSON array, got " + shown(value));
        }
        return value;
    }

    /**
     * The constant that {@code parse} makes of the string {@code value}. A string it refuses is reported with
     * {@code known}, the constants whose texts it reads, and the value as JSON (so that a file's text never
     * breaks the message into lines). {@code name} is asked for only to report a problem.
     */
    public static <E> E requireName(JsonNode value, Supplier<String> name, Function<String, E> parse, E[] known) {
        if (value == null || !value.isTextual()) {
            requireText(value, name.get());
        }
        try {
            return parse.apply(value.textValue());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(name.get() + " must be one of "
                    + Arrays.stream(known).map(Object::toString).collect(Collectors.joining(", ")) + ", got " + shown(value));
        }
    }

    public static String requireText(JsonNode value, String name) {
        if (!require(value, name).isTextual()) {
            throw new ModelFormatException(name + " must be a string, got " + shown(value));
        }
        return value.textValue();
    }

    public static List<String> requireTexts(JsonNode value, String name) {
        JsonNode array = requireArray(value, name);
        List<String> texts = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode text = array.get(i);
            texts.add(text.isTextual() ? text.textValue() : requireText(text, name + "[" + i + "]"));
        }
        return texts;
    }

    /** An integer in [min, max]; a fraction or a number beyond the range of long is refused too. */
    public static long requireLong(JsonNode value, String name, long min, long max) {
        if (!require(value, name).isIntegralNumber() || !value.canConvertToLong()) {
            throw new ModelFormatException(name + " must be an integer from " + min + " to " + max + ", got " + shown(value));
        }
        long v = value.longValue();
        if (v < min || v > max) {
            throw new ModelFormatException(name + " must be an integer from " + min + " to " + max + ", got " + v);
        }
        return v;
    }

    public static int requireInt(JsonNode value, String name, int min, int max) {
        return (int) requireLong(value, name, min, max);
    }

    private static JsonNode require(JsonNode value, String name) {
        if (value == null || value.isMissingNode()) {
            throw new ModelFormatException(name + " is missing");
        }
        return value;
    }

    /** A JSON value as text for an error message: on one line, cut short if long. */
    public static String shown(JsonNode value) {
        String text = value.toString();
        return oneLine(text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "…");
    }

    /**
     * {@code text} with every control character and line or paragraph separator written as a Java escape
     * (backslash, u, four hexadecimal digits), so that text from a file keeps an error message on one line.
     */
    public static String oneLine(String text) {
        StringBuilder line = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                line.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        return line.toString();
    }
}
