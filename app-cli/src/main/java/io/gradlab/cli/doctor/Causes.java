package io.gradlab.cli.doctor;

import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Root causes first. Findings are ranked by how far up the chain of causes they sit: a divergence (a
 * non-finite value, a loss that blew up) breaks everything after it; exploding gradients cause blow-ups
 * and dead units; identical (symmetric) units make every layer act like one unit (and weights that start
 * at zero make relative updates look large); too-large updates kill units; dead and saturated units
 * starve the gradient; a vanishing gradient and small updates are what all of
 * these look like from the layers' side. The critical findings come first, root causes before their
 * consequences, then the warnings in the same order (a warning is never the cause of a critical
 * finding). A finding that a cause above it explains is named as its consequence ({@code consequence_of}
 * in its evidence).
 */
final class Causes {
    static final int DIVERGENCE = 0;
    static final int EXPLODING = 1;
    static final int SYMMETRY = 2;
    static final int LARGE_UPDATES = 3;
    static final int UNITS = 4;
    static final int VANISHING = 5;
    static final int OTHER = 6;

    private static final Map<String, Integer> RANKS = Map.ofEntries(
            Map.entry("non-finite", DIVERGENCE), Map.entry("non-finite-recurrent", DIVERGENCE), Map.entry("diverged", DIVERGENCE),
            Map.entry("diverging-loss", DIVERGENCE),
            Map.entry("exploding-gradient", EXPLODING), Map.entry("exploding-gradient-through-time", EXPLODING),
            Map.entry("symmetry", SYMMETRY), Map.entry("large-updates", LARGE_UPDATES),
            Map.entry("dead-units", UNITS), Map.entry("saturation", UNITS),
            Map.entry("vanishing-gradient", VANISHING), Map.entry("vanishing-gradient-through-time", VANISHING),
            Map.entry("small-updates", VANISHING), Map.entry("constant-activations", VANISHING));

    /** What each cause explains when it is present: the findings that follow from it. */
    private static final Map<String, Set<String>> EXPLAINS = Map.of(
            "large-updates", Set.of("dead-units"),
            "divergence", Set.of("dead-units", "saturation", "symmetry", "constant-activations", "vanishing-gradient", "small-updates",
                    "large-updates"),
            "exploding-gradient", Set.of("dead-units", "saturation", "large-updates", "small-updates", "constant-activations"),
            "symmetry", Set.of("vanishing-gradient", "small-updates", "constant-activations", "saturation", "large-updates"),
            "dead-units", Set.of("vanishing-gradient", "small-updates", "constant-activations"),
            "saturation", Set.of("vanishing-gradient", "small-updates"),
            "vanishing-gradient", Set.of("small-updates"));

    private Causes() {}

    static int rank(String code) {
        return RANKS.getOrDefault(code, OTHER);
    }

    /** The findings, root causes first, each consequence named with the cause that explains it. */
    static List<Finding> order(List<Finding> findings) {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing(Finding::severity, Comparator.reverseOrder()).thenComparingInt(f -> rank(f.code())));
        List<Finding> out = new ArrayList<>();
        List<Finding> causes = new ArrayList<>();
        for (Finding f : sorted) {
            Finding cause = causeOf(f, causes);
            out.add(cause == null ? f : consequence(f, cause));
            if (cause == null && f.severity() != Severity.INFO) {
                causes.add(f);
            }
        }
        return out;
    }

    /** The first root cause (of CRITICAL severity, or any for symmetry) that explains {@code f}, or null. */
    private static Finding causeOf(Finding f, List<Finding> causes) {
        for (Finding c : causes) {
            String group = rank(c.code()) == DIVERGENCE ? "divergence" : c.code();
            boolean strong = c.severity() == Severity.CRITICAL || c.code().equals("symmetry");
            if (strong && EXPLAINS.getOrDefault(group, Set.of()).contains(f.code()) && rank(c.code()) <= rank(f.code())) {
                return c;
            }
        }
        return null;
    }

    private static Finding consequence(Finding f, Finding cause) {
        Map<String, Object> evidence = new LinkedHashMap<>(f.evidence());
        evidence.put("consequence_of", cause.code());
        String at = cause.layer() == null ? "" : " in '" + cause.layer() + "'";
        return new Finding(f.severity(), f.code(), "a consequence of the " + cause.code().replace('-', ' ') + at + " above: " + f.message(),
                f.layer(), evidence, f.remedies());
    }
}
