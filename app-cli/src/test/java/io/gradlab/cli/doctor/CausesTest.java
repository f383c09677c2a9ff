package io.gradlab.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Root causes first, and the findings they explain named as their consequences. */
class CausesTest {
    private static Finding f(Severity severity, String code, String layer) {
        return new Finding(severity, code, code + " message", layer, Map.of(), List.of());
    }

    @Test
    void aDivergenceComesFirstAndExplainsTheDeadUnitsAndTheSymmetryAfterIt() {
        List<Finding> ordered = Causes.order(List.of(
                f(Severity.CRITICAL, "dead-units", "act2"),
                f(Severity.CRITICAL, "symmetry", "hidden1"),
                f(Severity.WARNING, "small-updates", "hidden1"),
                f(Severity.CRITICAL, "diverging-loss", null)));
        assertThat(ordered).extracting(Finding::code).containsExactly("diverging-loss", "symmetry", "dead-units", "small-updates");
        assertThat(ordered.get(0).evidence()).doesNotContainKey("consequence_of");
        for (Finding consequence : ordered.subList(1, 4)) {
            assertThat(consequence.evidence()).containsEntry("consequence_of", "diverging-loss");
            assertThat(consequence.message()).startsWith("a consequence of the diverging loss above: ");
        }
    }

    @Test
    void symmetryComesBeforeTheVanishingGradientItCausesAndAWarningNeverCausesACriticalFinding() {
        List<Finding> ordered = Causes.order(List.of(
                f(Severity.CRITICAL, "vanishing-gradient", "hidden1"),
                f(Severity.WARNING, "large-updates", "output"),
                f(Severity.CRITICAL, "symmetry", "hidden1")));
        assertThat(ordered).extracting(Finding::code).containsExactly("symmetry", "vanishing-gradient", "large-updates");
        assertThat(ordered.get(1).message()).startsWith("a consequence of the symmetry in 'hidden1' above: vanishing-gradient message");
        assertThat(ordered.get(1).severity()).as("the severity stays").isEqualTo(Severity.CRITICAL);

        List<Finding> warningCause = Causes.order(List.of(
                f(Severity.CRITICAL, "dead-units", "act1"), f(Severity.WARNING, "large-updates", "output")));
        assertThat(warningCause).extracting(Finding::code).containsExactly("dead-units", "large-updates");
        assertThat(warningCause).allSatisfy(x -> assertThat(x.evidence()).doesNotContainKey("consequence_of"));
    }

    @Test
    void unrelatedFindingsAreNotConsequences() {
        List<Finding> ordered = Causes.order(List.of(
                f(Severity.CRITICAL, "saturation", "act1"), f(Severity.CRITICAL, "dead-units", "act2")));
        assertThat(ordered).allSatisfy(x -> assertThat(x.evidence()).doesNotContainKey("consequence_of"));
    }
}
