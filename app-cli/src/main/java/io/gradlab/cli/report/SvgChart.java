package io.gradlab.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapSeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a report's XChart chart as compact inline SVG for the page: text as {@code <text>} (the browser's
 * fonts, not glyph outlines), one {@code <polyline>} per series, one {@code <rect>} per heatmap cell, and
 * coordinates to one decimal. The chart (its data, colours, axes and colour range) is built once, in
 * {@link ReportCharts}; XChart still draws the same chart for the PNG files ({@link ChartFiles}).
 */
final class SvgChart {
    private static final int LEFT = 62;
    private static final int TOP = 30;
    private static final int BOTTOM = 42;
    private static final int LEGEND_E = 150;
    private static final int LEGEND_ROW = 15;

    private SvgChart() {}

    /** The chart as an {@code <svg>} element with {@code cssClass}; ids are not used, so any number fit in one page. */
    static String svg(Chart<?, ?> chart, String cssClass) {
        if (chart instanceof HeatMapChart h) {
            return heatmap(h, cssClass);
        }
        if (chart instanceof XYChart x) {
            return xy(x, cssClass);
        }
        throw new IllegalArgumentException("no SVG drawing for " + chart.getClass().getSimpleName());
    }

    private static StringBuilder open(Chart<?, ?> c, int w, int h, String cssClass) {
        StringBuilder s = new StringBuilder(4096);
        s.append("<svg class=\"").append(cssClass).append("\" role=\"img\" aria-label=\"").append(Html.esc(c.getTitle()))
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">");
        s.append("<text x=\"").append(w / 2).append("\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">")
                .append(Html.esc(c.getTitle())).append("</text>");
        return s;
    }

