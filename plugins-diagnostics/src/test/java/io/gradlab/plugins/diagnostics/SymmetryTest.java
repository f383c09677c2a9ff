package io.gradlab.plugins.diagnostics;

import static io.gradlab.plugins.diagnostics.Fakes.normal;
import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.diagnostics.Fakes.FakeLayer;
import io.gradlab.plugins.diagnostics.Fakes.FakeModel;
import io.gradlab.plugins.diagnostics.Fakes.RecordingSink;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetryTest {
    private final Random random = new Random(5);

    private static FakeModel model(Tensor hiddenWeight) {
        Parameter w = Fakes.weight(hiddenWeight);
        Parameter b = Fakes.bias(Tensor.zeros(DType.F32, hiddenWeight.rows()));
        Parameter out = Fakes.weight(normal(new Random(1), 0.1, 10, hiddenWeight.rows()));
        return new FakeModel()
                .add(new LayerView("hidden1", new FakeLayer("hidden1", w, b), w, null))
                .add(new LayerView("output", new FakeLayer("output", out), out, null));
    }

    @Test
    void zeroInitializationMakesEveryUnitIdentical() {
        RecordingSink sink = new RecordingSink();
        new Symmetry(1e-6, 0.5).onEpochEnd(model(Tensor.zeros(DType.F32, 16, 8)), sink);
        assertThat(sink.layer("hidden1", "distinct_units")).isEqualTo(1);
        assertThat(sink.layer("hidden1", "duplicate_fraction")).isEqualTo(1.0);
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("symmetry");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.layer()).isEqualTo("hidden1");
            assertThat(f.message()).contains("16 units").contains("only 1 distinct");
        });
        assertThat(sink.layers).doesNotContainKey("output");
    }

    @Test
    void identicalNonZeroRowsAfterTrainingAreStillSymmetric() {
        Tensor w = Tensor.zeros(DType.F32, 12, 5);
        double[] row = {0.3, -0.2, 0.7, 0.01, -1.5};
        for (int r = 0; r < 12; r++) {
            for (int c = 0; c < 5; c++) {
                w.set(r * 5 + c, row[c] + (r % 2) * 1e-9); // float rounding noise only
            }
        }
        RecordingSink sink = new RecordingSink();
        new Symmetry(1e-6, 0.5).onEpochEnd(model(w), sink);
        assertThat(sink.layer("hidden1", "distinct_units")).isEqualTo(1);
        assertThat(sink.findings).hasSize(1);
    }

    @Test
    void randomWeightsAreNotSymmetricAndAFewTwinsAreNoFinding() {
        Tensor w = normal(random, 0.1, 16, 8);
        for (int c = 0; c < 8; c++) {
            w.set(5 * 8 + c, w.get(2 * 8 + c)); // unit 5 copies unit 2
        }
        RecordingSink sink = new RecordingSink();
        new Symmetry(1e-6, 0.5).onEpochEnd(model(w), sink);
        assertThat(sink.layer("hidden1", "distinct_units")).isEqualTo(15);
        assertThat(sink.layer("hidden1", "duplicate_fraction")).isEqualTo(2.0 / 16);
        assertThat(sink.findings).isEmpty();
    }

    @Test
    void groupsAreExactForHalfIdenticalRows() {
        Tensor w = normal(random, 1, 8, 3);
        for (int r = 4; r < 8; r++) {
            for (int c = 0; c < 3; c++) {
                w.set(r * 3 + c, w.get(c));
            }
        }
        int[] g = Symmetry.groups(w, null, 1e-6);
        assertThat(g[4]).isEqualTo(g[0]).isEqualTo(g[7]);
        assertThat(g[1]).isNotEqualTo(g[0]).isNotEqualTo(g[2]);
    }

    @Test
    void aFewHugeRowsAfterABlowUpDoNotMakeTheOthersLookIdentical() {
        // after a loss of 1e32 a few units carry huge weights; with the layer's largest weight as the scale every
        // ordinary row would be "equal within 1e-6 of it"
        Tensor w = normal(random, 0.05, 32, 16);
        for (int c = 0; c < 16; c++) {
            w.set(3 * 16 + c, 1e12 * (c + 1));
            w.set(9 * 16 + c, -1e12 * (c + 2));
        }
        RecordingSink sink = new RecordingSink();
        new Symmetry(1e-6, 0.5).onEpochEnd(model(w), sink);
        assertThat(sink.layer("hidden1", "distinct_units")).isEqualTo(32);
        assertThat(sink.findings).isEmpty();
    }

    @Test
    void nonFiniteWeightsAreNotJudged() {
        Tensor w = Tensor.zeros(DType.F32, 8, 4);
        w.set(0, Double.NaN);
        RecordingSink sink = new RecordingSink();
        new Symmetry(1e-6, 0.5).onEpochEnd(model(w), sink);
        assertThat(sink.findings).isEmpty();
        assertThat(sink.layers).doesNotContainKey("hidden1");
    }
}
