package io.gradlab.engine.spec;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.Suggestions;
import io.gradlab.engine.spec.SpecSchema.Component;
import io.gradlab.engine.spec.SpecSchema.ComponentList;
import io.gradlab.engine.spec.SpecSchema.Section;
import io.gradlab.engine.spec.SpecSchema.Slot;
import io.gradlab.engine.spec.SpecSchema.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code --set key=value} overrides, applied to the plain tree before binding. The key is a dotted
 * path ({@code training.optimizer.lr}, {@code training.gradient-transforms.0.threshold}); the value is
 * read as a YAML scalar or flow value ({@code 0.1}, {@code relu}, {@code [64, 64]}, {@code {id: adam}}).
 * Setting a key inside a component written as a plain id turns it into a mapping
 * ({@code optimizer: sgd} plus {@code training.optimizer.lr=0.1} gives {@code {id: sgd, lr: 0.1}}).
 */
final class Overrides {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

    /** One parsed override. */
    record Override(String text, List<String> segments, Object value) {
        Override {
            requireNonNull(text, "text is null");
            segments = List.copyOf(segments);
        }
    }

    private Overrides() {}

    /** Parses {@code key=value} strings; a malformed one is a usage error. */
    static List<Override> parse(List<String> raw) {
        List<Override> out = new ArrayList<>();
        for (String text : requireNonNull(raw, "overrides is null")) {
            requireNonNull(text, "override is null");
            int eq = text.indexOf('=');
            if (eq < 0) {
                throw usage(text, "expected key=value, e.g. --set training.epochs=3");
            }
            String key = text.substring(0, eq).strip();
            if (key.isEmpty()) {
                throw usage(text, "the key before '=' is empty; expected key=value, e.g. --set training.epochs=3");
            }
            List<String> segments = List.of(key.split("\\.", -1));
            for (String segment : segments) {
                if (!SEGMENT.matcher(segment).matches()) {
                    throw usage(text, "'" + key + "' is not a dotted path of keys such as training.optimizer.lr");
                }
            }
            Object value;
            try {
                value = TreeReader.read(text.substring(eq + 1), TreeReader.Format.YAML);
            } catch (TreeReader.ParseProblem e) {
                throw usage(text, "the value is not valid YAML: " + e.reason().replaceFirst("^malformed YAML: ", "")
                        + " (put quotes around text with special characters)");
            }
            out.add(new Override(text, segments, value));
        }
        return out;
    }

    /**
     * Applies the overrides in order to {@code root}.
     *
     * @return for each overridden path ({@code training.gradient-transforms[0].threshold}), the override's text
     */
    static Map<String, String> apply(Map<String, Object> root, List<Override> overrides) {
        Map<String, String> origins = new LinkedHashMap<>();
        for (Override o : overrides) {
            origins.put(new Walk(o).run(root), o.text());
        }
        return origins;
    }

    private static GradlabException usage(String text, String problem) {
        return new GradlabException(Category.USAGE, "--set " + text + ": " + problem);
    }

    /** Walks one override's path down the tree, creating and promoting containers as it goes. */
    private static final class Walk {
        private final Override override;
        private String path = "";

        Walk(Override override) {
            this.override = override;
        }

