package io.gradlab.plugins.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.diagnostics.Fakes.FakeLayer;
import io.gradlab.plugins.diagnostics.Fakes.FakeModel;
import io.gradlab.plugins.diagnostics.Fakes.RecordingSink;
import io.gradlab.testkit.ReferenceOps;
import org.junit.jupiter.api.Test;

/** The precision diagnostic on hand-made gradients with zeros, subnormals and normal numbers. */
class PrecisionTest {
    /** 0, three float32 subnormals (one negative), the smallest float32 normal, and two ordinary values. */
    private static final double[] VALUES = {0, Float.MIN_VALUE, 1e-39, -1e-40, Float.MIN_NORMAL, 1e-3, -0.5, 2};

    private static Tensor grad(DType dtype) {
        return Tensor.of(dtype, VALUES, 2, 4);
    }

    @Test
    void float32CountsItsSubnormalsAndZerosWhileTheSameNumbersAreNormalInFloat64() {
        Tensor f32 = grad(DType.F32);
        assertThat(f32.get(2)).isNotZero(); // 1e-39 is stored as a float32 subnormal, not flushed
        long[] c32 = Precision.count(f32, null, new ReferenceOps(), new BufferCache());
        assertThat(c32).containsExactly(4, 3, 4); // 0 + three subnormals; MIN_NORMAL itself is normal
        long[] c64 = Precision.count(grad(DType.F64), null, new ReferenceOps(), new BufferCache());
        assertThat(c64).containsExactly(1, 0, 1); // only the exact zero: 1e-40 is a normal double
        Tensor tiny64 = Tensor.of(DType.F64, new double[] {Double.MIN_VALUE, 1e-310, Double.MIN_NORMAL, 1e-300}, 1, 4);
        assertThat(Precision.count(tiny64, null, new ReferenceOps(), new BufferCache())).containsExactly(2, 2, 2);
    }

    @Test
    void zerosOfAFeatureThatIsZeroInTheWholeBatchAreNotUnderflow() {
        // weight [2 out, 4 in]; input feature 1 is 0 in every sample, so column 1 of the gradient is exactly 0
        Tensor input = Tensor.of(DType.F32, new double[] {0.5, 0, 0.1, 1, 0.2, 0, 0, 0.3, 0.9, 0, 0.4, 0.7}, 3, 4);
        Tensor g = Tensor.of(DType.F32, new double[] {0.1, 0, 1e-40, 0.2, 0.3, 0, 0.4, 0}, 2, 4);
        long[] c = Precision.count(g, input, new ReferenceOps(), new BufferCache());
        assertThat(c[0]).isEqualTo(4); // two structural zeros, one subnormal, one zero that is not structural
        assertThat(c[1]).isEqualTo(1);
        assertThat(c[2]).isEqualTo(2);
    }

    private static FakeModel model(Tensor gradValues) {
        Parameter w = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(gradValues.dtype(), gradValues.shape()));
        w.grad().copyFrom(gradValues);
        FakeLayer dense = new FakeLayer("hidden1", w);
        return new FakeModel().add(new LayerView("hidden1", dense, w, null));
    }

    @Test
    void anEpochOfUnderflowingGradientsIsReportedPerLayerWithAFinding() {
        FakeModel m = model(grad(DType.F32));
        Precision p = new Precision(1, 0.01);
        RecordingSink sink = new RecordingSink();
        for (int s = 1; s <= 3; s++) {
            m.step = s;
            p.afterBackward(m);
        }
        p.onEpochEnd(m, sink);
        assertThat(sink.layer("hidden1", "grad_zero_subnormal_fraction")).isCloseTo(0.5, within(1e-12));
        assertThat(sink.layer("hidden1", "grad_subnormal_fraction")).isCloseTo(0.375, within(1e-12));
        assertThat(sink.layer("hidden1", "grad_underflow_fraction")).isCloseTo(0.5, within(1e-12));
        assertThat(sink.metrics).containsEntry("grad_underflow_layer", "hidden1");
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.code()).isEqualTo("gradient-underflow");
            assertThat(f.message()).contains("hidden1").contains("float32");
            assertThat(f.remedies()).anyMatch(r -> r.contains("training.dtype=f64"));
        });
    }

    @Test
    void theSameGradientsInFloat64GiveNoFinding() {
        FakeModel m = model(Tensor.of(DType.F64, new double[] {1e-39, 1e-40, 1e-3, 0.5, 2, -1, 3e-30, 1e-300}, 2, 4));
        Precision p = new Precision(1, 0.01);
        RecordingSink sink = new RecordingSink();
        p.afterBackward(m);
        p.onEpochEnd(m, sink);
        assertThat(sink.layer("hidden1", "grad_underflow_fraction")).isZero();
        assertThat(sink.findings).isEmpty();
    }
}
