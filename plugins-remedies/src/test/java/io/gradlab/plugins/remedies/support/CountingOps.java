package io.gradlab.plugins.remedies.support;

import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import io.gradlab.testkit.ReferenceOps;
import io.gradlab.testkit.TestBuildContext;
import java.util.function.IntConsumer;

/**
 * {@link ReferenceOps} that counts the kernel calls made through it; while {@link #dry} is set the
 * kernels do nothing (and allocate nothing), so that a test can measure what a component itself
 * allocates per step, apart from the kernels (the engine's allocate nothing once warm; the
 * reference ones do).
 */
public final class CountingOps implements Ops {
    private final ReferenceOps reference = new ReferenceOps();
    public boolean dry;
    public long maps;
    public long mapEachs;
    public long reductions;
    public long gemms;

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        gemms++;
        if (!dry) {
            reference.gemm(transA, transB, alpha, a, b, beta, c);
        }
    }

    @Override
    public void linear(Tensor x, Tensor w, Tensor bias, Tensor y) {
        gemms++;
        if (!dry) {
            reference.linear(x, w, bias, y);
        }
    }

    @Override
    public void map(Elementwise program, double[] scalars, Tensor... args) {
        maps++;
        if (!dry) {
            reference.map(program, scalars, args);
        }
    }

    @Override
    public void mapEach(Elementwise program, double[] scalars, TensorGroup... groups) {
        mapEachs++;
        if (!dry) {
            reference.mapEach(program, scalars, groups);
        }
    }

    @Override
    public void columnSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
        reductions++;
        if (!dry) {
            reference.columnSums(e, beta, out, scalars, args);
        }
    }

    @Override
    public void rowSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
        reductions++;
        if (!dry) {
            reference.rowSums(e, beta, out, scalars, args);
        }
    }

    @Override
    public double sum(Expr e, double[] scalars, Tensor... args) {
        reductions++;
        return dry ? 1.0 : reference.sum(e, scalars, args);
    }

    @Override
    public void sumEach(Expr e, double[] out, double[] scalars, TensorGroup... groups) {
        reductions++;
        if (!dry) {
            reference.sumEach(e, out, scalars, groups);
        } else {
            java.util.Arrays.fill(out, 0, groups[0].size(), 1.0);
        }
    }

    @Override
    public void parallelFor(int count, IntConsumer part) {
        for (int i = 0; i < count; i++) {
            part.accept(i);
        }
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public String backend() {
        return "counting-reference";
    }

    /** A test build context of {@code dtype} whose layers compute with these kernels. */
    public BuildContext context(DType dtype, long seed) {
        TestBuildContext test = new TestBuildContext(dtype, seed);
        Ops self = this;
        return new BuildContext() {
            @Override
            public DType dtype() {
                return dtype;
            }

            @Override
            public Ops ops() {
                return self;
            }

            @Override
            public RandomSource random() {
                return test.random();
            }

            @Override
            public void initializeWeight(Parameter weight, Fan fan) {
                test.initializeWeight(weight, fan);
            }

            @Override
            public void initializeBias(Parameter bias, Fan fan) {
                test.initializeBias(bias, fan);
            }
        };
    }

    /** The bytes the current thread allocated while {@code r} ran {@code times} times: the least of three rounds. */
    public static long allocatedBy(Runnable r, int times) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 3; i++) {
            bean.getCurrentThreadAllocatedBytes(); // its first calls allocate
        }
        // the least of three measurements: the JIT may recompile the code in one of them (the interpreter
        // and the first tiers do not eliminate what escape analysis removes); an allocation of the code
        // itself shows in all three
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
}
