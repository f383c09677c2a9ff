package io.gradlab.engine.kernel;

/**
 * {@link BlockEval} on {@code float[]} for JVMs without the Vector API (and the instructions the vector
 * evaluator has no loop for): each instruction widens its operands to double, runs {@link DoubleEval}'s
 * loop and rounds the result to float. That is the float result to the bit for every arithmetic
 * instruction ({@code + - * /}, square, square root: a double has more than twice a float's precision,
 * so rounding the double result once more gives the correctly rounded float), for comparisons, min, max
 * and selections (exact in either type), and it is how the functions ({@code exp}, {@code log}, ...)
 * were always computed for float: in double, then rounded. So there is one definition of every
 * instruction, in {@link DoubleEval}.
 */
final class ScalarFloatEval implements BlockEval {
    static final ScalarFloatEval INSTANCE = new ScalarFloatEval();
    private static final int CHUNK = ElementwiseRunner.BLOCK;

    /** Per thread: the widened result and three operands, one chunk each. */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[4][CHUNK]);

    private ScalarFloatEval() {}

    @Override
    public void exec(int op, Object d, int dOff, Object a, int aOff, Object b, int bOff, Object c, int cOff, int n) {
        float[] y = (float[]) d;
        if (op == COPY) {
            System.arraycopy((float[]) a, aOff, y, dOff, n);
            return;
        }
        double[][] s = SCRATCH.get();
        for (int done = 0; done < n; done += CHUNK) {
            int m = Math.min(CHUNK, n - done);
            widen((float[]) a, aOff + done, s[1], m);
            widen((float[]) b, bOff + done, s[2], m);
            widen((float[]) c, cOff + done, s[3], m);
            DoubleEval.INSTANCE.exec(op, s[0], 0, s[1], 0, b == null ? null : s[2], 0, c == null ? null : s[3], 0, m);
            double[] r = s[0];
            for (int i = 0; i < m; i++) {
                y[dOff + done + i] = (float) r[i];
            }
        }
    }

    private static void widen(float[] src, int off, double[] dst, int m) {
        if (src != null) {
            for (int i = 0; i < m; i++) {
                dst[i] = src[off + i];
            }
        }
    }

    @Override
    public void fill(Object d, int off, int n, double v) {
        java.util.Arrays.fill((float[]) d, off, off + n, (float) v);
    }

    @Override
    public void addRows(Object src, int srcOff, int rows, int cols, Object acc, int accOff) {
        float[] s = (float[]) src;
        float[] o = (float[]) acc;
        for (int r = 0; r < rows; r++) {
            int base = srcOff + r * cols;
            for (int c = 0; c < cols; c++) {
                o[accOff + c] += s[base + c];
            }
        }
    }

    @Override
    public double sum(Object src, int off, int n) {
        float[] s = (float[]) src;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += s[off + i];
            s1 += s[off + i + 1];
            s2 += s[off + i + 2];
            s3 += s[off + i + 3];
        }
        for (; i < n; i++) {
            s0 += s[off + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double sumOfSquares(Object src, int off, int n) {
        float[] s = (float[]) src;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            float v0 = s[off + i];
            float v1 = s[off + i + 1];
            float v2 = s[off + i + 2];
            float v3 = s[off + i + 3];
            s0 += v0 * v0;
            s1 += v1 * v1;
            s2 += v2 * v2;
            s3 += v3 * v3;
        }
        for (; i < n; i++) {
            float v = s[off + i];
            s0 += v * v;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void scale(Object d, int off, int n, double beta) {
        float[] y = (float[]) d;
        if (beta == 0) {
            java.util.Arrays.fill(y, off, off + n, 0);
            return;
        }
        float b = (float) beta;
        for (int i = 0; i < n; i++) {
            y[off + i] *= b;
        }
    }

    @Override
    public Object newArray(int n) {
        return new float[n];
    }

    @Override
    public String name() {
        return "scalar";
    }
}
