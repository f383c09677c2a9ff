package io.gradlab.plugins.recurrent;

/**
 * An independent, plain-array implementation of the three cells (PyTorch's formulas written out
 * once more), able to start from any state: the oracle for forward values and, run chunk by chunk
 * from fixed states, for truncated backpropagation through time.
 */
final class ReferenceCells {
    enum Cell { RNN_TANH, RNN_IDENTITY, RNN_RELU, LSTM, GRU }

    /** Parameters in the layer's layout: wih [G*H, F], whh [G*H, H], bih, bhh [G*H]. */
    record Weights(double[] wih, double[] whh, double[] bih, double[] bhh) {
        Weights copy() {
            return new Weights(wih.clone(), whh.clone(), bih.clone(), bhh.clone());
        }

        double[] get(int which) {
            return switch (which) {
                case 0 -> wih;
                case 1 -> whh;
                case 2 -> bih;
                default -> bhh;
            };
        }
    }

    /** h[t][b][j] and c[t][b][j] (LSTM) for the steps run; index 0 is the first step run. */
    record Run(double[][][] h, double[][][] c) {}

    private final Cell cell;
    private final int batch;
    private final int steps;
    private final int features;
    private final int hidden;

    ReferenceCells(Cell cell, int batch, int steps, int features, int hidden) {
        this.cell = cell;
        this.batch = batch;
        this.steps = steps;
        this.features = features;
        this.hidden = hidden;
    }

