package io.gradlab.engine.train;

import io.gradlab.api.diag.LayerView;
import io.gradlab.api.nn.AbstractLayer;
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
 * lost to the cost of moving each product's operands between the cores, and at batch 512 too on an AMD EPYC, where
 * the split step is 9% to 13% faster (docs/performance.md).
 *
 * <p>It applies when the model's rows are independent ({@link Layer#independentRows()}), the kernels have more
 * than one thread, a copy of the model can be built ({@code copies}), and each range gets at least {@link #MIN_ROWS}
 * rows; otherwise the session runs the whole batch in one pass. A copy's parameters share the
 * session model's value tensors ({@link Parameter#shareValueOf}: whatever changes the model's weights, the optimizer, a
 * resume, a strategy, changes the copies'), each copy has its own gradients, zeroed as they are added to the model's,
 * and the loss of a range is scaled by its share of the rows (a {@link Loss} is a mean over rows).
 * The results depend on the thread count (the sums of the ranges), and not on which thread computes a range.
 *
 * <p>Diagnostics read the whole batch: the copies of a leaf that is an {@link AbstractLayer} write their outputs
 * into the rows of one buffer ({@link AbstractLayer#setOutputBuffers}), which the layers diagnostics see ({@link
 * #views}) show whole, as they show the batch; the ranges of any other input or output are gathered on demand. The gradient each weighted layer's output received is measured on every copy ({@link
 * #signalSquares}).
 */
final class ShardedStep {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardedStep.class);
    /** A range gets at least this many rows: smaller products are where BLAS loses its speed. */
    static final int MIN_ROWS = 16;
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
    /** Per leaf that diagnostics see, where the copies put its output (null: the leaf is not an {@link AbstractLayer}). */
    private final List<Placement> placements = new ArrayList<>();
    /** Whether a split pass runs: the placements then give each copy its rows of one whole-batch buffer. */
    private boolean splitting;
    /** The batch of the last split pass. */
    private Tensor batch;
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
        LOG.debug("training splits each batch of {} rows or more by rows over {} copies of model '{}' (-Dgradlab.shards=false: one pass)",
                ops.threads() * MIN_ROWS, ops.threads(), model.name());
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
        return batchRows >= shards * MIN_ROWS;
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
        batch = x;
        splitting = true;
        try {
            ops.parallelFor(shards, shardTask);
        } finally {
            splitting = false;
        }
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
     * leaves, which is each copy's order too): each shows the whole batch's input and output of a split pass.
     * Places the outputs of the copies' leaves ({@link Placement}), and adds a hook to every copy's weighted layers for {@link #signalSquares}.
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
            placements.add(Placement.install(this, copies));
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
     * The tensor whose consecutive row ranges {@code parts} are, in copy order, with {@code total} rows in all: the
     * batch, or a placed leaf's whole output buffer; null if they are not the rows of one of them.
     */
    private Tensor rowsOf(Tensor[] parts, int total) {
        if (sameRows(batch, parts, total)) {
            return batch;
        }
        for (int i = 0; i < placements.size(); i++) {
            Placement p = placements.get(i);
            Tensor whole = p == null ? null : p.whole();
            if (sameRows(whole, parts, total)) {
                return whole;
            }
        }
        return null;
    }

    private static boolean sameRows(Tensor whole, Tensor[] parts, int total) {
        if (whole == null || whole.rank() != 2 || whole.rows() != total || whole.dtype() != parts[0].dtype()) {
            return false;
        }
        Object array = whole.dtype() == DType.F32 ? whole.floats() : whole.doubles();
        int at = whole.offset();
        for (Tensor part : parts) {
            Object a = part.dtype() == DType.F32 ? part.floats() : part.doubles();
            if (a != array || part.rank() != 2 || part.cols() != whole.cols() || part.offset() != at) {
                return false;
            }
            at += part.size();
        }
        return true;
    }

    /**
     * Where the copies put one leaf's output: in a split pass, copy {@code t} writes rows {@code start(t)} to {@code
     * start(t + 1)} of one whole-batch buffer, which diagnostics then read without gathering; in any other pass
     * (evaluation) a layer gets a buffer of its own, as without a placement.
     */
    private static final class Placement {
        private final ShardedStep step;
        private final BufferCache wholes = new BufferCache();
        private final BufferCache[] own;
        /** Per copy, the slice of its last split pass, the whole buffer that slice is of, and whether its last pass wrote it. */
        private final Tensor[] slices;
        private final Tensor[] wholeOf;
        private final boolean[] placed;
        /** Per copy, the slices made so far and the whole buffers they are of, one per batch size seen (a few). */
        private final Tensor[][] sliceSlots;
        private final Tensor[][] wholeSlots;
        private final int[] nextSlot;

        private Placement(ShardedStep step, int shards) {
            this.step = step;
            this.own = new BufferCache[shards];
            this.slices = new Tensor[shards];
            this.wholeOf = new Tensor[shards];
            this.placed = new boolean[shards];
            this.sliceSlots = new Tensor[shards][4];
            this.wholeSlots = new Tensor[shards][4];
            this.nextSlot = new int[shards];
            for (int t = 0; t < shards; t++) {
                own[t] = new BufferCache();
            }
        }

        /** A placement for the copies of one leaf, null unless each is an {@link AbstractLayer}. */
        static Placement install(ShardedStep step, Layer[] copies) {
            for (Layer c : copies) {
                if (!(c instanceof AbstractLayer)) {
                    return null;
                }
            }
            Placement p = new Placement(step, copies.length);
            for (int t = 0; t < copies.length; t++) {
                int copy = t;
                ((AbstractLayer) copies[t]).setOutputBuffers((dtype, rows, cols) -> p.get(copy, dtype, rows, cols));
            }
            return p;
        }

        /** Copy {@code t}'s output buffer: its rows of the whole buffer in a split pass, else one of its own. */
        private Tensor get(int t, DType dtype, int rows, int cols) {
            if (!step.splitting || rows != step.start(t + 1) - step.start(t)) {
                placed[t] = false;
                return own[t].get(dtype, rows, cols);
            }
            Tensor[] mine = sliceSlots[t];
            Tensor[] theirs = wholeSlots[t];
            int slot = -1;
            for (int i = 0; i < mine.length && slot < 0; i++) {
                Tensor w = theirs[i];
                if (w != null && w.rows() == step.rows && w.cols() == cols && w.dtype() == dtype) {
                    slot = i;
                }
            }
            if (slot < 0) { // a batch size not seen yet (an epoch's short last batch): made once, then kept
                Tensor w;
                synchronized (this) { // the copies ask side by side
                    w = wholes.get(dtype, step.rows, cols);
                }
                slot = nextSlot[t];
                nextSlot[t] = (slot + 1) % mine.length;
                theirs[slot] = w;
                mine[slot] = w.slice(step.start(t), step.start(t + 1));
            }
            slices[t] = mine[slot];
            wholeOf[t] = theirs[slot];
            placed[t] = true;
            return slices[t];
        }

        /** The buffer whose rows every copy wrote in the last split pass, or null. */
        Tensor whole() {
            Tensor w = wholeOf[0];
            for (int t = 0; t < slices.length; t++) {
                if (!placed[t] || wholeOf[t] != w) {
                    return null;
                }
            }
            return w;
        }
    }

    /**
     * A leaf of the session model as diagnostics see it: its input and output are the whole batch's, the buffer the
     * ranges' rows were written into, or else those rows gathered into one buffer when a diagnostic first asks after
     * a split pass (nothing is copied otherwise).
     */
    private final class Gathered implements Layer {
        private final Layer[] copies;
        private final Tensor[] parts;
        private final BufferCache inputs = new BufferCache();
        private final BufferCache outputs = new BufferCache();
        private Tensor input;
        private Tensor output;
        private boolean inputFresh;
        private boolean outputFresh;

        Gathered(Layer[] copies) {
            this.copies = copies;
            this.parts = new Tensor[copies.length];
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

        /**
         * The ranges' inputs or outputs as one tensor: the buffer they are the rows of, where the copies wrote them
         * into one (the outputs of a placed leaf, the batch, the outputs of the placed leaf before), else a copy.
         */
        private Tensor gather(BufferCache cache, boolean in) {
            Tensor first = in ? copies[0].lastInput() : copies[0].lastOutput();
            if (first == null) {
                return null;
            }
            int total = 0;
            for (int t = 0; t < copies.length; t++) {
                parts[t] = in ? copies[t].lastInput() : copies[t].lastOutput();
                total += parts[t].rows();
            }
            Tensor whole = rowsOf(parts, total);
            if (whole != null) {
                Arrays.fill(parts, null);
                return whole;
            }
            Tensor all = cache.get(first.dtype(), total, first.cols());
            int at = 0;
            for (Tensor part : parts) {
                if (all.dtype() == DType.F32) {
                    System.arraycopy(part.floats(), part.offset(), all.floats(), at, part.size());
                } else {
                    System.arraycopy(part.doubles(), part.offset(), all.doubles(), at, part.size());
                }
                at += part.size();
            }
            Arrays.fill(parts, null);
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
