package io.gradlab.plugins.remedies.grad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.GradientTransform;
import io.gradlab.plugins.remedies.support.CountingOps;
import io.gradlab.testkit.ReferenceOps;
import io.gradlab.testkit.TestContexts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformsTest {
    static GradientTransform create(String id, Map<String, Object> params) {
        ComponentFactory<GradientTransform> f = TransformFactories.all().stream().filter(x -> x.id().value().equals(id)).findFirst().orElseThrow();
        return TestContexts.create(f, params);
    }

    static Parameter param(double... grad) {
        Parameter p = new Parameter("p", Parameter.Role.WEIGHT, Tensor.zeros(DType.F64, grad.length));
        for (int i = 0; i < grad.length; i++) {
            p.grad().set(i, grad[i]);
        }
        return p;
    }

    @Test
    void clipNormScalesByTheGlobalNormExactlyAsTheFormula() {
        // grads (3, 4) and (12): global norm sqrt(9 + 16 + 144) = 13; tau = 6.5 -> divide by max(1, 13 / 6.5) = 2
        Parameter a = param(3, 4);
        Parameter b = param(12);
        Parameter frozen = param(100);
        frozen.setTrainable(false);
        GradientTransform clip = create("clip-norm", Map.of("max-norm", 6.5));
        clip.apply(List.of(a, b, frozen), new ReferenceOps());
        assertThat(a.grad().toDoubleArray()).containsExactly(1.5, 2.0);
        assertThat(b.grad().toDoubleArray()).containsExactly(6.0);
        assertThat(frozen.grad().toDoubleArray()).containsExactly(100.0);
        assertThat(clip.lastStats()).containsEntry("pre_clip_norm", 13.0).containsEntry("clipped", 1.0);
        // below the threshold nothing changes
        Parameter c = param(0.3, 0.4);
        clip.apply(List.of(c), new ReferenceOps());
        assertThat(c.grad().toDoubleArray()).containsExactly(0.3, 0.4);
        assertThat(clip.lastStats().get("pre_clip_norm")).isCloseTo(0.5, within(1e-15));
        assertThat(clip.lastStats()).containsEntry("clipped", 0.0);
    }

    @Test
    void clipValueClampsEachElement() {
        Parameter a = param(-3, 0.5, 2);
        GradientTransform clip = create("clip-value", Map.of("value", 1.0));
        clip.apply(List.of(a), new ReferenceOps());
        assertThat(a.grad().toDoubleArray()).containsExactly(-1, 0.5, 1);
        assertThat(clip.lastStats().get("clipped_fraction")).isCloseTo(2.0 / 3, within(1e-15));
    }

    @Test
    void layerRenormGivesEachParameterTheSameGradientNorm() {
        Parameter a = param(3, 4);
        Parameter b = param(1e-9, 0);
        Parameter zero = param(0, 0);
        create("layer-renorm", Map.of()).apply(List.of(a, b, zero), new ReferenceOps());
        assertThat(a.grad().toDoubleArray()).containsExactly(new double[] {0.6, 0.8}, within(1e-15));
        assertThat(b.grad().toDoubleArray()).containsExactly(new double[] {1, 0}, within(1e-15));
        assertThat(zero.grad().toDoubleArray()).containsExactly(0, 0);
        Parameter c = param(3, 4);
        create("layer-renorm", Map.of("norm", 10.0)).apply(List.of(c), new ReferenceOps());
        assertThat(c.grad().toDoubleArray()).containsExactly(new double[] {6, 8}, within(1e-14));
    }

    @Test
    void clipNormCoversBothElementTypesAndFollowsTheTrainableFlags() {
        Parameter a = param(3, 4);
        Parameter b = new Parameter("b", Parameter.Role.BIAS, Tensor.zeros(DType.F32, 1));
        b.grad().set(0, 12);
        GradientTransform clip = create("clip-norm", Map.of("max-norm", 6.5));
        List<Parameter> ps = List.of(a, b);
        clip.apply(ps, new ReferenceOps());
        assertThat(clip.lastStats()).containsEntry("pre_clip_norm", 13.0);
        assertThat(a.grad().toDoubleArray()).containsExactly(1.5, 2.0);
        assertThat(b.grad().toDoubleArray()).containsExactly(6.0);
        b.setTrainable(false);
        b.grad().set(0, 100);
        a.grad().set(0, 6);
        a.grad().set(1, 8);
        clip.apply(ps, new ReferenceOps());
        assertThat(clip.lastStats()).containsEntry("pre_clip_norm", 10.0);
        assertThat(a.grad().toDoubleArray()).containsExactly(new double[] {3.9, 5.2}, within(1e-15));
        assertThat(b.grad().toDoubleArray()).containsExactly(100.0);
    }

    @Test
    void clipValueLeavesNaNAndFrozenGradientsAndCountsOverAllTrainableElements() {
        Parameter a = param(-3, Double.NaN, 2, 0.25);
        Parameter frozen = param(7);
        frozen.setTrainable(false);
        GradientTransform clip = create("clip-value", Map.of("value", 1.0));
        clip.apply(List.of(a, frozen), new ReferenceOps());
        assertThat(a.grad().toDoubleArray()).containsExactly(-1, Double.NaN, 1, 0.25);
        assertThat(frozen.grad().toDoubleArray()).containsExactly(7);
        assertThat(clip.lastStats().get("clipped_fraction")).isEqualTo(0.5);
    }

    @Test
    void aWarmApplicationAllocatesNothing() {
        Parameter a = new Parameter("a", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 16, 16));
        Parameter b = new Parameter("b", Parameter.Role.BIAS, Tensor.zeros(DType.F32, 16));
        List<Parameter> ps = List.of(a, b);
        for (String id : List.of("clip-norm", "clip-value", "layer-renorm")) {
            GradientTransform t = create(id, Map.of());
            CountingOps ops = new CountingOps();
            ops.dry = true;
            for (int i = 0; i < 200; i++) {
                t.apply(ps, ops);
            }
            assertThat(CountingOps.allocatedBy(() -> t.apply(ps, ops), 100)).as(id + ": bytes allocated by 100 applications").isLessThan(256);
        }
    }
}
