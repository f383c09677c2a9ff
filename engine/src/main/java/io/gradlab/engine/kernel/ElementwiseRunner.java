package io.gradlab.engine.kernel;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import io.gradlab.engine.kernel.ProgramCompiler.Compiled;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs compiled elementwise programs and reductions over blocks of {@value #BLOCK} elements, the
 * blocks split in contiguous ranges over the kernel threads. The blocks depend only on the shapes,
 * never on the thread count, and every partial result is combined in block order, so the bits of a
 * result do not depend on the thread count either.
 *
 * <p>A call runs over a space {@code [R, C]}. Without broadcast arguments and for whole sums the
 * blocks are flat runs of the elements; otherwise a block is a run of whole rows (when {@code C} is at
 * most a block) or a piece of one row. Arguments read element by element are used in place; a
 * broadcast row is tiled into a register once per part, a broadcast column once per block.
 */
final class ElementwiseRunner {
    static final int BLOCK = 1024;

    private static final byte FULL = 0;
    private static final byte ROW = 1;
    private static final byte COLUMN = 2;
    private static final byte SCALAR = 3;

    private static final int MAP = 0;
    private static final int COLUMN_SUMS = 1;
    private static final int ROW_SUMS = 2;
    private static final int SUM = 3;
    /** Column sums of wide rows: each part adds whole column segments down all the rows, straight into the output. */
    private static final int COLUMN_ACC = 4;

    private final WorkerGang gang;
    private final BlockEval floatEval;
    private final ConcurrentHashMap<Object, Program> programs = new ConcurrentHashMap<>();
    private final ThreadLocal<Call> calls = ThreadLocal.withInitial(Call::new);
    /** The calls of one several-expression reduction, per thread (grown to the most expressions seen). */
    private final ThreadLocal<Call[]> multiCalls = ThreadLocal.withInitial(() -> new Call[0]);
    /** Blocks of one expression before the next expression of a several-expression reduction reads them (about 256 KB per argument in float32: the core's cache). */
    private static final int MULTI_CHUNK = 64;
    private final SplitTask split = new SplitTask();

    ElementwiseRunner(WorkerGang gang, BlockEval floatEval) {
        this.gang = gang;
        this.floatEval = floatEval;
    }

    String evalName() {
        return floatEval.name();
    }

    // ---- the calls ----

    void map(Elementwise program, double[] scalars, Tensor[] args) {
        Program p = program(program);
        Call call = prepare(p, scalars, args, target(program, args), MAP);
        run(call);
        call.clear();
    }

    void columnSums(Expr e, double beta, Tensor out, double[] scalars, Tensor[] args) {
        Call call = prepareColumnSums(calls.get(), program(e), beta, out, scalars, args);
        run(call);
        finishColumnSums(call, beta, out);
        call.clear();
    }

    /**
     * The column sums of several expressions over the same arguments in one pass: each expression's sums are
     * those of {@link #columnSums(Expr, double, Tensor, double[], Tensor[])} to the bit, as {@link
     * #rowSums(Expr[], double, Tensor[], double[], Tensor[])} does for row sums. The outputs must be distinct and
     * none of them an argument.
     */
    void columnSums(Expr[] es, double beta, Tensor[] outs, double[] scalars, Tensor[] args) {
        severalSums(COLUMN_SUMS, es, beta, outs, scalars, args);
    }

    private Call prepareColumnSums(Call into, Program p, double beta, Tensor out, double[] scalars, Tensor[] args) {
        Call call = prepare(into, p, scalars, args, first(args), COLUMN_SUMS);
        if (out.size() != call.cols || out.dtype() != call.dtype) {
            throw new IllegalArgumentException("column sums of " + call.rows + " x " + call.cols + " go into " + call.cols
                    + " elements of " + call.dtype + ", not " + out.dtype() + Arrays.toString(out.shape()));
        }
        if (call.cols > BLOCK) {
            // wide rows (an image layer's outputs): the parts own column segments, so nothing is added up serially
            // afterwards; each element still gets beta * out, then row 0, row 1, ... in order: the same bits as partial rows
            call.eval.scale(array(out), out.offset(), out.size(), beta);
            call.kind = COLUMN_ACC;
            call.out = array(out);
            call.outOffset = out.offset();
            return call;
        }
        int need = call.blocks * call.cols; // one partial row per block of whole rows
        if (call.dtype == DType.F32) {
            call.floatPartials = call.floatPartials.length >= need ? call.floatPartials : new float[Math.max(need, 2 * call.floatPartials.length)];
            call.partials = call.floatPartials;
        } else {
            call.doublePartials = call.doublePartials.length >= need ? call.doublePartials : new double[Math.max(need, 2 * call.doublePartials.length)];
            call.partials = call.doublePartials;
        }
        call.eval.fill(call.partials, 0, need, 0);
        return call;
    }

    /** {@code out = beta * out +} the partial rows added in block order (the same bits for any thread count); wide sums are in {@code out} already. */
    private static void finishColumnSums(Call call, double beta, Tensor out) {
        if (call.kind == COLUMN_ACC) {
            return;
        }
        call.eval.scale(array(out), out.offset(), out.size(), beta);
        call.eval.addRows(call.partials, 0, call.blocks, call.cols, array(out), out.offset());
    }

    void rowSums(Expr e, double beta, Tensor out, double[] scalars, Tensor[] args) {
        Program p = program(e);
        Call call = prepareRowSums(calls.get(), p, out, scalars, args);
        run(call);
        addRowSums(call, beta, out);
        call.clear();
    }

    /**
     * The row sums of several expressions over the same arguments in one pass: each expression's sums are
     * those of {@link #rowSums(Expr, double, Tensor, double[], Tensor[])} to the bit (the same blocks, added
     * in the same order), but a stretch of the arguments is read from memory once and from the cache by the
     * other expressions.
     */
    void rowSums(Expr[] es, double beta, Tensor[] outs, double[] scalars, Tensor[] args) {
        severalSums(ROW_SUMS, es, beta, outs, scalars, args);
    }

    /** Column sums ({@code COLUMN_SUMS}) or row sums ({@code ROW_SUMS}) of several expressions over the same arguments, together. */
    private void severalSums(int kind, Expr[] es, double beta, Tensor[] outs, double[] scalars, Tensor[] args) {
        if (es.length != outs.length) {
            throw new IllegalArgumentException(es.length + " expressions need as many outputs, got " + outs.length);
        }
        if (es.length == 0) {
            return;
        }
        Call[] cs = multiCalls(es.length);
        for (int i = 0; i < es.length; i++) {
            if (kind == ROW_SUMS) {
                prepareRowSums(cs[i], program(es[i]), outs[i], scalars, args);
            } else {
                prepareColumnSums(cs[i], program(es[i]), beta, outs[i], scalars, args);
            }
        }
        runMulti(cs, es.length);
        for (int i = 0; i < es.length; i++) {
            if (kind == ROW_SUMS) {
                addRowSums(cs[i], beta, outs[i]);
            } else {
                finishColumnSums(cs[i], beta, outs[i]);
            }
            cs[i].clear();
        }
    }

    private Call prepareRowSums(Call into, Program p, Tensor out, double[] scalars, Tensor[] args) {
        Call call = prepare(into, p, scalars, args, first(args), ROW_SUMS);
        if (out.size() != call.rows || out.dtype() != call.dtype) {
            throw new IllegalArgumentException("row sums of " + call.rows + " x " + call.cols + " go into " + call.rows
                    + " elements of " + call.dtype + ", not " + out.dtype() + Arrays.toString(out.shape()));
        }
        call.sums = grow(call.sums, call.rows * call.segments());
        return call;
    }

    /** This thread's calls of a several-expression reduction, at least {@code n} of them. */
    private Call[] multiCalls(int n) {
        Call[] cs = multiCalls.get();
        if (cs.length < n) {
            Call[] grown = Arrays.copyOf(cs, n);
            for (int i = cs.length; i < grown.length; i++) {
                grown[i] = new Call();
            }
            multiCalls.set(grown);
            cs = grown;
        }
        return cs;
    }

    /** Runs the first {@code count} calls (prepared over the same arguments, so with the same blocks) together, split over the threads. */
    private void runMulti(Call[] cs, int count) {
        Call first = cs[0];
        int parts = gang.parts();
        if (parts == 1 || first.total < BlasOps.PARALLEL_MIN_ELEMENTS || first.blocks < 2 || gang.inTask()) {
            runChunked(cs, count, 0, first.blocks);
            return;
        }
        synchronized (gang) {
            split.calls = cs;
            split.count = count;
            split.parts = Math.min(parts, first.kind == COLUMN_ACC ? first.segments() : first.blocks);
            try {
                gang.run(split, split.parts);
            } finally {
                split.calls = null;
            }
        }
    }

    /** Blocks {@code [from, to)} of each call in turn, a chunk at a time: the later calls read what the first one brought into the cache. */
    private void runChunked(Call[] cs, int count, int from, int to) {
        if (count == 1) { // nothing to share the cache with: one range, one setup of the registers
            runBlocks(cs[0], from, to);
            return;
        }
        for (int b = from; b < to; b += MULTI_CHUNK) {
            int end = Math.min(to, b + MULTI_CHUNK);
            for (int i = 0; i < count; i++) {
                runBlocks(cs[i], b, end);
            }
        }
    }

    /** {@code out = beta * out + } the row sums of the call's blocks, added per row in block order. */
    private static void addRowSums(Call call, double beta, Tensor out) {
        int segments = call.segments();
        Object o = array(out);
        int off = out.offset();
        for (int r = 0; r < call.rows; r++) {
            double s = 0;
            for (int g = 0; g < segments; g++) {
                s += call.sums[r * segments + g];
            }
            double old = beta == 0 ? 0 : beta * get(o, off + r);
            set(o, off + r, old + s);
        }
    }

    double sum(Expr e, double[] scalars, Tensor[] args) {
        Program p = program(e);
        Call call = prepare(p, scalars, args, first(args), SUM);
        call.sums = grow(call.sums, call.blocks);
        run(call);
        double s = 0;
        for (int b = 0; b < call.blocks; b++) {
            s += call.sums[b];
        }
        call.clear();
        return s;
    }

    void mapEach(Elementwise program, double[] scalars, TensorGroup[] groups) {
        Program p = program(program);
        Call call = prepareGroups(p, scalars, groups, MAP);
        if (call != null) {
            run(call);
            call.clear();
        }
    }

    void sumEach(Expr e, double[] out, double[] scalars, TensorGroup[] groups) {
        Program p = program(e);
        Call call = prepareGroups(p, scalars, groups, SUM);
        int tensors = groups[0].size();
        if (out.length < tensors) {
            throw new IllegalArgumentException("out has " + out.length + " places for " + tensors + " tensors");
        }
        if (call == null) {
            Arrays.fill(out, 0, tensors, 0);
            return;
        }
        call.sums = grow(call.sums, call.blocks);
        run(call);
        for (int t = 0; t < tensors; t++) {
            double s = 0;
            for (int b = call.tensorBlocks[t]; b < call.tensorBlocks[t + 1]; b++) {
                s += call.sums[b];
            }
            out[t] = s;
        }
        call.clear();
    }

    // ---- preparing a call ----

    /** Whether the compiled loop of {@code key} (an {@link Elementwise} or {@link Expr}) with these broadcast arguments is warm (tests). */
    boolean broadcastReady(Object key, int broadcast) {
        return program(key).broadcastKernel(broadcast) != null;
    }

    /**
     * Makes the program's loop for the arguments of {@code broadcast} run now, warm or not (for tests of its bits, as
     * {@link #runAccumulatingNow}); whether it has one.
     */
    boolean runBroadcastNow(Object key, int broadcast) {
        Program p = program(key);
        p.broadcastKernel(broadcast);
        if (p.byBroadcast != null && p.byBroadcast[broadcast] instanceof VectorProgramGenerator.Warming w) {
            w.runNow();
        }
        return broadcastReady(key, broadcast);
    }

    /** Makes the program's loop run now, warm or not (for tests of its bits, as {@link #runAccumulatingNow}); whether it has one. */
    boolean runNow(Object key) {
        FusedKernel k = program(key).fused();
        if (k instanceof VectorProgramGenerator.Warming w) {
            w.runNow();
        }
        return k != null && k.ready();
    }

    /** Whether the expression's wide column sums run through its warm accumulating loop (for tests). */
    boolean accumulatingReady(Expr e) {
        return program(e).accumulatingKernel() != null;
    }

    /**
     * Makes the expression's accumulating loop run now, warm or not (for tests of its bits: they do not depend on the
     * JIT tier, and waiting for C2 in a JVM that runs many tests can take longer than any timeout); whether it has one.
     */
    boolean runAccumulatingNow(Expr e) {
        Program p = program(e);
        p.accumulatingKernel();
        if (p.accumulating instanceof VectorProgramGenerator.Warming w) {
            w.runNow();
        }
        return accumulatingReady(e);
    }

    private Program program(Object key) {
        Program p = programs.get(key);
        if (p == null) {
            Compiled c = key instanceof Elementwise e ? ProgramCompiler.compile(e) : ProgramCompiler.compile((Expr) key);
            p = programs.computeIfAbsent(key, k -> new Program(c, floatEval));
        }
        return p;
    }

    private static Tensor target(Elementwise program, Tensor[] args) {
        int t = program.firstTarget();
        if (t >= args.length) {
            throw new IllegalArgumentException("the program " + program + " needs " + program.arity() + " tensors, got " + args.length);
        }
        return args[t];
    }

    private static Tensor first(Tensor[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a reduction needs at least one tensor argument");
        }
        return args[0];
    }

    private Call prepare(Program p, double[] scalars, Tensor[] args, Tensor space, int kind) {
        return prepare(calls.get(), p, scalars, args, space, kind);
    }

    private Call prepare(Call call, Program p, double[] scalars, Tensor[] args, Tensor space, int kind) {
        Compiled c = p.compiled;
        if (args.length < c.args()) {
            throw new IllegalArgumentException("the expression needs " + c.args() + " tensors, got " + args.length);
        }
        checkScalars(c, scalars);
        call.reset(p, kind, scalars);
        DType dtype = space.dtype();
        call.dtype = dtype;
        call.eval = dtype == DType.F32 ? floatEval : DoubleEval.INSTANCE;
        call.rows = space.rank() == 1 ? 1 : space.rows();
        call.cols = space.rank() == 1 ? space.size() : space.cols();
        int n = c.args();
        call.ensureArgs(n);
        boolean broadcast = false;
        for (int i = 0; i < n; i++) {
            Tensor t = args[i];
            if (t.dtype() != dtype) {
                throw new IllegalArgumentException("tensor " + i + " is " + t.dtype() + " but the call runs over " + dtype);
            }
            byte k = kind(t, call.rows, call.cols, i);
            if (k != FULL && c.written()[i]) {
                throw new IllegalArgumentException("tensor " + i + " of shape " + Arrays.toString(t.shape())
                        + " is written by the program, so it needs the shape of the space [" + call.rows + ", " + call.cols + "]");
            }
            broadcast |= k != FULL;
            call.kinds[i] = k;
            call.arrays[i] = array(t);
            call.offsets[i] = t.offset();
        }
        call.rowMode = broadcast || kind == COLUMN_SUMS || kind == ROW_SUMS;
        long total = (long) call.rows * call.cols;
        if (call.rowMode) {
            if (call.cols <= BLOCK) {
                call.rowsPerBlock = Math.max(1, BLOCK / Math.max(1, call.cols));
                call.blocks = (call.rows + call.rowsPerBlock - 1) / call.rowsPerBlock;
            } else {
                call.rowsPerBlock = 1;
                call.blocks = call.rows * call.segments();
            }
        } else {
            call.blocks = (int) ((total + BLOCK - 1) / BLOCK);
        }
        call.total = total;
        return call;
    }

    private Call prepareGroups(Program p, double[] scalars, TensorGroup[] groups, int kind) {
        Compiled c = p.compiled;
        if (groups.length < c.args()) {
            throw new IllegalArgumentException("the program needs " + c.args() + " groups, got " + groups.length);
        }
        checkScalars(c, scalars);
        TensorGroup g0 = groups[0];
        for (int i = 1; i < c.args(); i++) {
            if (!groups[i].sameLayout(g0) || groups[i].dtype() != g0.dtype()) {
                throw new IllegalArgumentException("group " + i + " " + groups[i] + " does not match group 0 " + g0);
            }
        }
        if (g0.size() == 0) {
            return null;
        }
        Call call = calls.get();
        call.reset(p, kind, scalars);
        call.dtype = g0.dtype();
        call.eval = call.dtype == DType.F32 ? floatEval : DoubleEval.INSTANCE;
        call.groups = groups;
        call.ensureArgs(c.args());
        int tensors = g0.size();
        if (call.tensorBlocks.length < tensors + 1) {
            call.tensorBlocks = new int[tensors + 1];
        }
        int blocks = 0;
        for (int t = 0; t < tensors; t++) {
            call.tensorBlocks[t] = blocks;
            blocks += (g0.get(t).size() + BLOCK - 1) / BLOCK;
        }
        call.tensorBlocks[tensors] = blocks;
        call.blocks = blocks;
        call.total = g0.total();
        return call;
    }

    private static void checkScalars(Compiled c, double[] scalars) {
        int have = scalars == null ? 0 : scalars.length;
        if (have < c.scalarCount()) {
            throw new IllegalArgumentException("the expression needs " + c.scalarCount() + " scalars, got " + have);
        }
    }

    private static byte kind(Tensor t, int rows, int cols, int index) {
        long space = (long) rows * cols;
        if (t.size() == space) {
            return FULL;
        }
        if (t.size() == 1) {
            return SCALAR;
        }
        if (t.size() == cols && (t.rank() == 1 || t.rows() == 1)) {
            return ROW;
        }
        if (t.size() == rows && t.rank() == 2 && t.cols() == 1) {
            return COLUMN;
        }
        throw new IllegalArgumentException("tensor " + index + " of shape " + Arrays.toString(t.shape())
                + " does not broadcast to [" + rows + ", " + cols + "]: it needs " + space + " elements, a row of " + cols
                + ", a column [" + rows + ", 1] or one element");
    }

    // ---- running ----

    private void run(Call call) {
        runMulti(call.alone, 1);
    }

    /** The contiguous block ranges of several calls over the same blocks (or of one), one range per part. */
    private final class SplitTask implements WorkerGang.Task {
        private Call[] calls;
        private int count;
        private int parts;

        @Override
        public void run(int part) {
            Call first = calls[0];
            if (first.kind == COLUMN_ACC) { // whole column segments, all rows of each
                long segments = first.segments();
                runChunked(calls, count, (int) (segments * part / parts) * first.rows, (int) (segments * (part + 1) / parts) * first.rows);
                return;
            }
            long b = first.blocks;
            runChunked(calls, count, (int) (b * part / parts), (int) (b * (part + 1) / parts));
        }
    }

    private void runBlocks(Call call, int from, int to) {
        if (from >= to) {
            return;
        }
        Program p = call.program;
        Compiled c = p.compiled;
        BlockEval ev = call.eval;
        Registers regs = p.registers(call.dtype, ev);
        Object[] arr = regs.arrays;
        int[] off = regs.offsets;
        // scalars into their registers; constants are there since the registers were made
        int constBase = c.args() + c.temps();
        for (int j = 0; j < c.constScalars().length; j++) {
            int s = c.constScalars()[j];
            if (s >= 0) {
                ev.fill(arr[constBase + j], 0, BLOCK, call.scalars[s]);
            }
        }
        if (call.groups != null) {
            runGroupBlocks(call, regs, from, to);
            return;
        }
        int rows = call.rows;
        int cols = call.cols;
        boolean wholeRows = call.rowMode && cols <= BLOCK;
        if (call.rowMode && ev == p.fusedFor && !(call.kind == SUM && p.squareOfArg >= 0)) {
            int broadcast = 0;
            for (int i = 0; i < c.args(); i++) {
                if (call.kinds[i] == COLUMN || call.kinds[i] == SCALAR) {
                    broadcast |= 1 << i;
                }
            }
            FusedKernel k = broadcast == 0 ? null : p.broadcastKernel(broadcast);
            if (k != null) {
                runRows(call, k, arr, off, from, to);
                return;
            }
        }
        // broadcast rows tiled once (whole-row blocks), scalars filled once
        for (int i = 0; i < c.args(); i++) {
            byte k = call.kinds[i];
            if (k == SCALAR) {
                ev.fill(regs.argRegister(i, ev), 0, BLOCK, get(call.arrays[i], call.offsets[i]));
                arr[i] = regs.argRegister(i, ev);
                off[i] = 0;
            } else if (k == ROW && wholeRows) {
                Object reg = regs.argRegister(i, ev);
                for (int r = 0; r < call.rowsPerBlock; r++) {
                    System.arraycopy(call.arrays[i], call.offsets[i], reg, r * cols, cols);
                }
                arr[i] = reg;
                off[i] = 0;
            }
        }
        int segments = call.segments();
        FusedKernel accumulating = call.kind == COLUMN_ACC && ev == p.fusedFor ? p.accumulatingKernel() : null;
        for (int b = from; b < to; b++) {
            int start;
            int len;
            int r0;
            int blockRows;
            int c0;
            int width;
            if (!call.rowMode) {
                start = b * BLOCK;
                len = (int) Math.min(BLOCK, call.total - start);
                r0 = 0;
                blockRows = 0;
                c0 = 0;
                width = 0;
            } else {
                long g = rowBlock(call, b);
                r0 = (int) (g >>> 32);
                blockRows = (int) (g >>> 16) & 0xFFFF;
                width = (int) g & 0xFFFF;
                c0 = wholeRows ? 0 : (call.kind == COLUMN_ACC ? (b / rows) * BLOCK : (b % segments) * BLOCK);
                start = r0 * cols + c0;
                len = blockRows * width;
            }
            for (int i = 0; i < c.args(); i++) {
                switch (call.kinds[i]) {
                    case FULL -> {
                        arr[i] = call.arrays[i];
                        off[i] = call.offsets[i] + start;
                    }
                    case ROW -> {
                        if (!wholeRows) {
                            arr[i] = call.arrays[i];
                            off[i] = call.offsets[i] + c0;
                        }
                    }
                    case COLUMN -> {
                        Object reg = regs.argRegister(i, ev);
                        for (int r = 0; r < blockRows; r++) {
                            ev.fill(reg, r * width, width, get(call.arrays[i], call.offsets[i] + r0 + r));
                        }
                        arr[i] = reg;
                        off[i] = 0;
                    }
                    default -> { }
                }
            }
            if (call.kind == SUM && p.squareOfArg >= 0) { // a sum of squares in one pass (same bits)
                call.sums[b] = ev.sumOfSquares(arr[p.squareOfArg], off[p.squareOfArg], len);
                continue;
            }
            if (accumulating != null) { // a wide column sum's row segment added into the sums as it is computed (same bits)
                int res = c.result();
                Object register = arr[res];
                arr[res] = call.out;
                off[res] = call.outOffset + c0;
                int done = accumulating.run(arr, off, len);
                arr[res] = register;
                off[res] = 0;
                if (done == len) {
                    continue;
                }
                if (done != 0) {
                    throw new IllegalStateException("an accumulating loop did " + done + " of " + len + " elements");
                }
            }
            execute(p, ev, arr, off, len);
            switch (call.kind) {
                case COLUMN_SUMS -> {
                    int group = wholeRows ? b : r0;
                    ev.addRows(arr[c.result()], off[c.result()], blockRows, width, call.partials, group * cols + c0);
                }
                case ROW_SUMS -> {
                    Object v = arr[c.result()];
                    int vo = off[c.result()];
                    for (int r = 0; r < blockRows; r++) {
                        call.sums[(r0 + r) * segments + (wholeRows ? 0 : b % segments)] = ev.sum(v, vo + r * width, width);
                    }
                }
                case SUM -> call.sums[b] = ev.sum(arr[c.result()], off[c.result()], len);
                case COLUMN_ACC -> ev.addRows(arr[c.result()], off[c.result()], 1, width, call.out, call.outOffset + c0);
                default -> { }
            }
        }
    }

    /**
     * Where block {@code b} of a row-mode call lies: its first row (bits 32 and up), its number of rows (bits 16 to
     * 31) and its width (bits 0 to 15; both at most {@link #BLOCK}). Whole rows: {@code rowsPerBlock} rows at a time. Wider rows: one segment of
     * {@link #BLOCK} columns of one row, row by row, or for {@link #COLUMN_ACC} segment by segment (all rows of a
     * segment, so that the parts own segments).
     */
    private static long rowBlock(Call call, int b) {
        int rows = call.rows;
        int cols = call.cols;
        int r0;
        int blockRows = 1;
        int width;
        if (cols <= BLOCK) {
            r0 = b * call.rowsPerBlock;
            blockRows = Math.min(call.rowsPerBlock, rows - r0);
            width = cols;
        } else if (call.kind == COLUMN_ACC) {
            r0 = b % rows;
            width = Math.min(BLOCK, cols - (b / rows) * BLOCK);
        } else {
            int segments = call.segments();
            r0 = b / segments;
            width = Math.min(BLOCK, cols - (b % segments) * BLOCK);
        }
        return (long) r0 << 32 | (long) blockRows << 16 | width;
    }

    /**
     * {@link #runBlocks} for a call with column or scalar arguments, through a kernel that reads them once per
     * row ({@link Program#broadcastKernel}): no register is filled with a column's value or tiled with a row. The
     * same blocks, and the same sums of each block's results in the same order, so the same bits.
     */
    private void runRows(Call call, FusedKernel k, Object[] arr, int[] off, int from, int to) {
        Compiled c = call.program.compiled;
        BlockEval ev = call.eval;
        int rows = call.rows;
        int cols = call.cols;
        boolean wholeRows = cols <= BLOCK;
        int segments = call.segments();
        int res = c.result();
        for (int b = from; b < to; b++) {
            long g = rowBlock(call, b);
            int r0 = (int) (g >>> 32);
            int blockRows = (int) (g >>> 16) & 0xFFFF;
            int width = (int) g & 0xFFFF;
            int c0 = wholeRows ? 0 : (call.kind == COLUMN_ACC ? (b / rows) * BLOCK : (b % segments) * BLOCK);
            for (int r = 0; r < blockRows; r++) {
                int row = r0 + r;
                for (int i = 0; i < c.args(); i++) {
                    arr[i] = call.arrays[i];
                    off[i] = call.offsets[i] + switch (call.kinds[i]) {
                        case FULL -> row * cols + c0;
                        case ROW -> c0;
                        case COLUMN -> row;
                        default -> 0;
                    };
                }
                if (res >= c.args()) {
                    off[res] = r * width; // the block's results row after row, as the instruction-by-instruction path leaves them
                }
                k.run(arr, off, width);
            }
            if (res >= c.args()) {
                off[res] = 0;
            }
            switch (call.kind) {
                case COLUMN_SUMS -> ev.addRows(arr[res], 0, blockRows, width, call.partials, (wholeRows ? b : r0) * cols + c0);
                case ROW_SUMS -> {
                    for (int r = 0; r < blockRows; r++) {
                        call.sums[(r0 + r) * segments + (wholeRows ? 0 : b % segments)] = ev.sum(arr[res], r * width, width);
                    }
                }
                case SUM -> call.sums[b] = ev.sum(arr[res], 0, blockRows * width);
                case COLUMN_ACC -> ev.addRows(arr[res], 0, 1, width, call.out, call.outOffset + c0);
                default -> { }
            }
        }
    }

    private void runGroupBlocks(Call call, Registers regs, int from, int to) {
        Compiled c = call.program.compiled;
        BlockEval ev = call.eval;
        Object[] arr = regs.arrays;
        int[] off = regs.offsets;
        int t = 0;
        while (call.tensorBlocks[t + 1] <= from) {
            t++;
        }
        // a map whose loop is warm takes each tensor's blocks of the range in one call (the same bits: block bounds are
        // whole vectors); a sum keeps its blocks, whose partial sums fix the order of the addition
        FusedKernel whole = call.kind == SUM || ev != call.program.fusedFor ? null : call.program.fused();
        boolean together = whole != null && whole.ready();
        for (int b = from; b < to; b++) {
            while (call.tensorBlocks[t + 1] <= b) {
                t++;
            }
            int local = (b - call.tensorBlocks[t]) * BLOCK;
            int blocks = 1;
            if (together) {
                blocks = Math.min(to, call.tensorBlocks[t + 1]) - b;
            }
            int len = Math.min(blocks * BLOCK, call.groups[0].get(t).size() - local);
            b += blocks - 1;
            for (int i = 0; i < c.args(); i++) {
                Tensor x = call.groups[i].get(t);
                arr[i] = array(x);
                off[i] = x.offset() + local;
            }
            if (call.kind == SUM && call.program.squareOfArg >= 0) {
                call.sums[b] = ev.sumOfSquares(arr[call.program.squareOfArg], off[call.program.squareOfArg], len);
                continue;
            }
            execute(call.program, ev, arr, off, len);
            if (call.kind == SUM) {
                call.sums[b] = ev.sum(arr[c.result()], off[c.result()], len);
            }
        }
    }

    /**
     * Runs program {@code p} over {@code len} elements of its operands: its whole vectors through its fused
     * loop when it has one and runs on float32, the rest (or all) instruction by instruction.
     */
    private static void execute(Program p, BlockEval ev, Object[] arr, int[] off, int len) {
        Compiled c = p.compiled;
        FusedKernel fused = ev == p.fusedFor ? p.fused() : null;
        if (fused == null) {
            execute(c, ev, arr, off, len);
            return;
        }
        int done = fused.run(arr, off, len);
        if (done < len) {
            int operands = c.operands();
            for (int r = 0; r < operands; r++) {
                off[r] += done;
            }
            execute(c, ev, arr, off, len - done);
            for (int r = 0; r < operands; r++) {
                off[r] -= done;
            }
        }
    }

    static void execute(Compiled c, BlockEval ev, Object[] arr, int[] off, int len) {
        int[] code = c.code();
        for (int i = 0; i < code.length; i += 5) {
            int d = code[i + 1];
            int a = code[i + 2];
            int b = code[i + 3];
            int x = code[i + 4];
            ev.exec(code[i], arr[d], off[d], arr[a], off[a], b < 0 ? null : arr[b], b < 0 ? 0 : off[b], x < 0 ? null : arr[x],
                    x < 0 ? 0 : off[x], len);
        }
    }

    // ---- state ----

    private static Object array(Tensor t) {
        return t.dtype() == DType.F32 ? t.floats() : t.doubles();
    }

    private static double get(Object a, int i) {
        return a instanceof float[] f ? f[i] : ((double[]) a)[i];
    }

    private static void set(Object a, int i, double v) {
        if (a instanceof float[] f) {
            f[i] = (float) v;
        } else {
            ((double[]) a)[i] = v;
        }
    }

    private static double[] grow(double[] a, int n) {
        return a.length >= n ? a : new double[Math.max(n, a.length * 2)];
    }

    /** A compiled program and its registers, one set per thread and element type. */
    private static final class Program {
        final Compiled compiled;
        final ThreadLocal<Registers> floats = new ThreadLocal<>();
        final ThreadLocal<Registers> doubles = new ThreadLocal<>();

        /**
         * The argument whose squares the expression is ({@code arg(i).square()}, one instruction), or -1:
         * its sums run as {@link BlockEval#sumOfSquares}, without storing the squares (norms, every step).
         */
        final int squareOfArg;

        /** The evaluator of float32 programs, which may compile them to loops ({@link BlockEval#fuse}). */
        final BlockEval fusedFor;
        /** The program as one loop over vectors, made when it first runs on float32 (so float64 runs warm none). */
        private volatile FusedKernel fused;
        private volatile boolean fuseTried;
        /** Per set of broadcast arguments (bit r: argument r is one value per row): its kernel, made on first use. */
        private final FusedKernel[] byBroadcast;

        Program(Compiled compiled, BlockEval floatEval) {
            this.compiled = compiled;
            this.fusedFor = floatEval;
            this.byBroadcast = compiled.args() > 8 ? null : new FusedKernel[1 << compiled.args()];
            int[] code = compiled.code();
            boolean square = code.length == 5 && code[0] == io.gradlab.api.tensor.Expr.Op.SQUARE.ordinal()
                    && code[1] == compiled.result() && code[2] < compiled.args();
            this.squareOfArg = square ? code[2] : -1;
        }

        /**
         * The kernel that reads the arguments of {@code broadcast} once per row, when it is warm; else null (a
         * program without a compiled loop, or too many arguments).
         */
        /** The program's loop over vectors (made on first call; the same kernel for the same structure), or null. */
        FusedKernel fused() {
            if (!fuseTried) {
                fused = fusedFor.fuse(compiled);
                fuseTried = true;
            }
            return fused;
        }

        /** The loop that adds the program's result into a wide column sum, when it is warm; else null. */
        FusedKernel accumulatingKernel() {
            if (!accumulateTried) {
                accumulating = fused() == null ? null : fusedFor.fuseAccumulating(compiled);
                accumulateTried = true;
            }
            FusedKernel k = accumulating;
            return k != null && k.ready() ? k : null;
        }

        private volatile FusedKernel accumulating;
        private volatile boolean accumulateTried;

        FusedKernel broadcastKernel(int broadcast) {
            if (byBroadcast == null || fused() == null) {
                return null;
            }
            FusedKernel k = byBroadcast[broadcast];
            if (k == null) {
                k = fusedFor.fuse(compiled, broadcast); // the same kernel for the same structure: a racing thread gets it too
                if (k == null) {
                    return null;
                }
                byBroadcast[broadcast] = k;
            }
            return k.ready() ? k : null;
        }

        Registers registers(DType dtype, BlockEval ev) {
            ThreadLocal<Registers> tl = dtype == DType.F32 ? floats : doubles;
            Registers r = tl.get();
            if (r == null) {
                r = new Registers(compiled, ev);
                tl.set(r);
            }
            return r;
        }
    }

    /** One thread's operand table for one program: temporaries, constants, broadcast registers. */
    private static final class Registers {
        final Object[] arrays;
        final int[] offsets;
        final Object[] argRegisters;

        Registers(Compiled c, BlockEval ev) {
            arrays = new Object[c.operands()];
            offsets = new int[c.operands()];
            argRegisters = new Object[c.args()];
            for (int t = 0; t < c.temps(); t++) {
                arrays[c.args() + t] = ev.newArray(BLOCK);
            }
            for (int j = 0; j < c.constValues().length; j++) {
                Object reg = ev.newArray(BLOCK);
                ev.fill(reg, 0, BLOCK, c.constValues()[j]);
                arrays[c.args() + c.temps() + j] = reg;
            }
        }

        Object argRegister(int i, BlockEval ev) {
            if (argRegisters[i] == null) {
                argRegisters[i] = ev.newArray(BLOCK);
            }
            return argRegisters[i];
        }
    }

    /** One call's description, read by every part; one per calling thread, reused. */
    private static final class Call {
        /** This call alone, for {@link #runMulti}. */
        final Call[] alone = {this};
        Program program;
        int kind;
        double[] scalars;
        DType dtype;
        BlockEval eval;
        int rows;
        int cols;
        long total;
        boolean rowMode;
        int rowsPerBlock;
        int blocks;
        byte[] kinds = new byte[4];
        Object[] arrays = new Object[4];
        int[] offsets = new int[4];
        TensorGroup[] groups;
        int[] tensorBlocks = new int[0];
        Object partials;
        /** The output array of {@link #COLUMN_ACC} sums and its offset. */
        Object out;
        int outOffset;
        float[] floatPartials = new float[0];
        double[] doublePartials = new double[0];
        double[] sums = new double[0];

        void reset(Program p, int kind, double[] scalars) {
            this.program = p;
            this.kind = kind;
            this.scalars = scalars;
            this.groups = null;
            this.rowMode = false;
        }

        void ensureArgs(int n) {
            if (kinds.length < n) {
                kinds = new byte[n];
                arrays = new Object[n];
                offsets = new int[n];
            }
        }

        int segments() {
            return cols <= BLOCK ? 1 : (cols + BLOCK - 1) / BLOCK;
        }

        void clear() {
            Arrays.fill(arrays, null);
            groups = null;
            partials = null;
            out = null;
            scalars = null;
        }
    }
}
