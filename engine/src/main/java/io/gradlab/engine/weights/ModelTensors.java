package io.gradlab.engine.weights;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names every parameter and buffer of a model the way PyTorch names the state of an
 * {@code nn.Sequential} held in an attribute {@code layers}: the model's layers are flattened into
 * their positions, so an MLP {@code hidden1, act1, hidden2, act2, ..., output} gives
 * {@code layers.0.weight}, {@code layers.0.bias}, {@code layers.2.weight}, ... (activations take an
 * index and hold nothing, as {@code nn.Sigmoid} does). A nested container's layers are numbered
 * under its own index ({@code layers.3.1.weight}). A model that is a single layer is index 0.
 *
 * <p>Parameters keep their own names ({@code weight}, {@code bias}), except that the scale and shift
 * of a normalization layer ({@link Parameter.Role#SCALE}, {@link Parameter.Role#SHIFT}) are named
 * {@code weight} and {@code bias}, as in PyTorch's normalization layers; buffers are named
 * {@code running_mean}, {@code running_var} and {@code num_batches_tracked} for a {@code batch-norm} or
 * {@code batch-norm2d} layer with three buffers (PyTorch's {@code BatchNorm1d}/{@code BatchNorm2d} names; the last one is a
 * {@link Kind#COUNTER}), {@code running_mean} and {@code running_var} for one with two, and {@code buffer0},
 * {@code buffer1}, ... otherwise.
 */
public final class ModelTensors {
    /** The prefix of every name. */
    public static final String ROOT = "layers";

    private ModelTensors() {}

    /** The name of batch norm's counter of training batches, PyTorch's. */
    public static final String COUNTER = "num_batches_tracked";

    /** What a name stands for. */
    public enum Kind {
        PARAMETER,
        BUFFER,
        /**
         * A buffer that counts (batch norm's {@code num_batches_tracked}): a whole number in a one-element tensor. Files
         * for PyTorch hold it as an int64 scalar; a checkpoint or weights file written before the layer kept it may
         * lack it, and then it loads as 0 (PyTorch's own rule for batch norm state of before its version 2).
         */
        COUNTER
    }

    /** One named tensor of a model. */
    public record Named(String name, Kind kind, Layer layer, Tensor tensor) {
        public Named {
            requireNonNull(name, "name is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(layer, "layer is null");
            requireNonNull(tensor, "tensor is null");
        }
    }

    /** Every parameter value and buffer of {@code model} by name, in layer order (parameters before buffers in each layer). */
    public static Map<String, Named> of(Layer model) {
        requireNonNull(model, "model is null");
        Map<String, Named> out = new LinkedHashMap<>();
        if (model.children().isEmpty()) {
            add(model, ROOT + ".0", out);
        } else {
            add(model, ROOT, out);
        }
        return out;
    }

    /** The names of the model's {@link Kind#COUNTER}s. */
    public static java.util.Set<String> counters(Layer model) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        of(model).forEach((name, named) -> {
            if (named.kind() == Kind.COUNTER) {
                out.add(name);
            }
        });
        return out;
    }

    /**
     * {@code saved} (tensors by name, as a checkpoint holds them) with every counter of the model that it lacks added as
     * 0, in the model's shape and type: the rule for files written before a layer kept its counter.
     */
    public static Map<String, Tensor> withMissingCounters(Layer model, Map<String, Tensor> saved) {
        Map<String, Tensor> out = new LinkedHashMap<>(saved);
        of(model).forEach((name, named) -> {
            if (named.kind() == Kind.COUNTER && !out.containsKey(name)) {
                out.put(name, Tensor.zeros(named.tensor().dtype(), named.tensor().shape()));
            }
        });
        return out;
    }

    /** Whether {@code name} is a {@link Kind#COUNTER}'s ({@code layers.3.num_batches_tracked}). */
    public static boolean isCounter(String name) {
        return name.endsWith("." + COUNTER);
    }

    /**
     * {@code saved} (a checkpoint's tensors, without the model at hand) with a counter of 0 (F64, one element) after every
     * batch norm's {@code running_var} that has none: the rule of {@link Kind#COUNTER} for checkpoints written before
     * batch norm kept its counter.
     */
    public static Map<String, Tensor> withMissingCounters(Map<String, Tensor> saved) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        saved.forEach((name, tensor) -> {
            out.put(name, tensor);
            String suffix = ".running_var";
            if (name.endsWith(suffix)) {
                String counter = name.substring(0, name.length() - suffix.length()) + "." + COUNTER;
                if (!saved.containsKey(counter)) {
                    out.put(counter, Tensor.zeros(io.gradlab.api.tensor.DType.F64, 1));
                }
            }
        });
        return out;
    }

    /** The tensors of {@link #of} alone. */
    public static Map<String, Tensor> tensors(Layer model) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        of(model).forEach((name, named) -> out.put(name, named.tensor()));
        return out;
    }

    /**
     * Copies {@code checkpoint} (exactly the model's names, shapes and types, as a checkpoint holds
     * them; a missing {@link Kind#COUNTER} counts as 0) into the model; nothing is copied unless all match.
     *
     * @param what names the tensors' origin in messages ({@code the checkpoint of run-x})
     */
    public static void copyInto(Layer model, Map<String, Tensor> checkpoint, String what) {
        Map<String, Tensor> current = tensors(model);
        Map<String, Tensor> tensors = withMissingCounters(model, checkpoint);
        if (!current.keySet().equals(tensors.keySet())) {
            throw new io.gradlab.api.GradlabException(io.gradlab.api.GradlabException.Category.DATA, what + " holds the tensors "
                    + tensors.keySet() + " but the model built from the spec has " + current.keySet()
                    + " (a strategy that changes the model while training makes such runs)");
        }
        for (Map.Entry<String, Tensor> e : current.entrySet()) {
            Tensor saved = tensors.get(e.getKey());
            if (saved.dtype() != e.getValue().dtype() || !saved.sameShape(e.getValue())) {
                throw new io.gradlab.api.GradlabException(io.gradlab.api.GradlabException.Category.DATA, what + ": tensor '" + e.getKey()
                        + "' is " + saved.dtype() + java.util.Arrays.toString(saved.shape()) + " but the model needs "
                        + e.getValue().dtype() + java.util.Arrays.toString(e.getValue().shape()));
            }
        }
        current.forEach((name, t) -> t.copyFrom(tensors.get(name)));
    }

    private static void add(Layer layer, String prefix, Map<String, Named> out) {
        for (Parameter p : layer.parameters()) {
            put(out, new Named(prefix + "." + torchName(p), Kind.PARAMETER, layer, p.value()));
        }
        List<Tensor> buffers = layer.buffers();
        boolean batchNorm = (layer.type().equals("batch-norm") || layer.type().equals("batch-norm2d"))
                && (buffers.size() == 2 || buffers.size() == 3 && buffers.get(2).size() == 1);
        for (int i = 0; i < buffers.size(); i++) {
            String name = batchNorm ? BATCH_NORM_BUFFERS.get(i) : "buffer" + i;
            Kind kind = batchNorm && i == 2 ? Kind.COUNTER : Kind.BUFFER;
            put(out, new Named(prefix + "." + name, kind, layer, buffers.get(i)));
        }
        List<Layer> children = layer.children();
        for (int i = 0; i < children.size(); i++) {
            add(children.get(i), prefix + "." + i, out);
        }
    }

    private static final List<String> BATCH_NORM_BUFFERS = List.of("running_mean", "running_var", COUNTER);

    private static String torchName(Parameter p) {
        return switch (p.role()) {
            case SCALE -> "weight";
            case SHIFT -> "bias";
            default -> p.name();
        };
    }

    private static void put(Map<String, Named> out, Named named) {
        Named previous = out.putIfAbsent(named.name(), named);
        if (previous != null) {
            throw new IllegalStateException("two tensors of the model are both named '" + named.name() + "' (layers '"
                    + previous.layer().name() + "' and '" + named.layer().name() + "'): give each parameter of a layer its own name");
        }
    }
}
