package io.gradlab.plugins.conv;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import io.gradlab.testkit.TestBuildContext;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * A warm forward and backward pass of every image layer allocates nothing itself: the layers' own
 * work (im2col, col2im, pooling loops, views, argument arrays) measured on this thread, with kernels
 * that do nothing and a parallel-for that runs its two parts here.
 */
class AllocationTest {
    /** Kernels that compute nothing: what is measured is the layers' own code. */
    static final class DryOps implements Ops {
        @Override
        public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {}

        @Override
        public void linear(Tensor x, Tensor w, Tensor bias, Tensor y) {}

        @Override
        public void map(Elementwise program, double[] scalars, Tensor... args) {}

        @Override
        public void mapEach(Elementwise program, double[] scalars, TensorGroup... groups) {}

        @Override
        public void columnSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {}

        @Override
        public void rowSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {}

        @Override
        public double sum(Expr e, double[] scalars, Tensor... args) {
            return 0;
        }

        @Override
        public void sumEach(Expr e, double[] out, double[] scalars, TensorGroup... groups) {}

        @Override
        public void parallelFor(int count, IntConsumer part) {
            for (int i = 0; i < count; i++) {
                part.accept(i);
            }
        }

        @Override
        public int threads() {
            return 2;
        }

        @Override
        public String backend() {
            return "dry";
        }
    }

    private static long allocatedBy(Runnable r, int times) {
        ThreadMXBean bean = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 3; i++) {
            bean.getCurrentThreadAllocatedBytes();
        }
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < times; i++) {
                r.run();
            }
            least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }

    @Test
    void aWarmPassOfEveryImageLayerAllocatesNothing() {
        ImageShape in = new ImageShape(3, 8, 8);
        List<Layer> layers = List.of(
                new Conv2d("conv", in, 4, new Window(3, 1, 1, 1), true, "relu", null),
                new Conv2d("strided", in, 4, new Window(3, 2, 1, 1), false, "relu", null),
                new Pool2d("max", Pool2d.Kind.MAX, in, new Window(2, 2, 0, 1)),
                new Pool2d("avg", Pool2d.Kind.AVG, in, new Window(3, 1, 1, 1)),
                new GlobalAvgPool("gap", in),
                new Flatten("flatten", in),
                new BatchNorm2d("bn", in, 1e-5, 0.1, true),
                new BasicBlock("block", in, 4, 2, true, 1e-5, 0.1, Relu::new, null),
                new BasicBlock("plain", in, 3, 1, false, 1e-5, 0.1, Relu::new, null));
        warmPassesAllocateNothing(in, layers, true, 200);
    }

    /** Builds each layer, runs {@code warm} passes (training forward and backward, then evaluation's with {@code eval}), then measures 50. */
    private static void warmPassesAllocateNothing(ImageShape in, List<Layer> layers, boolean eval, int warm) {
        for (Layer layer : layers) {
            int out = layer.build(in.size(), new TestBuildContext(DType.F32, 1).withOps(new DryOps()));
            layer.setInputGradientRequired(true);
            Tensor x = Tensor.zeros(DType.F32, 5, in.size());
            Tensor g = Tensor.zeros(DType.F32, 5, out);
            Runnable pass = () -> {
                layer.forward(x, Mode.TRAIN);
                layer.backward(g);
                if (eval) {
                    layer.forward(x, Mode.EVAL);
                    layer.backward(g);
                }
            };
            for (int i = 0; i < warm; i++) {
                pass.run();
            }
            assertThat(allocatedBy(pass, 50)).as(layer + ": bytes allocated by 50 warm passes").isLessThan(256);
        }
    }

    @Test
    void theDirectKernelsAllocateNothingOnceCompiled() {
        // float32 3x3 convolutions (stride 1 "same", stride 2) with 8 or 16 output channels run on DirectConv, whose vectors are
        // boxed until C2 compiles it
        ImageShape in = new ImageShape(8, 8, 8);
        List<Layer> layers = List.of(
                new Conv2d("direct", in, 8, new Window(3, 1, 1, 1), true, "relu", null),
                new Conv2d("direct-16", in, 16, new Window(3, 1, 1, 1), false, "relu", null),
                new Conv2d("strided-direct", in, 16, new Window(3, 2, 1, 1), true, "relu", null),
                new BasicBlock("block", in, 8, 1, true, 1e-5, 0.1, Relu::new, null));
        warmPassesAllocateNothing(in, layers, false, 4000);
        assertThat(((Conv2d) layers.get(0)).usesDirectKernels()).as("the direct kernels ran").isEqualTo(DirectConv.worthIt());
    }
}