    private static String xy(XYChart c, String cssClass) {
        XYStyler st = c.getStyler();
        List<XYSeries> series = new ArrayList<>(c.getSeriesCollection());
        // long names (a run label and "train") go under the plot, where they have the chart's width
        boolean legendBelow = st.getLegendPosition() == Styler.LegendPosition.OutsideS
                || series.stream().anyMatch(x -> x.getName().length() > LEGEND_E / 6 - 4);
        int w = c.getWidth();
        int legendRows = legendBelow ? series.size() : 0;
        int h = c.getHeight() + legendRows * LEGEND_ROW;
        int plotW = w - LEFT - (legendBelow ? 16 : LEGEND_E);
        int plotH = c.getHeight() - TOP - BOTTOM;
        boolean logY = st.isYAxisLogarithmic();
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (XYSeries s : series) {
            for (double x : s.getXData()) {
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
            }
            for (double y : s.getYData()) {
                double v = logY ? Math.log10(y) : y;
                yMin = Math.min(yMin, v);
                yMax = Math.max(yMax, v);
            }
        }
        if (st.getXAxisMin() != null) {
            xMin = st.getXAxisMin();
        }
        if (st.getXAxisMax() != null) {
            xMax = st.getXAxisMax();
        }
        if (!logY && st.getYAxisMin() != null) {
            yMin = st.getYAxisMin();
        }
        if (!logY && st.getYAxisMax() != null) {
            yMax = st.getYAxisMax();
        }
        if (!(xMax > xMin)) {
            xMin -= 1;
            xMax += 1;
        }
        if (!(yMax > yMin)) {
            yMin -= logY ? 0.5 : Math.max(1e-9, Math.abs(yMin) * 0.1);
            yMax += logY ? 0.5 : Math.max(1e-9, Math.abs(yMax) * 0.1);
        }
        if (logY) {
            yMin = Math.floor(yMin);
            yMax = Math.ceil(yMax);
        }
        StringBuilder s = open(c, w, h, cssClass);
        double x0 = xMin;
        double x1 = xMax;
        double y0 = yMin;
        double y1 = yMax;
        Function<Double, Double> px = x -> LEFT + (x - x0) / (x1 - x0) * plotW;
        Function<Double, Double> py = y -> TOP + plotH - (y - y0) / (y1 - y0) * plotH;
        s.append("<g stroke=\"#e6e6e6\">");
        StringBuilder labels = new StringBuilder("<g fill=\"#202020\">");
        for (double t : logY ? decades(y0, y1) : ticks(y0, y1)) {
            double y = py.apply(t);
            s.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW).append("\" y1=\"").append(f(y)).append("\" y2=\"")
                    .append(f(y)).append("\"/>");
            labels.append("<text x=\"").append(LEFT - 4).append("\" y=\"").append(f(y + 4)).append("\" text-anchor=\"end\">")
                    .append(logY ? "1e" + (int) Math.round(t) : tick(t)).append("</text>");
        }
        for (double t : ticks(x0, x1)) {
            double x = px.apply(t);
            s.append("<line x1=\"").append(f(x)).append("\" x2=\"").append(f(x)).append("\" y1=\"").append(TOP).append("\" y2=\"")
                    .append(TOP + plotH).append("\"/>");
            labels.append("<text x=\"").append(f(x)).append("\" y=\"").append(TOP + plotH + 14).append("\" text-anchor=\"middle\">")
                    .append(tick(t)).append("</text>");
        }
        s.append("</g>").append(labels).append("</g>");
        s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotW).append("\" height=\"").append(plotH)
                .append("\" fill=\"none\" stroke=\"#ccc\"/>");
        axisTitles(s, c.getXAxisTitle(), c.getYAxisTitle(), LEFT + plotW / 2, TOP + plotH + 32, TOP + plotH / 2);
        int i = 0;
        for (XYSeries ser : series) {
            double[] xs = ser.getXData();
            double[] ys = ser.getYData();
            String color = hex(ser.getLineColor() == null ? ReportCharts.color(i) : ser.getLineColor());
            s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.8\"");
            BasicStroke stroke = ser.getLineStyle();
            if (stroke != null && stroke.getDashArray() != null) {
                s.append(" stroke-dasharray=\"6 4\"");
            }
            s.append(" points=\"");
            for (int k = 0; k < xs.length; k++) {
                double y = logY ? Math.log10(ys[k]) : ys[k];
                s.append(k == 0 ? "" : " ").append(f(px.apply(xs[k]))).append(',').append(f(py.apply(Math.max(y0, Math.min(y1, y)))));
            }
            s.append("\"/>");
            if (ser.getMarker() != null && ser.getMarker() != SeriesMarkers.NONE && xs.length <= 30) {
                s.append("<g fill=\"").append(color).append("\">");
                for (int k = 0; k < xs.length; k++) {
                    double y = logY ? Math.log10(ys[k]) : ys[k];
                    s.append("<circle r=\"2.5\" cx=\"").append(f(px.apply(xs[k]))).append("\" cy=\"").append(f(py.apply(Math.max(y0, Math.min(y1, y)))))
                            .append("\"/>");
                }
                s.append("</g>");
            }
            int lx = legendBelow ? LEFT : LEFT + plotW + 10;
            int ly = legendBelow ? c.getHeight() + i * LEGEND_ROW : TOP + 8 + i * LEGEND_ROW;
            s.append("<line x1=\"").append(lx).append("\" x2=\"").append(lx + 16).append("\" y1=\"").append(ly - 4).append("\" y2=\"")
                    .append(ly - 4).append("\" stroke=\"").append(color).append("\" stroke-width=\"2\"")
                    .append(stroke != null && stroke.getDashArray() != null ? " stroke-dasharray=\"4 3\"" : "").append("/><text x=\"")
                    .append(lx + 20).append("\" y=\"").append(ly).append("\">").append(Html.esc(ser.getName())).append("</text>");
            i++;
        }
        return s.append("</svg>").toString();
    }

    private static String heatmap(HeatMapChart c, String cssClass) {
        HeatMapStyler st = c.getStyler();
        HeatMapSeries series = c.getHeatMapSeries();
        List<?> xs = series.getXData();
        List<?> ys = series.getYData();
        int w = c.getWidth();
        int h = c.getHeight();
        int longest = ys.stream().mapToInt(y -> String.valueOf(y).length()).max().orElse(4);
        int left = 30 + Math.max(30, longest * 6);
        int plotW = w - left - 90 + 30;
        int plotH = h - TOP - BOTTOM;
        double cw = (double) (plotW - 30) / Math.max(1, xs.size());
        double ch = (double) plotH / Math.max(1, ys.size());
        StringBuilder s = open(c, w, h, cssClass);
        Function<Double, String> label = st.getHeatMapDecimalValueFormatter() == null ? SvgChart::tick : st.getHeatMapDecimalValueFormatter();
        double min = st.getMin();
        double max = st.getMax();
        Color[] colors = st.getRangeColors();
        int splits = st.isPiecewise() ? Math.max(1, st.getSplitNumber()) : 0;
        // cells on a grid of unit squares (short markup), neighbours of one colour in a row merged into one
        // rectangle whose tooltip gives the span and its values
        double[][] grid = new double[ys.size()][xs.size()];
        for (double[] row : grid) {
            Arrays.fill(row, Double.NaN);
        }
        for (Number[] cell : series.getHeatData()) {
            grid[cell[1].intValue()][cell[0].intValue()] = cell[2].doubleValue();
        }
        s.append("<g shape-rendering=\"crispEdges\" transform=\"translate(").append(left).append(' ').append(TOP).append(") scale(")
                .append(f3(cw)).append(' ').append(f3(ch)).append(")\">");
        for (int y = 0; y < grid.length; y++) {
            int x = 0;
            while (x < grid[y].length) {
                if (Double.isNaN(grid[y][x])) {
                    x++;
                    continue;
                }
                String fill = hex(colour(grid[y][x], min, max, colors, splits));
                double lo = grid[y][x];
                double hi = lo;
                int end = x + 1;
                while (end < grid[y].length && !Double.isNaN(grid[y][end]) && hex(colour(grid[y][end], min, max, colors, splits)).equals(fill)) {
                    lo = Math.min(lo, grid[y][end]);
                    hi = Math.max(hi, grid[y][end]);
                    end++;
                }
                s.append("<rect x=\"").append(x).append("\" y=\"").append(ys.size() - 1 - y).append("\" width=\"").append(end - x)
                        .append("\" height=\"1\" fill=\"").append(fill).append("\"><title>").append(Html.esc(String.valueOf(ys.get(y)))).append(", ")
                        .append(Html.esc(String.valueOf(xs.get(x)))).append(end - x > 1 ? " to " + Html.esc(String.valueOf(xs.get(end - 1))) : "")
                        .append(": ").append(Html.esc(label.apply(lo))).append(hi > lo ? " to " + Html.esc(label.apply(hi)) : "")
                        .append("</title></rect>");
                x = end;
            }
        }
        s.append("</g>");
        s.append("<g fill=\"#202020\">");
        int every = Math.max(1, (int) Math.ceil(xs.size() / 12.0));
        for (int x = 0; x < xs.size(); x += every) {
            s.append("<text x=\"").append(f(left + (x + 0.5) * cw)).append("\" y=\"").append(TOP + plotH + 14).append("\" text-anchor=\"middle\">")
                    .append(Html.esc(String.valueOf(xs.get(x)))).append("</text>");
        }
        int everyY = Math.max(1, (int) Math.ceil(ys.size() / 16.0));
        for (int y = 0; y < ys.size(); y += everyY) {
            s.append("<text x=\"").append(left - 4).append("\" y=\"").append(f(TOP + plotH - (y + 0.5) * ch + 4)).append("\" text-anchor=\"end\">")
                    .append(Html.esc(String.valueOf(ys.get(y)))).append("</text>");
        }
        s.append("</g>");
        axisTitles(s, c.getXAxisTitle(), c.getYAxisTitle(), left + (plotW - 30) / 2, TOP + plotH + 32, TOP + plotH / 2);
        // the colour legend: a bar from the range's low end (bottom) to its high end (top), labelled at both ends and between
        int lx = left + plotW - 30 + 16;
        int steps = 24;
        double bh = (double) plotH / steps;
        for (int k = 0; k < steps; k++) {
            double v = min + (max - min) * (k + 0.5) / steps;
            s.append("<rect x=\"").append(lx).append("\" y=\"").append(f(TOP + plotH - (k + 1) * bh)).append("\" width=\"14\" height=\"")
                    .append(f(bh + 0.3)).append("\" fill=\"").append(hex(colour(v, min, max, colors, splits))).append("\"/>");
        }
        s.append("<g fill=\"#202020\" class=\"range\" data-min=\"").append(f3(min)).append("\" data-max=\"").append(f3(max)).append("\">");
        for (int k = 0; k <= 4; k++) {
            double v = min + (max - min) * k / 4;
            s.append("<text x=\"").append(lx + 18).append("\" y=\"").append(f(TOP + plotH - k * plotH / 4.0 + 4)).append("\">")
                    .append(Html.esc(label.apply(v))).append("</text>");
        }
        return s.append("</g></svg>").toString();
    }

    private static void axisTitles(StringBuilder s, String xTitle, String yTitle, int xMid, int xY, int yMid) {
        s.append("<text x=\"").append(xMid).append("\" y=\"").append(xY).append("\" text-anchor=\"middle\" font-size=\"12\">")
                .append(Html.esc(xTitle)).append("</text><text transform=\"translate(14 ").append(yMid)
                .append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">").append(Html.esc(yTitle)).append("</text>");
    }

    /**
     * The colour of {@code v} on the colour scale {@code colors} spanning [min, max], clamped at both ends:
     * interpolated, or with {@code splits > 0} the middle colour of its one of {@code splits} equal pieces
     * (as XChart's piecewise legend, so the page and the PNG files agree).
     */
    static Color colour(double v, double min, double max, Color[] colors, int splits) {
        double t = max > min ? (v - min) / (max - min) : 0.5;
        t = Math.max(0, Math.min(1, t));
        if (splits > 0) {
            t = (Math.min(splits - 1, Math.floor(t * splits)) + 0.5) / splits;
        }
        t *= colors.length - 1;
        int i = Math.min(colors.length - 2, (int) Math.floor(t));
        double u = t - i;
        Color a = colors[i];
        Color b = colors[i + 1];
        return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * u), (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * u),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * u));
    }

    /** About five round ticks over [lo, hi]. */
    private static List<Double> ticks(double lo, double hi) {
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag >= 5 ? 10 * mag : raw / mag >= 2 ? 5 * mag : raw / mag >= 1 ? 2 * mag : mag;
        List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return out;
    }

    /** The powers of ten in [lo, hi] (log10 values), at most about eight of them. */
    private static List<Double> decades(double lo, double hi) {
        int step = Math.max(1, (int) Math.ceil((hi - lo) / 8));
        List<Double> out = new ArrayList<>();
        for (double t = lo; t <= hi + 1e-9; t += step) {
            out.add(t);
        }
        return out;
    }

    private static String tick(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return String.valueOf((long) v);
        }
        return Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v + 0.0);
    }

    private static String hex(Color c) {
        return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }
}
