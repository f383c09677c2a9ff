package io.gradlab.cli.study;

import java.util.List;

/**
 * Appends a Markdown table to a report: column titles as {@link io.gradlab.cli.TextTable} takes them (a
 * leading {@code >} marks a right-aligned column and is dropped), then one line per row of cells.
 */
final class MarkdownTable {
    private MarkdownTable() {}

    /**
     * Appends the header line, the rule line and a line per row. {@code spacedRule} chooses the rule's cells:
     * {@code " ---: |"} / {@code " --- |"} when true, {@code "---:|"} / {@code "---|"} when false.
     */
    static void append(StringBuilder sb, String[] header, List<String[]> rows, boolean spacedRule) {
        sb.append('|');
        for (String h : header) {
            sb.append(' ').append(h.startsWith(">") ? h.substring(1) : h).append(" |");
        }
        sb.append("\n|");
        for (String h : header) {
            if (spacedRule) {
                sb.append(h.startsWith(">") ? " ---: |" : " --- |");
            } else {
                sb.append(h.startsWith(">") ? "---:|" : "---|");
            }
        }
        sb.append('\n');
        for (String[] cells : rows) {
            sb.append('|');
            for (String c : cells) {
                sb.append(' ').append(c).append(" |");
            }
            sb.append('\n');
        }
    }
}
