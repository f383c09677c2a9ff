package io.gradlab.engine.kernel;

import io.gradlab.api.tensor.Expr;

/**
 * {@link BlockEval} on {@code double[]} with plain loops: float64 runs and gradient checks.
 */
final class DoubleEval implements BlockEval {
    static final DoubleEval INSTANCE = new DoubleEval();
    private static final Expr.Op[] OPS = Expr.Op.values();

    private DoubleEval() {}

    @Override
    public void exec(int op, Object d, int dOff, Object a, int aOff, Object b, int bOff, Object c, int cOff, int n) {
        double[] y = (double[]) d;
        double[] x = (double[]) a;
        if (op == COPY) {
            System.arraycopy(x, aOff, y, dOff, n);
            return;
        }
        switch (OPS[op]) {
            case ADD -> {
                double[] z = (double[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] + z[bOff + i];
                }
            }
            case SUB -> {
                double[] z = (double[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] - z[bOff + i];
                }
            }
            case MUL -> {
                double[] z = (double[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] * z[bOff + i];
                }
            }
            case DIV -> {
                double[] z = (double[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] / z[bOff + i];
                }
            }
            case MAX -> {
                double[] z = (double[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = Math.max(x[aOff + i], z[bOff + i]);
                }
            }
            case MIN -> {
                double[] z = (double[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = Math.min(x[aOff + i], z[bOff + i]);
                }
            }
            case GT -> {
                double[] z = (double[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] > z[bOff + i] ? 1 : 0;
                }
            }
            case GE -> {
                double[] z = (double[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] >= z[bOff + i] ? 1 : 0;
                }
            }
            case LT -> {
                double[] z = (double[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] < z[bOff + i] ? 1 : 0;
                }
            }
            case LE -> {
                double[] z = (double[]) b;
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = x[aOff + i] <= z[bOff + i] ? 1 : 0;
                }
            }
            case WHERE -> {
                double[] t = (double[]) b;
                double[] f = (double[]) c;
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
                    double v = x[aOff + i];
                    y[dOff + i] = v * v;
                }
            }
            default -> unary(OPS[op], x, aOff, y, dOff, n);
        }
    }

    /** The functions computed in double. */
    private static void unary(Expr.Op op, double[] x, int aOff, double[] y, int dOff, int n) {
        switch (op) {
            case SQRT -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (double) Math.sqrt(x[aOff + i]);
                }
            }
            case EXP -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (double) Math.exp(x[aOff + i]);
                }
            }
            case EXPM1 -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (double) Math.expm1(x[aOff + i]);
                }
            }
            case LOG -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (double) Math.log(x[aOff + i]);
                }
            }
            case LOG1P -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (double) Math.log1p(x[aOff + i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (double) Math.tanh(x[aOff + i]);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (double) Expr.sigmoid(x[aOff + i]);
                }
            }
            case ERF -> {
                for (int i = 0; i < n; i++) {
                    y[dOff + i] = (double) Expr.erf(x[aOff + i]);
                }
            }
            default -> throw new IllegalArgumentException("not an instruction: " + op);
        }
    }

    @Override
    public void fill(Object d, int off, int n, double v) {
        java.util.Arrays.fill((double[]) d, off, off + n, (double) v);
    }

    @Override
    public void addRows(Object src, int srcOff, int rows, int cols, Object acc, int accOff) {
        double[] s = (double[]) src;
        double[] o = (double[]) acc;
        for (int r = 0; r < rows; r++) {
            int base = srcOff + r * cols;
            for (int c = 0; c < cols; c++) {
                o[accOff + c] += s[base + c];
            }
        }
    }

    @Override
    public double sum(Object src, int off, int n) {
        double[] s = (double[]) src;
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
        double[] s = (double[]) src;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double v0 = s[off + i];
            double v1 = s[off + i + 1];
            double v2 = s[off + i + 2];
            double v3 = s[off + i + 3];
            s0 += v0 * v0;
            s1 += v1 * v1;
            s2 += v2 * v2;
            s3 += v3 * v3;
        }
        for (; i < n; i++) {
            double v = s[off + i];
            s0 += v * v;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void scale(Object d, int off, int n, double beta) {
        double[] y = (double[]) d;
        if (beta == 0) {
            java.util.Arrays.fill(y, off, off + n, 0);
            return;
        }
        double b = (double) beta;
        for (int i = 0; i < n; i++) {
            y[off + i] *= b;
        }
    }

    @Override
    public Object newArray(int n) {
        return new double[n];
    }

    @Override
    public String name() {
        return "double";
    }
}
