package io.gradlab.engine.library;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.data.Dataset;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.LayerHook;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.RunResult;
import io.gradlab.engine.train.TrainingListener;
import io.gradlab.engine.train.TrainingSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A prepared experiment: its data loaded and its model built, not trained yet. Hooks added to its
 * layers ({@link #addHook}) see every forward pass (training steps and evaluation, told apart by
 * {@link Mode}) and every backward pass of the run, with the layer's output {@code a} and
 * {@code dL/da}, as PyTorch's {@code register_forward_hook} and {@code register_full_backward_hook}
 * do. {@link #run} trains it once; {@link #lossAndGradients} and {@link #loss} compute on one batch
 * without changing the weights, for checks and probes.
 */
public final class Training {
    private final ExperimentRunner runner;
    private final ExperimentSpec spec;
    private final ExperimentRunner.Prepared prepared;
    private final Optional<Path> dataDir;
    private boolean ran;
    private boolean hooked;

    Training(ExperimentRunner runner, ExperimentSpec spec, ExperimentRunner.Prepared prepared, Optional<Path> dataDir) {
        this.runner = requireNonNull(runner, "runner is null");
        this.spec = requireNonNull(spec, "spec is null");
        this.prepared = requireNonNull(prepared, "prepared is null");
        this.dataDir = requireNonNull(dataDir, "dataDir is null");
    }

    /** A registered hook; {@link #remove()} takes it off its layer. */
    public interface Registration extends AutoCloseable {
        void remove();

        @Override
        default void close() {
            remove();
        }
    }

    /** One batch: inputs {@code [rows, features]} and targets {@code [rows, target width]} in the run's dtype. */
    public record Batch(Tensor x, Tensor y) {
        public Batch {
            requireNonNull(x, "x is null");
            requireNonNull(y, "y is null");
        }
    }

    /** The resolved spec: every default filled in, as {@code spec.resolved.yaml} holds it. */
    public ExperimentSpec spec() {
        return spec;
    }

    /** The whole model (for an MLP, the {@code sequential} container). */
    public Layer model() {
        return prepared.parts().model();
    }

    /** The model's leaf layers in forward order: the layers hooks go on ({@code hidden1}, {@code act1}, ..., {@code output}). */
    public List<Layer> layers() {
        List<Layer> out = new ArrayList<>();
        collect(model(), out);
        return List.copyOf(out);
    }

    private static void collect(Layer layer, List<Layer> out) {
        if (layer.children().isEmpty()) {
            out.add(layer);
        }
        for (Layer child : layer.children()) {
            collect(child, out);
        }
    }

    /**
     * The leaf layer called {@code name}.
     *
     * @throws GradlabException {@code USAGE} naming the layers there are
     */
    public Layer layer(String name) {
        requireNonNull(name, "name is null");
        List<Layer> all = layers();
        for (Layer l : all) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new GradlabException(GradlabException.Category.USAGE, "the model has no layer '" + name + "'; its layers are "
                + String.join(", ", all.stream().map(Layer::name).toList()));
    }

    public Dataset trainData() {
        return prepared.parts().train();
    }

    /** The held-out validation set, or {@code null} without {@code data.validation}. */
    public Dataset validationData() {
        return prepared.parts().validation();
    }

    public Dataset testData() {
        return prepared.parts().test();
    }

    public DType dtype() {
        return prepared.parts().dtype();
    }

    /** Adds {@code hook} to the leaf layer {@code name}; a layer's hooks run in the order they were added. */
    public Registration addHook(String name, LayerHook hook) {
        return addHook(layer(name), hook);
    }

    /** Adds {@code hook} to every leaf layer. */
    public Registration addHook(LayerHook hook) {
        List<Registration> all = new ArrayList<>();
        for (Layer layer : layers()) {
            all.add(addHook(layer, hook));
        }
        return () -> all.forEach(Registration::remove);
    }

    private Registration addHook(Layer layer, LayerHook hook) {
        requireNonNull(hook, "hook is null");
        if (!layer.addHook(hook)) {
            throw new GradlabException(GradlabException.Category.USAGE, "layer '" + layer.name() + "' (" + layer.type()
                    + ") does not call hooks (it does not extend AbstractLayer): hook its neighbours instead");
        }
        hooked = true;
        return () -> layer.removeHook(hook);
    }

    /** Samples {@code from .. from + count - 1} of {@code data}, in order, as tensors of the run's dtype. */
    public Batch batch(Dataset data, int from, int count) {
        requireNonNull(data, "data is null");
        if (from < 0 || count < 1 || from + count > data.size()) {
            throw new GradlabException(GradlabException.Category.USAGE, "samples " + from + ".." + (from + count - 1) + " are not in '"
                    + data.name() + "', which has " + data.size());
        }
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = from + i;
        }
        Tensor x = Tensor.zeros(dtype(), count, data.width());
        Tensor y = Tensor.zeros(dtype(), count, data.targetWidth());
        data.copyBatch(order, 0, count, x, y);
        return new Batch(x, y);
    }

    /**
     * The mean loss of the model on {@code batch} (forward in training mode), with every parameter's
     * gradient set to its derivative and the backward hooks called: one training step without the
     * optimizer. The weights do not change.
     */
    public double lossAndGradients(Batch batch) {
        requireNonNull(batch, "batch is null");
        Layer model = model();
        zeroGradients(model);
        Tensor out = model.forward(batch.x(), Mode.TRAIN);
        Tensor grad = Tensor.zeros(out.dtype(), out.rows(), out.cols());
        double loss = prepared.parts().loss().forwardBackward(out, batch.y(), grad, prepared.parts().ops());
        model.backward(grad);
        return loss;
    }

    /** The mean loss of the model on {@code batch} in {@code mode}; forward hooks are called, nothing else changes. */
    public double loss(Batch batch, Mode mode) {
        requireNonNull(batch, "batch is null");
        return prepared.parts().loss().forward(model().forward(batch.x(), mode), batch.y());
    }

    private static void zeroGradients(Layer layer) {
        for (Parameter p : layer.parameters()) {
            p.grad().fill(0);
        }
        for (Layer child : layer.children()) {
            zeroGradients(child);
        }
    }

    /** Trains in memory (no run folder), as {@code gradlab run} would; hooks are called at every step. */
    public RunResult run(TrainingListener listener) {
        return run(new RunOptions(Path.of("runs"), dataDir, false), listener);
    }

    /** Trains in memory with no progress callbacks. */
    public RunResult run() {
        return run(TrainingListener.NONE);
    }

    /** Trains and writes a run folder under {@code outDir}, as {@code gradlab run --out outDir} would. */
    public RunResult runInto(Path outDir, TrainingListener listener) {
        return run(new RunOptions(requireNonNull(outDir, "outDir is null"), dataDir, true), listener);
    }

    private RunResult run(RunOptions options, TrainingListener listener) {
        if (ran) {
            throw new IllegalStateException("this Training has run; prepare the experiment again for another run");
        }
        ran = true;
        // a hook sees every row of a batch: a run with hooks keeps each batch in one pass (no copies of the model)
        return runner.run(spec, hooked ? prepared.withoutCopies() : prepared, options, requireNonNull(listener, "listener is null"));
    }

    /** The session parts, for what this class does not offer (the optimizer, the loss, the kernels). */
    public TrainingSession.Parts parts() {
        return prepared.parts();
    }
}