        /** Applies the override; returns the canonical path it set. */
        String run(Map<String, Object> root) {
            Object container = root;
            Slot slot = SpecSchema.ROOT; // null once inside a component, where keys are free
            List<String> segments = override.segments();
            for (int i = 0; i < segments.size(); i++) {
                String segment = segments.get(i);
                String next = i + 1 < segments.size() ? segments.get(i + 1) : null;
                if (container instanceof List<?>) {
                    @SuppressWarnings("unchecked")
                    List<Object> list = (List<Object>) container;
                    int index = index(segment, list);
                    path = Values.element(path, index);
                    Object current = index < list.size() ? list.get(index) : null;
                    Object value = next == null ? override.value()
                            : slot instanceof ComponentList ? component(current, null, next) : freeForm(current, next);
                    if (index == list.size()) {
                        list.add(value);
                    } else {
                        list.set(index, value);
                    }
                    container = value;
                    slot = null;
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) container;
                String key = Values.normalizeKey(segment);
                Slot child = null;
                if (slot instanceof Section section) {
                    child = section.children().get(key);
                    if (child == null) {
                        throw unknownKey(segment, key, section);
                    }
                }
                path = Values.child(path, key);
                Object current = get(map, key);
                Object value;
                if (next == null) {
                    value = override.value();
                } else if (child instanceof Value) {
                    throw usage(override.text(), "'" + path + "' is a single value; it has no key '" + next + "'");
                } else if (child instanceof Section) {
                    value = current == null ? new LinkedHashMap<String, Object>() : expect(current, Map.class, "a mapping");
                } else if (child instanceof ComponentList) {
                    value = current == null ? new ArrayList<>() : expect(current, List.class, "a list");
                } else if (child instanceof Component component) {
                    value = component(current, component.defaultId(), next);
                } else {
                    value = freeForm(current, next);
                }
                put(map, key, value);
                container = value;
                slot = child;
            }
            return path;
        }

        /** A component to walk into: {@code {id: default}} when absent, {@code {id: x}} for a plain id, or the mapping itself. */
        private Object component(Object current, String defaultId, String next) {
            if (current == null) {
                Map<String, Object> created = new LinkedHashMap<>();
                if (defaultId != null) {
                    created.put("id", defaultId);
                }
                return created;
            }
            return freeForm(current, next);
        }

        /** A place inside a component: a new list or mapping when absent, a plain id promoted to {@code {id: x}}. */
        private Object freeForm(Object current, String next) {
            if (current == null) {
                return isIndex(next) ? new ArrayList<>() : new LinkedHashMap<String, Object>();
            }
            if (current instanceof String id) {
                Map<String, Object> promoted = new LinkedHashMap<>();
                promoted.put("id", id);
                return promoted;
            }
            if (current instanceof Map<?, ?> || current instanceof List<?>) {
                return current;
            }
            throw usage(override.text(), "'" + path + "' is " + Values.describe(current) + ", so it has no key '" + next + "'");
        }

        private Object expect(Object current, Class<?> type, String what) {
            if (!type.isInstance(current)) {
                throw usage(override.text(), "'" + path + "' is " + Values.describe(current) + ", not " + what);
            }
            return current;
        }

        private int index(String segment, List<Object> list) {
            if (!isIndex(segment)) {
                throw usage(override.text(), "'" + path + "' is a list; expected an index from 0 to " + list.size()
                        + " after it, got '" + segment + "'");
            }
            if (segment.length() > 9 || Integer.parseInt(segment) > list.size()) {
                throw usage(override.text(), "index " + segment + " is past the end of '" + path + "', which has " + list.size()
                        + " element(s); use " + list.size() + " to append");
            }
            return Integer.parseInt(segment);
        }

        private static boolean isIndex(String segment) {
            return !segment.isEmpty() && segment.chars().allMatch(c -> c >= '0' && c <= '9');
        }

        private GradlabException unknownKey(String segment, String key, Section section) {
            String what = path.isEmpty() ? "unknown section '" + segment + "'" : "'" + path + "' has no key '" + segment + "'";
            return usage(override.text(), what + Suggestions.didYouMean(key, section.children().keySet())
                    + "; valid: " + String.join(", ", section.children().keySet()));
        }
    }

    /** The value under {@code key}, whichever spelling ('-' or '_') the file used. */
    private static Object get(Map<String, Object> map, String key) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (Values.normalizeKey(e.getKey()).equals(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Sets {@code key}, replacing the entry under any spelling of it in place. */
    private static void put(Map<String, Object> map, String key, Object value) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (Values.normalizeKey(e.getKey()).equals(key)) {
                e.setValue(value);
                return;
            }
        }
        map.put(key, value);
    }
}
