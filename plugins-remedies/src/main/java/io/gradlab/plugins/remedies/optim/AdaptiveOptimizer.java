package io.gradlab.plugins.remedies.optim;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import io.gradlab.api.train.Optimizer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The step lifecycle shared by the adaptive optimizers: per-parameter state tensors (allocated in
 * {@link #bind}, never in {@link #step}), a per-parameter step count as PyTorch keeps it (a frozen
 * parameter is skipped and its count does not advance), and the checkpoint view.
 *
 * <p>A step is one pass over all trainable parameters at once (PyTorch's "foreach" optimizers): a
 * subclass gives one {@link Elementwise} {@link #program()} over the arguments {@link #WEIGHT},
 * {@link #GRAD} and its state tensors ({@link #buffer(int)}), and the scalars of a step
 * ({@link #scalars}); the base runs it with {@link Ops#mapEach} over groups of the trainable
 * parameters that share a step count (and element type), usually one group. The groups are made
 * again only when the set of trainable parameters changes (a layer-wise stage freezes or unfreezes
 * some), on {@link #bind} and on {@link #restoreSteps}.
 *
 * <p>Re-binding (the model changed, e.g. a new layer-wise stage) keeps the state of parameters that
 * were bound before and starts fresh state for new ones.
 */
abstract class AdaptiveOptimizer implements Optimizer {
    /** The program's arguments: the weight, its gradient, then the state tensors. */
    static final int WEIGHT_ARG = 0;
    static final int GRAD_ARG = 1;
    static final int FIRST_BUFFER_ARG = 2;
    /** The parameter's value, argument 0 of the program. */
    static final Expr WEIGHT = Expr.arg(WEIGHT_ARG);
    /** The parameter's gradient, argument 1 of the program (read only). */
    static final Expr GRAD = Expr.arg(GRAD_ARG);

    /** State tensor {@code b} (in {@link #bufferNames()} order) as an argument of the program. */
    static Expr buffer(int b) {
        return Expr.arg(FIRST_BUFFER_ARG + b);
    }

    /** Scalar {@code i} of the program. */
    static Expr s(int i) {
        return Expr.scalar(i);
    }

    /** The state of one parameter. */
    static final class Slot {
        final Tensor[] buffers;
        long step;

        Slot(Tensor[] buffers) {
            this.buffers = buffers;
        }
    }

    /** Trainable parameters with one step count and element type, as the program's argument groups. */
    private static final class Group {
        final int[] members;
        final TensorGroup[] args;

        Group(int[] members, TensorGroup[] args) {
            this.members = members;
            this.args = args;
        }
    }

    private double lr;
    private Parameter[] params = new Parameter[0];
    private Slot[] slots = new Slot[0];
    private long steps;
    private Ops ops;
    private boolean[] trainable = new boolean[0];
    private Group[] groups;
    private double[] scalarValues;

    AdaptiveOptimizer(double lr) {
        this.lr = lr;
    }

    /** The names of the state tensors each parameter gets, in {@link #state()} order. */
    abstract List<String> bufferNames();

    /** Sets the initial state of a new parameter (zeros by default). */
    void initialize(Tensor[] buffers) {}

    /**
     * The update of one element, built once: assignments to {@link #WEIGHT} (argument 0) and the
     * {@link #buffer buffers}, reading {@link #GRAD} and {@link #s scalars} filled by {@link #scalars}.
     */
    abstract Elementwise program();

    /** The number of scalars {@link #program()} reads. */
    abstract int scalarCount();

    /**
     * Fills the scalars of a step of the parameters whose step number is {@code t}.
     *
     * @param t the parameters' step number, 1 on their first update
     */
    abstract void scalars(double[] out, long t, double lr);

    @Override
    public final void bind(List<Parameter> parameters, Ops ops) {
        requireNonNull(parameters, "parameters is null");
        this.ops = requireNonNull(ops, "ops is null");
        Map<Parameter, Slot> previous = new IdentityHashMap<>();
        for (int i = 0; i < params.length; i++) {
            previous.put(params[i], slots[i]);
        }
        Parameter[] nextParams = parameters.toArray(new Parameter[0]);
        Slot[] next = new Slot[nextParams.length];
        int count = bufferNames().size();
        for (int i = 0; i < nextParams.length; i++) {
            Parameter p = requireNonNull(nextParams[i], "a parameter is null");
            Slot slot = previous.get(p);
            if (slot == null) {
                Tensor[] buffers = new Tensor[count];
                for (int b = 0; b < count; b++) {
                    buffers[b] = Tensor.zeros(p.value().dtype(), p.value().shape());
                }
                initialize(buffers);
                slot = new Slot(buffers);
            }
            next[i] = slot;
        }
        this.params = nextParams;
        this.slots = next;
        this.trainable = new boolean[nextParams.length];
        this.groups = null;
    }

    @Override
    public final void step() {
        if (groups == null || trainableChanged()) {
            regroup();
        }
        double[] scalars = scalarValues;
        Elementwise program = program();
        for (Group g : groups) {
            long t = 0;
            for (int m : g.members) {
                t = ++slots[m].step;
            }
            scalars(scalars, t, lr);
            ops.mapEach(program, scalars, g.args);
        }
        steps++;
    }

    private boolean trainableChanged() {
        for (int i = 0; i < params.length; i++) {
            if (params[i].trainable() != trainable[i]) {
                return true;
            }
        }
        return false;
    }

    /** The trainable parameters grouped by step count and element type, in bind order. */
    private void regroup() {
        Map<List<Object>, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i++) {
            trainable[i] = params[i].trainable();
            if (trainable[i]) {
                List<Object> key = List.of(slots[i].step, params[i].value().dtype());
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
            }
        }
        int buffers = bufferNames().size();
        List<Group> made = new ArrayList<>();
        for (List<Integer> members : byKey.values()) {
            List<List<Tensor>> columns = new ArrayList<>();
            for (int a = 0; a < FIRST_BUFFER_ARG + buffers; a++) {
                columns.add(new ArrayList<>());
            }
            for (int i : members) {
                columns.get(WEIGHT_ARG).add(params[i].value());
                columns.get(GRAD_ARG).add(params[i].grad());
                for (int b = 0; b < buffers; b++) {
                    columns.get(FIRST_BUFFER_ARG + b).add(slots[i].buffers[b]);
                }
            }
            TensorGroup[] args = new TensorGroup[columns.size()];
            for (int a = 0; a < args.length; a++) {
                args[a] = TensorGroup.of(columns.get(a));
            }
            made.add(new Group(members.stream().mapToInt(Integer::intValue).toArray(), args));
        }
        this.groups = made.toArray(new Group[0]);
        if (scalarValues == null) {
            scalarValues = new double[scalarCount()];
        }
    }

    /** The number of passes a step makes (for tests): one per group of equal step counts and type. */
    final int groupCount() {
        return groups == null ? 0 : groups.length;
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
        List<Tensor> state = new ArrayList<>(slots.length * bufferNames().size());
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
        this.groups = null;
    }
}
