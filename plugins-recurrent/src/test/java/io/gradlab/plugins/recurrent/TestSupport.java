package io.gradlab.plugins.recurrent;

import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
import java.util.SplittableRandom;

/** Plain-loop kernels, a seeded random source and a build context for the plugin's tests. */
final class TestSupport {
    private TestSupport() {}

    static final class NaiveOps implements Ops {
        @Override
        public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
            int m = transA ? a.cols() : a.rows();
            int k = transA ? a.rows() : a.cols();
            int n = transB ? b.rows() : b.cols();
            if ((transB ? b.cols() : b.rows()) != k || c.rows() != m || c.cols() != n) {
                throw new IllegalArgumentException("gemm shapes");
            }
            int ac = a.cols();
            int bc = b.cols();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = transA ? a.get(p * ac + i) : a.get(i * ac + p);
                        double bv = transB ? b.get(j * bc + p) : b.get(p * bc + j);
                        s += av * bv;
                    }
                    double old = beta == 0 ? 0 : beta * c.get(i * n + j);
                    c.set(i * n + j, alpha * s + old);
                }
            }
        }

        @Override
        public void addRowVector(Tensor m, Tensor v) {
            int cols = m.cols();
            for (int i = 0; i < m.size(); i++) {
                m.set(i, m.get(i) + v.get(i % cols));
            }
        }

        @Override
        public void sumRows(Tensor m, double beta, Tensor out) {
            int cols = m.cols();
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int r = 0; r < m.rows(); r++) {
                    s += m.get(r * cols + c);
                }
                out.set(c, (beta == 0 ? 0 : beta * out.get(c)) + s);
            }
        }

        @Override
        public void axpy(double alpha, Tensor x, Tensor y) {
            for (int i = 0; i < y.size(); i++) {
                y.set(i, y.get(i) + alpha * x.get(i));
            }
        }

        @Override
        public void scale(double alpha, Tensor x) {
            for (int i = 0; i < x.size(); i++) {
                x.set(i, alpha * x.get(i));
            }
        }

        @Override
        public void mul(Tensor a, Tensor b, Tensor out) {
            for (int i = 0; i < out.size(); i++) {
                out.set(i, a.get(i) * b.get(i));
            }
        }

        @Override
        public double dot(Tensor a, Tensor b) {
            double s = 0;
            for (int i = 0; i < a.size(); i++) {
                s += a.get(i) * b.get(i);
            }
            return s;
        }

        @Override
        public double sumOfSquares(Tensor x) {
            return dot(x, x);
        }

        @Override
        public String backend() {
            return "naive";
        }
    }

    static final class Random implements RandomSource {
        private final long seed;
        private final SplittableRandom random;

        Random(long seed) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public double nextDouble() {
            return random.nextDouble();
        }

        @Override
        public double nextGaussian() {
            double u = random.nextDouble();
            double v = random.nextDouble();
            return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
        }

        @Override
        public int nextInt(int bound) {
            return random.nextInt(bound);
        }

        @Override
        public RandomSource fork(String name) {
            return new Random(seed * 31 + name.hashCode());
        }
    }

    /** A build context drawing weights from N(0, std^2) and zero biases. */
    static final class Context implements BuildContext {
        private final DType dtype;
        private final Ops ops;
        private final Random random;
        private final double std;

        Context(DType dtype, long seed, double std) {
            this(dtype, new NaiveOps(), seed, std);
        }

        Context(DType dtype, Ops ops, long seed, double std) {
            this.dtype = dtype;
            this.ops = ops;
            this.random = new Random(seed);
            this.std = std;
        }

        @Override
        public DType dtype() {
            return dtype;
        }

        @Override
        public Ops ops() {
            return ops;
        }

        @Override
        public RandomSource random() {
            return random.fork("layer");
        }

        @Override
        public void initializeWeight(Parameter weight, Fan fan) {
            for (int i = 0; i < weight.value().size(); i++) {
                weight.value().set(i, std * random.nextGaussian());
            }
        }

        @Override
        public void initializeBias(Parameter bias, Fan fan) {
            bias.value().fill(0);
        }
    }

    static Tensor normal(DType dtype, RandomSource random, double std, int... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, std * random.nextGaussian());
        }
        return t;
    }
}
