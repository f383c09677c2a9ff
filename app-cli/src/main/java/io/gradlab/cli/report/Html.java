package io.gradlab.cli.report;

import io.gradlab.engine.io.Messages;
import java.util.Locale;

/** HTML text helpers. */
final class Html {
    private Html() {}

    /** {@code s} for HTML text or an attribute; control characters appear escaped as {@code \\uXXXX}. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        s = Messages.escape(s);
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A number for a table cell: 3 significant digits, "–" for missing values. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "&ndash;";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "&infin;" : "-&infin;";
        }
        if (v != 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "&ndash;" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }
}
