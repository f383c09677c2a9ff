package io.gradlab.plugins.remedies.optim;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The step lifecycle shared by the adaptive optimizers: per-parameter state tensors (allocated in
 * {@link #bind}, never in {@link #step}), a per-parameter step count as PyTorch keeps it (a frozen
 * parameter is skipped and its count does not advance), and the checkpoint view.
 *
 * <p>Re-binding (the model changed, e.g. a new layer-wise stage) keeps the state of parameters that
 * were bound before and starts fresh state for new ones.
 */
abstract class AdaptiveOptimizer implements Optimizer {
    /** The state of one parameter. */
    static final class Slot {
        final Tensor[] buffers;
        long step;

        Slot(Tensor[] buffers) {
            this.buffers = buffers;
        }
    }

    private double lr;
    private List<Parameter> params = List.of();
    private List<Slot> slots = List.of();
    private long steps;

    AdaptiveOptimizer(double lr) {
        this.lr = lr;
    }

    /** The names of the state tensors each parameter gets, in {@link #state()} order. */
    abstract List<String> bufferNames();

    /** Sets the initial state of a new parameter (zeros by default). */
    void initialize(Tensor[] buffers) {}

    /**
     * Updates one trainable parameter in place.
     *
     * @param t the parameter's step number, 1 on its first update
     */
    abstract void update(Parameter p, Tensor[] buffers, long t, double lr);

    @Override
    public final void bind(List<Parameter> parameters, Ops ops) {
        requireNonNull(parameters, "parameters is null");
        Map<Parameter, Slot> previous = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            previous.put(params.get(i), slots.get(i));
        }
        List<Slot> next = new ArrayList<>(parameters.size());
        int count = bufferNames().size();
        for (Parameter p : parameters) {
            Slot slot = previous.get(p);
            if (slot == null) {
                Tensor[] buffers = new Tensor[count];
                for (int b = 0; b < count; b++) {
                    buffers[b] = Tensor.zeros(p.value().dtype(), p.value().shape());
                }
                initialize(buffers);
                slot = new Slot(buffers);
            }
            next.add(slot);
        }
        this.params = List.copyOf(parameters);
        this.slots = List.copyOf(next);
    }

    @Override
    public final void step() {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (!p.trainable()) {
                continue;
            }
            Slot slot = slots.get(i);
            slot.step++;
            update(p, slot.buffers, slot.step, lr);
        }
        steps++;
    }

    @Override
    public final double learningRate() {
        return lr;
    }

    @Override
    public final void setLearningRate(double learningRate) {
        this.lr = learningRate;
    }

    /** Per bound parameter, in bind order, its buffers in {@link #bufferNames()} order. */
    @Override
    public final List<Tensor> state() {
        List<Tensor> state = new ArrayList<>(slots.size() * bufferNames().size());
        for (Slot s : slots) {
            state.addAll(List.of(s.buffers));
        }
        return List.copyOf(state);
    }

    @Override
    public final long steps() {
        return steps;
    }

    /** Sets the step count, and every bound parameter's own count, to {@code steps}. */
    @Override
    public final void restoreSteps(long steps) {
        this.steps = steps;
        for (Slot s : slots) {
            s.step = steps;
        }
    }
}
