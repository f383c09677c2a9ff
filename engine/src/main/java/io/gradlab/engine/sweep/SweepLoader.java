package io.gradlab.engine.sweep;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.Suggestions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a sweep file (YAML or JSON):
 *
 * <pre>{@code
 * name: depth                          # optional, default: the file name without extension
 * description: optional text
 * base: ../demo.yaml                   # the base spec, relative to this file; or
 * specs: [a.yaml, b.yaml]              # several whole specs, one axis
 * fixed:                               # overrides for every trial (any --set key)
 *   training.epochs: 2
 * axes:                                # key: [values]; the product of all axes gives the trials
 *   model.architecture.depth: [3, 5, 7]
 *   training.seed: [1, 2, 3]
 * linked:                              # keys that vary together: a list of entries (one group) ...
 *   - {model.architecture.activation: sigmoid, model.architecture.init: pytorch-default}
 *   - {model.architecture.activation: relu, model.architecture.init: he-normal}
 * }</pre>
 *
 * ... or a mapping of named groups ({@code linked: {act-init: [...], opt: [...]}}). Axes come in the
 * file's order ({@code specs} first), the first varying slowest.
 */
public final class SweepLoader {
    /** The largest sweep file accepted, in bytes. */
    public static final long MAX_FILE_BYTES = 1 << 20;
    private static final Set<String> KEYS = Set.of("name", "description", "base", "specs", "fixed", "axes", "linked");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final YAMLMapper YAML = new YAMLMapper();

    private SweepLoader() {}

