package io.gradlab.plugins.remedies.skip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.ComponentFactory.CreateContext;
import io.gradlab.api.GradlabException;
import io.gradlab.api.ParamsValidator;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.remedies.support.CountingOps;
import io.gradlab.plugins.remedies.support.NumericGradient;
import io.gradlab.testkit.TestContexts;
import io.gradlab.plugins.remedies.support.TestLayers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SkipConnectionsTest {
    private static Layer block(String name, int units) {
        return new TestLayers.Seq(name, List.of(new TestLayers.Dense(name + "-dense", units), new TestLayers.Tanh(name + "-tanh")));
    }

    @Test
    void residualGradientFlowsThroughBothPaths() {
        Residual identity = new Residual("res", block("body", 4), null);
        assertThat(NumericGradient.check(identity, 4, 3, Mode.TRAIN, 1)).isEqualTo(12 + 20);
        assertThat(identity.children()).hasSize(1);
        Residual projected = new Residual("res", block("body", 3), null);
        assertThat(NumericGradient.check(projected, 5, 3, Mode.TRAIN, 2)).isEqualTo(15 + 18 + 15);
        assertThat(projected.children()).extracting(Layer::type).containsExactly("sequential", "projection");
    }

    @Test
    void residualAddsTheInputToTheBodysOutput() {
        Residual r = new Residual("res", block("body", 2), null);
        r.build(2, TestContexts.f64());
        Tensor x = Tensor.of(DType.F64, new double[] {0.1, -0.3, 2, 1}, 2, 2);
        Tensor body = r.children().get(0).forward(x, Mode.EVAL).copy();
        Tensor y = r.forward(x, Mode.EVAL);
        for (int i = 0; i < 4; i++) {
            assertThat(y.get(i)).isCloseTo(body.get(i) + x.get(i), within(1e-15));
        }
    }

    @Test
    void skipNetworkGradientIsExactForOverlappingIdentityAndProjectedSkips() {
        List<Layer> blocks = List.of(block("b1", 3), block("b2", 3), block("b3", 4), block("b4", 3));
        SkipNetwork net = new SkipNetwork("net", blocks, new TestLayers.Dense("head", 2), List.of(
                new SkipNetwork.Skip(1, 2, null),
                new SkipNetwork.Skip(2, 3, new TestLayers.Dense("p23", 4)),
                new SkipNetwork.Skip(1, 4, null),
                new SkipNetwork.Skip(3, 4, new TestLayers.Dense("p34", 3))));
        int params = (5 * 3 + 3) + (3 * 3 + 3) + (3 * 4 + 4) + (4 * 3 + 3) + (3 * 2 + 2) + (3 * 4 + 4) + (4 * 3 + 3);
        assertThat(NumericGradient.check(net, 5, 3, Mode.TRAIN, 3)).isEqualTo(15 + params);
        assertThat(net.children()).extracting(Layer::name).containsExactly("b1", "b2", "p23", "b3", "p34", "b4", "head");
    }

    @Test
    void skipNetworkWiresTheCoursesWay() {
        // h1 = b1(x); h2 = b2(h1); h3 = b3(h2) + h1; output = head(h3)
        Layer b1 = block("b1", 2);
        Layer b2 = block("b2", 2);
        Layer b3 = block("b3", 2);
        TestLayers.Dense head = new TestLayers.Dense("head", 1);
        SkipNetwork net = new SkipNetwork("net", List.of(b1, b2, b3), head, List.of(new SkipNetwork.Skip(1, 3, null)));
        net.build(2, TestContexts.f64());
        Tensor x = Tensor.of(DType.F64, new double[] {0.5, -1}, 1, 2);
        double out = net.forward(x, Mode.EVAL).get(0);
        Tensor h1 = b1.forward(x, Mode.EVAL).copy();
        Tensor h3 = b3.forward(b2.forward(h1, Mode.EVAL), Mode.EVAL).copy();
        for (int i = 0; i < 2; i++) {
            h3.set(i, h3.get(i) + h1.get(i));
        }
        assertThat(out).isCloseTo(head.forward(h3, Mode.EVAL).get(0), within(1e-15));
    }

    @Test
    void skipMlpBuildsTheCourseWiringWithBlocksNamedAsTheMlp() {
        TestLayers.Builder b = new TestLayers.Builder(6, 3);
        var f = SkipMlp.factory();
        Layer net = f.create(ParamsValidator.validate(f, Map.of("depth", 7, "width", 4, "activation", "tanh"), "test"),
                CreateContext.of("net", b));
        assertThat(net).isInstanceOf(SkipNetwork.class);
        assertThat(((SkipNetwork) net).skips()).extracting(SkipNetwork.Skip::from, SkipNetwork.Skip::to)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 3), org.assertj.core.groups.Tuple.tuple(4, 7));
        assertThat(net.children()).extracting(Layer::name).containsExactly("block1", "block2", "block3", "block4", "block5", "block6", "block7", "output");
        assertThat(b.calls).contains("dense hidden1 4 pytorch-default tanh", "activation act7 tanh", "dense output 3 pytorch-default linear");
        assertThat(NumericGradient.check(net, 6, 2, Mode.TRAIN, 4)).isPositive();
    }

    @Test
    void skipsBetweenDifferentWidthsGetAProjectionOrAClearError() {
        var f = SkipMlp.factory();
        TestLayers.Builder b = new TestLayers.Builder(6, 3);
        Layer net = f.create(ParamsValidator.validate(f, Map.of("hidden", List.of(4, 5, 4), "skips", List.of(List.of(1, 2))), "t"),
                CreateContext.of("net", b));
        assertThat(net.children()).extracting(Layer::name).containsExactly("block1", "skip1-2", "block2", "block3", "output");
        assertThat(NumericGradient.check(net, 6, 2, Mode.TRAIN, 5)).isPositive();
        assertThatThrownBy(() -> f.create(ParamsValidator.validate(f,
                Map.of("hidden", List.of(4, 5, 4), "skips", List.of(List.of(1, 2)), "projection", false), "t"), CreateContext.of("net", b)))
                .isInstanceOf(GradlabException.class).hasMessageContaining("different widths (4 and 5)").hasMessageContaining("projection: true");
    }

    @Test
    void badSkipsAreRejectedWithTheReason() {
        var f = SkipMlp.factory();
        TestLayers.Builder b = new TestLayers.Builder(6, 3);
        Map<List<List<Integer>>, String> cases = Map.of(
                List.of(List.of(3, 1)), "must go forward",
                List.of(List.of(2, 2)), "must go forward",
                List.of(List.of(1, 8)), "outside 1..7",
                List.of(List.of(0, 2)), "each in [1, 10000]",
                List.of(List.of(1, 2, 3)), "must be a pair",
                List.of(List.of(1, 3), List.of(1, 3)), "given twice");
        cases.forEach((skips, message) -> assertThatThrownBy(
                () -> f.create(ParamsValidator.validate(f, Map.of("skips", skips), "t"), CreateContext.of("net", b)))
                .isInstanceOf(GradlabException.class).hasMessageContaining("skip-mlp").hasMessageContaining(message));
    }

    @Test
    void aWarmPassOfTheSkipContainersAllocatesNothing() {
        CountingOps ops = new CountingOps();
        Residual residual = new Residual("res", new TestLayers.Tanh("body"), null);
        Residual projected = new Residual("proj", new TestLayers.Dense("body", 3), null);
        SkipNetwork net = new SkipNetwork("net", List.of(new TestLayers.Tanh("b1"), new TestLayers.Dense("b2", 4), new TestLayers.Tanh("b3"),
                new TestLayers.Tanh("b4")), new TestLayers.Dense("head", 2), List.of(new SkipNetwork.Skip(1, 3, null),
                new SkipNetwork.Skip(2, 4, null), new SkipNetwork.Skip(1, 4, new TestLayers.Dense("p14", 4))));
        for (Layer layer : List.of(residual, projected, net)) {
            int out = layer.build(4, ops.context(DType.F32, 1));
            Tensor x = Tensor.zeros(DType.F32, 8, 4);
            Tensor g = Tensor.zeros(DType.F32, 8, out);
            ops.dry = true;
            Runnable pass = () -> {
                layer.forward(x, Mode.TRAIN);
                layer.backward(g);
            };
            for (int i = 0; i < 3000; i++) {
                pass.run();
            }
            assertThat(CountingOps.allocatedBy(pass, 1000)).as(layer.name() + ": bytes allocated by 1000 passes").isLessThan(256);
            ops.dry = false;
        }
    }
}
