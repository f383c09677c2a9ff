package io.gradlab.engine.weights;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.run.RunFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Model weights in and out of files, under the names of {@link ModelTensors}: export as
 * safetensors or NumPy {@code .npz}; load a safetensors file (from gradlab or PyTorch) into a built
 * model, checking names, shapes, dtypes and values first so that a bad file changes nothing.
 */
public final class WeightFiles {
    /** Extra tensors PyTorch writes that gradlab has no use for; a file may hold them. */
    private static final String IGNORED_SUFFIX = ".num_batches_tracked";
    private static final int LISTED = 8;

    private WeightFiles() {}

    /** The export formats. */
    public enum Format {
        SAFETENSORS("safetensors"),
        NPZ("npz");

        private final String text;

        Format(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        /** The file extension with its dot. */
        public String extension() {
            return "." + text;
        }

        public static Format parse(String text) {
            for (Format f : values()) {
                if (f.text.equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            throw new GradlabException(Category.USAGE, "unknown weights format '" + text + "'; use safetensors or npz");
        }
    }

    /** Writes the model's tensors to {@code file} atomically. */
    public static void export(Layer model, Path file, Format format, Map<String, String> metadata) {
        requireNonNull(format, "format is null");
        Map<String, Tensor> tensors = ModelTensors.tensors(model);
        // batch norm's num_batches_tracked as PyTorch keeps it: an int64 scalar
        Set<String> counts = ModelTensors.counters(model);
        switch (format) {
            case SAFETENSORS -> RunFolder.writeAtomically(requireNonNull(file, "file is null"), SafeTensors.encode(metadata, tensors, counts));
            case NPZ -> Npy.writeArchive(file, tensors, counts);
            default -> throw new IllegalStateException("unknown format " + format);
        }
    }

    /** Loads a safetensors file into {@code model}; {@code where} names the setting in messages ({@code model.weights}). */
    public static void load(Layer model, Path file, String where) {
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file);
        } catch (GradlabException e) {
            throw new GradlabException(e.category(), where + ": " + e.getMessage(), e);
        }
        load(model, contents, where);
    }

    /**
     * Copies the tensors of {@code contents} into the parameters and buffers of {@code model}: every
     * tensor of the model must be present with the same shape, in F32 or F64, with finite values; the
     * file may hold nothing else (apart from PyTorch's {@code num_batches_tracked} of a layer that keeps none). A
     * counter ({@link ModelTensors.Kind#COUNTER}: batch norm's {@code num_batches_tracked}) is read from an int64 scalar
     * (PyTorch's) or a one-element F32/F64, and is 0 when the file lacks it (a file written before gradlab kept it, as
     * PyTorch does for its own old state). Nothing is copied unless everything matches.
     */
    public static void load(Layer model, SafeTensors.Contents contents, String where) {
        requireNonNull(model, "model is null");
        requireNonNull(contents, "contents is null");
        String prefix = where + ": " + contents.source() + ": ";
        Map<String, ModelTensors.Named> expected = ModelTensors.of(model);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, ModelTensors.Named> e : expected.entrySet()) {
            String name = e.getKey();
            if (!contents.has(name) && e.getValue().kind() != ModelTensors.Kind.COUNTER) {
                missing.add(name);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : contents.entries().keySet()) {
            if (!expected.containsKey(name) && !name.endsWith(IGNORED_SUFFIX)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder sb = new StringBuilder(prefix).append("the tensor names do not match the model");
            if (!missing.isEmpty()) {
                sb.append("; missing: ").append(list(missing));
            }
            if (!unexpected.isEmpty()) {
                sb.append("; not in the model: ").append(list(unexpected));
            }
            sb.append(". The model's tensors are ").append(list(new ArrayList<>(expected.keySet())))
                    .append(" (layers.<position>.<parameter>, see docs/weights.md)");
            throw new GradlabException(Category.SPEC, sb.toString());
        }
        List<Tensor> loaded = new ArrayList<>();
        for (ModelTensors.Named named : expected.values()) {
            if (named.kind() == ModelTensors.Kind.COUNTER) {
                Tensor count = Tensor.zeros(named.tensor().dtype(), named.tensor().shape());
                if (contents.has(named.name())) {
                    try {
                        count.set(0, contents.count(named.name()));
                    } catch (GradlabException e) {
                        throw new GradlabException(Category.SPEC, where + ": " + e.getMessage(), e);
                    }
                }
                loaded.add(count);
                continue;
            }
            SafeTensors.Entry entry = contents.entries().get(named.name());
            int[] shape = named.tensor().shape();
            if (!Arrays.equals(entry.shape(), shape)) {
                throw new GradlabException(Category.SPEC, prefix + "tensor '" + named.name() + "' has the shape "
                        + Arrays.toString(entry.shape()) + " but layer '" + named.layer().name() + "' (" + named.layer().type()
                        + ") needs " + Arrays.toString(shape) + ": the file was saved from another architecture");
            }
            Tensor t;
            try {
                t = contents.tensor(named.name());
            } catch (GradlabException e) {
                throw new GradlabException(Category.SPEC, where + ": " + e.getMessage(), e);
            }
            if (!t.allFinite()) {
                throw new GradlabException(Category.SPEC, prefix + "tensor '" + named.name() + "' holds NaN or infinite values");
            }
            loaded.add(t);
        }
        int i = 0;
        for (ModelTensors.Named named : expected.values()) {
            named.tensor().copyFrom(loaded.get(i++));
        }
    }

    private static String list(List<String> names) {
        if (names.size() <= LISTED) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, LISTED)) + " and " + (names.size() - LISTED) + " more";
    }
}
