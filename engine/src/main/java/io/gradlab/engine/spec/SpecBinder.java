package io.gradlab.engine.spec;

import static io.gradlab.engine.spec.SpecSchema.ARCHITECTURE;
import static io.gradlab.engine.spec.SpecSchema.BATCH_SIZE;
import static io.gradlab.engine.spec.SpecSchema.CALLBACKS;
import static io.gradlab.engine.spec.SpecSchema.CHECKPOINT;
import static io.gradlab.engine.spec.SpecSchema.DATA;
import static io.gradlab.engine.spec.SpecSchema.DESCRIPTION;
import static io.gradlab.engine.spec.SpecSchema.DIAGNOSTICS;
import static io.gradlab.engine.spec.SpecSchema.DTYPE;
import static io.gradlab.engine.spec.SpecSchema.EPOCHS;
import static io.gradlab.engine.spec.SpecSchema.GRADIENT_TRANSFORMS;
import static io.gradlab.engine.spec.SpecSchema.LOSS;
import static io.gradlab.engine.spec.SpecSchema.LR_SCHEDULE;
import static io.gradlab.engine.spec.SpecSchema.MODEL;
import static io.gradlab.engine.spec.SpecSchema.NAME;
import static io.gradlab.engine.spec.SpecSchema.OPTIMIZER;
import static io.gradlab.engine.spec.SpecSchema.SEED;
import static io.gradlab.engine.spec.SpecSchema.STEP_TIMEOUT;
import static io.gradlab.engine.spec.SpecSchema.SOURCE;
import static io.gradlab.engine.spec.SpecSchema.STRATEGY;
import static io.gradlab.engine.spec.SpecSchema.THREADS;
import static io.gradlab.engine.spec.SpecSchema.TRAINING;
import static io.gradlab.engine.spec.SpecSchema.VALIDATION;
import static io.gradlab.engine.spec.SpecSchema.TENSORBOARD;
import static io.gradlab.engine.spec.SpecSchema.WEIGHTS;
import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.ParamsValidator;
import io.gradlab.api.Suggestions;
import io.gradlab.api.tensor.DType;
import io.gradlab.engine.spec.SpecSchema.Component;
import io.gradlab.engine.spec.SpecSchema.Section;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds a plain tree (after overrides) to an {@link ExperimentSpec}: fills the fixed-level defaults,
 * rejects unknown keys with the valid ones, and reports a wrong or missing value with its path,
 * what was expected and what was found. Component parameters are left for the registry.
 */
final class SpecBinder {
    private final String source;
    private final Map<String, String> origins;

    /**
     * @param source  the spec's name in messages (a file name)
     * @param origins overridden paths and the {@code --set} that set them, mentioned in messages about them
     */
    SpecBinder(String source, Map<String, String> origins) {
        this.source = requireNonNull(source, "source is null");
        this.origins = new LinkedHashMap<>(requireNonNull(origins, "origins is null"));
    }

    ExperimentSpec bind(Object root, Path baseDir) {
        if (root == null) {
            throw error("", "the spec is empty; it needs the sections " + SpecSchema.ROOT.hint());
        }
        if (!(root instanceof Map<?, ?>)) {
            throw error("", "a spec must be a mapping with the sections " + SpecSchema.ROOT.hint() + ", got " + Values.describe(root));
        }
        Map<String, Object> top = fields(root, "", SpecSchema.ROOT);
        String name = name(top.get(NAME));
        String description = text(top.get(DESCRIPTION), DESCRIPTION);

        Map<String, Object> data = section(top, DATA, SpecSchema.DATA_SECTION);
        DataSpec dataSpec = new DataSpec(
                component(data, "data", SOURCE, SpecSchema.DATA_SECTION),
                (int) whole(data.get(VALIDATION), "data.validation", 0, 0, Integer.MAX_VALUE, ">= 0"));

        Map<String, Object> model = section(top, MODEL, SpecSchema.MODEL_SECTION);
        ModelSpec modelSpec = new ModelSpec(
                component(model, "model", ARCHITECTURE, SpecSchema.MODEL_SECTION),
                component(model, "model", LOSS, SpecSchema.MODEL_SECTION),
                weights(model.get(WEIGHTS)));

        Map<String, Object> training = section(top, TRAINING, SpecSchema.TRAINING_SECTION);
        TrainingSpec trainingSpec = new TrainingSpec(
                (int) whole(required(training, "training", EPOCHS, SpecSchema.TRAINING_SECTION),
                        "training.epochs", 0, 1, Integer.MAX_VALUE, ">= 1"),
                (int) whole(required(training, "training", BATCH_SIZE, SpecSchema.TRAINING_SECTION),
                        "training.batch-size", 0, 1, Integer.MAX_VALUE, ">= 1"),
                component(training, "training", OPTIMIZER, SpecSchema.TRAINING_SECTION),
                components(training.get(GRADIENT_TRANSFORMS), "training.gradient-transforms", ComponentKind.GRADIENT_TRANSFORM),
                component(training, "training", STRATEGY, SpecSchema.TRAINING_SECTION),
                whole(training.get(SEED), "training.seed", TrainingSpec.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE, ""),
                dtype(training.get(DTYPE)),
                (int) whole(training.get(THREADS), "training.threads", 0, 0, TrainingSpec.MAX_THREADS,
                        "from 0 (automatic) to " + TrainingSpec.MAX_THREADS),
                bool(training.get(CHECKPOINT), "training.checkpoint", true),
                path(training.get(TENSORBOARD), "training.tensorboard", "a folder for TensorBoard event files"),
                components(training.get(LR_SCHEDULE), "training.lr-schedule", ComponentKind.LR_SCHEDULE),
                components(training.get(CALLBACKS), "training.callbacks", ComponentKind.CALLBACK),
                (int) whole(training.get(STEP_TIMEOUT), "training.step-timeout", TrainingSpec.DEFAULT_STEP_TIMEOUT, 1,
                        TrainingSpec.MAX_STEP_TIMEOUT, "of seconds from 1 to " + TrainingSpec.MAX_STEP_TIMEOUT));

        List<ComponentSpec> diagnostics = components(top.get(DIAGNOSTICS), DIAGNOSTICS, ComponentKind.DIAGNOSTIC);
        return new ExperimentSpec(name, description, dataSpec, modelSpec, trainingSpec, diagnostics, baseDir);
    }

