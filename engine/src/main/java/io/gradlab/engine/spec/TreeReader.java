package io.gradlab.engine.spec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads YAML or JSON text into a plain tree of {@link LinkedHashMap}, {@link ArrayList}, String,
 * Integer/Long/BigInteger, Double, Boolean and {@code null}, guarding against hostile input: at most
 * {@value #MAX_DEPTH} levels of nesting, {@value #MAX_VALUES} values in all (YAML aliases included,
 * so an alias bomb stops early), {@value #MAX_ALIASES} aliases, text values of at most
 * {@value #MAX_STRING} characters, and one document. Duplicate keys are rejected. YAML anchors,
 * aliases and merge keys ({@code <<: *base}) work; tags are ignored.
 */
final class TreeReader {
    static final int MAX_CHARS = 1 << 20;
    static final int MAX_DEPTH = 100;
    static final int MAX_VALUES = 100_000;
    static final int MAX_ALIASES = 50;
    static final int MAX_STRING = 65_536;
    private static final String MERGE_KEY = "<<";

    /** The two syntaxes; JSON when the source name ends in {@code .json}, YAML otherwise. */
    enum Format {
        YAML,
        JSON;

        static Format of(String sourceName) {
            return sourceName != null && sourceName.toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
        }
    }

    /** Something wrong with the text itself, at a 1-based line and column (0 when unknown). */
    static final class ParseProblem extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        ParseProblem(int line, int column, String reason) {
            super(reason, null, false, false);
            this.line = line;
            this.column = column;
        }

        int line() {
            return line;
        }

        int column() {
            return column;
        }

        String reason() {
            return getMessage();
        }

        /** {@code line 3, column 7: reason}, or the reason alone when the position is unknown. */
        String describe() {
            return line > 0 ? "line " + line + ", column " + column + ": " + reason() : reason();
        }
    }

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH + 10) // our own check, with a clearer message, comes first
            .maxStringLength(MAX_STRING)
            .maxNameLength(1_000)
            .maxNumberLength(100)
            .maxDocumentLength(MAX_CHARS)
            .build();

    private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
            .streamReadConstraints(CONSTRAINTS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private static final YAMLFactory YAML_FACTORY = YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL) // "key:" with nothing after it is null, not ""
            .streamReadConstraints(CONSTRAINTS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private final JsonParser parser;
    private final Format format;
    private final Map<String, Object> anchors = new HashMap<>();
    private int values;
    private int aliases;

    private TreeReader(JsonParser parser, Format format) {
        this.parser = parser;
        this.format = format;
    }

    /**
     * Reads one document.
     *
     * @return the root value, or {@code null} for an empty document
     * @throws ParseProblem when the text is malformed or breaks a limit
     */
    static Object read(String text, Format format) {
        if (text.length() > MAX_CHARS) {
            throw new ParseProblem(0, 0, "the document is too large (" + text.length() + " characters; the limit is " + MAX_CHARS + ")");
        }
        JsonFactory factory = format == Format.JSON ? JSON_FACTORY : YAML_FACTORY;
        try (JsonParser parser = factory.createParser(text)) {
            TreeReader reader = new TreeReader(parser, format);
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            Object root = reader.value(first, 0);
            if (parser.nextToken() != null) {
                throw reader.problem(format == Format.YAML
                        ? "the file holds more than one YAML document; a spec is a single document (remove the extra '---')"
                        : "unexpected content after the end of the JSON value");
            }
            return root;
        } catch (StreamConstraintsException e) {
            throw at(e.getLocation(), "the document breaks a size limit: " + shorten(e.getOriginalMessage()));
        } catch (JacksonException e) {
            throw at(e.getLocation(), "malformed " + format + ": " + reason(e));
        } catch (YAMLException e) {
            throw new ParseProblem(0, 0, "malformed YAML: " + shorten(e.getMessage()));
        } catch (IOException e) {
            throw new ParseProblem(0, 0, "cannot read the document: " + shorten(e.getMessage()));
        }
    }

    private Object value(JsonToken token, int depth) throws IOException {
        count();
        String anchor = anchor();
        Object value = switch (token) {
            case START_OBJECT -> map(depth + 1);
            case START_ARRAY -> list(depth + 1);
            case VALUE_STRING -> isAlias() ? alias(parser.getText()) : text();
            case VALUE_NUMBER_INT -> integer();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw problem("unsupported value (" + token + ")");
        };
        if (anchor != null) {
            anchors.put(anchor, value);
        }
        return value;
    }

    private Map<String, Object> map(int depth) throws IOException {
        checkDepth(depth);
        Map<String, Object> map = new LinkedHashMap<>();
        List<Object> merges = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (token != JsonToken.FIELD_NAME) {
                throw problem("expected a key, got " + token);
            }
            String key = parser.currentName();
            if (format == Format.YAML && MERGE_KEY.equals(key)) {
                merges.add(value(parser.nextToken(), depth));
                continue;
            }
            if (map.containsKey(key)) {
                throw problem("duplicate key '" + key + "'; each key may appear once in a mapping");
            }
            map.put(key, value(parser.nextToken(), depth));
        }
        for (Object merge : merges) {
            merge(map, merge);
        }
        return map;
    }

    private void merge(Map<String, Object> map, Object source) {
        if (source instanceof Map<?, ?> from) {
            from.forEach((k, v) -> map.putIfAbsent(String.valueOf(k), v));
        } else if (source instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof Map<?, ?>)) {
                    throw problem("a merge key '<<' takes a mapping or a list of mappings, got " + Values.describe(item));
                }
                merge(map, item);
            }
        } else {
            throw problem("a merge key '<<' takes a mapping or a list of mappings, got " + Values.describe(source));
        }
    }

    private List<Object> list(int depth) throws IOException {
        checkDepth(depth);
        List<Object> list = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            list.add(value(token, depth));
        }
        return list;
    }

    private String text() throws IOException {
        String text = parser.getText();
        if (text.length() > MAX_STRING) {
            throw problem("a text value is longer than " + MAX_STRING + " characters");
        }
        return text;
    }

    private Object integer() throws IOException {
        return switch (parser.getNumberType()) {
            case INT -> parser.getIntValue();
            case LONG -> parser.getLongValue();
            default -> parser.getBigIntegerValue();
        };
    }

    private Object alias(String name) {
        if (++aliases > MAX_ALIASES) {
            throw problem("more than " + MAX_ALIASES + " YAML aliases; a spec needs far fewer");
        }
        if (!anchors.containsKey(name)) {
            throw problem("unknown YAML alias '*" + name + "'; define the anchor '&" + name + "' before using it");
        }
        return copy(anchors.get(name));
    }

    /** Aliases are copied, so that the tree stays a tree; every copied value counts towards the limit. */
    private Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                count();
                copy.put(String.valueOf(e.getKey()), copy(e.getValue()));
            }
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                count();
                copy.add(copy(item));
            }
            return copy;
        }
        return value;
    }

    private void count() {
        if (++values > MAX_VALUES) {
            throw problem("the document has more than " + MAX_VALUES + " values"
                    + (aliases > 0 ? " once its YAML aliases are expanded" : "") + "; a spec needs far fewer");
        }
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw problem("the document is nested more than " + MAX_DEPTH + " levels deep");
        }
    }

    private String anchor() throws IOException {
        if (parser instanceof YAMLParser yaml) {
            Object id = yaml.getObjectId();
            return id == null ? null : id.toString();
        }
        return null;
    }

    private boolean isAlias() {
        return parser instanceof YAMLParser yaml && yaml.isCurrentAlias();
    }

    private ParseProblem problem(String reason) {
        return at(parser.currentTokenLocation(), reason);
    }

    private static ParseProblem at(JsonLocation location, String reason) {
        if (location == null || location.getLineNr() < 1) {
            return new ParseProblem(0, 0, reason);
        }
        return new ParseProblem(location.getLineNr(), Math.max(1, location.getColumnNr()), reason);
    }

    /** The parser's own short reason: snakeyaml's problem (and context), or Jackson's first line without source noise. */
    private static String reason(JacksonException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblem() != null) {
                String context = marked.getContext();
                return shorten(marked.getProblem()) + (context == null ? "" : " (" + shorten(context) + ")");
            }
        }
        return shorten(e.getOriginalMessage());
    }

    static String shorten(String message) {
        if (message == null || message.isBlank()) {
            return "no details";
        }
        String line = message.strip().lines().findFirst().orElse("").strip();
        line = line.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
                .replaceAll(",? from `[^`]*`", "")
                .replaceAll("\\s*at \\[Source:.*$", "")
                .replaceAll("\\s*\\[Source:.*$", "");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CHARS + 1);
        options.setAllowRecursiveKeys(false);
        return options;
    }
}
