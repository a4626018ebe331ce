package org.sparkprop.driver.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Models written by earlier versions keep loading: the fixtures under src/test/resources/models stay as written. */
class ModelFixtureTest {

    @ParameterizedTest
    @ValueSource(strings = {"v1-iris-like", "v2-iris-like"})
    void irisLikeLoads(String fixture) throws Exception {
        Path dir = Path.of(ModelFixtureTest.class.getResource("/models/" + fixture).toURI());
        Model loaded = ModelStore.load(dir.toString(), new Configuration());
        Model expected = ModelFixtures.irisLike();
        assertEquals(expected, loaded);
        assertArrayEquals(bits(expected.weights()), bits(loaded.weights()));
        assertEquals(ModelFixtures.irisLikeHistory(), ModelStore.readTrainingHistory(dir.toString(), new Configuration()));
    }

    @Test
    void irisLikeWeightedOfVersion3Loads() throws Exception {
        Path dir = Path.of(ModelFixtureTest.class.getResource("/models/v3-iris-weighted").toURI());
        Model loaded = ModelStore.load(dir.toString(), new Configuration());
        assertEquals(ModelFixtures.irisLikeWeighted(), loaded);
        assertEquals("sample_weight", loaded.schema().weightColumn());
        assertEquals("0.2", loaded.training().get("dropout").asText());
        assertEquals("balanced", loaded.training().get("class-weights").asText());
        assertEquals(3, ModelStore.read(dir.toString(), new Configuration()).formatVersion());
        assertArrayEquals(bits(ModelFixtures.irisLike().weights()), bits(loaded.weights()));
    }

    private static long[] bits(double[] values) {
        return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
