package io.gradlab.cli;

import java.util.Locale;

/** Number formats of the command line's output (locale-independent). */
final class Numbers {
    private Numbers() {}

    /** Scientific notation with 3 significant digits: {@code 1.23e-05}; {@code nan}, {@code inf}. */
    static String sci(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }

    /** A fixed-point figure with {@code digits} decimals, {@code nan} for NaN. */
    static String fixed(double v, int digits) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /** A rate such as samples per second: {@code 950}, {@code 12.3k}, {@code 1.20M}. */
    static String rate(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** A figure of any kind from a metrics map: numbers in scientific notation, anything else as text. */
    static String any(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return sci(((Number) value).doubleValue());
        }
        return String.valueOf(value);
    }
}
