package io.gradlab.plugins.remedies.optim;

import java.util.Map;

/**
 * The optimizers' updates per element in double, transcribed from PyTorch's documented algorithms
 * (torch.optim.Adam, AdamW, RMSprop, Adagrad) with the factories' defaults: the oracle the fused
 * programs are checked against.
 */
final class Formulas {
    private Formulas() {}

    private static double get(Map<String, Object> p, String key, double otherwise) {
        Object v = p.get(key);
        return v == null ? otherwise : ((Number) v).doubleValue();
    }

    private static boolean flag(Map<String, Object> p, String key) {
        return Boolean.TRUE.equals(p.get(key));
    }

    /** The state of one parameter: three buffers of its size. */
    static double[][] initialState(String id, Map<String, Object> p, int n) {
        double[][] s = new double[3][n];
        if (id.equals("adagrad")) {
            java.util.Arrays.fill(s[0], get(p, "initial-accumulator-value", 0));
        }
        return s;
    }

    /** One step of parameter {@code w} with gradient {@code g} at step {@code t}, in place. */
    static void step(String id, Map<String, Object> p, double[] w, double[] g, double[][] s, long t) {
        switch (id) {
            case "adam", "adamw" -> adam(p, id.equals("adamw"), w, g, s, t);
            case "rmsprop" -> rmsprop(p, w, g, s);
            case "adagrad" -> adagrad(p, w, g, s, t);
            default -> throw new IllegalArgumentException(id);
        }
    }

    private static void adam(Map<String, Object> p, boolean decoupled, double[] w, double[] g, double[][] s, long t) {
        double lr = get(p, "lr", 1e-3);
        double b1 = get(p, "beta1", 0.9);
        double b2 = get(p, "beta2", 0.999);
        double eps = get(p, "eps", 1e-8);
        double wd = get(p, "weight-decay", decoupled ? 0.01 : 0);
        boolean ams = flag(p, "amsgrad");
        for (int i = 0; i < w.length; i++) {
            double theta = decoupled ? w[i] * (1 - lr * wd) : w[i];
            double gi = decoupled ? g[i] : g[i] + wd * theta;
            s[0][i] = b1 * s[0][i] + (1 - b1) * gi;
            s[1][i] = b2 * s[1][i] + (1 - b2) * gi * gi;
            double vhat = s[1][i];
            if (ams) {
                s[2][i] = Math.max(s[2][i], s[1][i]);
                vhat = s[2][i];
            }
            double bc1 = 1 - Math.pow(b1, t);
            double bc2 = 1 - Math.pow(b2, t);
            w[i] = theta - lr / bc1 * s[0][i] / (Math.sqrt(vhat) / Math.sqrt(bc2) + eps);
        }
    }

    private static void rmsprop(Map<String, Object> p, double[] w, double[] g, double[][] s) {
        double lr = get(p, "lr", 1e-2);
        double alpha = get(p, "alpha", 0.99);
        double eps = get(p, "eps", 1e-8);
        double wd = get(p, "weight-decay", 0);
        double mu = get(p, "momentum", 0);
        boolean centered = flag(p, "centered");
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + wd * w[i];
            s[0][i] = alpha * s[0][i] + (1 - alpha) * gi * gi;
            double avg;
            if (centered) {
                s[2][i] = alpha * s[2][i] + (1 - alpha) * gi;
                avg = Math.sqrt(s[0][i] - s[2][i] * s[2][i]) + eps;
            } else {
                avg = Math.sqrt(s[0][i]) + eps;
            }
            if (mu > 0) {
                s[1][i] = mu * s[1][i] + gi / avg;
                w[i] -= lr * s[1][i];
            } else {
                w[i] -= lr * gi / avg;
            }
        }
    }

    private static void adagrad(Map<String, Object> p, double[] w, double[] g, double[][] s, long t) {
        double lr = get(p, "lr", 1e-2);
        double clr = lr / (1 + (t - 1) * get(p, "lr-decay", 0));
        double wd = get(p, "weight-decay", 0);
        double eps = get(p, "eps", 1e-10);
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + wd * w[i];
            s[0][i] += gi * gi;
            w[i] -= clr * gi / (Math.sqrt(s[0][i]) + eps);
        }
    }
}
