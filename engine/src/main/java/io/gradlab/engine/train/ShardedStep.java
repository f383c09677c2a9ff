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
import io.gradlab.engine.nn.WholeBatchGradients;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A training step split by rows over the kernel threads: data parallelism inside one step. Each of the
 * {@code shards} row ranges of the batch runs through its own copy of the model, the forward pass, the loss and
 * the backward pass, all on one thread, with every kernel call of the range on that thread; then the copies'
 * gradients are summed into the session model's, always in the copies' order. One hand-over per step instead of
 * one per kernel call, and each thread's activations stay in its own core's cache: at batch 64 the per-call split
 * lost to the cost of moving each product's operands between the cores, and at batch 512 too on an AMD EPYC, where
 * the split step is 9% to 13% faster (docs/performance.md).
 *
 * <p>It applies when the model's rows are independent ({@link Layer#independentRows()}), the kernels have more
 * than one thread, copies of the model can be built ({@code copies}), and each range gets at least {@link #MIN_ROWS}
 * rows; otherwise the session runs the whole batch in one pass. The session model holds the weights (whatever changes
 * them, the optimizer, a resume, a strategy, changes them there) and its gradients; it runs the whole passes, the
 * copies the ranges of a split one. Each copy has weights of its own, which a split step first sets to the model's,
 * and gradients of its own, zeroed as they are summed. The loss of a range is scaled by its share of the rows (a
 * {@link Loss} is a mean over rows). The results depend on the thread count (the sums of the ranges), and not on which
 * thread computes a range.
 *
 * <p><b>Gradients over the whole batch.</b> A leaf whose parameter gradients are one product of its input and output
 * gradient over the rows ({@link WholeBatchGradients}: a dense layer's {@code dY^T X} and column sums of {@code dY})
 * does not compute them per range: each copy puts its rows' output gradient into one whole-batch buffer, and once the
 * ranges are done, each such leaf's gradients are computed over all rows in one product, the leaves shared out over
 * the threads in contiguous runs of about equal time ({@link #shareOut}, balanced again every {@link #BALANCE_STEPS}
 * split steps on the times measured; which thread computes a leaf does not change its bits). So the weight gradient
 * is the product one thread computes for the whole batch, BLAS runs it on all rows (at 32 rows per range it spends
 * three quarters of the whole batch's time on each range's half), and neither the copies' gradients nor their sum
 * are needed for those parameters. The other parameters' gradients are summed from the copies', as above. ({@code
 * -Dgradlab.shards.whole=false} sums every parameter's.)
 *
 * <p><b>Where each core writes.</b> Part {@code t} of the kernels' split passes over all parameters (the optimizer's
 * update, the gradients' sum) is part {@code t} of their elements, which thread {@code t} computes; so the model's
 * weights and gradients of part {@code t} are written by one core only. Were the copies to read the model's weights
 * (as they did), every weight would sit in both cores' caches after the forward pass, and each write of the
 * optimizer's update would first have to take the other core's copy of its cache line away: on a machine whose two
 * cores are far apart (a round trip of about 500 ns between them) that made the update of 800 KB of weights 3 times
 * slower than on one core, and the products that read the other core's freshly written weights slower too (about 20%
 * of a batch-64 step; docs/performance.md). So where the cores are far apart no cache line is read by one core and then
 * written by the other: copy {@code t} computes with the model's own tensors of the parameters wholly inside part {@code
 * t} (which its thread alone writes, in the update) and with weights of its own for the others, read and written by
 * its thread only; the model's weights of part {@code t} reach copy {@code o} through a hand-over buffer of copy
 * {@code o}'s, which thread {@code t} writes and thread {@code o} reads and zeroes (writing takes a line over whole,
 * with the hardware fetching ahead, where reading would leave it shared); and the gradients' sum reads each copy's
 * gradients and zeroes them in the same pass. Where
 * the cores are near each other (sharing a cache), taking a line back is cheap and those copies cost more than they
 * save: the copies then compute with the model's value tensors ({@link Parameter#shareValueOf}). Which one a machine
 * needs is measured on the step itself ({@link #tune}, {@link ModeTuner}): the two modes' steps are timed in
 * alternating blocks at the start, and again ever more rarely while the choice holds, and the faster is kept
 * ({@code -Dgradlab.shards.handover=true|false} fixes the choice). A host may move the threads' cores at any time.
 * Both give the same bits.
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

    private final Ops ops;
    private final DType dtype;
    /** The copies' losses. */
    private final Loss[] losses;
    private final int shards;
    /** The session's model, which holds the weights and the summed gradients. */
    private final Layer master;
    /** The copies; copy {@code t} runs range {@code t}. */
    private final Layer[] models;
    /** {@code model gradients = copy 0's + copy 1's + ...}, and each copy's set to zero (one pass). */
    private final Elementwise sum;
    /** The arguments of {@link #sum}: the model's gradients, then each copy's; all of them. */
    private final TensorGroup[] sumGroups;
    /** The same without the parameters of the whole-batch leaves (null: no parameter is left). */
    private final TensorGroup[] restGroups;
    /** Per parameter (in the model's order), the model's value; per copy and parameter, the copy's value and its hand-over buffer. */
    private final Tensor[] values;
    private final Tensor[][] copyValues;
    private final Tensor[][] handOver;
    /** Per parameter, the index of its first element among all parameters' elements; then their total. */
    private final long[] starts;
    private final IntConsumer pushTask = this::push;
    /** Per copy, its parameters, and (made on the first switch to sharing) holders of its own value tensors. */
    private final Parameter[][] copyParams;
    private final Parameter[] masterParams;
    private Parameter[][] ownValues;
    /**
     * Per copy and parameter, where {@link #push} puts the model's value in the copy when handing over: the copy's own
     * tensor, or null for a parameter wholly inside the copy's part of the elements, which its own thread last wrote
     * into the model's tensor, so that the copy reads that one even when handing over (no core but its own ever
     * touches it, and no copy of it is made).
     */
    private final Tensor[][] pushTargets;
    /**
     * Whether the copies compute with weights of their own, handed over at each step (cores far apart), or with the
     * model's own tensors (cores near each other: nothing to copy). Either gives the same bits.
     */
    private boolean handingOver = true;
    /** {@code auto} (chosen by {@link #tune}), {@code true} or {@code false}: {@code -Dgradlab.shards.handover}. */
    private String handOverSetting = System.getProperty("gradlab.shards.handover", "auto");
    private long splitSteps;
    /** Whether a pass that was not split came since the last split step began (its time is not a step's). */
    private boolean interrupted = true;
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
    /** Per copy, per weighted layer, the hook that keeps the gradient its output received. */
    private final Signal[][] signals;
    private final IntConsumer shardTask = this::runShard;
    private final Tensor[] xt;
    private final Tensor[] yt;
    private int rows;
    private int classes;
    /** Whether the model's last pass was split here (what the gathered views and the copies' signals show). */
    private boolean lastPassSplit;
    /**
     * The session model's leaves whose parameter gradients are computed once over the whole batch after the ranges
     * ({@link WholeBatchGradients}; {@code -Dgradlab.shards.whole=false}: none), in the model's order; part {@code p}
     * of that pass computes leaves {@code [wholeFirst[p], wholeFirst[p + 1])}.
     */
    private final WholeBatchGradients[] wholeLayers;
    private final int[] wholeFirst;
    /**
     * Per such leaf, what its gradients cost: at first their multiply-adds per row, then the nanoseconds they took,
     * summed over the last {@link #BALANCE_STEPS} split steps ({@link #wholeNanos} collects them): reading rows the other
     * core wrote costs time no count of multiply-adds shows. Which thread computes a leaf does not change its bits.
     */
    private final long[] wholeWork;
    private final long[] wholeNanos;
    /**
     * The largest batch whose whole-batch gradients move fewer numbers between the cores than summing the copies' do:
     * the whole batch's products read the other copies' rows of each leaf's input and output gradient ({@code rows *
     * (in + out)} numbers a leaf), the sum reads the copies' gradients ({@code in * out + out}). So batches of 64 rows
     * of the reference network compute them whole, batches of 512 sum them. A batch's row count decides, so the bits
     * of a step depend on nothing else (not on timing). 0 (always summed) where the leaves cannot be shared out about
     * evenly (the busiest part more than half again an even share: one wide layer among small ones would run on one
     * thread while the others wait).
     */
    private int wholeRows;
    /** Whether the split pass under way computes the whole-batch gradients ({@link #wholeRows}). */
    private volatile boolean deferring;
    private static final int BALANCE_STEPS = 256;
    private long wholeSteps;
    /** Per such leaf and copy, the input of the copy's last backward pass. */
    private final Tensor[][] wholeInputs;
    /** Per such leaf, the whole batch's output gradient (each copy writes its rows), and each copy's rows of it. */
    private final Tensor[] wholeGrads;
    private final Tensor[][] wholeGradRows;
    private final BufferCache[] wholeGradBuffers;
    private final BufferCache[] wholeInputBuffers;
    private final Slices[] wholeGradSlices;
    private final Tensor[][] joinParts;
    private final IntConsumer wholeTask = this::wholeGradients;

    private ShardedStep(Layer model, List<ModelCopy> copies, Ops ops, DType dtype) {
        this.ops = ops;
        this.dtype = dtype;
        this.master = model;
        this.shards = copies.size();
        this.models = new Layer[shards];
        this.losses = new Loss[shards];
        this.xt = new Tensor[shards];
        this.yt = new Tensor[shards];
        this.gradOuts = new BufferCache[shards];
        this.scales = new double[shards][1];
        this.scaleArgs = new Tensor[shards][1];
        this.rangeLosses = new double[shards];
        this.corrects = new long[shards];
        this.signals = new Signal[shards][];
        List<Parameter> own = new ArrayList<>();
        collectParameters(model, own);
        int n = own.size();
        this.values = new Tensor[n];
        this.starts = new long[n + 1];
        for (int i = 0; i < n; i++) {
            values[i] = own.get(i).value();
            starts[i + 1] = starts[i] + values[i].size();
        }
        this.masterParams = own.toArray(new Parameter[0]);
        List<WholeBatchGradients> whole = wholeBatchLeaves(model, copies);
        this.wholeLayers = whole.toArray(new WholeBatchGradients[0]);
        int deferred = wholeLayers.length;
        this.wholeFirst = new int[shards + 1];
        this.wholeWork = new long[deferred];
        this.wholeNanos = new long[deferred];
        for (int k = 0; k < deferred; k++) {
            wholeWork[k] = wholeLayers[k].gradientWork();
        }
        shareOut(wholeWork, wholeFirst);
        this.wholeInputs = new Tensor[deferred][shards];
        this.wholeGrads = new Tensor[deferred];
        this.wholeGradRows = new Tensor[deferred][shards];
        this.wholeGradBuffers = new BufferCache[deferred];
        this.wholeInputBuffers = new BufferCache[deferred];
        this.wholeGradSlices = new Slices[deferred];
        this.joinParts = new Tensor[shards][shards];
        for (int k = 0; k < deferred; k++) {
            wholeGradBuffers[k] = new BufferCache();
            wholeInputBuffers[k] = new BufferCache();
            wholeGradSlices[k] = new Slices();
        }
        boolean[] summed = new boolean[n]; // the parameters whose gradients the copies add up (not those computed whole)
        Arrays.fill(summed, true);
        for (WholeBatchGradients w : wholeLayers) {
            for (Parameter p : ((Layer) w).parameters()) {
                summed[own.indexOf(p)] = false;
            }
        }
        this.copyParams = new Parameter[shards][];
        this.copyValues = new Tensor[shards][n];
        this.handOver = new Tensor[shards][n];
        boolean[] all = new boolean[n];
        Arrays.fill(all, true);
        this.sumGroups = new TensorGroup[shards + 1];
        this.sumGroups[0] = gradients(own, all);
        TensorGroup[] rest = new TensorGroup[shards + 1];
        rest[0] = gradients(own, summed);
        Expr total = Expr.arg(1);
        for (int t = 0; t < shards; t++) {
            models[t] = copies.get(t).model();
            losses[t] = copies.get(t).loss();
            List<Parameter> p = new ArrayList<>();
            collectParameters(models[t], p);
            copyParams[t] = p.toArray(new Parameter[0]);
            for (int i = 0; i < n; i++) {
                copyValues[t][i] = p.get(i).value();
                handOver[t][i] = Tensor.zeros(values[i].dtype(), values[i].shape());
            }
            sumGroups[t + 1] = gradients(p, all);
            rest[t + 1] = gradients(p, summed);
            gradOuts[t] = new BufferCache();
            if (t > 0) {
                total = total.add(Expr.arg(t + 1)); // in the copies' order
            }
        }
        Elementwise s = Elementwise.assign(0, total);
        for (int t = 0; t < shards; t++) {
            s = s.then(t + 1, Expr.constant(0));
        }
        this.sum = s;
        this.restGroups = rest[0] == null ? null : rest;
        this.pushTargets = new Tensor[shards][n];
        for (int t = 0; t < shards; t++) { // handing over (the first mode): each copy reads its own part's whole tensors in the model
            for (int i = 0; i < n; i++) {
                boolean inPart = starts[i] >= elementStart(t) && starts[i + 1] <= elementStart(t + 1);
                pushTargets[t][i] = inPart ? null : copyValues[t][i];
                if (inPart) {
                    copyParams[t][i].shareValueOf(masterParams[i]);
                }
            }
        }
        long traffic = 0;
        long work = 0;
        for (WholeBatchGradients w : wholeLayers) {
            traffic += w.inputWidth() + w.outputWidth();
            work += w.gradientWork();
        }
        long busiest = 0; // the work of the busiest part: one large leaf among small ones is computed on one thread
        for (int p = 0; p < shards; p++) {
            long w = 0;
            for (int k = wholeFirst[p]; k < wholeFirst[p + 1]; k++) {
                w += wholeWork[k];
            }
            busiest = Math.max(busiest, w);
        }
        boolean even = 2 * busiest * shards <= 3 * work; // at most half again an even share
        this.wholeRows = traffic == 0 || !even ? 0 : (int) Math.min(Integer.MAX_VALUE, work / traffic);
        installSinks(copies);
        LOG.debug("split step: batches of up to {} rows compute the parameter gradients of {} layers over the whole batch (parts from {}), {} tensors summed",
                wholeRows, wholeLayers.length, Arrays.toString(wholeFirst), rest[0] == null ? 0 : rest[0].size());
    }

    /** The gradients of the parameters {@code params} with {@code summed[i]}, as one group; null if none. */
    private static TensorGroup gradients(List<Parameter> params, boolean[] summed) {
        List<Tensor> g = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            if (summed[i]) {
                g.add(params.get(i).grad());
            }
        }
        return g.isEmpty() ? null : TensorGroup.of(g);
    }

    /**
     * The session model's leaves whose parameter gradients a split step computes over the whole batch: each a {@link
     * WholeBatchGradients} with parameters, as the same leaf of every copy is.
     */
    private static List<WholeBatchGradients> wholeBatchLeaves(Layer model, List<ModelCopy> copies) {
        List<WholeBatchGradients> out = new ArrayList<>();
        if ("false".equals(System.getProperty("gradlab.shards.whole"))) {
            return out;
        }
        List<Layer> own = new ArrayList<>();
        collectLeaves(model, own);
        List<List<Layer>> theirs = new ArrayList<>();
        for (ModelCopy c : copies) {
            List<Layer> l = new ArrayList<>();
            collectLeaves(c.model(), l);
            if (l.size() != own.size()) {
                return out;
            }
            theirs.add(l);
        }
        for (int i = 0; i < own.size(); i++) {
            boolean all = own.get(i) instanceof WholeBatchGradients && !own.get(i).parameters().isEmpty();
            for (List<Layer> l : theirs) {
                all &= l.get(i) instanceof WholeBatchGradients;
            }
            if (all) {
                out.add((WholeBatchGradients) own.get(i));
            }
        }
        return out;
    }

    /**
     * Shares leaves of the given {@code work} out over {@code first.length - 1} parts: part {@code p} gets leaves
     * {@code [first[p], first[p + 1])}, contiguous runs, each leaf in the part its work's middle falls in (so the parts
     * follow the order of the parameters, as the update's parts do, and each thread updates mostly what it computed).
     */
    static void shareOut(long[] work, int[] first) {
        int parts = first.length - 1;
        long total = 0;
        for (long w : work) {
            total += w;
        }
        long before = 0;
        int part = 0;
        first[0] = 0;
        for (int k = 0; k < work.length; k++) {
            long middle = 2 * before + work[k]; // twice the middle, against twice the bounds
            while (part < parts - 1 && middle >= 2 * total * (part + 1) / parts) {
                first[++part] = k;
            }
            before += work[k];
        }
        while (part < parts) {
            first[++part] = work.length;
        }
    }

    /** Makes each copy's whole-batch leaves hand their input and output gradient to this step. */
    private void installSinks(List<ModelCopy> copies) {
        if (wholeLayers.length == 0) {
            return;
        }
        for (int t = 0; t < shards; t++) {
            List<Layer> leaves = new ArrayList<>();
            collectLeaves(copies.get(t).model(), leaves);
            List<Layer> own = new ArrayList<>();
            collectLeaves(master, own);
            int k = 0;
            for (int i = 0; i < own.size() && k < wholeLayers.length; i++) {
                if (own.get(i) == wholeLayers[k]) {
                    int copy = t;
                    int layer = k;
                    ((WholeBatchGradients) leaves.get(i)).deferParameterGradients((in, g) -> take(layer, copy, in, g));
                    k++;
                }
            }
        }
    }

    /**
     * Copy {@code t}'s backward pass of whole-batch leaf {@code k}: in a split pass whose rows are computed whole, its
     * input kept and its output gradient put in its rows (true); otherwise false (the copy adds its gradients).
     */
    private boolean take(int k, int t, Tensor input, Tensor gradOutput) {
        if (!deferring) {
            return false;
        }
        wholeInputs[k][t] = input;
        wholeGradRows[k][t].copyFrom(gradOutput);
        return true;
    }

    /** Part {@code p} of the whole-batch gradients: its leaves' parameter gradients from all rows, on this thread. */
    private void wholeGradients(int p) {
        for (int k = wholeFirst[p]; k < wholeFirst[p + 1]; k++) {
            Tensor[] parts = joinParts[p];
            System.arraycopy(wholeInputs[k], 0, parts, 0, shards);
            long begin = System.nanoTime();
            Tensor input = join(parts, wholeInputBuffers[k]);
            wholeLayers[k].setParameterGradients(input, wholeGrads[k]);
            wholeNanos[k] += System.nanoTime() - begin;
        }
    }

    /** The largest batch whose split steps compute the whole-batch leaves' gradients over all its rows. */
    int wholeRows() {
        return wholeRows;
    }

    /** Sets {@link #wholeRows()} (for tests: 0 sums every gradient from the copies'). */
    void wholeRows(int rows) {
        this.wholeRows = rows;
    }

    /** Fixes where each part of the whole-batch gradients starts (until the next balancing), for tests. */
    void wholeParts(int... first) {
        if (first.length != wholeFirst.length) {
            throw new IllegalArgumentException("need " + wholeFirst.length + " bounds, got " + first.length);
        }
        System.arraycopy(first, 0, wholeFirst, 0, first.length);
    }

    /** Every {@link #BALANCE_STEPS} split steps, shares the whole-batch leaves out again by the time they took. */
    private void balance() {
        if (++wholeSteps % BALANCE_STEPS != 0) {
            return;
        }
        System.arraycopy(wholeNanos, 0, wholeWork, 0, wholeWork.length);
        Arrays.fill(wholeNanos, 0);
        shareOut(wholeWork, wholeFirst);
    }

    /**
     * The split step for {@code model}, or null where it does not apply: one kernel thread, rows that are not
     * independent, no way to build copies, or copies whose parameters do not match the model's.
     *
     * @param copies builds and returns one more copy of the model, built as the model was, and of the loss (null: none can be)
     */
    static ShardedStep create(Layer model, Supplier<ModelCopy> copies, Ops ops, DType dtype) {
        if (copies == null || ops.threads() < 2 || !model.independentRows() || "false".equals(System.getProperty("gradlab.shards"))) {
            return null;
        }
        List<Parameter> own = new ArrayList<>();
        collectParameters(model, own);
        List<ModelCopy> built = new ArrayList<>();
        for (int t = 0; t < ops.threads(); t++) {
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
        return new ShardedStep(model, built, ops, dtype);
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
     * Sets the copies' weights to the model's, runs the forward pass, the loss and the backward pass of {@code x}
     * against {@code y} range by range, and leaves the sum of the ranges' parameter gradients in the session model's;
     * returns the batch's mean loss. {@link #correct()} then gives the number of rows classified right.
     */
    double forwardBackward(Tensor x, Tensor y, int classes) {
        this.rows = x.rows();
        this.classes = classes;
        for (int t = 0; t < shards; t++) {
            xt[t] = xs.get(x, t, start(t), start(t + 1), shards);
            yt[t] = ys.get(y, t, start(t), start(t + 1), shards);
        }
        boolean whole = rows <= wholeRows;
        for (int k = 0; k < wholeLayers.length && whole; k++) {
            wholeGrads[k] = wholeGradBuffers[k].get(dtype, rows, wholeLayers[k].outputWidth());
            for (int t = 0; t < shards; t++) {
                wholeGradRows[k][t] = wholeGradSlices[k].get(wholeGrads[k], t, start(t), start(t + 1), shards);
            }
        }
        tune(System.nanoTime());
        if (handingOver) {
            ops.parallelFor(shards, pushTask);
        }
        batch = x;
        splitting = true;
        deferring = whole;
        try {
            ops.parallelFor(shards, shardTask);
            if (whole) {
                ops.parallelFor(shards, wholeTask);
                balance();
            }
        } finally {
            splitting = false;
            deferring = false;
        }
        TensorGroup[] summed = whole ? restGroups : sumGroups;
        if (summed != null) {
            ops.mapEach(sum, null, summed); // the copies' gradients zeroed in the same pass
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
        interrupted = true;
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

    /**
     * Part {@code t} of the weights' hand-over: the model's weights of element range {@code t} (which the kernels'
     * part {@code t}, on this thread, last wrote) into copy {@code t} and into every other copy's hand-over buffer.
     */
    private void push(int t) {
        long from = elementStart(t);
        long to = elementStart(t + 1);
        copyRange(values, pushTargets[t], from, to, false);
        for (int o = 0; o < shards; o++) {
            if (o != t) {
                copyRange(values, handOver[o], from, to, false);
            }
        }
    }

    /**
     * Chooses, at the start of each split step, whether the copies get the weights handed over: as {@code
     * -Dgradlab.shards.handover=true|false} fixes it, or else as the {@link ModeTuner} finds faster, timing the split
     * steps themselves (a step's time: from one split step's start to the next's, all the step's work). Either mode
     * gives the same bits, so the choice changes only the speed.
     */
    private void tune(long now) {
        if ("true".equals(handOverSetting) || "false".equals(handOverSetting)) {
            handOver(Boolean.parseBoolean(handOverSetting));
        } else {
            int changes = tuner.changes();
            boolean trial = tuner.inTrial();
            handOver(tuner.step(now, interrupted));
            if (trial && !tuner.inTrial() && (tuner.changes() != changes || tuner.trials() == 1)) {
                LOG.debug("split step: the copies {} (a trial of both, {} split steps in)",
                        tuner.chosen() ? "get the weights handed over" : "read the model's weights", splitSteps);
            }
        }
        interrupted = false;
        splitSteps++;
    }

    private final ModeTuner tuner = new ModeTuner(true);

    /**
     * Makes the copies compute with weights of their own, handed over at each split step ({@code true}), or with the
     * model's value tensors ({@code false}).
     */
    void handOver(boolean own) {
        if (own == handingOver) {
            return;
        }
        if (ownValues == null) {
            ownValues = new Parameter[shards][masterParams.length];
            for (int t = 0; t < shards; t++) {
                for (int i = 0; i < masterParams.length; i++) {
                    ownValues[t][i] = new Parameter(masterParams[i].name(), masterParams[i].role(), copyValues[t][i]);
                }
            }
        }
        for (int t = 0; t < shards; t++) {
            for (int i = 0; i < masterParams.length; i++) {
                copyParams[t][i].shareValueOf(own && pushTargets[t][i] != null ? ownValues[t][i] : masterParams[i]);
            }
        }
        handingOver = own;
    }

    /** Fixes the choice of {@link #handOver} ({@code "true"}, {@code "false"}) or leaves it to {@link #tune} ({@code "auto"}). */
    void handOverSetting(String setting) {
        this.handOverSetting = setting;
    }

    /** Whether the copies compute with weights of their own ({@link #handOver}). */
    boolean handingOver() {
        return handingOver;
    }

    /** The first element of part {@code t} among all parameters' elements ({@code t = shards}: their total). */
    private long elementStart(int t) {
        return starts[starts.length - 1] * t / shards;
    }

    /**
     * Copies elements {@code [from, to)} (counted over all parameters in order) of {@code src} to {@code dst} (not
     * to its null entries); {@code consume}: then zeroes them in {@code src}.
     */
    private void copyRange(Tensor[] src, Tensor[] dst, long from, long to, boolean consume) {
        for (int i = 0; i < src.length; i++) {
            long lo = Math.max(from, starts[i]);
            long hi = Math.min(to, starts[i + 1]);
            if (lo >= hi || dst[i] == null) {
                continue;
            }
            int at = (int) (lo - starts[i]);
            int len = (int) (hi - lo);
            Tensor s = src[i];
            Tensor d = dst[i];
            if (s.dtype() == DType.F32) {
                System.arraycopy(s.floats(), s.offset() + at, d.floats(), d.offset() + at, len);
                if (consume) {
                    Arrays.fill(s.floats(), s.offset() + at, s.offset() + at + len, 0f);
                }
            } else {
                System.arraycopy(s.doubles(), s.offset() + at, d.doubles(), d.offset() + at, len);
                if (consume) {
                    Arrays.fill(s.doubles(), s.offset() + at, s.offset() + at + len, 0d);
                }
            }
        }
    }

    private void runShard(int t) {
        for (int o = 0; o < shards && handingOver; o++) {
            if (o != t) { // the other parts' weights, from this copy's hand-over buffer (zeroed: see the class comment)
                copyRange(handOver[t], copyValues[t], elementStart(o), elementStart(o + 1), true);
            }
        }
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
     * leaves, which is each copy's order too): each shows the whole batch's input and output of a split pass, and the
     * model's own of a whole pass. Places the outputs of the copies' leaves ({@link Placement}), and adds a hook to
     * every copy's weighted layers for {@link #signalSquares}.
     */
    List<LayerView> views(List<LayerView> leaves) {
        List<Layer> own = new ArrayList<>();
        collectLeaves(master, own);
        if (own.size() != leaves.size()) {
            throw new IllegalStateException("the model has " + own.size() + " layers, its view " + leaves.size());
        }
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
            Gathered g = new Gathered(own.get(i), copies);
            gathered.add(g);
            out.add(new LayerView(v.name(), g, v.weight(), v.activation()));
            if (v.weight() != null) {
                for (int t = 0; t < shards; t++) {
                    Signal s = new Signal();
                    copies[t].addHook(s);
                    hooks.get(t).add(s);
                }
            }
        }
        for (int t = 0; t < shards; t++) {
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

    /** Whether the model's last pass was split here: the copies' hooks, not the model's, saw its gradients. */
    boolean lastPassSplit() {
        return lastPassSplit;
    }

    /**
     * The sum of the squared norms of the gradient that weighted layer {@code index}'s output received in the
     * copies during the last split pass; 0 after a whole pass (the session model's own hook has it all).
     */
    double signalSquares(int index) {
        if (!lastPassSplit) {
            return 0;
        }
        double sum = 0;
        for (int t = 0; t < shards; t++) {
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

    /**
     * The ranges {@code parts} (in copy order) as one tensor: the buffer they are the rows of where the copies wrote
     * them into one (the batch, a placed leaf's output), else copied into a buffer of {@code cache}. Clears {@code parts}.
     */
    private Tensor join(Tensor[] parts, BufferCache cache) {
        int total = 0;
        for (Tensor part : parts) {
            total += part.rows();
        }
        Tensor whole = rowsOf(parts, total);
        if (whole == null) {
            whole = cache.get(parts[0].dtype(), total, parts[0].cols());
            int at = 0;
            for (Tensor part : parts) {
                if (whole.dtype() == DType.F32) {
                    System.arraycopy(part.floats(), part.offset(), whole.floats(), at, part.size());
                } else {
                    System.arraycopy(part.doubles(), part.offset(), whole.doubles(), at, part.size());
                }
                at += part.size();
            }
        }
        Arrays.fill(parts, null);
        return whole;
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
     * A leaf of the session model as diagnostics see it: after a split pass its input and output are the whole
     * batch's, the buffer the ranges' rows were written into, or else those rows gathered into one buffer when a
     * diagnostic first asks (nothing is copied otherwise); after a whole pass, the model's leaf's own.
     */
    private final class Gathered implements Layer {
        private final Layer own;
        private final Layer[] copies;
        private final Tensor[] parts;
        private final BufferCache inputs = new BufferCache();
        private final BufferCache outputs = new BufferCache();
        private Tensor input;
        private Tensor output;
        private boolean inputFresh;
        private boolean outputFresh;

        Gathered(Layer own, Layer[] copies) {
            this.own = own;
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
                return own.lastInput();
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
                return own.lastOutput();
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
            for (int t = 0; t < copies.length; t++) {
                parts[t] = in ? copies[t].lastInput() : copies[t].lastOutput();
            }
            return join(parts, cache);
        }

        @Override
        public String name() {
            return own.name();
        }

        @Override
        public String type() {
            return own.type();
        }

        @Override
        public int build(int inputWidth, BuildContext ctx) {
            return own.build(inputWidth, ctx);
        }

        @Override
        public int[] sampleShape() {
            return own.sampleShape();
        }

        @Override
        public Tensor forward(Tensor input, Mode mode) {
            return own.forward(input, mode);
        }

        @Override
        public Tensor backward(Tensor gradOutput) {
            return own.backward(gradOutput);
        }

        @Override
        public List<Parameter> parameters() {
            return own.parameters();
        }

        @Override
        public List<Tensor> buffers() {
            return own.buffers();
        }

        @Override
        public boolean exactGradient() {
            return own.exactGradient();
        }

        @Override
        public boolean independentRows() {
            return own.independentRows();
        }

        @Override
        public boolean addHook(LayerHook hook) {
            return own.addHook(hook);
        }

        @Override
        public void removeHook(LayerHook hook) {
            own.removeHook(hook);
        }

        @Override
        public String toString() {
            return own.toString();
        }
    }
}
