package io.gradlab.plugins.recurrent;

import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a recurrent weight block {@code W_hh} ({@code [hidden, hidden]}) starts, scaled to the
 * requested spectral radius {@code rho}:
 * <ul>
 *   <li>{@code orthogonal}: {@code rho * Q} with Q a random orthogonal matrix; its spectral radius
 *       and every singular value are exactly {@code rho} (the default, with {@code rho = 1});</li>
 *   <li>{@code identity}: {@code rho * I} (the IRNN of Le et al. 2015 with ReLU and {@code rho = 1});</li>
 *   <li>{@code normal}: entries from N(0, rho^2 / hidden); by the circular law the spectral radius is
 *       close to {@code rho} for a large hidden size, but not exactly;</li>
 *   <li>{@code radius}: a Gaussian matrix rescaled so that its measured spectral radius
 *       ({@link Matrices#spectralRadius}) is {@code rho}.</li>
 * </ul>
 */
public enum RecurrentInit {
    ORTHOGONAL,
    IDENTITY,
    NORMAL,
    RADIUS;

    /** The spellings used in specs. */
    public static final List<String> CHOICES = Arrays.stream(values()).map(RecurrentInit::id).toList();

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RecurrentInit of(String id) {
        return valueOf(id.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** A new {@code n x n} block, row-major ({@code ops} measures the radius of {@code radius}). */
    public double[] block(int n, double rho, RandomSource random, Ops ops) {
        double[] w;
        switch (this) {
            case ORTHOGONAL -> w = Matrices.orthogonal(n, random);
            case IDENTITY -> {
                w = new double[n * n];
                for (int i = 0; i < n; i++) {
                    w[i * n + i] = 1;
                }
            }
            case NORMAL -> {
                w = new double[n * n];
                double std = 1 / Math.sqrt(n);
                for (int i = 0; i < w.length; i++) {
                    w[i] = std * random.nextGaussian();
                }
            }
            case RADIUS -> {
                w = new double[n * n];
                for (int i = 0; i < w.length; i++) {
                    w[i] = random.nextGaussian();
                }
                double measured = Matrices.spectralRadius(ops, w, n);
                double s = measured == 0 ? 0 : 1 / measured;
                for (int i = 0; i < w.length; i++) {
                    w[i] *= s;
                }
            }
            default -> throw new IllegalStateException("unhandled " + this);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] *= rho;
        }
        return w;
    }
}
