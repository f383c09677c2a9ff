package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.LayerView;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.Locale;

/** Small helpers shared by the diagnostics: non-finite values, the bias of a layer, number formatting. */
final class Views {
    private Views() {}

    /** The number of NaN or infinite elements (for a report: element by element). */
    static int nonFinite(Tensor t) {
        int n = 0;
        for (int i = 0; i < t.size(); i++) {
            if (!Double.isFinite(t.get(i))) {
                n++;
            }
        }
        return n;
    }

    /** The first NaN or infinite element, as text ({@code NaN}, {@code Infinity}). */
    static String firstNonFinite(Tensor t) {
        for (int i = 0; i < t.size(); i++) {
            double v = t.get(i);
            if (!Double.isFinite(v)) {
                return String.valueOf(v);
            }
        }
        return "finite";
    }

    /** The bias of a layer, or {@code null}. */
    static Parameter bias(LayerView v) {
        for (Parameter p : v.layer().parameters()) {
            if (p.role() == Parameter.Role.BIAS) {
                return p;
            }
        }
        return null;
    }

    /** {@code 3.2e-05}: three significant digits, for messages. */
    static String num(double v) {
        if (v == 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** {@code 42%}. */
    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }
}
