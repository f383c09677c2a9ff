package io.gradlab.engine.train;

import io.gradlab.api.diag.LayerView;
import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.LayerHook;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A training step split by rows over the kernel threads: data parallelism inside one step. Each of the
 * {@code shards} row ranges of the batch runs through its own copy of the model, the forward pass, the loss and
 * the backward pass, all on one thread, with every kernel call of the range on that thread; then the copies'
 * gradients are added into the session model's, always in the copies' order. One hand-over per step instead of
 * one per kernel call, and each thread's activations stay in its own core's cache: at batch 64 the per-call split
 * lost to the cost of moving each product's operands between the cores (docs/performance.md).
 *
 * <p>It applies when the model's rows are independent ({@link Layer#independentRows()}), the kernels have more
 * than one thread, a copy of the model can be built ({@code copies}), and each range gets from {@link #MIN_ROWS} to
 * {@link #MAX_ROWS} rows; otherwise the session runs the whole batch in one pass. A copy's parameters share the
 * session model's value tensors ({@link Parameter#shareValueOf}: whatever changes the model's weights, the optimizer, a
 * resume, a strategy, changes the copies'), each copy has its own gradients, zeroed as they are added to the model's,
 * and the loss of a range is scaled by its share of the rows (a {@link Loss} is a mean over rows).
 * The results depend on the thread count (the sums of the ranges), and not on which thread computes a range.
 *
 * <p>Diagnostics read the whole batch: the layers they see ({@link #views}) gather the ranges' inputs and outputs
 * on demand, and the gradient each weighted layer's output received is measured on every copy ({@link
 * #signalSquares}).
 */
final class ShardedStep {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardedStep.class);
    /** A range gets at least this many rows: smaller products are where BLAS loses its speed. */
    static final int MIN_ROWS = 16;
    /**
     * A range gets at most this many rows: beyond, each kernel call is long enough for its own split to pay, and the
     * rows that diagnostics gather cost more than the split saves (reference workload, 2 threads, interleaved: +9% to
     * +13% at batch 64, +5% at 128, -3% to +2% at 256 and 512; docs/performance.md).
     */
    static final int MAX_ROWS = 64;
    private static final Elementwise SCALE = Elementwise.assign(0, Expr.arg(0).mul(Expr.scalar(0)));
    private static final Elementwise ZERO = Elementwise.assign(0, Expr.constant(0));
    /** The model's gradient plus a copy's, and the copy's set to zero for the next step (one pass). */
    private static final Elementwise ADD = Elementwise.assign(0, Expr.arg(0).add(Expr.arg(1))).then(1, Expr.constant(0));

    private final Ops ops;
    private final DType dtype;
    /** The session's loss and the copies'. */
    private final Loss[] losses;
    private final int shards;
    /** The session's model and its copies; copy {@code t} runs range {@code t}. */
    private final Layer[] models;
    private final List<List<Parameter>> params = new ArrayList<>();
    private final TensorGroup[] grads;
    private final TensorGroup[] pair = new TensorGroup[2];
    /** The model's gradients, as the one group of a call. */
    private final TensorGroup[] zeroModelGrads = new TensorGroup[1];
    private final BufferCache[] gradOuts;
    private final double[][] scales;
    private final Tensor[][] scaleArgs;
    private final double[] rangeLosses;
    private final long[] corrects;
    private final Slices xs = new Slices();
    private final Slices ys = new Slices();
    private final List<Gathered> gathered = new ArrayList<>();
    /** Per copy (index 1..), per weighted layer, the hook that keeps the gradient its output received. */
    private final Signal[][] signals;
    private final IntConsumer shardTask = this::runShard;
    private final Tensor[] xt;
    private final Tensor[] yt;
    private int rows;
    private int classes;
    /** Whether the model's last pass was split here (what the gathered views and the copies' signals show). */
    private boolean lastPassSplit;

    private ShardedStep(Layer model, Loss loss, List<ModelCopy> copies, Ops ops, DType dtype) {
        this.ops = ops;
        this.dtype = dtype;
        this.shards = copies.size() + 1;
        this.models = new Layer[shards];
        this.losses = new Loss[shards];
        this.losses[0] = loss;
        this.grads = new TensorGroup[shards];
        this.xt = new Tensor[shards];
        this.yt = new Tensor[shards];
        this.gradOuts = new BufferCache[shards];
        this.scales = new double[shards][1];
        this.scaleArgs = new Tensor[shards][1];
        this.rangeLosses = new double[shards];
        this.corrects = new long[shards];
        this.signals = new Signal[shards][];
        for (int t = 0; t < shards; t++) {
            models[t] = t == 0 ? model : copies.get(t - 1).model();
            losses[t] = t == 0 ? loss : copies.get(t - 1).loss();
            List<Parameter> p = new ArrayList<>();
            collectParameters(models[t], p);
            params.add(p);
            List<Tensor> g = new ArrayList<>();
            for (Parameter q : p) {
                g.add(q.grad());
            }
            grads[t] = TensorGroup.of(g);
            gradOuts[t] = new BufferCache();
        }
        for (int t = 1; t < shards; t++) {
            for (int i = 0; i < params.get(t).size(); i++) {
                params.get(t).get(i).shareValueOf(params.get(0).get(i)); // the copies train with the model's weights
            }
        }
        this.zeroModelGrads[0] = grads[0];
    }

    /**
     * The split step for {@code model}, or null where it does not apply: one kernel thread, rows that are not
     * independent, no way to build copies, or copies whose parameters do not match the model's.
     *
     * @param copies builds and returns one more copy of the model, built as the model was, and of the loss (null: none can be)
     */
    static ShardedStep create(Layer model, Loss loss, Supplier<ModelCopy> copies, Ops ops, DType dtype) {
        if (copies == null || ops.threads() < 2 || !model.independentRows() || "false".equals(System.getProperty("gradlab.shards"))) {
            return null;
        }
        List<Parameter> own = new ArrayList<>();
        collectParameters(model, own);
        List<ModelCopy> built = new ArrayList<>();
        for (int t = 1; t < ops.threads(); t++) {
            ModelCopy made = copies.get();
            Layer copy = made.model();
            List<Parameter> theirs = new ArrayList<>();
            collectParameters(copy, theirs);
            if (!copy.independentRows() || !sameShapes(own, theirs)) {
                return null;
            }
            copy.setInputGradientRequired(false);
            built.add(made);
        }
        LOG.debug("training splits each batch of {} to {} rows by rows over {} copies of model '{}' (-Dgradlab.shards=false: one pass)",
                ops.threads() * MIN_ROWS, ops.threads() * MAX_ROWS, ops.threads(), model.name());
        return new ShardedStep(model, loss, built, ops, dtype);
    }

    private static boolean sameShapes(List<Parameter> a, List<Parameter> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Tensor va = a.get(i).value();
            Tensor vb = b.get(i).value();
            if (!Arrays.equals(va.shape(), vb.shape()) || va.dtype() != vb.dtype()) {
                return false;
            }
        }
        return true;
    }

    private static void collectParameters(Layer layer, List<Parameter> out) {
        out.addAll(layer.parameters());
        for (Layer child : layer.children()) {
            collectParameters(child, out);
        }
    }

    /** Whether a batch of {@code batchRows} rows is split. */
    boolean applies(int batchRows) {
        return batchRows >= shards * MIN_ROWS && batchRows <= shards * MAX_ROWS;
    }

    /**
     * Zeroes the gradients, runs the forward pass, the loss and the backward pass of {@code x} against {@code y}
     * range by range, and leaves the sum of the ranges' parameter gradients in the session model's; returns the
     * batch's mean loss. {@link #correct()} then gives the number of rows classified right.
     */
    double forwardBackward(Tensor x, Tensor y, int classes) {
        this.rows = x.rows();
        this.classes = classes;
        for (int t = 0; t < shards; t++) {
            xt[t] = xs.get(x, t, start(t), start(t + 1), shards);
            yt[t] = ys.get(y, t, start(t), start(t + 1), shards);
        }
        ops.mapEach(ZERO, null, zeroModelGrads); // the copies' were zeroed as they were added
        ops.parallelFor(shards, shardTask);
        pair[0] = grads[0];
        for (int t = 1; t < shards; t++) {
            pair[1] = grads[t];
            ops.mapEach(ADD, null, pair);
        }
        double sum = 0;
        for (int t = 0; t < shards; t++) {
            sum += rangeLosses[t];
        }
        lastPassSplit = true;
        for (int i = 0; i < gathered.size(); i++) {
            gathered.get(i).split();
        }
        return sum;
    }

    /** The number of rows of the last split batch whose largest output is their class. */
    long correct() {
        long sum = 0;
        for (int t = 0; t < shards; t++) {
            sum += corrects[t];
        }
        return sum;
    }

    /** The model ran a pass that was not split here (the whole batch, an evaluation): the views show that pass. */
    void wholePass() {
        lastPassSplit = false;
    }

    /** {@link #wholePass()} of {@code step}, if there is one. */
    static void wholePass(ShardedStep step) {
        if (step != null) {
            step.wholePass();
        }
    }

    /** The first row of range {@code t} ({@code t = shards}: the end). */
    private int start(int t) {
        return (int) ((long) t * rows / shards);
    }

    private void runShard(int t) {
        Layer model = models[t]; // kernels called from a part run on its thread
        Tensor out = model.forward(xt[t], Mode.TRAIN);
        Tensor gradOut = gradOuts[t].get(dtype, out.rows(), out.cols());
        double share = (double) xt[t].rows() / rows;
        double l = losses[t].forwardBackward(out, yt[t], gradOut, ops);
        scales[t][0] = share;
        scaleArgs[t][0] = gradOut; // an array of its own: a varargs call would make one per step
        ops.map(SCALE, scales[t], scaleArgs[t]);
        scaleArgs[t][0] = null;
        model.backward(gradOut);
        rangeLosses[t] = l * share;
        corrects[t] = Evaluator.correct(out, yt[t], classes);
    }

    // ---- what diagnostics see ----

    /**
     * The layers diagnostics see for the session model's leaves {@code leaves} (in the order of the model's
     * leaves, which is each copy's order too): each gathers the ranges' inputs and outputs of a split pass.
     * Also adds a hook to every copy's weighted layers for {@link #signalSquares}.
     */
    List<LayerView> views(List<LayerView> leaves) {
        List<List<Layer>> copyLeaves = new ArrayList<>();
        for (int t = 0; t < shards; t++) {
            List<Layer> l = new ArrayList<>();
            collectLeaves(models[t], l);
            if (l.size() != leaves.size()) {
                throw new IllegalStateException("copy " + t + " of the model has " + l.size() + " layers, the model " + leaves.size());
            }
            copyLeaves.add(l);
        }
        List<LayerView> out = new ArrayList<>();
        List<List<Signal>> hooks = new ArrayList<>();
        for (int t = 0; t < shards; t++) {
            hooks.add(new ArrayList<>());
        }
        for (int i = 0; i < leaves.size(); i++) {
            LayerView v = leaves.get(i);
            Layer[] copies = new Layer[shards];
            for (int t = 0; t < shards; t++) {
                copies[t] = copyLeaves.get(t).get(i);
            }
            Gathered g = new Gathered(copies);
            gathered.add(g);
            out.add(new LayerView(v.name(), g, v.weight(), v.activation()));
            if (v.weight() != null) {
                for (int t = 1; t < shards; t++) {
                    Signal s = new Signal();
                    copies[t].addHook(s);
                    hooks.get(t).add(s);
                }
            }
        }
        for (int t = 1; t < shards; t++) {
            signals[t] = hooks.get(t).toArray(new Signal[0]);
        }
        return out;
    }

    private static void collectLeaves(Layer layer, List<Layer> out) {
        if (layer.children().isEmpty()) {
            out.add(layer);
        } else {
            for (Layer child : layer.children()) {
                collectLeaves(child, out);
            }
        }
    }

    /**
     * The sum of the squared norms of the gradient that weighted layer {@code index}'s output received in the
     * copies (1..) during the last split pass; 0 after a whole pass (the session model's own hook has it all).
     */
    double signalSquares(int index) {
        if (!lastPassSplit) {
            return 0;
        }
        double sum = 0;
        for (int t = 1; t < shards; t++) {
            Tensor g = signals[t][index].last;
            if (g != null) {
                double n = ops.norm2(g);
                sum += n * n;
            }
        }
        return sum;
    }

    private static final class Signal implements LayerHook {
        Tensor last;

        @Override
        public void afterBackward(Layer l, Tensor gradOutput, Tensor gradInput) {
            last = gradOutput;
        }
    }

    /** Row views of the batches' buffers, made once per buffer (a step allocates nothing). */
    private static final class Slices {
        private final Tensor[] sources = new Tensor[4];
        private final Tensor[][] views = new Tensor[4][];
        private int next;

        Tensor get(Tensor source, int t, int r0, int r1, int shards) {
            for (int i = 0; i < sources.length; i++) {
                if (sources[i] == source && views[i][t] != null && views[i][t].rows() == r1 - r0) {
                    return views[i][t];
                }
            }
            int slot = -1;
            for (int i = 0; i < sources.length && slot < 0; i++) {
                if (sources[i] == source) {
                    slot = i;
                }
            }
            if (slot < 0) {
                slot = next;
                next = (next + 1) % sources.length;
                sources[slot] = source;
                views[slot] = new Tensor[shards];
            }
            views[slot][t] = source.slice(r0, r1);
            return views[slot][t];
        }
    }

    /**
     * A leaf of the session model as diagnostics see it: its input and output are the whole batch's, the ranges'
     * rows gathered into one buffer when a diagnostic first asks after a split pass (nothing is copied otherwise).
     */
    private final class Gathered implements Layer {
        private final Layer[] copies;
        private final BufferCache inputs = new BufferCache();
        private final BufferCache outputs = new BufferCache();
        private Tensor input;
        private Tensor output;
        private boolean inputFresh;
        private boolean outputFresh;

        Gathered(Layer[] copies) {
            this.copies = copies;
        }

        void split() {
            inputFresh = false;
            outputFresh = false;
        }

        @Override
        public Tensor lastInput() {
            if (!lastPassSplit) {
                return copies[0].lastInput();
            }
            if (!inputFresh) {
                input = gather(inputs, true);
                inputFresh = true;
            }
            return input;
        }

        @Override
        public Tensor lastOutput() {
            if (!lastPassSplit) {
                return copies[0].lastOutput();
            }
            if (!outputFresh) {
                output = gather(outputs, false);
                outputFresh = true;
            }
            return output;
        }

        private Tensor gather(BufferCache cache, boolean in) {
            Tensor first = in ? copies[0].lastInput() : copies[0].lastOutput();
            if (first == null) {
                return null;
            }
            int total = 0;
            for (Layer c : copies) {
                total += (in ? c.lastInput() : c.lastOutput()).rows();
            }
            Tensor all = cache.get(first.dtype(), total, first.cols());
            int at = 0;
            for (Layer c : copies) {
                Tensor part = in ? c.lastInput() : c.lastOutput();
                if (all.dtype() == DType.F32) {
                    System.arraycopy(part.floats(), part.offset(), all.floats(), at, part.size());
                } else {
                    System.arraycopy(part.doubles(), part.offset(), all.doubles(), at, part.size());
                }
                at += part.size();
            }
            return all;
        }

        @Override
        public String name() {
            return copies[0].name();
        }

        @Override
        public String type() {
            return copies[0].type();
        }

        @Override
        public int build(int inputWidth, BuildContext ctx) {
            return copies[0].build(inputWidth, ctx);
        }

        @Override
        public int[] sampleShape() {
            return copies[0].sampleShape();
        }

        @Override
        public Tensor forward(Tensor input, Mode mode) {
            return copies[0].forward(input, mode);
        }

        @Override
        public Tensor backward(Tensor gradOutput) {
            return copies[0].backward(gradOutput);
        }

        @Override
        public List<Parameter> parameters() {
            return copies[0].parameters();
        }

        @Override
        public List<Tensor> buffers() {
            return copies[0].buffers();
        }

        @Override
        public boolean exactGradient() {
            return copies[0].exactGradient();
        }

        @Override
        public boolean independentRows() {
            return copies[0].independentRows();
        }

        @Override
        public boolean addHook(LayerHook hook) {
            return copies[0].addHook(hook);
        }

        @Override
        public void removeHook(LayerHook hook) {
            copies[0].removeHook(hook);
        }

        @Override
        public String toString() {
            return copies[0].toString();
        }
    }
}
