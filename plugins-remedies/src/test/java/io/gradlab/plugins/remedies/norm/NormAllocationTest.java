package io.gradlab.plugins.remedies.norm;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.remedies.support.CountingOps;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A warm forward and backward pass of each normalizer makes a fixed number of kernel calls and allocates nothing itself. */
class NormAllocationTest {
    @Test
    void aWarmPassAllocatesNothing() {
        List<Layer> layers = List.of(new BatchNorm("bn", 1e-5, 0.1, true), new BatchNorm("bn", 1e-5, 0.1, false),
                new LayerNorm("ln", 1e-5, true), new LayerNorm("ln", 1e-5, false),
                new CustomNorm("cn", CustomNorm.Over.TENSOR, 1e-6, true), new CustomNorm("cn", CustomNorm.Over.FEATURE, 1e-6, false),
                new GradNorm("gn", 1e-6));
        for (Layer layer : layers) {
            CountingOps ops = new CountingOps();
            layer.build(16, ops.context(DType.F32, 1));
            Tensor x = Tensor.zeros(DType.F32, 8, 16);
            Tensor g = Tensor.zeros(DType.F32, 8, 16);
            ops.dry = true;
            Runnable pass = () -> {
                layer.forward(x, Mode.TRAIN);
                layer.backward(g);
                layer.forward(x, Mode.EVAL);
                layer.backward(g);
            };
            for (int i = 0; i < 300; i++) {
                pass.run();
            }
            assertThat(CountingOps.allocatedBy(pass, 100)).as(layer.type() + ": bytes allocated by 100 passes").isLessThan(256);
        }
    }

    @Test
    void batchNormTakesTwoColumnSumsForwardAndTwoBackwardAndReusesThemForItsParameters() {
        CountingOps ops = new CountingOps();
        BatchNorm bn = new BatchNorm("bn", 1e-5, 0.1, true);
        bn.build(16, ops.context(DType.F32, 1));
        ops.dry = true;
        bn.forward(Tensor.zeros(DType.F32, 8, 16), Mode.TRAIN);
        assertThat(ops.reductions).isEqualTo(2);
        assertThat(ops.maps).as("mean, statistics, normalisation").isEqualTo(3);
        bn.backward(Tensor.zeros(DType.F32, 8, 16));
        assertThat(ops.reductions).isEqualTo(4);
        assertThat(ops.maps).as("input gradient, parameter gradients").isEqualTo(5);
    }
}
