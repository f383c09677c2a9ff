package io.gradlab.plugins.conv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Layer;
import io.gradlab.testkit.TestContexts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Impossible shapes are one-line spec errors that name the layer and the shapes. */
class ShapeErrorsTest {
    private static final ConvPlugin PLUGIN = new ConvPlugin();

    private static Layer layer(String id, Map<String, Object> params) {
        return TestContexts.create(TestContexts.factory(PLUGIN, ComponentKind.LAYER, id), params, "c1");
    }

    private static void isOneLineSpecError(Throwable e) {
        assertThat(e).isInstanceOf(GradlabException.class);
        assertThat(((GradlabException) e).category()).isEqualTo(GradlabException.Category.SPEC);
        assertThat(e.getMessage()).doesNotContain("\n");
    }

    @Test
    void aStrideOfZero() {
        assertThatThrownBy(() -> layer("conv2d", Map.of("stride", 0)))
                .satisfies(ShapeErrorsTest::isOneLineSpecError)
                .hasMessageContaining("layer 'c1' (conv2d)").hasMessageContaining("stride 0").hasMessageContaining("must be at least 1");
    }

    @Test
    void aKernelLargerThanThePaddedInput() {
        assertThatThrownBy(() -> layer("conv2d", Map.of("input", List.of(1, 4, 6), "kernel", 7, "padding", 1)))
                .satisfies(ShapeErrorsTest::isOneLineSpecError)
                .hasMessageContaining("layer 'c1' (conv2d): a 7x7 kernel does not fit its input 1x4x6 padded by 1 (6x8)");
        assertThatThrownBy(() -> layer("max-pool2d", Map.of("input", List.of(2, 2, 2), "kernel", 3, "stride", 1)))
                .satisfies(ShapeErrorsTest::isOneLineSpecError)
                .hasMessageContaining("layer 'c1' (max-pool2d): a 3x3 kernel does not fit its input 2x2x2");
    }

    @Test
    void channelsThatDoNotMatchTheInput() {
        Layer conv = layer("conv2d", Map.of("input", List.of(3, 28, 28)));
        assertThatThrownBy(() -> conv.build(784, TestContexts.f64()))
                .satisfies(ShapeErrorsTest::isOneLineSpecError)
                .hasMessageContaining("layer 'c1' (conv2d) expects images of 3x28x28 (2352 features) but its input has 784 features per sample");
        Layer block = layer("basic-block", Map.of("input", List.of(16, 8, 8), "channels", 16));
        assertThatThrownBy(() -> block.build(8 * 8 * 8, TestContexts.f64()))
                .satisfies(ShapeErrorsTest::isOneLineSpecError)
                .hasMessageContaining("layer 'c1' (basic-block) expects images of 16x8x8");
    }

    @Test
    void theOutputSizeFollowsPyTorch() {
        Window w = new Window(3, 2, 1, 2);
        // floor((28 + 2 - 2 * 2 - 1) / 2) + 1 = 13
        assertThat(w.output(new ImageShape(1, 28, 28), 8, "c", "conv2d")).isEqualTo(new ImageShape(8, 13, 13));
        assertThat(new Window(1, 2, 0, 1).output(new ImageShape(16, 28, 28), 32, "c", "conv2d")).isEqualTo(new ImageShape(32, 14, 14));
    }
}