    /** Loads a sweep file; spec paths in it resolve against its folder. */
    public static SweepSpec load(Path file) {
        requireNonNull(file, "file is null");
        Path absolute = file.toAbsolutePath().normalize();
        String text;
        try {
            if (Files.size(absolute) > MAX_FILE_BYTES) {
                throw new GradlabException(Category.SPEC, file + ": the sweep file is larger than 1 MiB; is this really a sweep file?");
            }
            text = Files.readString(absolute);
        } catch (NoSuchFileException e) {
            throw new GradlabException(Category.IO, file + ": sweep file not found", e);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, file + ": cannot read the sweep file: " + e.getMessage(), e);
        }
        return parse(text, absolute);
    }

    /** Parses sweep text as if read from {@code file} (which gives the name and the folder specs resolve against). */
    public static SweepSpec parse(String text, Path file) {
        requireNonNull(text, "text is null");
        Path absolute = file.toAbsolutePath().normalize();
        String where = file.toString();
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new GradlabException(Category.SPEC, where + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
        if (root == null || !root.isObject()) {
            throw new GradlabException(Category.SPEC, where + ": a sweep file is a mapping with 'base' (or 'specs'), 'axes' and"
                    + " optionally 'name', 'description', 'fixed', 'linked'");
        }
        Path dir = absolute.getParent() == null ? absolute : absolute.getParent();
        String name = null;
        String description = "";
        Path base = null;
        List<String> fixed = new ArrayList<>();
        List<Axis> axes = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey().replace('_', '-');
            JsonNode value = e.getValue();
            switch (key) {
                case "name" -> name = text(value, where, "name");
                case "description" -> description = value.isNull() ? "" : text(value, where, "description");
                case "base" -> base = dir.resolve(text(value, where, "base")).normalize();
                case "specs" -> axes.add(0, specs(value, dir, where));
                case "fixed" -> fixed.addAll(overrides(value, where, "fixed"));
                case "axes" -> axes.addAll(grid(value, where));
                case "linked" -> axes.addAll(linked(value, where));
                default -> throw new GradlabException(Category.SPEC, where + ": unknown key '" + e.getKey() + "'"
                        + Suggestions.didYouMean(key, KEYS) + "; valid: base, specs, name, description, fixed, axes, linked");
            }
        }
        if (name == null) {
            String fileName = absolute.getFileName().toString();
            int dot = fileName.lastIndexOf('.');
            name = dot > 0 ? fileName.substring(0, dot) : fileName;
        }
        return new SweepSpec(name, description, absolute, base, fixed, axes);
    }

    private static Axis.Specs specs(JsonNode value, Path dir, String where) {
        if (!value.isArray()) {
            throw new GradlabException(Category.SPEC, where + ": 'specs' must be a list of spec files, e.g. specs: [a.yaml, b.yaml]");
        }
        List<Path> files = new ArrayList<>();
        for (JsonNode v : value) {
            files.add(dir.resolve(text(v, where, "specs")).normalize());
        }
        return new Axis.Specs(files);
    }

    private static List<Axis> grid(JsonNode value, String where) {
        if (!value.isObject()) {
            throw new GradlabException(Category.SPEC, where + ": 'axes' must be a mapping of spec keys to lists of values,"
                    + " e.g. axes: {model.architecture.depth: [3, 5, 7]}");
        }
        List<Axis> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = key(e.getKey(), where, "axes");
            if (!e.getValue().isArray()) {
                throw new GradlabException(Category.SPEC, where + ": axes." + key + " must be a list of values, e.g. [1, 2, 3]"
                        + " (a single value belongs under 'fixed')");
            }
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(OverrideText.render(v)));
            try {
                out.add(new Axis.Grid(key, values));
            } catch (GradlabException ex) {
                throw new GradlabException(Category.SPEC, where + ": " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    private static List<Axis> linked(JsonNode value, String where) {
        if (value.isArray()) {
            return List.of(linkedGroup("linked", value, where));
        }
        if (value.isObject()) {
            List<Axis> out = new ArrayList<>();
            value.fields().forEachRemaining(e -> out.add(linkedGroup(e.getKey(), e.getValue(), where)));
            return out;
        }
        throw new GradlabException(Category.SPEC, where + ": 'linked' must be a list of mappings whose keys vary together,"
                + " e.g. [{model.architecture.activation: relu, model.architecture.init: he-normal}, {...}], or a mapping of such lists");
    }

    private static Axis.Linked linkedGroup(String name, JsonNode entries, String where) {
        String place = name.equals("linked") ? "linked" : "linked." + name;
        if (!entries.isArray() || entries.isEmpty()) {
            throw new GradlabException(Category.SPEC, where + ": " + place + " must be a non-empty list of mappings");
        }
        List<Map<String, String>> out = new ArrayList<>();
        Set<String> keys = null;
        int i = 0;
        for (JsonNode entry : entries) {
            if (!entry.isObject() || entry.isEmpty()) {
                throw new GradlabException(Category.SPEC, where + ": " + place + "[" + i + "] must be a mapping of spec keys to values");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                values.put(key(e.getKey(), where, place + "[" + i + "]"), OverrideText.render(e.getValue()));
            }
            if (keys != null && !keys.equals(values.keySet())) {
                throw new GradlabException(Category.SPEC, where + ": " + place + "[" + i + "] sets " + values.keySet()
                        + " but " + place + "[0] sets " + keys + ": every entry of a linked group sets the same keys");
            }
            keys = values.keySet();
            out.add(values);
            i++;
        }
        return new Axis.Linked(name, out);
    }

    private static List<String> overrides(JsonNode value, String where, String place) {
        if (!value.isObject()) {
            throw new GradlabException(Category.SPEC, where + ": '" + place + "' must be a mapping of spec keys to values,"
                    + " e.g. fixed: {training.epochs: 2}");
        }
        List<String> out = new ArrayList<>();
        value.fields().forEachRemaining(e -> out.add(key(e.getKey(), where, place) + "=" + OverrideText.render(e.getValue())));
        return out;
    }

    private static String key(String key, String where, String place) {
        if (!KEY.matcher(key).matches()) {
            throw new GradlabException(Category.SPEC, where + ": " + place + ": '" + key
                    + "' is not a dotted spec key such as model.architecture.depth");
        }
        return key;
    }

    private static String text(JsonNode value, String where, String key) {
        if (value == null || !value.isValueNode() || value.isNull()) {
            throw new GradlabException(Category.SPEC, where + ": '" + key + "' must be text");
        }
        return value.asText();
    }
}
