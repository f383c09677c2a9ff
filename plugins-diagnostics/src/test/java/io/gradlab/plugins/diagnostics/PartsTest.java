package io.gradlab.plugins.diagnostics;

import static io.gradlab.plugins.diagnostics.Fakes.normal;
import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.diagnostics.Fakes.FakeLayer;
import io.gradlab.plugins.diagnostics.Fakes.FakeModel;
import io.gradlab.plugins.diagnostics.Fakes.RecordingSink;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The diagnostics that spread their work over the kernel threads ({@code Ops.parallelFor}) report what they report
 * on one thread: {@code saturation}'s counts exactly; {@code activation-stats} sums each part's rows and adds the
 * parts in part order, so its figures are the same to the bit for the same number of threads and within float64
 * rounding of one thread's.
 */
class PartsTest {
    /** Six activation layers of different shapes, sigmoid and ReLU, with new random inputs every step. */
    private static FakeModel model(Random random, int threads) {
        FakeModel m = new FakeModel();
        m.partThreads = threads;
        for (int l = 0; l < 6; l++) {
            Activation a = l % 2 == 0 ? new Fakes.Sigmoid() : new Fakes.Relu();
            FakeLayer layer = new FakeLayer("act" + (l + 1));
            m.add(new LayerView(layer.name(), layer, null, a));
        }
        step(m, random);
        return m;
    }

    private static void step(FakeModel m, Random random) {
        for (int l = 0; l < m.layers.size(); l++) {
            LayerView v = m.layers.get(l);
            FakeLayer layer = (FakeLayer) v.layer();
            Tensor pre = normal(random, 1 + 2 * l, 40 + l, 17 + 3 * l);
            Tensor post = Tensor.zeros(DType.F32, pre.shape());
            v.activation().forward(pre, post);
            layer.input = pre;
            layer.output = post;
        }
    }

    private static RecordingSink run(Supplier<Diagnostic> make, int threads) {
        Random random = new Random(5);
        FakeModel m = model(random, threads);
        Diagnostic d = make.get();
        for (int s = 1; s <= 4; s++) {
            m.step = s;
            d.afterBackward(m);
            step(m, random);
        }
        RecordingSink sink = new RecordingSink();
        d.onEpochEnd(m, sink);
        return sink;
    }

    @org.junit.jupiter.api.Test
    void saturationCountsInPartsAreExactlyOneThreads() {
        Supplier<Diagnostic> make = () -> new Saturation(1, 0.01, 0.5, 0.2, 0.5);
        RecordingSink one = run(make, 1);
        RecordingSink three = run(make, 3);
        assertThat(one.layers).isNotEmpty();
        assertThat(three.layers).isEqualTo(one.layers);
        assertThat(three.findings).isEqualTo(one.findings);
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void activationStatsInPartsAreOneThreadsWithinRoundingAndReproducible(int threads) {
        Supplier<Diagnostic> make = () -> new ActivationStats(1);
        RecordingSink one = run(make, 1);
        RecordingSink parts = run(make, threads);
        assertThat(one.layers).hasSize(6);
        assertThat(run(make, threads).layers).as("the same thread count, the same bits").isEqualTo(parts.layers);
        assertThat(parts.layers.keySet()).isEqualTo(one.layers.keySet());
        for (String layer : one.layers.keySet()) {
            for (String figure : List.of("act_mean", "act_std")) {
                double expected = ((Number) one.layers.get(layer).get(figure)).doubleValue();
                double actual = ((Number) parts.layers.get(layer).get(figure)).doubleValue();
                assertThat(actual).as("%s %s", layer, figure).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12 * Math.abs(expected)));
            }
        }
        assertThat(parts.findings).isEqualTo(one.findings);
    }
}
