package io.gradlab.plugins.remedies.symmetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.ComponentFactory.CreateContext;
import io.gradlab.api.ParamsValidator;
import io.gradlab.api.data.DataContext;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SymmetryTest {
    @Test
    void bceWithLogitsMatchesItsDefinitionAndItsGradient() {
        BceWithLogits loss = new BceWithLogits();
        Tensor z = Tensor.of(DType.F64, new double[] {2.0, -1.0, 40.0, -40.0}, 4, 1);
        Tensor y = Tensor.of(DType.F64, new double[] {1, 0, 0, 0}, 4, 1);
        double expected = (-Math.log(sig(2)) - Math.log(1 - sig(-1)) + 40 + Math.log1p(Math.exp(-40)) + Math.log1p(Math.exp(-40))) / 4;
        assertThat(loss.forward(z, y)).isCloseTo(expected, within(1e-12));
        Tensor g = Tensor.zeros(DType.F64, 4, 1);
        loss.backward(z, y, g);
        for (int i = 0; i < 4; i++) {
            double h = 1e-6;
            double old = z.get(i);
            z.set(i, old + h);
            double plus = loss.forward(z, y);
            z.set(i, old - h);
            double minus = loss.forward(z, y);
            z.set(i, old);
            assertThat(g.get(i)).isCloseTo((plus - minus) / (2 * h), within(1e-8));
        }
    }

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void syntheticDataIsSeededAndShapedPerTask() {
        var f = SyntheticData.factory();
        DataSplits linear = f.create(ParamsValidator.validate(f, Map.of("features", 3, "train-samples", 50, "test-samples", 20), "t"),
                CreateContext.of("data.source", context(1)));
        assertThat(linear.train().size()).isEqualTo(50);
        assertThat(linear.test().size()).isEqualTo(20);
        assertThat(linear.train().classes()).isZero();
        assertThat(linear.train().width()).isEqualTo(3);
        DataSplits again = f.create(ParamsValidator.validate(f, Map.of("features", 3, "train-samples", 50, "test-samples", 20), "t"),
                CreateContext.of("data.source", context(1)));
        assertThat(again.train().targets()).containsExactly(linear.train().targets());
        DataSplits logistic = f.create(ParamsValidator.validate(f, Map.of("task", "logistic"), "t"),
                CreateContext.of("data.source", context(2)));
        assertThat(logistic.train().targets()).containsOnly(0f, 1f).contains(0f, 1f);
        assertThat(logistic.train().classes()).isZero();
        DataSplits softmax = f.create(ParamsValidator.validate(f, Map.of("task", "softmax", "classes", 4), "t"),
                CreateContext.of("data.source", context(3)));
        assertThat(softmax.train().classes()).isEqualTo(4);
        assertThat(softmax.train().targets()).contains(0f, 1f, 2f, 3f);
    }

    private static DataContext context(long seed) {
        return new DataContext() {
            @Override
            public Optional<Path> dataDirOverride() {
                return Optional.empty();
            }

            @Override
            public Path specDir() {
                return Path.of(".");
            }

            @Override
            public RandomSource random() {
                return new SeededRandom(seed);
            }
        };
    }
}
