package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header and rows, columns padded to their widest cell and separated by two
 * spaces; columns marked numeric are right-aligned. Rows may carry a trailing free-text line (printed
 * under the row, outside the columns).
 */
public final class TextTable {
    private final List<String> header;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<List<String>> notes = new ArrayList<>();

    /** A table with these column titles; a title starting with {@code >} is right-aligned (the {@code >} is dropped). */
    public TextTable(String... columns) {
        List<String> titles = new ArrayList<>();
        rightAligned = new boolean[columns.length];
        for (int i = 0; i < columns.length; i++) {
            String c = requireNonNull(columns[i], "column is null");
            rightAligned[i] = c.startsWith(">");
            titles.add(rightAligned[i] ? c.substring(1) : c);
        }
        header = List.copyOf(titles);
    }

    /** Adds a row of exactly one cell per column. */
    public TextTable row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("a row needs " + header.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (String cell : cells) {
            row.add(cell == null ? "" : io.gradlab.engine.io.Messages.escape(cell));
        }
        rows.add(row);
        notes.add(new ArrayList<>());
        return this;
    }

    /** Adds a free-text line under the last row. */
    public TextTable note(String line) {
        if (rows.isEmpty()) {
            throw new IllegalStateException("no row to add a note to");
        }
        notes.get(notes.size() - 1).add(io.gradlab.engine.io.Messages.escape(requireNonNull(line, "line is null")));
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Prints the table, each line starting with {@code indent}. */
    public void print(PrintStream out, String indent) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        out.println(indent + line(header, widths));
        for (int r = 0; r < rows.size(); r++) {
            out.println(indent + line(rows.get(r), widths));
            for (String note : notes.get(r)) {
                out.println(indent + note);
            }
        }
    }

    private String line(List<String> cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            boolean last = i == cells.size() - 1;
            String pad = " ".repeat(widths[i] - cell.length());
            if (i > 0) {
                sb.append("  ");
            }
            if (rightAligned[i]) {
                sb.append(pad).append(cell);
            } else {
                sb.append(cell);
                if (!last) {
                    sb.append(pad);
                }
            }
        }
        return sb.toString().stripTrailing();
    }
}