    int gates() {
        return switch (cell) {
            case LSTM -> 4;
            case GRU -> 3;
            default -> 1;
        };
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Runs steps {@code from .. to-1} of {@code x} ({@code [batch, T*F]}) from the states {@code h0}, {@code c0}. */
    Run run(Weights w, double[] x, int from, int to, double[][] h0, double[][] c0) {
        int n = hidden;
        int g = gates();
        double[][][] hs = new double[to - from][batch][n];
        double[][][] cs = new double[to - from][batch][n];
        for (int b = 0; b < batch; b++) {
            double[] h = h0[b].clone();
            double[] c = c0[b].clone();
            for (int t = from; t < to; t++) {
                double[] xi = new double[g * n];
                double[] hh = new double[g * n];
                for (int r = 0; r < g * n; r++) {
                    double s = w.bih()[r];
                    for (int f = 0; f < features; f++) {
                        s += w.wih()[r * features + f] * x[b * steps * features + t * features + f];
                    }
                    xi[r] = s;
                    double u = w.bhh()[r];
                    for (int k = 0; k < n; k++) {
                        u += w.whh()[r * n + k] * h[k];
                    }
                    hh[r] = u;
                }
                double[] next = new double[n];
                for (int j = 0; j < n; j++) {
                    switch (cell) {
                        case RNN_TANH -> next[j] = Math.tanh(xi[j] + hh[j]);
                        case RNN_IDENTITY -> next[j] = xi[j] + hh[j];
                        case RNN_RELU -> next[j] = Math.max(0, xi[j] + hh[j]);
                        case LSTM -> {
                            double i = sigmoid(xi[j] + hh[j]);
                            double fg = sigmoid(xi[n + j] + hh[n + j]);
                            double gg = Math.tanh(xi[2 * n + j] + hh[2 * n + j]);
                            double o = sigmoid(xi[3 * n + j] + hh[3 * n + j]);
                            c[j] = fg * c[j] + i * gg;
                            next[j] = o * Math.tanh(c[j]);
                        }
                        case GRU -> {
                            double r = sigmoid(xi[j] + hh[j]);
                            double z = sigmoid(xi[n + j] + hh[n + j]);
                            double nn = Math.tanh(xi[2 * n + j] + r * hh[2 * n + j]);
                            next[j] = (1 - z) * nn + z * h[j];
                        }
                        default -> throw new IllegalStateException();
                    }
                }
                h = next;
                hs[t - from][b] = h.clone();
                cs[t - from][b] = c.clone();
            }
        }
        return new Run(hs, cs);
    }

    /** The gradients of {@code sum R * output} and, per step t, {@code ||dL/dh_t||} over the batch. */
    record Grads(double[] dx, double[] dwih, double[] dwhh, double[] dbih, double[] dbhh, double[] stepNorms) {}

    /**
     * Backpropagation through time written out per element, from the formulas alone: the oracle for the
     * layers' analytic gradients. With {@code truncate} k > 0 no gradient crosses the boundaries of the
     * chunks of k steps counted back from the last.
     */
    Grads backward(Weights w, double[] x, double[] r, boolean sequences, int truncate) {
        int n = hidden;
        int g = gates();
        int gh = g * n;
        double[] dx = new double[batch * steps * features];
        double[] dwih = new double[gh * features];
        double[] dwhh = new double[gh * n];
        double[] dbih = new double[gh];
        double[] dbhh = new double[gh];
        double[] squares = new double[steps];
        for (int b = 0; b < batch; b++) {
            double[][] xi = new double[steps][gh];
            double[][] hh = new double[steps][gh];
            double[][] hs = new double[steps + 1][n];
            double[][] cs = new double[steps + 1][n];
            for (int t = 0; t < steps; t++) {
                double[] h = hs[t];
                for (int q = 0; q < gh; q++) {
                    double s = w.bih()[q];
                    for (int f = 0; f < features; f++) {
                        s += w.wih()[q * features + f] * x[b * steps * features + t * features + f];
                    }
                    xi[t][q] = s;
                    double u = w.bhh()[q];
                    for (int k = 0; k < n; k++) {
                        u += w.whh()[q * n + k] * h[k];
                    }
                    hh[t][q] = u;
                }
                for (int j = 0; j < n; j++) {
                    switch (cell) {
                        case RNN_TANH -> hs[t + 1][j] = Math.tanh(xi[t][j] + hh[t][j]);
                        case RNN_IDENTITY -> hs[t + 1][j] = xi[t][j] + hh[t][j];
                        case RNN_RELU -> hs[t + 1][j] = Math.max(0, xi[t][j] + hh[t][j]);
                        case LSTM -> {
                            double i = sigmoid(xi[t][j] + hh[t][j]);
                            double f = sigmoid(xi[t][n + j] + hh[t][n + j]);
                            double gg = Math.tanh(xi[t][2 * n + j] + hh[t][2 * n + j]);
                            double o = sigmoid(xi[t][3 * n + j] + hh[t][3 * n + j]);
                            cs[t + 1][j] = f * cs[t][j] + i * gg;
                            hs[t + 1][j] = o * Math.tanh(cs[t + 1][j]);
                        }
                        case GRU -> {
                            double rr = sigmoid(xi[t][j] + hh[t][j]);
                            double z = sigmoid(xi[t][n + j] + hh[t][n + j]);
                            double nn = Math.tanh(xi[t][2 * n + j] + rr * hh[t][2 * n + j]);
                            hs[t + 1][j] = (1 - z) * nn + z * h[j];
                        }
                        default -> throw new IllegalStateException();
                    }
                }
            }
            double[] dh = new double[n];
            double[] dc = new double[n];
            for (int t = steps - 1; t >= 0; t--) {
                for (int j = 0; j < n; j++) {
                    if (sequences) {
                        dh[j] += r[b * steps * n + t * n + j];
                    } else if (t == steps - 1) {
                        dh[j] += r[b * n + j];
                    }
                    squares[t] += dh[j] * dh[j];
                }
                double[] hPrev = hs[t];
                double[] dA = new double[gh]; // d/d(W_ih x + b_ih)
                double[] dR = new double[gh]; // d/d(W_hh h + b_hh)
                double[] dhPrev = new double[n];
                double[] dcPrev = new double[n];
                for (int j = 0; j < n; j++) {
                    switch (cell) {
                        case RNN_TANH -> {
                            double h = hs[t + 1][j];
                            dA[j] = dh[j] * (1 - h * h);
                        }
                        case RNN_IDENTITY -> dA[j] = dh[j];
                        case RNN_RELU -> dA[j] = xi[t][j] + hh[t][j] > 0 ? dh[j] : 0;
                        case LSTM -> {
                            double i = sigmoid(xi[t][j] + hh[t][j]);
                            double f = sigmoid(xi[t][n + j] + hh[t][n + j]);
                            double gg = Math.tanh(xi[t][2 * n + j] + hh[t][2 * n + j]);
                            double o = sigmoid(xi[t][3 * n + j] + hh[t][3 * n + j]);
                            double tc = Math.tanh(cs[t + 1][j]);
                            double dcTotal = dc[j] + dh[j] * o * (1 - tc * tc);
                            dA[j] = dcTotal * gg * i * (1 - i);
                            dA[n + j] = dcTotal * cs[t][j] * f * (1 - f);
                            dA[2 * n + j] = dcTotal * i * (1 - gg * gg);
                            dA[3 * n + j] = dh[j] * tc * o * (1 - o);
                            dcPrev[j] = dcTotal * f;
                        }
                        case GRU -> {
                            double rr = sigmoid(xi[t][j] + hh[t][j]);
                            double z = sigmoid(xi[t][n + j] + hh[t][n + j]);
                            double nn = Math.tanh(xi[t][2 * n + j] + rr * hh[t][2 * n + j]);
                            double dn = dh[j] * (1 - z) * (1 - nn * nn);
                            dA[n + j] = dh[j] * (hPrev[j] - nn) * z * (1 - z);
                            dA[j] = dn * hh[t][2 * n + j] * rr * (1 - rr);
                            dA[2 * n + j] = dn;
                            dR[2 * n + j] = dn * rr;
                            dhPrev[j] = dh[j] * z;
                        }
                        default -> throw new IllegalStateException();
                    }
                }
                for (int q = 0; q < gh; q++) {
                    if (cell != Cell.GRU || q < 2 * n) {
                        dR[q] = dA[q];
                    }
                    dbih[q] += dA[q];
                    dbhh[q] += dR[q];
                    for (int f = 0; f < features; f++) {
                        int xIndex = b * steps * features + t * features + f;
                        dwih[q * features + f] += dA[q] * x[xIndex];
                        dx[xIndex] += dA[q] * w.wih()[q * features + f];
                    }
                    for (int k = 0; k < n; k++) {
                        dwhh[q * n + k] += dR[q] * hPrev[k];
                        dhPrev[k] += dR[q] * w.whh()[q * n + k];
                    }
                }
                boolean cut = truncate > 0 && (steps - t) % truncate == 0;
                dh = cut ? new double[n] : dhPrev;
                dc = cut ? new double[n] : dcPrev;
            }
        }
        double[] norms = new double[steps];
        for (int t = 0; t < steps; t++) {
            norms[t] = Math.sqrt(squares[t]);
        }
        return new Grads(dx, dwih, dwhh, dbih, dbhh, norms);
    }

    double[][] zeros() {
        return new double[batch][hidden];
    }

    /** {@code sum R * output}: R {@code [batch, H]} on the last state (many-to-one) or {@code [batch, T*H]} on all. */
    double fullLoss(Weights w, double[] x, double[] r, boolean sequences) {
        Run run = run(w, x, 0, steps, zeros(), zeros());
        return loss(run, 0, steps, r, sequences);
    }

    private double loss(Run run, int from, int to, double[] r, boolean sequences) {
        double s = 0;
        for (int t = from; t < to; t++) {
            if (!sequences && t != steps - 1) {
                continue;
            }
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < hidden; j++) {
                    double weight = sequences ? r[b * steps * hidden + t * hidden + j] : r[b * hidden + j];
                    s += weight * run.h()[t - from][b][j];
                }
            }
        }
        return s;
    }

    /**
     * The surrogate whose gradient is truncated BPTT with chunks of {@code k} steps counted back from
     * the last: the sum over chunks of the chunk's loss, each chunk run from the states that the
     * unperturbed weights {@code base} and input {@code baseX} reach before it (held fixed).
     */
    double truncatedLoss(Weights w, double[] x, Weights base, double[] baseX, double[] r, boolean sequences, int k) {
        Run full = run(base, baseX, 0, steps, zeros(), zeros());
        double s = 0;
        for (int end = steps; end > 0; end -= k) {
            int start = Math.max(0, end - k);
            double[][] h0 = start == 0 ? zeros() : copy(full.h()[start - 1]);
            double[][] c0 = start == 0 ? zeros() : copy(full.c()[start - 1]);
            Run chunk = run(w, x, start, end, h0, c0);
            s += loss(chunk, start, end, r, sequences);
        }
        return s;
    }

    private static double[][] copy(double[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
