package io.gradlab.engine.kernel;

import io.gradlab.api.tensor.Expr;

/**
 * {@link BlockEval} on {@code float[]} with plain loops (the functions computed in double and rounded), for JVMs without the Vector API.
 */
final class ScalarFloatEval implements BlockEval {
    static final ScalarFloatEval INSTANCE = new ScalarFloatEval();
    private static final Expr.Op[] OPS = Expr.Op.values();

    private ScalarFloatEval() {}

    @Override
    public void exec(int op, Object d, int dOff, Object a, int aOff, Object b, int bOff, Object c, int cOff, int n) {
        float[] y = (float[]) d;
        float[] x = (float[]) a;
        if (op == COPY) {
            System.arraycopy(x, aOff, y, dOff, n);
            return;
        }
        switch (OPS[op]) {
            case ADD -> {
                float[] z = (float[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] + z[bOff + i];
                }
            }
            case SUB -> {
                float[] z = (float[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] - z[bOff + i];
                }
            }
            case MUL -> {
                float[] z = (float[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] * z[bOff + i];
                }
            }
            case DIV -> {
                float[] z = (float[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] / z[bOff + i];
                }
            }
            case MAX -> {
                float[] z = (float[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = Math.max(x[aOff + i], z[bOff + i]);
                }
            }
            case MIN -> {
                float[] z = (float[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = Math.min(x[aOff + i], z[bOff + i]);
                }
            }
            case GT -> {
                float[] z = (float[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] > z[bOff + i] ? 1 : 0;
                }
            }
            case GE -> {
                float[] z = (float[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] >= z[bOff + i] ? 1 : 0;
                }
            }
            case LT -> {
                float[] z = (float[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] < z[bOff + i] ? 1 : 0;
                }
            }
            case LE -> {
                float[] z = (float[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] <= z[bOff + i] ? 1 : 0;
                }
            }
            case WHERE -> {
                float[] t = (float[]) b;
                float[] f = (float[]) c;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] != 0 ? t[bOff + i] : f[cOff + i];
                }
            }
            case NEG -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = -x[aOff + i];
                }
            }
            case ABS -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = Math.abs(x[aOff + i]);
                }
            }
            case SQUARE -> {
                for (int i = 0; i < n; i++) {
                    float v = x[aOff + i];
                    y[dOff + i] = v * v;
                }
            }
            default -> unary(OPS[op], x, aOff, y, dOff, n);
        }
    }

    /** The functions computed in double. */
    private static void unary(Expr.Op op, float[] x, int aOff, float[] y, int dOff, int n) {
        switch (op) {
            case SQRT -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (float) Math.sqrt(x[aOff + i]);
                }
            }
            case EXP -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (float) Math.exp(x[aOff + i]);
                }
            }
            case EXPM1 -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (float) Math.expm1(x[aOff + i]);
                }
            }
            case LOG -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (float) Math.log(x[aOff + i]);
                }
            }
            case LOG1P -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (float) Math.log1p(x[aOff + i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (float) Math.tanh(x[aOff + i]);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (float) Expr.sigmoid(x[aOff + i]);
                }
            }
            case ERF -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (float) Expr.erf(x[aOff + i]);
                }
            }
            default -> throw new IllegalArgumentException("not an instruction: " + op);
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
