package io.gradlab.testkit;

/** Element-wise comparison with a relative and an absolute tolerance, failing with the first bad index. */
final class Closeness {
    private Closeness() {}

    /** Fails unless {@code |actual - expected| <= rtol |expected| + atol} everywhere. */
    static void assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": " + actual.length + " values, expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(a - e) <= rtol * Math.abs(e) + atol) && !(Double.isInfinite(e) && a == e)) {
                throw new AssertionError(what + ": element " + i + " is " + a + ", expected " + e + " (tolerance "
                        + rtol + " relative + " + atol + " absolute)");
            }
        }
    }

    /** Fails unless both arrays hold bit-identical values. */
    static void assertIdentical(String what, double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": " + actual.length + " values, expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + " the second time and "
                        + expected[i] + " the first; the same seed must give the same result");
            }
        }
    }
}
