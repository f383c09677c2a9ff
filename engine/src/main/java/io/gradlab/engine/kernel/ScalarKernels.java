package io.gradlab.engine.kernel;

/** {@link FloatKernels} in plain Java (for a JVM without the Vector API module). */
final class ScalarKernels implements FloatKernels {
    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {}


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
