package org.sparkprop.driver;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.spark.SparkConf;

/**
 * sparkprop's objects as bytes, for where they cross a serializer that sparkprop did not configure. sparkprop's own
 * runs register its classes with Kryo ({@link SparkSetup}); in a user's SparkSession (the Spark ML Estimators) the
 * serializer is the user's, and Kryo with {@code spark.kryo.registrationRequired} refuses every class it was not
 * told of. Byte arrays it always takes.
 */
public final class Wire {
    private Wire() {
    }

    /** {@code value} in Java serialization's bytes. */
    public static byte[] encode(Serializable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The object {@link #encode} wrote. */
    @SuppressWarnings("unchecked")
    public static <T> T decode(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (T) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * True when Spark's serializer under {@code conf} would refuse sparkprop's classes: Kryo with registration
     * required and without sparkprop's registrator, so that objects must travel as {@link #encode bytes}. Callers pass
     * the context's own configuration ({@code SparkContext.conf()}), not {@code getConf()}'s copy: a step asks this.
     */
    public static boolean bytesNeeded(SparkConf conf) {
        boolean kryo = conf.get("spark.serializer", "org.apache.spark.serializer.JavaSerializer").contains("KryoSerializer");
        boolean required = conf.getBoolean("spark.kryo.registrationRequired", false);
        boolean ours = Arrays.asList(conf.get("spark.kryo.registrator", "").split(",")).contains(SparkSetup.Registrator.class.getName());
        return kryo && required && !ours;
    }
}