    /** The entries of a fixed-level mapping under their normalised keys; unknown and doubled keys are errors. */
    private Map<String, Object> fields(Object node, String path, Section section) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, String> spelling = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
            String written = String.valueOf(e.getKey());
            String key = Values.normalizeKey(written);
            if (!section.children().containsKey(key)) {
                String where = path.isEmpty() ? "unknown top-level key '" + written + "'" : "unknown key '" + written + "'";
                throw error(path, where + Suggestions.didYouMean(key, section.children().keySet())
                        + "; valid keys: " + String.join(", ", section.children().keySet()));
            }
            if (spelling.containsKey(key)) {
                throw error(path, "'" + spelling.get(key) + "' and '" + written + "' are the same key; keep one");
            }
            spelling.put(key, written);
            if (e.getValue() != null) {
                out.put(key, e.getValue());
            }
        }
        return out;
    }

    private Map<String, Object> section(Map<String, Object> parent, String key, Section section) {
        Object node = parent.get(key);
        if (node == null) {
            throw error(key, "required section is missing; it needs " + section.hint());
        }
        if (!(node instanceof Map<?, ?>)) {
            throw error(key, "expected a mapping with the keys " + String.join(", ", section.children().keySet())
                    + ", got " + Values.describe(node));
        }
        return fields(node, key, section);
    }

    private Object required(Map<String, Object> fields, String parent, String key, Section section) {
        Object value = fields.get(key);
        if (value == null) {
            String expected = section.children().get(key) instanceof SpecSchema.Value v ? v.expected() : "a value";
            throw error(Values.child(parent, key), "required key is missing (expected " + expected + ")");
        }
        return value;
    }

    private String name(Object value) {
        if (value == null) {
            throw error(NAME, "required key is missing (expected " + ExperimentSpec.NAME_RULE + ")");
        }
        if (!(value instanceof String s) || !ExperimentSpec.NAME_PATTERN.matcher(s).matches()) {
            String hint = value instanceof String ? "" : " (quote it if you meant text: name: \"" + value + "\")";
            throw error(NAME, "expected " + ExperimentSpec.NAME_RULE + ", got " + Values.describe(value) + hint);
        }
        return s;
    }

    private String text(Object value, String path) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        throw error(path, "expected text, got " + Values.describe(value));
    }

    private String path(Object value, String where, String expected) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.isBlank()) {
            throw error(where, "expected " + expected + ", got " + Values.describe(value));
        }
        return s;
    }

    private String weights(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.isBlank()) {
            throw error("model.weights", "expected the path of a .safetensors file, got " + Values.describe(value));
        }
        return s;
    }

    private long whole(Object value, String path, long defaultValue, long min, long max, String range) {
        if (value == null) {
            return defaultValue;
        }
        String expected = "expected a whole number" + (range.isEmpty() ? "" : " " + range) + ", got " + Values.describe(value);
        BigInteger n = null;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            n = BigInteger.valueOf(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            n = big;
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d) && d == Math.rint(d)) {
                n = new BigDecimal(d).toBigInteger();
            }
        }
        if (n == null) {
            throw error(path, expected);
        }
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            boolean tooLarge = n.compareTo(BigInteger.valueOf(max)) > 0;
            throw error(path, expected + (tooLarge && range.startsWith(">") ? " (at most " + max + ")" : "")
                    + (range.isEmpty() ? " (it must fit in 64 bits)" : ""));
        }
        return n.longValue();
    }

    private boolean bool(Object value, String path, boolean defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw error(path, "expected true or false, got " + Values.describe(value));
    }

    private DType dtype(Object value) {
        if (value == null) {
            return TrainingSpec.DEFAULT_DTYPE;
        }
        List<String> names = List.of("f32", "f64");
        if (value instanceof String s && names.contains(s.strip().toLowerCase(Locale.ROOT))) {
            return DType.valueOf(s.strip().toUpperCase(Locale.ROOT));
        }
        throw error("training.dtype", "expected f32 or f64, got " + Values.describe(value)
                + (value instanceof String s ? Suggestions.didYouMean(s.toLowerCase(Locale.ROOT), names) : ""));
    }

    private ComponentSpec component(Map<String, Object> fields, String parent, String key, Section section) {
        Component slot = (Component) section.children().get(key);
        String path = Values.child(parent, key);
        Object value = fields.get(key);
        if (value == null) {
            if (slot.defaultId() == null) {
                throw error(path, "required key is missing (expected " + Values.withArticle(slot.kind().label()) + " id or {id: ..., <params>})");
            }
            return ComponentSpec.of(slot.defaultId());
        }
        return component(value, path, slot.kind());
    }

    private List<ComponentSpec> components(Object value, String path, ComponentKind<?> kind) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw error(path, "expected a list of " + kind.label() + " components (ids or {id: ..., <params>}), got "
                    + Values.describe(value) + (value instanceof String || value instanceof Map ? " (write it as a list: [...])" : ""));
        }
        List<ComponentSpec> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(component(list.get(i), Values.element(path, i), kind));
        }
        return out;
    }

    private ComponentSpec component(Object value, String path, ComponentKind<?> kind) {
        if (!(value instanceof String) && !(value instanceof Map<?, ?>)) {
            throw error(path, "expected " + Values.withArticle(kind.label()) + " id or {id: ..., <params>}, got " + Values.describe(value));
        }
        Object normalized = value;
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> params = new LinkedHashMap<>();
            Map<String, String> spelling = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String written = String.valueOf(e.getKey());
                String key = Values.normalizeKey(written);
                if (spelling.containsKey(key)) {
                    throw error(path, "'" + spelling.get(key) + "' and '" + written + "' are the same parameter; keep one");
                }
                spelling.put(key, written);
                if (e.getValue() != null) {
                    params.put(key, normalizeKeys(e.getValue()));
                }
            }
            if (!(params.get("id") instanceof String)) {
                throw error(path, params.containsKey("id")
                        ? "the component id must be text such as 'sgd', got " + Values.describe(params.get("id"))
                        : Values.withArticle(kind.label()) + " component needs an 'id' (got the keys " + String.join(", ", spelling.values()) + ")");
            }
            normalized = params;
        }
        try {
            ComponentSpec spec = ParamsValidator.toComponentSpec(normalized, path);
            Map<String, Object> frozen = new LinkedHashMap<>();
            spec.params().forEach((k, v) -> frozen.put(k, Values.freeze(v)));
            return new ComponentSpec(spec.id(), frozen);
        } catch (GradlabException e) {
            throw new GradlabException(Category.SPEC, source + ": " + e.getMessage() + origin(path), e);
        }
    }

    /** Nested component mappings inside parameters get their keys normalised too, so spellings compare equal. */
    private static Object normalizeKeys(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(Values.normalizeKey(String.valueOf(k)), normalizeKeys(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(normalizeKeys(v)));
            return out;
        }
        return value;
    }

    private GradlabException error(String path, String problem) {
        return new GradlabException(Category.SPEC, source + ": " + (path.isEmpty() ? "" : path + ": ") + problem + origin(path));
    }

    /** " (from --set x=y)" when an override set this path, a parent of it or something inside it. */
    private String origin(String path) {
        String found = "";
        for (Map.Entry<String, String> e : origins.entrySet()) {
            if (!path.isEmpty() && related(path, e.getKey())) {
                found = " (from --set " + e.getValue() + ")";
            }
        }
        return found;
    }

    private static boolean related(String a, String b) {
        return a.equals(b) || startsWithPath(a, b) || startsWithPath(b, a);
    }

    private static boolean startsWithPath(String longer, String prefix) {
        return longer.startsWith(prefix) && longer.length() > prefix.length()
                && (longer.charAt(prefix.length()) == '.' || longer.charAt(prefix.length()) == '[');
    }
}
