package org.sparkprop.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlasTest {
    @Test
    void implementationNameSaysWhichKindLoaded() {
        String name = Blas.implementationName();
        assertTrue(name.matches("(native|vector|java) \\(dev\\.ludovic\\.netlib\\.blas\\.\\w+\\)"), name);
        assertTrue(name.contains(Blas.instance().getClass().getSimpleName()), name);
    }
}
