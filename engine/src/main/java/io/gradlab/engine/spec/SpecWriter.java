package io.gradlab.engine.spec;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a spec back as YAML or JSON, every setting spelled out (defaults included), in the shape
 * {@link SpecLoader} reads: {@code parse(toYaml(spec))} gives the spec back. A component without
 * parameters is written as its id, one with parameters as {@code {id: ..., <params>}}. The base
 * directory is not part of the text.
 */
public final class SpecWriter {
    private static final ObjectMapper YAML = yamlMapper(true);
    private static final ObjectMapper YAML_QUOTED = yamlMapper(false);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SpecWriter() {}

    /**
     * The spec as YAML, text unquoted where that is safe. Should the generator leave a text value
     * unquoted that would read back as something else ({@code 0x1F} is a number to the reader), the
     * whole document is written again with every text value quoted.
     */
    public static String toYaml(ExperimentSpec spec) {
        Map<String, Object> tree = tree(requireNonNull(spec, "spec is null"));
        String text = write(YAML, tree, spec);
        if (!same(tree, TreeReader.read(text, TreeReader.Format.YAML))) {
            text = write(YAML_QUOTED, tree, spec);
        }
        return text;
    }

    public static String toJson(ExperimentSpec spec) {
        return write(JSON, tree(requireNonNull(spec, "spec is null")), spec) + System.lineSeparator();
    }

    private static String write(ObjectMapper mapper, Map<String, Object> tree, ExperimentSpec spec) {
        try {
            return mapper.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new GradlabException(Category.INTERNAL, "cannot write the spec '" + spec.name() + "': " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectMapper yamlMapper(boolean minimizeQuotes) {
        return new ObjectMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .configure(YAMLGenerator.Feature.MINIMIZE_QUOTES, minimizeQuotes)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .build());
    }

    /** Whether a written tree reads back the same, whole numbers compared by value whatever their Java type. */
    static boolean same(Object written, Object read) {
        if (written instanceof Map<?, ?> a && read instanceof Map<?, ?> b) {
            if (!a.keySet().equals(b.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> e : a.entrySet()) {
                if (!same(e.getValue(), b.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (written instanceof List<?> a && read instanceof List<?> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (isWhole(written) && isWhole(read)) {
            return new BigInteger(written.toString()).equals(new BigInteger(read.toString()));
        }
        return Objects.equals(written, read);
    }

    private static boolean isWhole(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof BigInteger
                || value instanceof Short || value instanceof Byte;
    }

    /** The spec as a plain tree of maps, lists and scalars, keys as the loader reads them. */
    static Map<String, Object> tree(ExperimentSpec spec) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put(SpecSchema.NAME, spec.name());
        if (!spec.description().isEmpty()) {
            root.put(SpecSchema.DESCRIPTION, spec.description());
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(SpecSchema.SOURCE, component(spec.data().source()));
        data.put(SpecSchema.VALIDATION, spec.data().validation());
        root.put(SpecSchema.DATA, data);

        Map<String, Object> model = new LinkedHashMap<>();
        model.put(SpecSchema.ARCHITECTURE, component(spec.model().architecture()));
        model.put(SpecSchema.LOSS, component(spec.model().loss()));
        if (spec.model().weights() != null) {
            model.put(SpecSchema.WEIGHTS, spec.model().weights());
        }
        root.put(SpecSchema.MODEL, model);

        TrainingSpec t = spec.training();
        Map<String, Object> training = new LinkedHashMap<>();
        training.put(SpecSchema.EPOCHS, t.epochs());
        training.put(SpecSchema.BATCH_SIZE, t.batchSize());
        training.put(SpecSchema.OPTIMIZER, component(t.optimizer()));
        training.put(SpecSchema.GRADIENT_TRANSFORMS, components(t.gradientTransforms()));
        training.put(SpecSchema.STRATEGY, component(t.strategy()));
        training.put(SpecSchema.SEED, t.seed());
        training.put(SpecSchema.DTYPE, t.dtype().name().toLowerCase(Locale.ROOT));
        training.put(SpecSchema.THREADS, t.threads());
        training.put(SpecSchema.CHECKPOINT, t.checkpoint());
        if (t.stepTimeout() != TrainingSpec.DEFAULT_STEP_TIMEOUT) {
            training.put(SpecSchema.STEP_TIMEOUT, t.stepTimeout());
        }
        if (t.tensorboard() != null) {
            training.put(SpecSchema.TENSORBOARD, t.tensorboard());
        }
        if (!t.lrSchedule().isEmpty()) {
            training.put(SpecSchema.LR_SCHEDULE, components(t.lrSchedule()));
        }
        if (!t.callbacks().isEmpty()) {
            training.put(SpecSchema.CALLBACKS, components(t.callbacks()));
        }
        root.put(SpecSchema.TRAINING, training);

        root.put(SpecSchema.DIAGNOSTICS, components(spec.diagnostics()));
        return root;
    }

    private static List<Object> components(List<ComponentSpec> specs) {
        List<Object> out = new ArrayList<>(specs.size());
        specs.forEach(s -> out.add(component(s)));
        return out;
    }

    private static Object component(ComponentSpec spec) {
        if (spec.params().isEmpty()) {
            return spec.id().value();
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", spec.id().value());
        spec.params().forEach((k, v) -> map.put(k, plain(v)));
        return map;
    }

    private static Object plain(Object value) {
        if (value instanceof ComponentSpec nested) {
            return component(nested);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(plain(v)));
            return out;
        }
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return String.valueOf(value);
    }
}
