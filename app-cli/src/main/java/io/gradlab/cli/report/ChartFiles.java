package io.gradlab.cli.report;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.awt.Color;
import java.io.IOException;
import io.gradlab.engine.run.OutputFiles;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.internal.chartpart.Chart;

/** Renders charts headless as PNG files (for papers); the page draws its own SVG ({@link SvgChart}). */
final class ChartFiles {
    private ChartFiles() {}

    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Writes {@code file} as a PNG at {@code dpi} (72 is the chart's own pixel size). */
    static void png(Chart<?, ?> chart, Path file, int dpi) {
        headless();
        if (chart instanceof HeatMapChart h) {
            Color[] colours = h.getStyler().getRangeColors();
            h.getStyler().setRangeColors(forLegend(colours, h.getStyler().isPiecewise() ? h.getStyler().getSplitNumber() : 0));
            try {
                write(chart, file, dpi);
            } finally {
                h.getStyler().setRangeColors(colours);
            }
        } else {
            write(chart, file, dpi);
        }
    }

    /**
     * The range colours resampled (the same piecewise-linear scale) to at least {@code splits + 1} colours:
     * XChart's piecewise heat-map legend reads one range colour per split and fails
     * (ArrayIndexOutOfBoundsException) when there are ten or more splits on five colours.
     */
    static Color[] forLegend(Color[] colours, int splits) {
        if (colours.length < 2 || colours.length > splits) {
            return colours;
        }
        Color[] out = new Color[splits + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = SvgChart.colour(i, 0, splits, colours, 0);
        }
        return out;
    }

    private static void write(Chart<?, ?> chart, Path file, int dpi) {
        try {
            if (dpi == 72) {
                OutputFiles.replace(file, ChartEncoder.getBytes(chart, "png"));
            } else {
                OutputFiles.replace(file, ".png", tmp -> {
                    String name = tmp.toString();
                    BitmapEncoder.saveBitmapWithDPI(chart, name.substring(0, name.length() - 4), BitmapEncoder.BitmapFormat.PNG, dpi);
                });
            }
        } catch (GradlabException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new GradlabException(Category.IO, "cannot write the chart " + file + ": " + e.getMessage(), e);
        }
    }
}
