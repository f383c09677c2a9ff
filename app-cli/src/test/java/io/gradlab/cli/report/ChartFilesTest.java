package io.gradlab.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

class ChartFilesTest {
    private static final Color[] FIVE = {new Color(0x440154), new Color(0x3B528B), new Color(0x21908C), new Color(0x5DC963), new Color(0xFDE725)};

    @TempDir
    Path dir;

    @Test
    void aPiecewiseHeatMapWithMoreSplitsThanColoursRendersAsPng() throws IOException {
        for (int splits : new int[] {2, 9, 10, 12, 24}) {
            HeatMapChart c = new HeatMapChartBuilder().width(300).height(200).title("t").build();
            c.getStyler().setRangeColors(FIVE);
            c.getStyler().setPiecewise(true);
            c.getStyler().setPiecewiseRanged(true);
            c.getStyler().setMin(-9);
            c.getStyler().setMax(-1);
            c.getStyler().setSplitNumber(splits);
            c.addSeries("g", new int[] {0, 1}, new int[] {0, 1}, new int[][] {{0, 0, -9}, {1, 1, -1}});
            Path file = dir.resolve("h" + splits + ".png");
            ChartFiles.png(c, file, 72);
            byte[] bytes = Files.readAllBytes(file);
            assertThat(bytes).as("splits " + splits).startsWith(0x89, 'P', 'N', 'G');
            // the page's own colours are left as they were
            assertThat(c.getStyler().getRangeColors()).isSameAs(FIVE);
        }
    }

    @Test
    void theLegendColoursFollowTheSameScale() {
        Color[] twelve = ChartFiles.forLegend(FIVE, 12);
        assertThat(twelve).hasSize(13);
        assertThat(twelve[0]).isEqualTo(FIVE[0]);
        assertThat(twelve[12]).isEqualTo(FIVE[4]);
        // 3 of 12 is a quarter of the way: the second colour exactly
        assertThat(twelve[3]).isEqualTo(FIVE[1]);
        assertThat(ChartFiles.forLegend(FIVE, 4)).isSameAs(FIVE);
    }
}
