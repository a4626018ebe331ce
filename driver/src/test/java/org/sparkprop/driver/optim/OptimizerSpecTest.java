package org.sparkprop.driver.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class OptimizerSpecTest {

    @Test
    void parseAcceptsEveryName() {
        assertEquals(OptimizerKind.SGD, OptimizerKind.parse("sgd"));
        assertEquals(OptimizerKind.MOMENTUM, OptimizerKind.parse("momentum"));
        assertEquals(OptimizerKind.NESTEROV, OptimizerKind.parse("nesterov"));
        assertEquals(OptimizerKind.ADAM, OptimizerKind.parse("adam"));
        assertEquals(OptimizerKind.ADAMW, OptimizerKind.parse(" AdamW "));
        for (OptimizerKind k : OptimizerKind.values()) {
            assertEquals(k, OptimizerKind.parse(k.id()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerKind.parse("lbfgs"));
        assertTrue(e.getMessage().contains("'lbfgs'") && e.getMessage().contains("adamw"), e.getMessage());
    }

    @Test
    void defaultsAreTheConstants() {
        OptimizerSpec spec = OptimizerSpec.defaults(OptimizerKind.ADAMW);
        assertEquals(OptimizerSpec.DEFAULT_MOMENTUM, spec.momentum());
        assertEquals(OptimizerSpec.DEFAULT_BETA1, spec.beta1());
        assertEquals(OptimizerSpec.DEFAULT_BETA2, spec.beta2());
        assertEquals(OptimizerSpec.DEFAULT_EPSILON, spec.epsilon());
        assertEquals(OptimizerSpec.DEFAULT_WEIGHT_DECAY, spec.weightDecay());
        assertEquals(0.25, spec.withMomentum(0.25).momentum());
        assertEquals(spec, spec.withBeta1(0.5).withBeta1(OptimizerSpec.DEFAULT_BETA1));
    }

    @Test
    void toStringPrintsEverySetting() {
        String text = new OptimizerSpec(OptimizerKind.NESTEROV, 0.75, 0.5, 0.875, 0.125, 0.0625).toString();
        for (String part : new String[] {"nesterov", "momentum=0.75", "beta1=0.5", "beta2=0.875", "epsilon=0.125", "weightDecay=0.0625"}) {
            assertTrue(text.contains(part), text + " lacks " + part);
        }
    }

    @Test
    void validationNamesTheParameterAndValue() {
        OptimizerSpec base = OptimizerSpec.defaults(OptimizerKind.ADAM);
        rejects("momentum", "1.0", () -> base.withMomentum(1.0));
        rejects("momentum", "-0.1", () -> base.withMomentum(-0.1));
        rejects("beta1", "NaN", () -> base.withBeta1(Double.NaN));
        rejects("beta2", "1.5", () -> base.withBeta2(1.5));
        rejects("epsilon", "0.0", () -> base.withEpsilon(0));
        rejects("epsilon", "Infinity", () -> base.withEpsilon(Double.POSITIVE_INFINITY));
        rejects("weightDecay", "-1.0", () -> base.withWeightDecay(-1));
        rejects("kind", "", () -> OptimizerSpec.defaults(null));
    }

    private static void rejects(String parameter, String value, Supplier<OptimizerSpec> make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> make.get());
        assertTrue(e.getMessage().startsWith(parameter + " ") && e.getMessage().contains(value), e.getMessage());
    }
}
