package org.sparkprop.kernels;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * The BLAS boundary: the one dev.ludovic.netlib instance every kernel uses, chosen once by netlib at class
 * loading (native through JNI when a system library loads, else the vectorized Java one when
 * {@code jdk.incubator.vector} is present, else plain Java). netlib falls back quietly, so callers log
 * {@link #implementationName()}.
 */
public final class Blas {
    private static final BLAS INSTANCE = BLAS.getInstance();

    private Blas() {
    }

    static BLAS instance() {
        return INSTANCE;
    }

    /** "native", "vector" or "java", followed by netlib's class name, e.g. {@code native (dev.ludovic.netlib.blas.JNIBLAS)}. */
    public static String implementationName() {
        String kind;
        if (INSTANCE instanceof NativeBLAS) {
            kind = "native";
        } else if (INSTANCE instanceof JavaBLAS && INSTANCE.getClass().getSimpleName().startsWith("Vector")) {
            kind = "vector";
        } else {
            kind = "java";
        }
        return kind + " (" + INSTANCE.getClass().getName() + ")";
    }
}
