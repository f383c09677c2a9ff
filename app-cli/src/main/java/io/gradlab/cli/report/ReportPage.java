package io.gradlab.cli.report;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * The page every gradlab report is written on ({@link HtmlReport} for runs, {@link SweepReport} for a
 * sweep): one self-contained HTML document with the shared style sheet, charts as inline SVG, no
 * script and nothing loaded from elsewhere. Text handed to it is escaped here; only {@link #raw} takes
 * markup, which the caller builds with {@link Html}.
 */
final class ReportPage {
    /** A table cell: its markup (already escaped) and its CSS class (empty for none). */
    record Cell(String html, String cssClass) {
        Cell {
            requireNonNull(html, "html is null");
            requireNonNull(cssClass, "cssClass is null");
        }

        static Cell text(String text) {
            return new Cell(Html.esc(text), "");
        }

        static Cell code(String text) {
            return new Cell(text == null || text.isEmpty() ? "" : "<code>" + Html.esc(text) + "</code>", "");
        }

        static Cell num(double v) {
            return new Cell(Html.num(v), "");
        }

        static Cell pct(double v) {
            return new Cell(Html.pct(v), "");
        }

        static Cell link(String anchor, String text) {
            return new Cell("<a href=\"#" + Html.esc(anchor) + "\">" + Html.esc(text) + "</a>", "");
        }

        /** A run's or trial's status ({@code completed}, {@code stopped}, ...), coloured by the style sheet. */
        static Cell status(String status, String text) {
            return new Cell(Html.esc(text), "status " + Html.esc(status));
        }
    }

    private final String title;
    private final StringBuilder body = new StringBuilder(1 << 16);

    ReportPage(String title) {
        this.title = requireNonNull(title, "title is null");
    }

    /** An {@code <h2>} (level 2) or {@code <h3>} (level 3) heading. */
    ReportPage heading(int level, String text) {
        if (level < 2 || level > 3) {
            throw new IllegalArgumentException("heading level " + level + ": the page title is the only h1; use 2 or 3");
        }
        body.append("<h").append(level).append('>').append(Html.esc(text)).append("</h").append(level).append(">\n");
        return this;
    }

    ReportPage paragraph(String text) {
        body.append("<p>").append(Html.esc(text)).append("</p>\n");
        return this;
    }

    /** Markup built by the caller (with {@link Html#esc} for every text in it). */
    ReportPage raw(String html) {
        body.append(html);
        return this;
    }

    /** Charts side by side (wrapping), each in a {@code <figure>} with its caption; {@code svgs} gives each chart's markup. */
    ReportPage figures(List<ReportChart> charts, Map<ReportChart, String> svgs, boolean wide) {
        body.append(wide ? "<div class=\"grid wide\">\n" : "<div class=\"grid\">\n");
        for (ReportChart c : charts) {
            String svg = requireNonNull(svgs.get(c), () -> "no SVG for the chart " + c.id());
            body.append("<figure id=\"").append(c.id()).append("\">").append(svg).append("<figcaption>").append(Html.esc(c.caption()))
                    .append("</figcaption></figure>\n");
        }
        body.append("</div>\n");
        return this;
    }

    /** A table with a header row; every row has as many cells as the header. Headers are text, cells are {@link Cell}s. */
    ReportPage table(List<String> header, List<List<Cell>> rows) {
        body.append("<table>\n<thead><tr>");
        // a line may break after a dot of a long key (model.architecture.depth)
        header.forEach(h -> body.append("<th>").append(Html.esc(h).replace(".", ".<wbr>")).append("</th>"));
        body.append("</tr></thead>\n<tbody>\n");
        for (List<Cell> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("a row of " + row.size() + " cells under a header of " + header.size());
            }
            body.append("<tr>");
            for (Cell c : row) {
                body.append(c.cssClass().isEmpty() ? "<td>" : "<td class=\"" + c.cssClass() + "\">").append(c.html()).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</tbody>\n</table>\n");
        return this;
    }

    /** The chart as markup to place in the page (compact SVG with text as text: {@link SvgChart}). */
    static String svg(ReportChart chart) {
        return SvgChart.svg(chart.chart(), "chart");
    }

    /** The whole document: head with the style sheet, the title as {@code <h1>}, the body, then {@code footer}. */
    String html(String footer) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + Html.esc(title)
                + "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n<h1>" + Html.esc(title) + "</h1>\n" + body
                + "<footer>" + Html.esc(footer) + "</footer>\n</body>\n</html>\n";
    }

    private static final String CSS = """
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1280px;
                   padding: 0 16px; color: #222; line-height: 1.4; }
            h1 { font-size: 26px; margin-bottom: 4px; }
            h2 { font-size: 20px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
            h3 { font-size: 16px; margin-bottom: 6px; }
            .meta { color: #666; font-size: 13px; }
            table { border-collapse: collapse; font-size: 13px; width: 100%; }
            th, td { border-bottom: 1px solid #e3e3e3; padding: 5px 8px; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            th { background: #f6f6f6; }
            td.status { font-weight: bold; }
            td.completed { color: #2e7d32; } td.stopped, td.diverged, td.failed { color: #c62828; }
            .grid { display: flex; flex-wrap: wrap; gap: 12px; }
            figure { margin: 0; border: 1px solid #eee; padding: 6px; background: #fff; }
            svg.chart { display: block; max-width: 100%; height: auto; }
            figcaption { font-size: 12px; color: #555; max-width: 600px; margin-top: 4px; }
            .finding { border-left: 5px solid #999; background: #fafafa; padding: 6px 10px; margin: 8px 0; font-size: 14px; }
            .finding p { margin: 4px 0; }
            .finding.CRITICAL { border-color: #c62828; } .finding.WARNING { border-color: #ef8f00; } .finding.INFO { border-color: #1565c0; }
            .sev { font-weight: bold; font-size: 12px; }
            .CRITICAL .sev { color: #c62828; } .WARNING .sev { color: #b36b00; } .INFO .sev { color: #1565c0; }
            .evidence { color: #555; font-size: 12px; }
            .remedies { margin: 4px 0 2px 18px; padding: 0; font-size: 13px; }
            .ok { color: #2e7d32; }
            footer { margin-top: 40px; color: #888; font-size: 12px; }
            """;
}
