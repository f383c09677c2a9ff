package io.gradlab.engine.kernel;

/** {@link FloatKernels} in plain Java (for a JVM without the Vector API module). */
final class ScalarKernels implements FloatKernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {}

    @Override
    public double sumOfSquares(float[] x, int off, int n) {
        // four independent chains: about four times the throughput of one
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double a = x[off + i];
            double b = x[off + i + 1];
            double c = x[off + i + 2];
            double d = x[off + i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < n; i++) {
            double a = x[off + i];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void fillRows(float[] dst, float[] row, int cols, int r0, int r1, int c0, int c1) {
        for (int r = r0; r < r1; r++) {
            System.arraycopy(row, c0, dst, r * cols + c0, c1 - c0);
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
