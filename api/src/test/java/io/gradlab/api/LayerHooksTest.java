package io.gradlab.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.LayerHook;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A layer keeps several hooks (the engine's and a user's), calls them in order, and forgets a removed one. */
class LayerHooksTest {
    private static final class Identity extends AbstractLayer {
        Identity() {
            super("id", "identity");
        }

        @Override
        protected int onBuild(int inputWidth, BuildContext ctx) {
            return inputWidth;
        }

        @Override
        protected void updateOutput(Tensor input, Tensor output, Mode mode) {
            output.copyFrom(input);
        }

        @Override
        protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
            gradInput.copyFrom(gradOutput);
        }
    }

    private record Recorder(String name, List<String> calls) implements LayerHook {
        @Override
        public void afterForward(Layer layer, Tensor input, Tensor output, Mode mode) {
            calls.add(name + " forward " + output.get(0));
        }

        @Override
        public void afterBackward(Layer layer, Tensor gradOutput, Tensor gradInput) {
            calls.add(name + " backward " + gradOutput.get(0));
        }
    }

    @Test
    void hooksRunInOrderAndCanBeRemoved() {
        BuildContext ctx = (BuildContext) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BuildContext.class}, (proxy, method, args) -> method.getName().equals("dtype") ? DType.F64 : null);
        Identity layer = new Identity();
        layer.build(2, ctx);
        List<String> calls = new ArrayList<>();
        LayerHook first = new Recorder("first", calls);
        LayerHook second = new Recorder("second", calls);
        assertThat(layer.addHook(first)).isTrue();
        assertThat(layer.addHook(second)).isTrue();
        Tensor x = Tensor.zeros(DType.F64, 1, 2);
        x.set(0, 3);
        Tensor g = Tensor.zeros(DType.F64, 1, 2);
        g.set(0, 5);
        layer.forward(x, Mode.TRAIN);
        layer.backward(g);
        assertThat(calls).containsExactly("first forward 3.0", "second forward 3.0", "first backward 5.0", "second backward 5.0");

        calls.clear();
        layer.removeHook(first);
        layer.removeHook(new Recorder("never added", calls));
        layer.forward(x, Mode.EVAL);
        assertThat(calls).containsExactly("second forward 3.0");

        calls.clear();
        layer.removeHook(second);
        layer.forward(x, Mode.TRAIN);
        layer.backward(g);
        assertThat(calls).isEmpty();
    }

    @Test
    void aLayerNotBuiltOnAbstractLayerSaysItCallsNoHooks() {
        Layer plain = (Layer) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Layer.class},
                (proxy, method, args) -> java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args));
        assertThat(plain.addHook(new Recorder("x", new ArrayList<>()))).isFalse();
    }
}
