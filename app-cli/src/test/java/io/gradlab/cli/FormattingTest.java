package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.engine.train.LayerMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormattingTest {
    @Test
    void numbersAreLocaleIndependentAndHandleNonFiniteValues() {
        assertThat(Numbers.sci(0.000012345)).isEqualTo("1.23e-05");
        assertThat(Numbers.sci(Double.NaN)).isEqualTo("nan");
        assertThat(Numbers.sci(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(Numbers.fixed(2.302585, 4)).isEqualTo("2.3026");
        assertThat(Numbers.rate(950)).isEqualTo("950");
        assertThat(Numbers.rate(12345)).isEqualTo("12.3k");
        assertThat(Numbers.rate(2_500_000)).isEqualTo("2.50M");
    }

    @Test
    void tablesAlignColumnsAndRightAlignNumbers() {
        String text = print(out -> new TextTable("name", ">value").row("a", "1").row("longer", "12345").note("  a note").print(out, "> "));

        assertThat(text.lines().toList()).containsExactly(
                "> name    value",
                "> a           1",
                "> longer  12345",
                ">   a note");
    }

    @Test
    void aRowMustHaveOneCellPerColumn() {
        assertThatThrownBy(() -> new TextTable("a", "b").row("x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLayerTableAddsNumericFiguresOfDiagnosticsAsColumns() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("dead_fraction", 0.25);
        extra.put("note", "text is skipped");
        extra.put("act_mean", 0.5); // verbose: left out
        extra.put("custom", 3.0);
        List<LayerMetrics> layers = List.of(
                new LayerMetrics("hidden1", 1e-6, 2.0, 1e-9, extra),
                new LayerMetrics("hidden2", 1e-3, 2.0, 1e-6, Map.of()),
                new LayerMetrics("output", 0.5, 1.0, 1e-3, Map.of()));

        String text = print(out -> LayerTable.print(layers, out, ""));

        // known figures get short headers (dead %), others their key; the bar spans the decades of the gradient norms
        assertThat(text.lines().toList()).containsExactly(
                "layer    grad_norm  weight_norm  update_ratio  dead %    custom  grad_norm 1e-6..1e0 (log)",
                "hidden1   1.00e-06     2.00e+00      1.00e-09      25  3.00e+00  #",
                "hidden2   1.00e-03     2.00e+00      1.00e-06       -         -  ##########",
                "output    5.00e-01     1.00e+00      1.00e-03       -         -  ###################");
        assertThat(LayerTable.firstLastRatio(layers)).isCloseTo(1e-3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(LayerTable.firstLastRatio(layers.subList(1, 3))).isNaN();
    }

    private static String print(java.util.function.Consumer<PrintStream> printer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            printer.accept(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
