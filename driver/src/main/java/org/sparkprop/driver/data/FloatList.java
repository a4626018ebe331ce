package org.sparkprop.driver.data;

import java.util.Arrays;

/** A growable float array (no boxing), for packing one file's rows as they are parsed. */
final class FloatList {
    private float[] values = new float[1024];
    private int size;

    void add(float value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, Growth.next(values.length));
        }
        values[size++] = value;
    }

    int size() {
        return size;
    }

    /** Drops the values from position {@code length} on; {@code length} is at most {@link #size}. */
    void truncate(int length) {
        if (length < 0 || length > size) {
            throw new IllegalArgumentException("cannot truncate " + size + " values to " + length);
        }
        size = length;
    }

    float get(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " of " + size + " values");
        }
        return values[i];
    }

    /** A copy of the values added so far, of exactly {@link #size} elements. */
    float[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
