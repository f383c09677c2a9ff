package io.gradlab.testkit;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The contract of an initializer, as JUnit 5 default test methods: the factory checks, determinism
 * under a seed, finite values, float32 against float64, symmetry breaking and (when declared) the
 * standard deviation of the drawn weights.
 */
public interface InitializerContract extends FactoryContract<Initializer> {
    @Override
    default ComponentKind<Initializer> expectedKind() {
        return ComponentKind.INITIALIZER;
    }

    /** The fan of the test weight {@code [fanOut, fanIn]}. */
    default Fan fan() {
        return new Fan(64, 32, "relu");
    }

    /** Whether the weights differ from each other (false for zeros or constant initializers). */
    default boolean breaksSymmetry() {
        return true;
    }

    /** The standard deviation the weights should have for {@code fan}, if the initializer promises one (checked to 10%). */
    default OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
        return OptionalDouble.empty();
    }

    default Initializer newInitializer(Map<String, Object> params) {
        return TestContexts.create(factory(), params);
    }

    @Test
    default void sameSeedGivesTheSameWeights() {
        for (Map<String, Object> p : paramSets()) {
            for (DType dtype : DType.values()) {
                Closeness.assertIdentical(factory().id() + " " + p + " " + dtype + " weight",
                        weight(p, dtype, seed()).toDoubleArray(), weight(p, dtype, seed()).toDoubleArray());
                Closeness.assertIdentical(factory().id() + " " + p + " " + dtype + " bias",
                        bias(p, dtype, seed()).toDoubleArray(), bias(p, dtype, seed()).toDoubleArray());
            }
        }
    }

    @Test
    default void weightsAndBiasesAreFinite() {
        for (Map<String, Object> p : paramSets()) {
            for (DType dtype : DType.values()) {
                if (!weight(p, dtype, seed()).allFinite() || !bias(p, dtype, seed()).allFinite()) {
                    throw new AssertionError(factory().id() + " " + p + ": non-finite initial values in " + dtype);
                }
            }
        }
    }

    @Test
    default void float32AndFloat64Agree() {
        for (Map<String, Object> p : paramSets()) {
            Closeness.assertClose(factory().id() + " " + p + ": float32 weights vs float64",
                    weight(p, DType.F64, seed()).toDoubleArray(), weight(p, DType.F32, seed()).toDoubleArray(), 1e-6, 1e-7);
        }
    }

    @Test
    default void weightsBreakSymmetry() {
        if (!breaksSymmetry()) {
            return;
        }
        for (Map<String, Object> p : paramSets()) {
            Tensor w = weight(p, DType.F64, seed());
            Fan fan = fan();
            for (int r = 1; r < fan.fanOut(); r++) {
                boolean same = true;
                for (int c = 0; c < fan.fanIn() && same; c++) {
                    same = w.get(r, c) == w.get(0, c);
                }
                if (same) {
                    throw new AssertionError(factory().id() + " " + p + ": rows 0 and " + r
                            + " of the weight are equal, so their units would learn the same thing (symmetry);"
                            + " override breaksSymmetry() if that is intended");
                }
            }
            if (java.util.Arrays.equals(w.toDoubleArray(), weight(p, DType.F64, seed() + 1).toDoubleArray())) {
                throw new AssertionError(factory().id() + " " + p + ": seeds " + seed() + " and " + (seed() + 1)
                        + " give the same weights; draw them from the RandomSource passed in");
            }
        }
    }

    @Test
    default void standardDeviationIsAsDeclared() {
        for (Map<String, Object> p : paramSets()) {
            OptionalDouble expected = expectedStd(p, fan());
            if (expected.isEmpty()) {
                continue;
            }
            Tensor w = weight(p, DType.F64, seed());
            double mean = 0.0;
            for (int i = 0; i < w.size(); i++) {
                mean += w.get(i);
            }
            mean /= w.size();
            double var = 0.0;
            for (int i = 0; i < w.size(); i++) {
                var += (w.get(i) - mean) * (w.get(i) - mean);
            }
            double std = Math.sqrt(var / (w.size() - 1));
            Closeness.assertClose(factory().id() + " " + p + ": standard deviation of " + w.size() + " weights for " + fan(),
                    new double[] {expected.getAsDouble()}, new double[] {std}, 0.1, 0.0);
        }
    }

    private Tensor weight(Map<String, Object> p, DType dtype, long seed) {
        Fan fan = fan();
        Tensor w = Tensor.zeros(dtype, fan.fanOut(), fan.fanIn());
        newInitializer(p).initialize(w, fan, new SeededRandom(seed));
        return w;
    }

    private Tensor bias(Map<String, Object> p, DType dtype, long seed) {
        Fan fan = fan();
        Tensor b = Tensor.zeros(dtype, fan.fanOut());
        b.fill(Double.NaN);
        newInitializer(p).initializeBias(b, fan, new SeededRandom(seed));
        return b;
    }
}
