package io.gradlab.plugins.recurrent;

/**
 * The cell nonlinearities. {@link Math#tanh} is not a JIT intrinsic on JDK 17 (it calls the native
 * {@code StrictMath.tanh}, which took a third of an LSTM's training time), so tanh is computed from
 * {@link Math#exp}, which is: {@code tanh(x) = (e^2x - 1) / (e^2x + 1)}, exact to a few ulps of 1 in
 * absolute terms (what the cells need), saturating to ±1 beyond |x| = 20.
 */
final class Functions {
    private Functions() {}

    static double tanh(double x) {
        if (x > 20) {
            return 1;
        }
        if (x < -20) {
            return -1;
        }
        double e = Math.exp(2 * x);
        return (e - 1) / (e + 1);
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
