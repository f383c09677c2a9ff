package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ludovic.netlib.blas.JavaBLAS;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sigmoid's gradient {@code y sigmoid(-x) gradY} and derivative {@code y sigmoid(-x)} are compiled
 * into one instruction ({@link BlockEval#SIGMOID_NEG_MUL}); it must give the bits the separate
 * instructions give (the sigmoid of {@code -x} stored first, then the products), on every evaluator.
 */
class FusedSigmoidGradientTest {
    private static final Expr X = Expr.arg(0);
    private static final Expr Y = Expr.arg(1);
    private static final Expr G = Expr.arg(2);
    private static final Expr S = Expr.arg(4);
    private static final float[] EDGES = {0f, -0f, 1f, -1f, 17f, -17f, 87f, -87f, 88.8f, -104.5f, 200f, -200f, Float.MIN_VALUE,
        -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-20f};

    static Stream<Arguments> kernels() {
        JavaBLAS blas = JavaBLAS.getInstance();
        Stream.Builder<Arguments> b = Stream.builder();
        for (int threads : new int[] {1, 2}) {
            b.add(Arguments.of("scalar", DType.F32, threads,
                    new BlasOps(new KernelChoice(blas, new NetlibFloatGemm(blas), threads), ScalarFloatEval.INSTANCE)));
            b.add(Arguments.of(VectorSupport.BLOCK_EVAL.name(), DType.F32, threads,
                    new BlasOps(new KernelChoice(blas, new NetlibFloatGemm(blas), threads), VectorSupport.BLOCK_EVAL)));
            b.add(Arguments.of("double", DType.F64, threads, BlasOps.create("java", threads)));
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1}, {2} threads")
    @MethodSource("kernels")
    void fusedGivesTheBitsOfTheSeparateInstructions(String eval, DType dtype, int threads, Ops ops) {
        for (int n : new int[] {1, 15, 1000, 2500, 70_003}) { // tails, one block, several, split over the threads
            Random r = new Random(n);
            Tensor x = random(r, dtype, n, 10);
            Tensor y = random(r, dtype, n, 1);
            Tensor g = random(r, dtype, n, 1e-3);
            Tensor s = Tensor.zeros(dtype, n);

            Tensor fused = Tensor.zeros(dtype, n);
            ops.map(Elementwise.assign(3, Y.mul(X.neg().sigmoid()).mul(G)), null, x, y, g, fused);
            Tensor separate = Tensor.zeros(dtype, n);
            ops.map(Elementwise.assign(4, X.neg().sigmoid()).then(3, Y.mul(S).mul(G)), null, x, y, g, separate, s);
            assertSameBits(fused, separate, "gradient, n = " + n);

            ops.map(Elementwise.assign(3, Y.mul(X.neg().sigmoid())), null, x, y, g, fused);
            ops.map(Elementwise.assign(4, X.neg().sigmoid()).then(3, Y.mul(S)), null, x, y, g, separate, s);
            assertSameBits(fused, separate, "derivative, n = " + n);

            // a shared sigmoid is not fused away: its other reader still gets it
            Expr shared = X.neg().sigmoid();
            ops.map(Elementwise.assign(3, Y.mul(shared).add(shared)), null, x, y, g, fused);
            ops.map(Elementwise.assign(4, X.neg().sigmoid()).then(3, Y.mul(S).add(S)), null, x, y, g, separate, s);
            assertSameBits(fused, separate, "shared, n = " + n);
        }
    }

    @org.junit.jupiter.api.Test
    void theSigmoidsGradientAndDerivativeCompileToOneInstruction() {
        assertThat(ProgramCompiler.compile(Elementwise.assign(3, Y.mul(X.neg().sigmoid()).mul(G))).code())
                .containsExactly(BlockEval.SIGMOID_NEG_MUL, 3, 1, 0, 2);
        ProgramCompiler.Compiled derivative = ProgramCompiler.compile(Y.mul(X.neg().sigmoid()));
        assertThat(derivative.instructions()).isEqualTo(1);
        assertThat(derivative.code()[0]).isEqualTo(BlockEval.SIGMOID_NEG_MUL);
        Expr shared = X.neg().sigmoid();
        assertThat(ProgramCompiler.compile(Y.mul(shared).add(shared)).code()).doesNotContain(BlockEval.SIGMOID_NEG_MUL);
    }

    @ParameterizedTest(name = "{0} {1}, {2} threads")
    @MethodSource("kernels")
    void fusedDerivativeIsTheSigmoidsDerivative(String eval, DType dtype, int threads, Ops ops) {
        int n = 4000;
        Tensor x = Tensor.zeros(dtype, n);
        Tensor y = Tensor.zeros(dtype, n);
        Tensor ones = Tensor.zeros(dtype, n);
        Tensor d = Tensor.zeros(dtype, n);
        for (int i = 0; i < n; i++) {
            double v = -80 + 160.0 * i / n;
            x.set(i, v);
            y.set(i, Expr.sigmoid(x.get(i)));
            ones.set(i, 1);
        }
        ops.map(Elementwise.assign(3, Y.mul(X.neg().sigmoid()).mul(G)), null, x, y, ones, d);
        for (int i = 0; i < n; i++) {
            double xi = x.get(i);
            double want = Expr.sigmoid(xi) * Expr.sigmoid(-xi);
            assertThat(Math.abs(d.get(i) - want) / want).as("x = %s", xi).isLessThan(dtype == DType.F32 ? 1e-6 : 1e-15);
        }
    }

    private static Tensor random(Random r, DType dtype, int n, double scale) {
        Tensor t = Tensor.zeros(dtype, n);
        for (int i = 0; i < n; i++) {
            t.set(i, i < EDGES.length ? EDGES[(i * 7 + (int) scale) % EDGES.length] : scale * r.nextGaussian());
        }
        return t;
    }

    private static void assertSameBits(Tensor a, Tensor b, String what) {
        for (int i = 0; i < a.size(); i++) {
            long ba = a.dtype() == DType.F32 ? Float.floatToIntBits(a.floats()[i]) : Double.doubleToLongBits(a.doubles()[i]);
            long bb = b.dtype() == DType.F32 ? Float.floatToIntBits(b.floats()[i]) : Double.doubleToLongBits(b.doubles()[i]);
            assertThat(ba).as("%s, element %d: %s vs %s", what, i, a.get(i), b.get(i)).isEqualTo(bb);
        }
    }
}
