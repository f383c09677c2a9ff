package io.gradlab.engine.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.gradlab.engine.run.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders a value read from a sweep file as the value text of a {@code --set key=value} override,
 * so that the spec loader reads it back as the same value: plain words stay unquoted (and are read
 * exactly as they would be in the spec file), text with YAML syntax in it is quoted, lists and
 * mappings become flow collections.
 */
final class OverrideText {
    /** Text that YAML reads back as itself when written bare: no indicators, no surrounding blanks. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.+-][A-Za-z0-9_.+/ -]*");

    private static final YAMLMapper YAML = new YAMLMapper();

    private OverrideText() {}

    static String render(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        if (value.isTextual()) {
            String text = value.asText();
            return PLAIN.matcher(text).matches() && readsBackAs(text, value) ? text : Json.line(text);
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(render(v)));
            return "[" + String.join(", ", items) + "]";
        }
        List<String> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            entries.add(render(TextNode.valueOf(e.getKey())) + ": " + render(e.getValue()));
        }
        return "{" + String.join(", ", entries) + "}";
    }

    /** Whether YAML reads {@code text} written bare as {@code value} (not as a number, a boolean or null). */
    private static boolean readsBackAs(String text, JsonNode value) {
        try {
            return value.equals(YAML.readTree(text));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** A value as part of a trial id: letters, digits and '.', the rest folded into single '-'. */
    static String slug(String valueText) {
        String s = valueText.replaceAll("[^A-Za-z0-9.]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "default" : s;
    }
}
