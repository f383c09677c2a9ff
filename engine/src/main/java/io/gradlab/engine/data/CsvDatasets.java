package io.gradlab.engine.data;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.data.Dataset;
import io.gradlab.engine.io.BoundedFiles;
import io.gradlab.engine.io.Messages;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Classification data from numeric CSV files: one sample per line, every column a number, one
 * column holding the class index ({@code 0, 1, ...}). Blank lines and lines starting with
 * {@code #} are skipped. A bad row is a {@link GradlabException} (DATA) naming the file, the line
 * and the column.
 */
public final class CsvDatasets {
    /** How features are rescaled; the statistics come from the training file only. */
    public enum Normalization {
        /** Values as they are. */
        NONE,
        /** Each column to {@code [0, 1]} by the training minimum and maximum (a constant column becomes 0). */
        MINMAX,
        /** Each column to mean 0 and standard deviation 1 (a constant column becomes 0). */
        STANDARD;

        /** Parses {@code none}, {@code minmax} or {@code standard}. */
        public static Normalization of(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace("-", ""));
        }
    }

    /**
     * @param labelColumn the 0-based index of the label column; negative counts from the end ({@code -1}: the last)
     * @param header      whether the first non-blank line is a header to skip
     * @param delimiter   the column separator
     * @param classes     the number of classes, or 0 to infer it as the largest label + 1
     * @param normalize   how to rescale the features
     */
    /** The largest CSV file gradlab reads (2 GiB; 64 MiB from a pipe or device). */
    public static final long MAX_FILE_BYTES = 2L << 30;

    public record Options(int labelColumn, boolean header, char delimiter, int classes, Normalization normalize) {
        public Options {
            requireNonNull(normalize, "normalize is null");
            if (classes < 0) {
                throw new IllegalArgumentException("classes must be >= 0");
            }
            if (delimiter == '"' || delimiter == '.' || delimiter == '-' || delimiter == '\n' || delimiter == '\r' || Character.isDigit(delimiter)) {
                throw new IllegalArgumentException("delimiter '" + delimiter + "' cannot separate numbers");
            }
        }

        /** The defaults: label in the last column, a header line, commas, classes inferred, no normalisation. */
        public static Options defaults() {
            return new Options(-1, true, ',', 0, Normalization.NONE);
        }
    }

    /** The rows of one file: features and labels. */
    private record Table(Path file, float[] features, int[] labels, int width) {}

    private CsvDatasets() {}

    /**
     * Loads a training file and, when {@code test} is not {@code null}, a test file with the same
     * columns.
     */
    public static DataSplits load(Path train, Path test, Options options) {
        requireNonNull(train, "train is null");
        requireNonNull(options, "options is null");
        Table trainTable = read(train, options);
        Table testTable = test == null ? null : read(test, options);
        if (testTable != null && testTable.width() != trainTable.width()) {
            throw new GradlabException(Category.DATA, "CSV files " + train + " and " + test + " do not match: the training file has "
                    + trainTable.width() + " feature columns, the test file " + testTable.width() + ". Both need the same columns");
        }
        int classes = options.classes() > 0 ? options.classes() : inferClasses(trainTable, testTable);
        checkLabels(trainTable, classes);
        if (testTable != null) {
            checkLabels(testTable, classes);
        }
        normalize(trainTable, testTable, options.normalize());
        Dataset trainSet = Dataset.classification(stem(train) + "-train", trainTable.features(), trainTable.labels(), trainTable.width(), classes);
        Dataset testSet = testTable == null ? null
                : Dataset.classification(stem(test) + "-test", testTable.features(), testTable.labels(), testTable.width(), classes);
        String description = "CSV " + train + (test == null ? "" : " and " + test) + ": " + trainSet.size() + " training"
                + (testSet == null ? "" : " and " + testSet.size() + " test") + " samples of " + trainTable.width() + " features, "
                + classes + " classes" + (options.normalize() == Normalization.NONE ? "" : ", " + options.normalize().name().toLowerCase(Locale.ROOT)
                + " normalisation from the training file");
        return new DataSplits(trainSet, testSet, description);
    }

    private static Table read(Path file, Options options) {
        if (Files.isDirectory(file)) {
            throw new GradlabException(Category.DATA, "CSV file " + file + " is a folder. Name the CSV file itself");
        }
        try (BufferedReader reader = new BufferedReader(new java.io.InputStreamReader(BoundedFiles.limited(Files.newInputStream(file), file,
                MAX_FILE_BYTES, "the CSV file", Category.DATA), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)))) {
            return parse(reader, file, options);
        } catch (NoSuchFileException e) {
            throw new GradlabException(Category.DATA, "CSV file " + file + " does not exist. Check the path (relative paths start at the spec's folder)", e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new GradlabException(Category.DATA, "CSV file " + Messages.quote(file) + " is not UTF-8 text (it holds a byte sequence"
                    + " that UTF-8 does not allow, e.g. Latin-1 accents): save it as UTF-8 (iconv -f latin1 -t utf-8 FILE)", e);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read CSV file " + Messages.quote(file) + ": " + Messages.ioReason(e), e);
        }
    }

    private static Table parse(BufferedReader reader, Path file, Options options) throws IOException {
        int columns = -1;
        int labelColumn = -1;
        int firstRow = -1;
        boolean headerPending = options.header();
        float[] features = new float[1024];
        int[] labels = new int[64];
        int rows = 0;
        String[] cells = null;
        int lineNo = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (headerPending) {
                headerPending = false;
                continue;
            }
            int n = split(trimmed, options.delimiter(), cells);
            if (columns < 0) {
                columns = n;
                firstRow = lineNo;
                labelColumn = options.labelColumn() < 0 ? columns + options.labelColumn() : options.labelColumn();
                if (columns < 2) {
                    throw bad(file, lineNo, "the row has " + columns + " column, but a sample needs at least one feature and a label"
                            + " (is the delimiter '" + printable(options.delimiter()) + "' right?)");
                }
                if (labelColumn < 0 || labelColumn >= columns) {
                    throw new GradlabException(Category.DATA, "CSV file " + file + ": label-column " + options.labelColumn() + " is outside the "
                            + columns + " columns of line " + lineNo + ". Use a 0-based index 0.." + (columns - 1) + ", or -1 for the last column");
                }
                cells = new String[columns];
                split(trimmed, options.delimiter(), cells);
            } else if (n != columns) {
                throw bad(file, lineNo, "the row has " + n + " columns, but line " + firstRow + " has " + columns
                        + ". Every row needs the same columns (is the delimiter '" + printable(options.delimiter()) + "' right?)");
            }
            int width = columns - 1;
            if ((long) (rows + 1) * width > Integer.MAX_VALUE - 16) {
                throw bad(file, lineNo, "the row makes the data larger than one array can hold (2^31 values)");
            }
            if ((rows + 1) * width > features.length) {
                features = Arrays.copyOf(features, (int) Math.min(Integer.MAX_VALUE - 16L, Math.max((long) features.length * 2, (long) (rows + 1) * width)));
            }
            if (rows == labels.length) {
                labels = Arrays.copyOf(labels, labels.length * 2);
            }
            int f = rows * width;
            for (int c = 0; c < columns; c++) {
                String cell = unquote(cells[c]);
                if (c == labelColumn) {
                    labels[rows] = parseLabel(file, lineNo, c, cell);
                } else {
                    features[f++] = parseValue(file, lineNo, c, cell);
                }
            }
            rows++;
        }
        if (rows == 0) {
            throw new GradlabException(Category.DATA, "CSV file " + file + " has no data rows" + (options.header() ? " after its header line" : "")
                    + ". Check the file, or set header: false if its first line is data");
        }
        int width = columns - 1;
        return new Table(file, Arrays.copyOf(features, rows * width), Arrays.copyOf(labels, rows), width);
    }

    /** Splits {@code line} at {@code delimiter} into {@code cells} (when not null) and returns the number of cells. */
    private static int split(String line, char delimiter, String[] cells) {
        int count = 0;
        int start = 0;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == delimiter) {
                if (cells != null && count < cells.length) {
                    cells[count] = line.substring(start, i);
                }
                count++;
                start = i + 1;
            }
        }
        return count;
    }

    private static String unquote(String cell) {
        String s = cell.strip();
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    private static float parseValue(Path file, int line, int column, String cell) {
        float v;
        try {
            v = Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            throw bad(file, line, "column " + (column + 1) + ": '" + cell + "' is not a number. Every column must be numeric"
                    + " (the label column holds class indices 0, 1, ...); if this is a header line, set header: true");
        }
        if (!Float.isFinite(v)) {
            throw bad(file, line, "column " + (column + 1) + ": '" + cell + "' is not a finite number. Replace missing or infinite values first");
        }
        return v;
    }

    private static int parseLabel(Path file, int line, int column, String cell) {
        double v;
        try {
            v = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw bad(file, line, "label column " + (column + 1) + ": '" + cell + "' is not a class index (0, 1, ...)."
                    + " Map class names to indices first, or set label-column to the column that holds them");
        }
        if (v != Math.rint(v) || v < 0 || v > 1_000_000) {
            throw bad(file, line, "label column " + (column + 1) + ": '" + cell + "' is not a class index (a whole number from 0)."
                    + " Set label-column to the column that holds the classes");
        }
        return (int) v;
    }

    private static int inferClasses(Table train, Table test) {
        int max = -1;
        for (Table t : test == null ? new Table[] {train} : new Table[] {train, test}) {
            for (int label : t.labels()) {
                max = Math.max(max, label);
            }
        }
        if (max < 1) {
            throw new GradlabException(Category.DATA, "CSV file " + train.file() + ": every label is 0, so there is nothing to classify."
                    + " Check label-column: the 0-based index of the column of class indices (-1: the last column)");
        }
        return max + 1;
    }

    private static void checkLabels(Table table, int classes) {
        for (int i = 0; i < table.labels().length; i++) {
            if (table.labels()[i] >= classes) {
                throw new GradlabException(Category.DATA, "CSV file " + table.file() + ": data row " + (i + 1) + " has label " + table.labels()[i]
                        + ", outside 0.." + (classes - 1) + " (classes: " + classes + "). Raise classes, or set it to 0 to infer it");
            }
        }
    }

    private static void normalize(Table train, Table test, Normalization how) {
        if (how == Normalization.NONE) {
            return;
        }
        int width = train.width();
        int rows = train.labels().length;
        float[] x = train.features();
        double[] shift = new double[width];
        double[] scale = new double[width];
        for (int c = 0; c < width; c++) {
            if (how == Normalization.MINMAX) {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int r = 0; r < rows; r++) {
                    min = Math.min(min, x[r * width + c]);
                    max = Math.max(max, x[r * width + c]);
                }
                shift[c] = min;
                scale[c] = max > min ? 1.0 / (max - min) : 0.0;
            } else {
                double sum = 0;
                for (int r = 0; r < rows; r++) {
                    sum += x[r * width + c];
                }
                double mean = sum / rows;
                double squares = 0;
                for (int r = 0; r < rows; r++) {
                    double d = x[r * width + c] - mean;
                    squares += d * d;
                }
                double std = Math.sqrt(squares / rows);
                shift[c] = mean;
                scale[c] = std > 0 ? 1.0 / std : 0.0;
            }
        }
        apply(train, shift, scale);
        if (test != null) {
            apply(test, shift, scale);
        }
    }

    private static void apply(Table table, double[] shift, double[] scale) {
        float[] x = table.features();
        int width = table.width();
        for (int i = 0; i < x.length; i++) {
            int c = i % width;
            x[i] = scale[c] == 0.0 ? 0f : (float) ((x[i] - shift[c]) * scale[c]);
        }
    }

    private static GradlabException bad(Path file, int line, String what) {
        return new GradlabException(Category.DATA, "CSV file " + file + ", line " + line + ": " + what);
    }

    private static String stem(Path file) {
        String name = file.getFileName() == null ? "csv" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }
}
