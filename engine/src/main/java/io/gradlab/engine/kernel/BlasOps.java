package io.gradlab.engine.kernel;

import static java.util.Objects.requireNonNull;

import dev.ludovic.netlib.blas.BLAS;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Ops} on a BLAS: native OpenBLAS through JNI when the machine has it
 * ({@code libopenblas0-pthread}), otherwise a pure-Java kernel (gradlab's Vector API kernel when the
 * JVM runs with {@code --add-modules jdk.incubator.vector}, else netlib's Java BLAS).
 *
 * <p>Threads: a float matrix product large enough to pay for it is split in {@link #threads()}
 * parts (by rows or columns of the result, depending only on the shapes), each computed by a
 * single-threaded BLAS call on its own thread; every element of the result is computed by one
 * thread, so results are bit-identical for the same thread count. OpenBLAS must then run
 * single-threaded ({@code OPENBLAS_NUM_THREADS=1}, set by the {@code gradlab} launcher): two
 * thread pools on the same cores oversubscribe them.
 *
 * <p>Configuration (system properties): {@code gradlab.blas} = {@code auto} (default),
 * {@code native} or {@code java}; {@code gradlab.threads} = the number of threads (default: the
 * available processors when OpenBLAS is single-threaded or absent, else 1, leaving the threading
 * to OpenBLAS).
 */
public final class BlasOps implements Ops {
    private static final Logger LOG = LoggerFactory.getLogger(BlasOps.class);
    /** Products with fewer multiply-adds than this run on one thread (the hand-over costs about a microsecond). */
    public static final long PARALLEL_MIN_MACS = 100_000;
    /** Elementwise work on fewer elements than this runs on one thread. */
    public static final int PARALLEL_MIN_ELEMENTS = 8_192;

    private final BLAS blas;
    private final FloatGemm floatGemm;
    private final WorkerGang gang;
    private final SplitGemm split = new SplitGemm();
    private final FloatKernels kernels = FloatKernels.get();
    private final ElementwiseRunner elementwise;

    /** The BLAS and thread count chosen by the system properties and the machine (see the class comment). */
    public BlasOps() {
        this(KernelChoice.fromSystem());
    }

    /**
     * The kernels named by {@code blas} ({@code auto}: native OpenBLAS when installed, else Java;
     * {@code native}; {@code java}) with float products split over {@code threads} threads
     * ({@code 0}: the default of the class comment).
     */
    public static BlasOps create(String blas, int threads) {
        requireNonNull(blas, "blas is null");
        return new BlasOps(KernelChoice.of(blas, threads <= 0 ? null : Integer.toString(threads)));
    }

    /** Single-threaded kernels on {@code blas}. */
    public BlasOps(BLAS blas) {
        this(blas, 1);
    }

    /** Kernels on {@code blas}, float products split over {@code threads} threads. */
    public BlasOps(BLAS blas, int threads) {
        this(new KernelChoice(requireNonNull(blas, "blas is null"), new NetlibFloatGemm(blas), threads));
    }

    BlasOps(KernelChoice choice) {
        this(choice, VectorSupport.BLOCK_EVAL);
    }

    /** Kernels with the given float evaluator of elementwise programs (tests compare the plain-Java one). */
    BlasOps(KernelChoice choice, BlockEval floatEval) {
        this.blas = choice.blas();
        this.floatGemm = choice.floatGemm();
        this.gang = new WorkerGang(choice.threads());
        this.elementwise = new ElementwiseRunner(gang, floatEval);
        if (choice.threads() > 1 && floatGemm.backend().equals("native-openblas") && !KernelChoice.openBlasSingleThreaded()) {
            LOG.warn("gradlab splits matrix products over {} threads but OpenBLAS may start its own threads too "
                    + "(OPENBLAS_NUM_THREADS={}): set OPENBLAS_NUM_THREADS=1 before starting the JVM (the gradlab launcher does), "
                    + "or -Dgradlab.threads=1", choice.threads(), System.getenv("OPENBLAS_NUM_THREADS"));
        }
    }

    /** {@code native-openblas}, {@code java-vector} or {@code java}: the kernel of float matrix products. */
    @Override
    public String backend() {
        return floatGemm.backend();
    }

    /** The number of threads a large product or elementwise pass is split over. */
    @Override
    public int threads() {
        return gang.parts();
    }

    /** {@link #describe()} of the engine's kernels, else the backend and thread count of {@code ops}. */
    public static String describe(Ops ops) {
        return ops instanceof BlasOps b ? b.describe() : ops.backend() + ", " + ops.threads() + (ops.threads() == 1 ? " thread" : " threads");
    }

    /** A one-line description: backend, threads, OpenBLAS's own thread setting, elementwise kernels. */
    public String describe() {
        String env = System.getenv("OPENBLAS_NUM_THREADS");
        String detail = floatGemm.detail();
        return backend() + (detail.isEmpty() ? "" : " (" + detail + ")") + ", " + threads() + (threads() == 1 ? " thread" : " threads")
                + (backend().equals("native-openblas") ? " (OPENBLAS_NUM_THREADS=" + (env == null ? "unset" : env) + ")" : "")
                + ", " + elementwise.evalName() + " elementwise kernels";
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        if (emptyProduct(transA, transB, a, b, beta, c)) {
            return;
        }
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int n = transB ? b.rows() : b.cols();
        if (c.dtype() == DType.F32) {
            sgemm(transA, transB, m, n, k, (float) alpha, a.floats(), a.offset(), a.cols(), b.floats(), b.offset(), b.cols(), (float) beta,
                    c.floats(), c.offset(), null);
        } else {
            blas.dgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha, b.doubles(), b.offset(), b.cols(), a.doubles(), a.offset(),
                    a.cols(), beta, c.doubles(), c.offset(), n);
        }
    }

    @Override
    public void linear(Tensor x, Tensor w, Tensor bias, Tensor y) {
        if (bias == null) {
            gemm(false, true, 1.0, x, w, 0.0, y);
        } else {
            gemmBias(false, true, x, w, bias, y);
        }
    }

    /**
     * {@code C = op(A) op(B) + 1 bias^T}: every row of {@code C} starts as {@code bias} and the product
     * is added to it, each thread filling the block of {@code C} it then computes (one pass over
     * {@code C}, and no serial fill before the split product). The same as filling the rows and
     * calling {@link #gemm} with {@code beta = 1}.
     */
    public void gemmBias(boolean transA, boolean transB, Tensor a, Tensor b, Tensor bias, Tensor c) {
        if (bias.size() != c.cols()) {
            throw new IllegalArgumentException("bias of " + bias.size() + " does not match " + c.cols() + " columns");
        }
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int n = transB ? b.rows() : b.cols();
        boolean floats = c.dtype() == DType.F32 && bias.dtype() == DType.F32 && k == (transB ? b.cols() : b.rows()) && c.rows() == m
                && c.cols() == n && k > 0 && c.offset() == 0 && bias.offset() == 0;
        if (!floats) { // float64, an empty product, or shapes that gemm reports
            fillRows(c, bias);
            gemm(transA, transB, 1.0, a, b, 1.0, c);
            return;
        }
        // sgemm splits it or not, as any product, and fills the bias where it computes
        sgemm(transA, transB, m, n, k, 1f, a.floats(), a.offset(), a.cols(), b.floats(), b.offset(), b.cols(), 1f, c.floats(), c.offset(),
                bias.offset() == 0 ? bias.floats() : Arrays.copyOfRange(bias.floats(), bias.offset(), bias.offset() + bias.size()));
    }

    /** Every row of {@code m} set to {@code row} (either may be a slice). */
    public static void fillRows(Tensor m, Tensor row) {
        int rows = m.rows();
        int cols = m.cols();
        if (row.size() != cols) {
            throw new IllegalArgumentException("a row of " + row.size() + " does not fill " + cols + " columns");
        }
        if (m.dtype() == DType.F32 && row.dtype() == DType.F32 && m.offset() == 0 && row.offset() == 0) {
            FloatKernels.get().fillRows(m.floats(), row.floats(), cols, 0, rows, 0, cols);
        } else if (m.dtype() == DType.F32 && row.dtype() == DType.F32) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(row.floats(), row.offset(), m.floats(), m.offset() + r * cols, cols);
            }
        } else if (m.dtype() == DType.F64 && row.dtype() == DType.F64) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(row.doubles(), row.offset(), m.doubles(), m.offset() + r * cols, cols);
            }
        } else {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    m.set(r * cols + c, row.get(c));
                }
            }
        }
    }

    /**
     * Checks that {@code op(A) op(B)} fits {@code C}; computes a product with nothing to multiply (an
     * empty {@code C}, or an empty shared dimension: {@code C = beta C}) and returns true for it.
     */
    private boolean emptyProduct(boolean transA, boolean transB, Tensor a, Tensor b, double beta, Tensor c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shapes do not match: op(A) " + m + "x" + k + ", op(B) " + kb + "x" + n
                    + ", C " + c.rows() + "x" + c.cols());
        }
        if (m == 0 || n == 0) {
            return true;
        }
        if (k == 0) {
            if (beta == 0) {
                c.fill(0);
            } else {
                scale(beta, c);
            }
            return true;
        }
        return false;
    }

    /**
     * The float product on arrays with offsets; with {@code bias} (C at offset 0), each part first fills
     * its block of C with the bias rows ({@code beta} must be 1).
     */
    private void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, float[] bias) {
        int parts = gang.parts();
        if (parts == 1 || (long) m * n * k < PARALLEL_MIN_MACS || gang.inTask()) {
            if (bias != null) {
                kernels.fillRows(c, bias, n, 0, m, 0, n);
            }
            floatGemm.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, n);
            return;
        }
        synchronized (gang) {
            split.set(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, parts);
            split.bias = bias;
            try {
                gang.run(split);
            } finally {
                split.clear();
            }
        }
    }

    /** The arguments of the product being split; reused, so that splitting allocates nothing. */
    private final class SplitGemm implements WorkerGang.Task {
        private boolean ta;
        private boolean tb;
        private int m;
        private int n;
        private int k;
        private float alpha;
        private float[] a;
        private int aOff;
        private int lda;
        private float[] b;
        private int bOff;
        private int ldb;
        private float beta;
        private float[] c;
        private int cOff;
        private boolean byRows;
        private int chunk;
        /** The bias row each part fills its block of C with first, or null. */
        private float[] bias;

        void set(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                 float beta, float[] c, int cOff, int parts) {
            this.aOff = aOff;
            this.bOff = bOff;
            this.cOff = cOff;
            this.ta = ta;
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.lda = lda;
            this.b = b;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            // by rows whenever every part gets 16 rows or more: a part then reads the rows of A that the same
            // core wrote (the previous layer's activation, split by rows too) and writes whole rows of C for
            // the next one; by columns only for products too short for that (at batch 64 the column split
            // of a 64 x 128 output made every core read and write the other's half of each row)
            this.byRows = m >= n || m >= 16 * parts;
            int dim = byRows ? m : n;
            int per = (dim + parts - 1) / parts;
            this.chunk = Math.min(dim, (per + 15) & ~15); // whole cache lines and vector widths per part
        }

        void clear() {
            a = null;
            b = null;
            c = null;
            bias = null;
        }

        @Override
        public void run(int part) {
            int dim = byRows ? m : n;
            int from = Math.min(dim, part * chunk);
            int to = Math.min(dim, from + chunk);
            if (from >= to) {
                return;
            }
            if (bias != null) {
                if (byRows) {
                    kernels.fillRows(c, bias, n, from, to, 0, n);
                } else {
                    kernels.fillRows(c, bias, n, 0, m, from, to);
                }
            }
            if (byRows) {
                // rows [from, to) of C and of op(A)
                floatGemm.gemm(ta, tb, to - from, n, k, alpha, a, aOff + (ta ? from : from * lda), lda, b, bOff, ldb, beta, c, cOff + from * n, n);
            } else {
                // columns [from, to) of C and of op(B)
                floatGemm.gemm(ta, tb, m, to - from, k, alpha, a, aOff, lda, b, bOff + (tb ? from * ldb : from), ldb, beta, c, cOff + from, n);
            }
        }
    }

    // ---- elementwise programs and reductions ----

    @Override
    public void map(Elementwise program, double[] scalars, Tensor... args) {
        elementwise.map(requireNonNull(program, "program is null"), scalars, args);
    }

    @Override
    public void mapEach(Elementwise program, double[] scalars, TensorGroup... groups) {
        elementwise.mapEach(requireNonNull(program, "program is null"), scalars, groups);
    }

    @Override
    public void columnSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
        elementwise.columnSums(requireNonNull(e, "expression is null"), beta, out, scalars, args);
    }

    @Override
    public void rowSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
        elementwise.rowSums(requireNonNull(e, "expression is null"), beta, out, scalars, args);
    }

    @Override
    public void columnSums(Expr[] e, double beta, Tensor[] out, double[] scalars, Tensor... args) {
        elementwise.columnSums(requireNonNull(e, "expressions are null"), beta, requireNonNull(out, "outputs are null"), scalars, args);
    }

    @Override
    public void rowSums(Expr[] e, double beta, Tensor[] out, double[] scalars, Tensor... args) {
        elementwise.rowSums(requireNonNull(e, "expressions are null"), beta, requireNonNull(out, "outputs are null"), scalars, args);
    }

    @Override
    public double sum(Expr e, double[] scalars, Tensor... args) {
        return elementwise.sum(requireNonNull(e, "expression is null"), scalars, args);
    }

    @Override
    public void sumEach(Expr e, double[] out, double[] scalars, TensorGroup... groups) {
        elementwise.sumEach(requireNonNull(e, "expression is null"), out, scalars, groups);
    }

    /**
     * The conveniences of {@link Ops} without a varargs array per call: argument and scalar arrays
     * per calling thread (the defaults would allocate one array per call on a hot path).
     */
    private static final class Scratch {
        final double[] scalar = new double[1];
        final Tensor[] one = new Tensor[1];
        final Tensor[] two = new Tensor[2];
        final Tensor[] three = new Tensor[3];
        double[] sums = new double[0];
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        checkSize(x, y);
        Scratch s = scratch.get();
        s.scalar[0] = alpha;
        s.two[0] = x;
        s.two[1] = y;
        try {
            elementwise.map(AXPY, s.scalar, s.two);
        } finally {
            s.two[0] = null;
            s.two[1] = null;
        }
    }

    @Override
    public void scale(double alpha, Tensor x) {
        Scratch s = scratch.get();
        s.scalar[0] = alpha;
        s.one[0] = x;
        try {
            elementwise.map(SCALE, s.scalar, s.one);
        } finally {
            s.one[0] = null;
        }
    }

    @Override
    public void addRowVector(Tensor m, Tensor v) {
        Scratch s = scratch.get();
        s.two[0] = m;
        s.two[1] = v;
        try {
            elementwise.map(ADD_TO_FIRST, null, s.two);
        } finally {
            s.two[0] = null;
            s.two[1] = null;
        }
    }

    @Override
    public void sumRows(Tensor m, double beta, Tensor out) {
        Scratch s = scratch.get();
        s.one[0] = m;
        try {
            elementwise.columnSums(FIRST, beta, out, null, s.one);
        } finally {
            s.one[0] = null;
        }
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        Scratch s = scratch.get();
        s.three[0] = a;
        s.three[1] = b;
        s.three[2] = out;
        try {
            elementwise.map(MUL, null, s.three);
        } finally {
            java.util.Arrays.fill(s.three, null);
        }
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        checkSize(a, b);
        Scratch s = scratch.get();
        s.two[0] = a;
        s.two[1] = b;
        try {
            return elementwise.sum(PRODUCT, null, s.two);
        } finally {
            s.two[0] = null;
            s.two[1] = null;
        }
    }

    @Override
    public double sumOfSquares(Tensor x) {
        Scratch s = scratch.get();
        s.one[0] = x;
        try {
            double sum = elementwise.sum(SQUARE, null, s.one);
            return sum < Programs.TINY_SUM ? elementwise.sum(Programs.SCALED_SQUARE, null, s.one) * Programs.UNSCALE : sum;
        } finally {
            s.one[0] = null;
        }
    }

    /** {@link Ops#sumEachOfSquares} with the second pass's sums in a per-thread array (no allocation). */
    @Override
    public void sumEachOfSquares(double[] out, TensorGroup... groups) {
        sumEach(SQUARE, out, null, groups);
        int n = groups[0].size();
        if (Programs.anyTiny(out, n)) {
            Scratch s = scratch.get();
            if (s.sums.length < n) {
                s.sums = new double[n];
            }
            Programs.rescueTiny(out, this, s.sums, groups);
        }
    }

    private static final Elementwise ADD_TO_FIRST = Elementwise.assign(0, Expr.arg(0).add(Expr.arg(1)));
    private static final Expr FIRST = Expr.arg(0);
    private static final Elementwise MUL = Elementwise.assign(2, Expr.arg(0).mul(Expr.arg(1)));
    private static final Expr PRODUCT = Expr.arg(0).mul(Expr.arg(1));
    private static final Expr SQUARE = Expr.arg(0).square();
    private static final Elementwise AXPY = Elementwise.assign(1, Expr.arg(1).add(Expr.scalar(0).mul(Expr.arg(0))));
    private static final Elementwise SCALE = Elementwise.assign(0, Expr.arg(0).mul(Expr.scalar(0)));

    // ---- several operations side by side ----

    /**
     * Runs {@code parts.accept(i)} for the independent parts {@code i} in {@code [0, count)} on the
     * kernel threads, each part claimed by whichever thread is free (so the count may exceed the thread
     * count), and returns when all are done (at once for none). A part computes the same result
     * whatever thread runs it, so results depend only on the parts. {@code parts} should be a reused
     * object, to keep the caller allocation-free; it must not call this object's parallel methods,
     * only the {@code onThisThread} ones.
     */
    @Override
    public void parallelFor(int count, IntConsumer parts) {
        requireNonNull(parts, "parts is null");
        if (count <= 0) {
            return;
        }
        if (gang.inTask()) {
            for (int i = 0; i < count; i++) {
                parts.accept(i);
            }
            return;
        }
        synchronized (gang) {
            partsTask.parts = parts;
            try {
                gang.run(partsTask, count);
            } finally {
                partsTask.parts = null;
            }
        }
    }

    private final PartsTask partsTask = new PartsTask();

    /** Adapts the parts to the gang's task; reused. */
    private static final class PartsTask implements WorkerGang.Task {
        private java.util.function.IntConsumer parts;

        @Override
        public void run(int part) {
            parts.accept(part);
        }
    }

    // ---- background work ----

    /** A background job of independent chunks (see {@link #runInBackground}). */
    public interface BackgroundJob {
        void run(int chunk);
    }

    /** The engine's background work: jobs its kernel threads run in their idle moments. */
    public interface Background {
        /** Starts a job (see {@link BlasOps#runInBackground}). */
        void runInBackground(BackgroundJob job, int chunks);

        /** Returns when the job is done (see {@link BlasOps#awaitBackground}). */
        void awaitBackground();
    }

    /** The background work of {@code ops} when they are the engine's kernels, else null (the caller then works in place). */
    public static Background background(Ops ops) {
        return ops instanceof BlasOps b ? b.backgroundWork : null;
    }

    private final Background backgroundWork = new Background() {
        @Override
        public void runInBackground(BackgroundJob job, int chunks) {
            BlasOps.this.runInBackground(job, chunks);
        }

        @Override
        public void awaitBackground() {
            BlasOps.this.awaitBackground();
        }
    };

    /**
     * Starts {@code job}'s {@code chunks} chunks (at most 65 535) in the background, after finishing
     * the previous job: the kernel threads run them whenever they have no part of a matrix product or
     * elementwise pass to compute, such as during the serial stretches of a training step.
     * {@link #awaitBackground} collects the job; with one thread, it runs the job there.
     */
    public void runInBackground(BackgroundJob job, int chunks) {
        requireNonNull(job, "job is null");
        gang.post(job, chunks);
    }

    /** Returns when the background job is done, running the chunks nobody has started yet on this thread. */
    public void awaitBackground() {
        gang.finish();
    }

    private static void checkSize(Tensor a, Tensor b) {
        if (a.size() != b.size() || a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("tensors do not match: " + a.dtype() + java.util.Arrays.toString(a.shape())
                    + " vs " + b.dtype() + java.util.Arrays.toString(b.shape()));
        }
    }
}
