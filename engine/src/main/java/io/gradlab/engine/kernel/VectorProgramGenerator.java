package io.gradlab.engine.kernel;

import io.gradlab.api.tensor.Expr;
import io.gradlab.engine.kernel.ProgramCompiler.Compiled;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Compiles a float32 elementwise program to one loop over vectors (a class generated with ASM and
 * defined as a hidden class next to this one): every instruction of the program is computed for
 * one vector of elements before the next vector is loaded, so intermediate values stay in vector
 * registers instead of going through a temporary array per instruction, as numexpr's virtual
 * machine does and as a fusing compiler does for a chain of pointwise operations.
 *
 * <p>The result is, to the bit, what {@link VectorBlockEval} computes instruction by instruction
 * (apart from the sign and payload of a NaN, which the hardware chooses): each instruction is the
 * same Vector API operation, with the same IEEE rounding (Java never contracts a multiply and an
 * add), arguments are loaded from memory where the program reads them (so a target written by an
 * earlier assignment is read back as the interpreter reads it), and the elements after the last
 * whole vector are computed one by one as the interpreter's loops compute theirs. The instructions
 * compiled are those with a one-operation vector form ({@code + - * / max min neg abs square sqrt},
 * the comparisons and {@code where}) and {@code exp}, the sigmoid and {@code tanh}, whose whole
 * Cephes polynomial is written into the loop, operation for operation as the interpreter's loops
 * compute it; a program with another function ({@code log}, the power, ...), or too long to keep in
 * one compiled method ({@link #fits}), is not compiled and runs on the interpreter. Arguments that are one value
 * per call (a column broadcast over one row, a scalar) can be read once ({@link #fused(Compiled, int)}).
 *
 * <p>A {@code where} one of whose operands costs at least {@link #LAZY_COST} vector operations that nothing else
 * needs (an exponential in one branch, a few multiplications in the other) is computed lazily: a vector whose
 * condition picks the cheap operand in every lane skips the costly one ({@code mask.anyTrue()}, a branch of the loop),
 * which gives the same bits, since {@code where} would have taken the cheap operand's lanes anyway. The instructions
 * after the {@code where} are written into both branches, so that no vector value meets another at a merge of the
 * branches (where C2 may box it).
 */
final class VectorProgramGenerator {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VectorProgramGenerator.class);

    /** Longer programs are left to the interpreter: one compiled method must inline all their vector operations. */
    static final int MAX_INSTRUCTIONS = 40;
    /**
     * At most this many vector operations ({@link #cost}) in one compiled loop: a sigmoid with a few
     * cheap instructions around it fits, two transcendental functions do not (C2 would run out of
     * inlining budget, box the vectors, and the loop would never get warm).
     */
    static final int MAX_COST = 64;
    /** A {@code where} operand that costs at least this many vector operations of its own is computed only where needed. */
    static final int LAZY_COST = 20;

    private static final String FV = Type.getInternalName(FloatVector.class);
    private static final String FV_DESC = Type.getDescriptor(FloatVector.class);
    private static final String SPECIES_DESC = Type.getDescriptor(VectorSpecies.class);
    private static final String SPECIES = Type.getInternalName(VectorSpecies.class);
    private static final String MASK_DESC = Type.getDescriptor(VectorMask.class);
    private static final String MASK = Type.getInternalName(VectorMask.class);
    private static final String VECTOR_DESC = Type.getDescriptor(Vector.class);
    private static final String COMPARISON_DESC = Type.getDescriptor(VectorOperators.Comparison.class);
    private static final String OPERATORS = Type.getInternalName(VectorOperators.class);
    private static final String BINARY_DESC = "(" + VECTOR_DESC + ")" + FV_DESC;
    private static final String UNARY_DESC = "()" + FV_DESC;
    private static final String IV = Type.getInternalName(IntVector.class);
    private static final String BINARY_OP_DESC = Type.getDescriptor(VectorOperators.Binary.class);
    private static final Expr.Op[] OPS = Expr.Op.values();
    private static final Map<String, String> CHECKED = check();

    private VectorProgramGenerator() {}

    /**
     * The descriptors this generator writes, checked against the Vector API of the running JVM once (a
     * method missing or with another shape makes {@link #compile} decline every program).
     */
    private static Map<String, String> check() {
        Map<String, String> m = new HashMap<>();
        try {
            for (String name : new String[] {"add", "sub", "mul", "div", "max", "min"}) {
                m.put(name, descriptor(FloatVector.class.getMethod(name, Vector.class)));
            }
            for (String name : new String[] {"neg", "abs", "sqrt"}) {
                m.put(name, descriptor(FloatVector.class.getMethod(name)));
            }
            m.put("compareVector", descriptor(FloatVector.class.getMethod("compare", VectorOperators.Comparison.class, Vector.class)));
            m.put("compareScalar", descriptor(FloatVector.class.getMethod("compare", VectorOperators.Comparison.class, float.class)));
            m.put("blend", descriptor(FloatVector.class.getMethod("blend", Vector.class, VectorMask.class)));
            m.put("anyTrue", descriptor(VectorMask.class.getMethod("anyTrue")));
            m.put("allTrue", descriptor(VectorMask.class.getMethod("allTrue")));
            m.put("fromArray", descriptor(FloatVector.class.getMethod("fromArray", VectorSpecies.class, float[].class, int.class)));
            m.put("intoArray", descriptor(FloatVector.class.getMethod("intoArray", float[].class, int.class)));
            m.put("broadcast", descriptor(FloatVector.class.getMethod("broadcast", VectorSpecies.class, float.class)));
            m.put("loopBound", descriptor(VectorSpecies.class.getMethod("loopBound", int.class)));
            m.put("length", descriptor(VectorSpecies.class.getMethod("length")));
            m.put("fma", descriptor(FloatVector.class.getMethod("fma", Vector.class, Vector.class)));
            m.put("asInts", descriptor(FloatVector.class.getMethod("reinterpretAsInts")));
            m.put("asFloats", descriptor(IntVector.class.getMethod("reinterpretAsFloats")));
            m.put("iadd", descriptor(IntVector.class.getMethod("add", Vector.class)));
            m.put("isub", descriptor(IntVector.class.getMethod("sub", Vector.class)));
            m.put("ilanewise", descriptor(IntVector.class.getMethod("lanewise", VectorOperators.Binary.class, int.class)));
            m.put("ibroadcast", descriptor(IntVector.class.getMethod("broadcast", VectorSpecies.class, int.class)));
            if (!Type.getDescriptor(VectorOperators.class.getField("ASHR").getType()).equals(BINARY_OP_DESC)
                    || !Type.getDescriptor(VectorOperators.class.getField("LSHL").getType()).equals(BINARY_OP_DESC)) {
                return null;
            }
        } catch (NoSuchMethodException | NoSuchFieldException e) {
            return null;
        }
        boolean shapes = m.get("add").equals(BINARY_DESC) && m.get("neg").equals(UNARY_DESC)
                && m.get("compareVector").equals("(" + COMPARISON_DESC + VECTOR_DESC + ")" + MASK_DESC)
                && m.get("compareScalar").equals("(" + COMPARISON_DESC + "F)" + MASK_DESC)
                && m.get("blend").equals("(" + VECTOR_DESC + MASK_DESC + ")" + FV_DESC)
                && m.get("anyTrue").equals("()Z") && m.get("allTrue").equals("()Z");
        return shapes ? m : null;
    }

    private static String descriptor(Method method) {
        return Type.getMethodDescriptor(method);
    }

    /** Whether {@code op} (an {@link Expr.Op} ordinal or {@link BlockEval#COPY}) has a one-operation vector form here. */
    static boolean compilable(int op) {
        if (op == BlockEval.COPY) {
            return true;
        }
        return switch (OPS[op]) {
            case ADD, SUB, MUL, DIV, MAX, MIN, NEG, ABS, SQUARE, SQRT, GT, GE, LT, LE, WHERE, EXP, SIGMOID, TANH -> true;
            default -> false;
        };
    }

    /**
     * The vector operations an instruction becomes: one for most, a whole inlined exponential for
     * {@code exp}, the sigmoid and {@code tanh}.
     */
    static int cost(int op) {
        if (op == BlockEval.COPY) {
            return 1;
        }
        return switch (OPS[op]) {
            case EXP -> 28;
            case SIGMOID -> 33;
            case TANH -> 45;
            case GT, GE, LT, LE, WHERE -> 2;
            default -> 1;
        };
    }

    /** Kernels by program structure (instructions, operand counts, result), shared by every runner of this JVM. */
    private static final ConcurrentHashMap<String, Optional<Warming>> KERNELS = new ConcurrentHashMap<>();

    /**
     * The program's loop over vectors, ready once C2 has compiled it: a generated method starts in the
     * bytecode interpreter and then in C1, where the Vector API boxes every vector (slow, and allocating
     * on every call), so a background thread runs it on scratch operands until a batch of calls allocates
     * nothing, that is until its compiled, intrinsified code runs; until then {@link FusedKernel#run}
     * returns 0 and the interpreter computes everything. {@code null} for a program the interpreter
     * always runs.
     */
    static FusedKernel fused(Compiled c) {
        return fused(c, 0);
    }

    /**
     * {@link #fused(Compiled)} for calls whose arguments in {@code broadcast} (bit {@code r} for argument
     * {@code r}) are one value for the whole call: a column broadcast over one row, or a scalar. The kernel reads
     * {@code arrays[r][offsets[r]]} once instead of a vector per element.
     */
    static FusedKernel fused(Compiled c, int broadcast) {
        return fused(c, broadcast, false);
    }

    /**
     * {@link #fused(Compiled, int)}, and with {@code accumulate} a loop that adds the result into the result
     * operand's array ({@code out[i] = out[i] + result}) instead of storing it: the per-row step of a wide column
     * sum, with the bits of {@link BlockEval#addRows} over one row (the result register's intermediate values stay in
     * the loop). {@code null} also for a program whose last instruction does not write its result.
     */
    static FusedKernel fused(Compiled c, int broadcast, boolean accumulate) {
        String key = Arrays.toString(c.code()) + "/" + c.args() + "/" + c.temps() + "/" + c.constValues().length + "/" + c.result()
                + "/" + broadcast + (accumulate ? "/acc" : "");
        return KERNELS.computeIfAbsent(key, k -> {
            FusedKernel kernel = compile(c, broadcast, accumulate);
            if (kernel == null) {
                return Optional.empty();
            }
            Warming w = new Warming(kernel, c.operands());
            warmInBackground(w);
            return Optional.of(w);
        }).orElse(null);
    }

    /** A kernel that does nothing until it is warm, then runs the compiled loop. */
    static final class Warming implements FusedKernel {
        /** The warming a kernel gets in all before it is left to the interpreter. */
        static final long BUDGET_NANOS = 20_000_000_000L;
        /** The warming a kernel gets in one turn of the warming thread, before the next kernel in line has its turn. */
        static final long TURN_NANOS = 250_000_000L;
        private static final int[] LENGTHS = {256, 16, 0, 100, 1024, 48};

        private final FusedKernel kernel;
        private final int operands;
        private final long budget;
        private volatile boolean ready;
        /** Ready, or given up after its budget: no more warming. */
        private volatile boolean done;
        private long spent;
        private int batches;
        private int quiet;
        private Object[] arrays;
        private int[] offsets;

        Warming(FusedKernel kernel, int operands) {
            this(kernel, operands, BUDGET_NANOS);
        }

        /** A kernel warmed for {@code budget} nanoseconds at most (tests give less than {@link #BUDGET_NANOS}). */
        Warming(FusedKernel kernel, int operands, long budget) {
            this.kernel = kernel;
            this.operands = operands;
            this.budget = budget;
        }

        /** Whether warming is over: the kernel is ready, or was left to the interpreter. */
        boolean done() {
            return done;
        }

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public int run(Object[] arrays, int[] offsets, int n) {
            return ready ? kernel.run(arrays, offsets, n) : 0;
        }

        /**
         * Makes the kernel run from now on, warm or not: for tests of its arithmetic, which gives the same bits in any
         * JIT tier (lane-wise operations only), only slower before C2 has compiled it.
         */
        void runNow() {
            ready = true;
        }

        /**
         * Warms the kernel on this thread until it is ready, for up to a whole budget from now (whatever the warming
         * thread's turns have used), then leaves it to the interpreter if it is still not.
         */
        synchronized void warm() {
            if (!done) {
                spent = 0;
                warmFor(budget);
            }
        }

        /**
         * Runs the kernel on scratch operands, a batch of calls at a time, for up to {@code turnNanos} or until three
         * batches in a row allocate nothing (its compiled, intrinsified code runs: it is ready); returns whether it is
         * done, ready or given up after its budget ({@link #BUDGET_NANOS}) in all. A kernel that is not done gets another turn
         * later, so that one that never gets quiet does not hold up the kernels made after it.
         */
        /** The loop's class name without its package and host class, e.g. {@code Program_sigmoid}. */
        private String loopName() {
            String name = kernel.getClass().getSimpleName();
            int slash = name.indexOf('/');
            return slash < 0 ? name : name.substring(0, slash);
        }

        synchronized boolean warmFor(long turnNanos) {
            if (done) {
                return true;
            }
            if (arrays == null) {
                arrays = new Object[operands];
                for (int r = 0; r < operands; r++) {
                    arrays[r] = scratch();
                }
                offsets = new int[operands];
            }
            java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
            com.sun.management.ThreadMXBean mx = bean instanceof com.sun.management.ThreadMXBean m && m.isThreadAllocatedMemorySupported()
                    && m.isThreadAllocatedMemoryEnabled() ? m : null;
            long start = System.nanoTime();
            long turn = Math.min(turnNanos, budget - spent);
            while (System.nanoTime() - start < turn) {
                long before = mx == null ? 0 : mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) {
                    Warmer.invoke(kernel, arrays, offsets, LENGTHS[i % LENGTHS.length]);
                }
                long allocated = mx == null ? (batches < 100 ? 1 : 0) : mx.getCurrentThreadAllocatedBytes() - before;
                batches++;
                quiet = allocated == 0 ? quiet + 1 : 0;
                if (quiet == 3) {
                    spent += System.nanoTime() - start;
                    finish(true);
                    LOG.debug("the elementwise loop {} ({} operands) is warm after {} ms of warming", loopName(), operands,
                            spent / 1_000_000);
                    return true;
                }
            }
            spent += System.nanoTime() - start;
            if (spent >= budget) {
                finish(false);
                LOG.debug("the elementwise loop {} ({} operands) stays on the interpreter: it still allocates after {} ms of warming",
                        loopName(), operands, spent / 1_000_000);
                return true;
            }
            return false;
        }

        /**
         * A scratch operand: runs of zeros and runs of values from -6 to 5.25, so that both branches of a lazy {@code
         * where} run while the kernel warms (a branch C2 never saw taken would cost a deoptimization in training).
         */
        private static float[] scratch() {
            float[] a = new float[ElementwiseRunner.BLOCK];
            for (int i = 0; i < a.length; i++) {
                a[i] = (i >> 6 & 1) == 0 ? 0f : ((i & 15) - 8) * 0.75f;
            }
            return a;
        }

        private void finish(boolean warm) {
            ready = warm;
            done = true;
            arrays = null; // the scratch operands are not needed any more
            offsets = null;
        }
    }

    /** Queues {@code w} for the warming thread (started on first use). */
    static void warmInBackground(Warming w) {
        Warmer.QUEUE.add(w);
        Warmer.start();
    }

    /**
     * The one background thread that warms kernels, in the order they were made, each for a turn of at most
     * {@link Warming#TURN_NANOS} at a time (a kernel not yet done goes to the back of the line).
     */
    private static final class Warmer {
        static final java.util.concurrent.LinkedBlockingQueue<Warming> QUEUE = new java.util.concurrent.LinkedBlockingQueue<>();
        private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

        static void start() {
            if (STARTED.compareAndSet(false, true)) {
                Thread t = new Thread(Warmer::loop, "gradlab-jit-warmer");
                t.setDaemon(true);
                t.start();
            }
        }

        /**
         * The one call of every kernel being warmed. Its receiver profile is made megamorphic first ({@link
         * #loop}), so that C2 never inlines a kernel into the warming loop: the calls that find it quiet then run
         * the kernel's own compiled code, which the training's calls run too.
         */
        static int invoke(FusedKernel kernel, Object[] arrays, int[] offsets, int n) {
            return kernel.run(arrays, offsets, n);
        }

        private static void loop() {
            Expr a1 = Expr.arg(1);
            Expr a2 = Expr.arg(2);
            FusedKernel[] kinds = {
                compile(ProgramCompiler.compile(io.gradlab.api.tensor.Elementwise.assign(0, a1.add(a2)))),
                compile(ProgramCompiler.compile(io.gradlab.api.tensor.Elementwise.assign(0, a1.mul(a2)))),
                compile(ProgramCompiler.compile(io.gradlab.api.tensor.Elementwise.assign(0, a1.sub(a2))))};
            Object[] none = new Object[3];
            int[] zeros = new int[3];
            for (int i = 0; i < 3000 && kinds[0] != null; i++) {
                invoke(kinds[i % 3], none, zeros, 0);
            }
            while (true) {
                try {
                    Warming w = QUEUE.take();
                    if (!w.warmFor(Warming.TURN_NANOS)) {
                        QUEUE.add(w);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException | Error e) { // a kernel that fails here stays off: the interpreter runs its program
                    LOG.warn("an elementwise loop stays on the interpreter: {}", e.toString());
                }
            }
        }
    }

    /**
     * Whether the program has a compiled form: every instruction {@link #compilable}, at most {@link
     * #MAX_INSTRUCTIONS} of them, at most {@link #MAX_COST} vector operations in all.
     */
    static boolean fits(Compiled c) {
        int[] code = c.code();
        int n = c.instructions();
        if (n == 0 || n > MAX_INSTRUCTIONS) {
            return false;
        }
        int cost = 0;
        for (int i = 0; i < n; i++) {
            if (!compilable(code[i * 5])) {
                return false;
            }
            cost += cost(code[i * 5]);
        }
        return cost <= MAX_COST;
    }

    /** Whether the result is a temporary register that the last instruction writes (its final value, to add into a sum). */
    static boolean resultIsLastWrite(Compiled c) {
        int n = c.instructions();
        int res = c.result();
        return n > 0 && res >= c.args() && res < c.args() + c.temps() && c.code()[(n - 1) * 5 + 1] == res;
    }

    /** The program's loop over vectors, or {@code null} when the interpreter runs it (see the class comment). */
    static FusedKernel compile(Compiled c) {
        return compile(c, 0);
    }

    /** {@link #compile(Compiled)} with the arguments of the bit set {@code broadcast} read once per call. */
    static FusedKernel compile(Compiled c, int broadcast) {
        return compile(c, broadcast, false);
    }

    /** {@link #compile(Compiled, int)}; with {@code accumulate} the loop adds its result into the result operand's array. */
    static FusedKernel compile(Compiled c, int broadcast, boolean accumulate) {
        int[] code = c.code();
        int n = c.instructions();
        if (CHECKED == null || !fits(c) || (accumulate && !resultIsLastWrite(c))) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            int d = code[i * 5 + 1];
            if (d < c.args() && (broadcast >>> d & 1) != 0) {
                return null; // a target is never a broadcast: the runner gives targets the call's whole space
            }
        }
        byte[] bytes = new Writer(c, broadcast, accumulate).write();
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (FusedKernel) lookup.lookupClass().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("the vector form of an elementwise program did not load: " + e, e);
        }
    }

    /** The instruction of {@code c}'s loop whose {@code where} is computed lazily ({@link #LAZY_COST}), or -1: for tests. */
    static int lazyWhere(Compiled c, boolean accumulate) {
        return new Writer(c, 0, accumulate).lazy;
    }

    /** The instruction of {@code c}'s loop that branches on its argument being in range ({@link VectorBlockEval#IN_RANGE}), or -1: for tests. */
    static int inRangeBranch(Compiled c) {
        return new Writer(c, 0, false).inRangeBranch;
    }

    /** Writes one kernel class. */
    private static final class Writer {
        private static final int ARRAYS = 1;
        private static final int OFFSETS = 2;
        private static final int N = 3;
        private static final int I = 4;
        private static final int UPPER = 5;
        private static final int LENGTH = 6;
        private static final int ZERO = 7;
        private static final int ONE = 8;
        private static final int FIRST_FREE = 9;

        private final Compiled c;
        private final int constBase;
        /** Per operand: the local of its array (arguments and the result register), else -1. */
        private final int[] arraySlot;
        /** Per operand: the local of its offset. */
        private final int[] offsetSlot;
        /** Per operand: the local of its broadcast vector (constant registers). */
        private final int[] constSlot;
        /** Per temporary register: the local holding its current value in the loop body. */
        private final int[] valueSlot;
        /** Per constant register: the local of its value as a float (for the tail). */
        private final int[] scalarConstSlot;
        private int next = FIRST_FREE;
        private MethodVisitor mv;

        /** Bit {@code r}: argument {@code r} is one value for the call. */
        private final int broadcast;
        /** Whether the result is added into its array instead of stored. */
        private final boolean accumulate;
        /** Per instruction, per operand (a, b, x), the instruction whose value it reads (-1: none, memory or a constant). */
        private int[][] defs;
        /** Per instruction, the local of its value in the body being written. */
        private int[] localOf;
        /** The {@code where} computed lazily ({@link #LAZY_COST}), or -1. */
        private int lazy = -1;
        /** The program's only exponential, sigmoid or tanh, which {@link #emitRest} branches on; -1: none, or several. */
        private int inRangeBranch = -1;
        /** Whether the instructions now written are in the branch where every lane's argument is in range. */
        private boolean inRange;
        /** Whether the instructions now written come after the in-range branch (in either of its sides). */
        private boolean inRangeDecided;
        /** Whether the lazy {@code where}'s costly operand is its ifTrue (else its ifFalse). */
        private boolean lazyTrue;
        /** The instructions only the lazy {@code where}'s costly operand needs. */
        private boolean[] deferred;

        Writer(Compiled c, int broadcast, boolean accumulate) {
            this.c = c;
            this.broadcast = broadcast;
            this.accumulate = accumulate;
            this.constBase = c.args() + c.temps();
            int operands = c.operands();
            arraySlot = new int[operands];
            offsetSlot = new int[operands];
            constSlot = new int[operands];
            valueSlot = new int[operands];
            scalarConstSlot = new int[operands];
            Arrays.fill(arraySlot, -1);
            Arrays.fill(constSlot, -1);
            Arrays.fill(valueSlot, -1);
            plan();
        }

        /** The operands' defining instructions, and the lazy {@code where} if the program has one worth it. */
        private void plan() {
            int[] code = c.code();
            int n = c.instructions();
            defs = new int[n][3];
            localOf = new int[n];
            int[] last = new int[c.operands()];
            Arrays.fill(last, -1);
            boolean[] writtenInMemory = new boolean[c.operands()];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 3; j++) {
                    int r = code[i * 5 + 2 + j];
                    defs[i][j] = r < 0 ? -1 : last[r];
                }
                int d = code[i * 5 + 1];
                last[d] = i;
                writtenInMemory[d] |= inMemory(d);
            }
            int transcendentals = 0;
            for (int i = 0; i < n; i++) {
                int op = code[i * 5];
                if (op != BlockEval.COPY && (OPS[op] == Expr.Op.EXP || OPS[op] == Expr.Op.SIGMOID || OPS[op] == Expr.Op.TANH)) {
                    transcendentals++;
                    inRangeBranch = i;
                }
            }
            if (transcendentals != 1) {
                inRangeBranch = -1;
            }
            int bestCost = LAZY_COST - 1;
            for (int w = 0; w < n; w++) {
                if (code[w * 5] == BlockEval.COPY || OPS[code[w * 5]] != Expr.Op.WHERE) {
                    continue;
                }
                for (int side = 1; side <= 2; side++) { // operand b (ifTrue) or x (ifFalse)
                    boolean[] needed = closure(roots(last), w, side);
                    if (!needed[w] || defs[w][side] < 0) {
                        continue;
                    }
                    boolean[] only = closure(new int[] {defs[w][side]}, -1, 0);
                    int cost = 0;
                    boolean safe = true;
                    for (int i = 0; i < n; i++) {
                        only[i] &= !needed[i];
                        if (only[i]) {
                            cost += cost(code[i * 5]);
                            for (int j = 0; j < 3; j++) { // a memory operand that the program writes is read in program order
                                int r = code[i * 5 + 2 + j];
                                safe &= r < 0 || !writtenInMemory[r];
                            }
                        }
                    }
                    for (int i = 0; i < n && safe; i++) { // nothing else reads what only the costly operand needs
                        for (int j = 0; j < 3; j++) {
                            safe &= only[i] || i == w || defs[i][j] < 0 || !only[defs[i][j]];
                        }
                    }
                    if (safe && cost > bestCost) {
                        bestCost = cost;
                        lazy = w;
                        lazyTrue = side == 1;
                        deferred = only;
                    }
                }
            }
            if (lazy >= 0 && inRangeBranch >= 0 && inRangeBranch < lazy && !deferred[inRangeBranch]) {
                inRangeBranch = -1; // computed before the lazy where's branch, in its long form
            }
        }

        /** The instructions whose values must be computed: those that write memory, and the result's last write when added. */
        private int[] roots(int[] last) {
            int[] code = c.code();
            int n = c.instructions();
            int[] roots = new int[n + 1];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (inMemory(code[i * 5 + 1])) {
                    roots[k++] = i;
                }
            }
            if (accumulate && last[c.result()] >= 0) {
                roots[k++] = last[c.result()];
            }
            return Arrays.copyOf(roots, k);
        }

        /** The instructions {@code from} need, themselves included; instruction {@code skip}'s operand {@code side} not followed. */
        private boolean[] closure(int[] from, int skip, int side) {
            boolean[] in = new boolean[c.instructions()];
            java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>();
            for (int i : from) {
                if (!in[i]) {
                    in[i] = true;
                    todo.add(i);
                }
            }
            while (!todo.isEmpty()) {
                int i = todo.poll();
                for (int j = 0; j < 3; j++) {
                    int d = defs[i][j];
                    if (d >= 0 && !(i == skip && j == side) && !in[d]) {
                        in[d] = true;
                        todo.add(d);
                    }
                }
            }
            return in;
        }

        private boolean inMemory(int operand) {
            return (operand < c.args() && !isBroadcast(operand)) || (operand == c.result() && !accumulate);
        }

        /** A constant register, or an argument that is one value for the call: read once, kept in a vector and a float. */
        private boolean isBroadcast(int operand) {
            return operand >= constBase || (operand < c.args() && operand < 32 && (broadcast >>> operand & 1) != 0);
        }

        /**
         * A suffix naming what the loop computes (its operations, in order, {@code _sigmoid_mul...}), so that
         * a profiler's listing (perf with the JVM's perf map, JFR) tells the generated loops apart.
         */
        private static String summary(Compiled c) {
            StringBuilder b = new StringBuilder();
            int[] code = c.code();
            for (int i = 0; i < c.instructions() && b.length() < 48; i++) {
                int op = code[i * 5];
                b.append('_').append(op == BlockEval.COPY ? "copy" : OPS[op].name().toLowerCase(java.util.Locale.ROOT));
            }
            return b.toString();
        }

        byte[] write() {
            ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
                @Override
                protected String getCommonSuperClass(String a, String b) {
                    return "java/lang/Object"; // no local changes type at a merge: every value has its own local
                }
            };
            String name = Type.getInternalName(VectorProgramGenerator.class) + "$Program" + summary(c);
            cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, name, null, "java/lang/Object",
                    new String[] {Type.getInternalName(FusedKernel.class)});
            MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
            init.visitCode();
            init.visitVarInsn(Opcodes.ALOAD, 0);
            init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
            init.visitInsn(Opcodes.RETURN);
            init.visitMaxs(0, 0);
            init.visitEnd();
            mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "([Ljava/lang/Object;[II)I", null, null);
            mv.visitCode();
            prologue();
            Label loop = new Label();
            Label done = new Label();
            mv.visitInsn(Opcodes.ICONST_0);
            mv.visitVarInsn(Opcodes.ISTORE, I);
            mv.visitLabel(loop);
            mv.visitVarInsn(Opcodes.ILOAD, I);
            mv.visitVarInsn(Opcodes.ILOAD, UPPER);
            mv.visitJumpInsn(Opcodes.IF_ICMPGE, done);
            body(false);
            mv.visitVarInsn(Opcodes.ILOAD, I);
            mv.visitVarInsn(Opcodes.ILOAD, LENGTH);
            mv.visitInsn(Opcodes.IADD);
            mv.visitVarInsn(Opcodes.ISTORE, I);
            mv.visitJumpInsn(Opcodes.GOTO, loop);
            mv.visitLabel(done);
            // the elements after the last whole vector, one by one, as the interpreter's loops end
            Label tail = new Label();
            Label end = new Label();
            mv.visitLabel(tail);
            mv.visitVarInsn(Opcodes.ILOAD, I);
            mv.visitVarInsn(Opcodes.ILOAD, N);
            mv.visitJumpInsn(Opcodes.IF_ICMPGE, end);
            body(true);
            mv.visitIincInsn(I, 1);
            mv.visitJumpInsn(Opcodes.GOTO, tail);
            mv.visitLabel(end);
            mv.visitVarInsn(Opcodes.ILOAD, N);
            mv.visitInsn(Opcodes.IRETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            cw.visitEnd();
            return cw.toByteArray();
        }

        private void species() {
            mv.visitFieldInsn(Opcodes.GETSTATIC, FV, "SPECIES_PREFERRED", SPECIES_DESC);
        }

        /** The arrays and offsets of the operands in memory, the constants' vectors, the loop bound. */
        private void prologue() {
            int[] code = c.code();
            for (int i = 0; i < code.length; i += 5) {
                for (int j = 1; j < 5; j++) {
                    int r = code[i + j];
                    if (r < 0) {
                        continue;
                    }
                    if (inMemory(r) && arraySlot[r] < 0) {
                        arrayAndOffset(r);
                    } else if (isBroadcast(r) && constSlot[r] < 0) {
                        constSlot[r] = next++;
                        species();
                        array(r);
                        mv.visitVarInsn(Opcodes.ALOAD, OFFSETS);
                        push(r);
                        mv.visitInsn(Opcodes.IALOAD);
                        mv.visitInsn(Opcodes.FALOAD);
                        mv.visitInsn(Opcodes.DUP);
                        scalarConstSlot[r] = next++;
                        mv.visitVarInsn(Opcodes.FSTORE, scalarConstSlot[r]);
                        mv.visitMethodInsn(Opcodes.INVOKESTATIC, FV, "broadcast", CHECKED.get("broadcast"), false);
                        mv.visitVarInsn(Opcodes.ASTORE, constSlot[r]);
                    }
                }
            }
            if (accumulate) { // the result is a value in the loop, added into this array at the end of each step
                arrayAndOffset(c.result());
            }
            broadcast(0f, ZERO);
            broadcast(1f, ONE);
            transcendentalConstants();
            species();
            mv.visitVarInsn(Opcodes.ILOAD, N);
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, SPECIES, "loopBound", CHECKED.get("loopBound"), true);
            mv.visitVarInsn(Opcodes.ISTORE, UPPER);
            species();
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, SPECIES, "length", CHECKED.get("length"), true);
            mv.visitVarInsn(Opcodes.ISTORE, LENGTH);
        }

        /** Locals of the exponential's constants (as {@link VectorBlockEval}'s loops have them), when an instruction needs them. */
        private int lo = -1;
        private int hi;
        private int log2e;
        private int magic;
        private int ln2hi;
        private int ln2lo;
        private int[] poly;
        private int magicBits;
        private int bias;
        private int two = -1;
        private int small;
        private int[] tanhPoly;

        private void transcendentalConstants() {
            boolean exp = false;
            boolean tanh = false;
            int[] code = c.code();
            for (int i = 0; i < code.length; i += 5) {
                if (code[i] != BlockEval.COPY) {
                    Expr.Op op = OPS[code[i]];
                    exp |= op == Expr.Op.EXP || op == Expr.Op.SIGMOID || op == Expr.Op.TANH;
                    tanh |= op == Expr.Op.TANH;
                }
            }
            if (!exp) {
                return;
            }
            lo = constant(-104f);
            hi = constant(88.75f);
            log2e = constant(VectorBlockEval.LOG2E);
            magic = constant(VectorBlockEval.MAGIC);
            ln2hi = constant(-VectorBlockEval.LN2_HI);
            ln2lo = constant(-VectorBlockEval.LN2_LO);
            float[] p = VectorBlockEval.EXP_POLY;
            poly = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                poly[i] = constant(p[i]);
            }
            magicBits = intConstant(VectorBlockEval.MAGIC_BITS);
            bias = intConstant(127);
            if (tanh) {
                two = constant(2f);
                small = constant(0.625f);
                float[] t = VectorBlockEval.TANH_POLY;
                tanhPoly = new int[t.length];
                for (int i = 0; i < t.length; i++) {
                    tanhPoly[i] = constant(t[i]);
                }
            }
        }

        private int constant(float v) {
            int slot = next++;
            broadcast(v, slot);
            return slot;
        }

        private int intConstant(int v) {
            int slot = next++;
            mv.visitFieldInsn(Opcodes.GETSTATIC, IV, "SPECIES_PREFERRED", SPECIES_DESC);
            push(v);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, IV, "broadcast", CHECKED.get("ibroadcast"), false);
            mv.visitVarInsn(Opcodes.ASTORE, slot);
            return slot;
        }

        // ---- a small stack of vector operations on locals, for the inlined functions ----

        private void load(int slot) {
            mv.visitVarInsn(Opcodes.ALOAD, slot);
        }

        /** Stores the vector on the stack in a new local and returns it. */
        private int store() {
            int slot = next++;
            mv.visitVarInsn(Opcodes.ASTORE, slot);
            return slot;
        }

        private void fv(String name) {
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, name, CHECKED.get(name), false);
        }

        private void iv(String key, String name) {
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, IV, name, CHECKED.get(key), false);
        }

        /** {@code a.fma(b, c)}. */
        private int fma(int a, int b, int cSlot) {
            load(a);
            load(b);
            load(cSlot);
            fv("fma");
            return store();
        }

        /** {@code a.op(b)} for a binary float operation. */
        private int bin(String op, int a, int b) {
            load(a);
            load(b);
            fv(op);
            return store();
        }

        /** {@code a.blend(b, x.compare(cmp, y))}. */
        private int blendIf(int a, int b, int x, String cmp, int y) {
            load(a);
            load(b);
            load(x);
            mv.visitFieldInsn(Opcodes.GETSTATIC, OPERATORS, cmp, COMPARISON_DESC);
            load(y);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "compare", CHECKED.get("compareVector"), false);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "blend", CHECKED.get("blend"), false);
            return store();
        }

        /** {@code v} clamped to [-104, 88.75] as the interpreter's loops clamp it (a NaN passes). */
        private int clamp(int v) {
            int xc = blendIf(v, lo, v, "LT", lo);
            return blendIf(xc, hi, xc, "GT", hi);
        }

        /** {@link #clamp} of a {@code v} that is at most 0 (the sigmoid's {@code -|x|}): only the lower bound can act. */
        private int clampNonPositive(int v) {
            return blendIf(v, lo, v, "LT", lo);
        }

        /** {@link #clamp} of a {@code v} that is at least 0 (tanh's {@code 2|x|}): only the upper bound can act. */
        private int clampNonNegative(int v) {
            return blendIf(v, hi, v, "GT", hi);
        }

        /** {@code 2^(n + 127 << 23)} as a float vector, from an int vector local. */
        private void powerOfTwo(int n) {
            load(n);
            load(bias);
            iv("iadd", "add");
            mv.visitFieldInsn(Opcodes.GETSTATIC, OPERATORS, "LSHL", BINARY_OP_DESC);
            mv.visitIntInsn(Opcodes.BIPUSH, 23);
            iv("ilanewise", "lanewise");
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, IV, "reinterpretAsFloats", CHECKED.get("asFloats"), false);
        }

        /**
         * {@link #exp} of a vector whose lanes are all within {@link VectorBlockEval#IN_RANGE} of 0: no clamp acts,
         * and 2^n is one power of two, a normal float ({@code |n| <= 126}); multiplying by it rounds once, as the two
         * multiplications by its halves do (the first is exact): the same bits.
         */
        private int expInRange(int x) {
            int[] nAndEr = reducedExp(x);
            load(nAndEr[1]);
            powerOfTwo(nAndEr[0]);
            fv("mul");
            return store();
        }

        /** Cephes' expf of a clamped vector, operation for operation as {@link VectorBlockEval}'s loops compute it. */
        private int exp(int xc) {
            int[] nAndEr = reducedExp(xc);
            int n = nAndEr[0];
            int er = nAndEr[1];
            load(n);
            mv.visitFieldInsn(Opcodes.GETSTATIC, OPERATORS, "ASHR", BINARY_OP_DESC);
            mv.visitInsn(Opcodes.ICONST_1);
            iv("ilanewise", "lanewise");
            int n1 = store();
            load(n);
            load(n1);
            iv("isub", "sub");
            int n2 = store();
            load(er);
            powerOfTwo(n1);
            fv("mul");
            powerOfTwo(n2);
            fv("mul");
            return store();
        }

        /** {@code x = n ln2 + r}: the locals of the int vector {@code n} and of {@code exp(r)}, Cephes' polynomial. */
        private int[] reducedExp(int xc) {
            int k = fma(xc, log2e, magic);
            int nf = bin("sub", k, magic);
            load(k);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "reinterpretAsInts", CHECKED.get("asInts"), false);
            load(magicBits);
            iv("isub", "sub");
            int n = store();
            int r = fma(nf, ln2hi, xc);
            r = fma(nf, ln2lo, r);
            int p = fma(poly[0], r, poly[1]);
            for (int i = 2; i < poly.length; i++) {
                p = fma(p, r, poly[i]);
            }
            int rr = bin("mul", r, r);
            int er = bin("add", fma(p, rr, r), ONE);
            return new int[] {n, er};
        }

        /** Pushes the vector of a transcendental instruction on operand {@code a}. */
        private void transcendental(Expr.Op op, int a) {
            value(a);
            int x = store();
            switch (op) {
                case EXP -> load(inRange ? expInRange(x) : exp(clamp(x)));
                case SIGMOID -> {
                    load(x);
                    fv("abs");
                    fv("neg");
                    int negAbs = store();
                    int e = inRange ? expInRange(negAbs) : exp(clampNonPositive(negAbs));
                    int s1 = bin("div", ONE, bin("add", e, ONE));
                    load(blendIf(s1, bin("mul", e, s1), x, "LT", ZERO));
                }
                case TANH -> {
                    load(x);
                    fv("abs");
                    int ax = store();
                    int z = bin("mul", x, x);
                    int q = fma(tanhPoly[0], z, tanhPoly[1]);
                    for (int i = 2; i < tanhPoly.length; i++) {
                        q = fma(q, z, tanhPoly[i]);
                    }
                    int near = fma(bin("mul", q, z), x, x);
                    int twoAx = bin("add", ax, ax);
                    int e = inRange ? expInRange(twoAx) : exp(clampNonNegative(twoAx));
                    int far = bin("sub", ONE, bin("div", two, bin("add", e, ONE)));
                    load(far);
                    fv("neg");
                    int negFar = store();
                    far = blendIf(far, negFar, x, "LT", ZERO);
                    load(blendIf(far, near, ax, "LT", small));
                }
                default -> throw new IllegalArgumentException("no inlined form for " + op);
            }
        }

        /** Locals for operand {@code r}'s array and offset, read from the arguments of {@code run}. */
        private void arrayAndOffset(int r) {
            arraySlot[r] = next++;
            offsetSlot[r] = next++;
            array(r);
            mv.visitVarInsn(Opcodes.ASTORE, arraySlot[r]);
            mv.visitVarInsn(Opcodes.ALOAD, OFFSETS);
            push(r);
            mv.visitInsn(Opcodes.IALOAD);
            mv.visitVarInsn(Opcodes.ISTORE, offsetSlot[r]);
        }

        private void broadcast(float v, int slot) {
            species();
            mv.visitLdcInsn(v);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, FV, "broadcast", CHECKED.get("broadcast"), false);
            mv.visitVarInsn(Opcodes.ASTORE, slot);
        }

        /** Pushes {@code (float[]) arrays[r]}. */
        private void array(int r) {
            mv.visitVarInsn(Opcodes.ALOAD, ARRAYS);
            push(r);
            mv.visitInsn(Opcodes.AALOAD);
            mv.visitTypeInsn(Opcodes.CHECKCAST, "[F");
        }

        private void push(int v) {
            if (v <= 5) {
                mv.visitInsn(Opcodes.ICONST_0 + v);
            } else if (v <= Byte.MAX_VALUE) {
                mv.visitIntInsn(Opcodes.BIPUSH, v);
            } else {
                mv.visitIntInsn(Opcodes.SIPUSH, v);
            }
        }

        /** Pushes the element index of operand {@code r} in memory: {@code offset_r + i}. */
        private void index(int r) {
            mv.visitVarInsn(Opcodes.ILOAD, offsetSlot[r]);
            mv.visitVarInsn(Opcodes.ILOAD, I);
            mv.visitInsn(Opcodes.IADD);
        }

        /** Pushes the current value of operand {@code r}: a vector, or in the tail ({@code scalar}) a float. */
        private void value(int r, boolean scalar) {
            if (inMemory(r)) {
                if (!scalar) {
                    species();
                }
                mv.visitVarInsn(Opcodes.ALOAD, arraySlot[r]);
                index(r);
                if (scalar) {
                    mv.visitInsn(Opcodes.FALOAD);
                } else {
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, FV, "fromArray", CHECKED.get("fromArray"), false);
                }
            } else if (isBroadcast(r)) {
                mv.visitVarInsn(scalar ? Opcodes.FLOAD : Opcodes.ALOAD, scalar ? scalarConstSlot[r] : constSlot[r]);
            } else {
                if (valueSlot[r] < 0) {
                    throw new IllegalStateException("temporary " + r + " is read before it is written");
                }
                mv.visitVarInsn(scalar ? Opcodes.FLOAD : Opcodes.ALOAD, valueSlot[r]);
            }
        }

        private void value(int r) {
            value(r, false);
        }

        private void scalarValue(int r) {
            value(r, true);
        }

        /**
         * One vector of elements (or in the tail, {@code scalar}, one element: each instruction as the interpreter's
         * loops compute their last elements, with float arithmetic, {@link Math}'s max, min, abs and square root, and
         * comparisons giving 1 or 0, false with a NaN).
         */
        private void body(boolean scalar) {
            Arrays.fill(valueSlot, -1);
            int n = c.instructions();
            if (scalar) {
                for (int i = 0; i < n; i++) {
                    emit(i, true);
                }
                accumulateResult(true);
                return;
            }
            if (lazy < 0) {
                emitRest(range(0, n), 0);
                return;
            }
            for (int i = 0; i < lazy; i++) {
                if (!deferred[i]) {
                    emit(i, false);
                }
            }
            // the condition's mask: does any lane need the costly operand?
            bindOperands(lazy);
            value(c.code()[lazy * 5 + 2]);
            mv.visitFieldInsn(Opcodes.GETSTATIC, OPERATORS, "NE", COMPARISON_DESC);
            mv.visitInsn(Opcodes.FCONST_0);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "compare", CHECKED.get("compareScalar"), false);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, MASK, lazyTrue ? "anyTrue" : "allTrue", CHECKED.get("anyTrue"), false);
            Label cheap = new Label();
            Label end = new Label();
            mv.visitJumpInsn(lazyTrue ? Opcodes.IFEQ : Opcodes.IFNE, cheap);
            int[] costly = new int[n];
            int k = 0;
            for (int i = 0; i < lazy; i++) {
                if (deferred[i]) {
                    costly[k++] = i;
                }
            }
            for (int i = lazy; i < n; i++) {
                costly[k++] = i;
            }
            emitRest(Arrays.copyOf(costly, k), 0);
            mv.visitJumpInsn(Opcodes.GOTO, end);
            mv.visitLabel(cheap);
            // every lane takes the cheap operand: the where is that operand
            bindOperands(lazy);
            value(c.code()[lazy * 5 + (lazyTrue ? 4 : 3)]);
            storeValue(lazy, false);
            emitRest(range(lazy + 1, n), 0);
            mv.visitLabel(end);
        }

        private static int[] range(int from, int to) {
            int[] r = new int[Math.max(0, to - from)];
            for (int i = 0; i < r.length; i++) {
                r[i] = from + i;
            }
            return r;
        }

        /**
         * Instructions {@code order[from..]} for one vector, then the result added in (with {@code accumulate}). At the
         * program's one exponential, sigmoid or tanh ({@link #inRangeBranch}) it branches: when no lane's argument is
         * beyond {@link VectorBlockEval#IN_RANGE} (the usual case), that instruction and those after it run with
         * {@link #expInRange}, else with {@link #exp}; the same bits either way. The instructions after it are written
         * into both branches, so that no vector value meets another at a merge.
         */
        private void emitRest(int[] order, int from) {
            int[] code = c.code();
            for (int k = from; k < order.length; k++) {
                int t = order[k];
                if (t == inRangeBranch && !inRangeDecided) {
                    inRangeDecided = true;
                    bindOperands(t);
                    value(code[t * 5 + 2]);
                    fv("abs");
                    mv.visitFieldInsn(Opcodes.GETSTATIC, OPERATORS, "GT", COMPARISON_DESC);
                    mv.visitLdcInsn(OPS[code[t * 5]] == Expr.Op.TANH ? VectorBlockEval.IN_RANGE / 2 : VectorBlockEval.IN_RANGE);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "compare", CHECKED.get("compareScalar"), false);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, MASK, "anyTrue", CHECKED.get("anyTrue"), false);
                    Label outside = new Label();
                    Label end = new Label();
                    mv.visitJumpInsn(Opcodes.IFNE, outside);
                    inRange = true;
                    emitRest(order, k);
                    inRange = false;
                    mv.visitJumpInsn(Opcodes.GOTO, end);
                    mv.visitLabel(outside);
                    emitRest(order, k);
                    mv.visitLabel(end);
                    inRangeDecided = false;
                    return;
                }
                emit(t, false);
            }
            accumulateResult(false);
        }

        /** Points each register instruction {@code i} reads at the local of the instruction that wrote it. */
        private void bindOperands(int i) {
            int[] code = c.code();
            for (int j = 0; j < 3; j++) {
                int r = code[i * 5 + 2 + j];
                if (r >= 0 && defs[i][j] >= 0 && !inMemory(r) && !isBroadcast(r)) {
                    valueSlot[r] = localOf[defs[i][j]];
                }
            }
        }

        /** Instruction {@code i} for one vector (or element). */
        private void emit(int i, boolean scalar) {
            int[] code = c.code();
            int op = code[i * 5];
            bindOperands(i);
            if (op == BlockEval.COPY) {
                value(code[i * 5 + 2], scalar);
            } else if (scalar) {
                scalarInstruction(OPS[op], code[i * 5 + 2], code[i * 5 + 3], code[i * 5 + 4]);
            } else {
                instruction(OPS[op], code[i * 5 + 2], code[i * 5 + 3], code[i * 5 + 4]);
            }
            storeValue(i, scalar);
        }

        /** Stores the value on the stack as instruction {@code i}'s: in a new local, and into its target's array if it has one. */
        private void storeValue(int i, boolean scalar) {
            int d = c.code()[i * 5 + 1];
            int slot = next++;
            mv.visitVarInsn(scalar ? Opcodes.FSTORE : Opcodes.ASTORE, slot);
            localOf[i] = slot;
            if (!inMemory(d)) {
                valueSlot[d] = slot;
            } else if (scalar) {
                mv.visitVarInsn(Opcodes.ALOAD, arraySlot[d]);
                index(d);
                mv.visitVarInsn(Opcodes.FLOAD, slot);
                mv.visitInsn(Opcodes.FASTORE);
            } else {
                mv.visitVarInsn(Opcodes.ALOAD, slot);
                mv.visitVarInsn(Opcodes.ALOAD, arraySlot[d]);
                index(d);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "intoArray", CHECKED.get("intoArray"), false);
            }
        }

        /** With {@code accumulate}: {@code out + result}, as addRows adds one row. */
        private void accumulateResult(boolean scalar) {
            if (!accumulate) {
                return;
            }
            int r = c.result();
            if (scalar) {
                mv.visitVarInsn(Opcodes.ALOAD, arraySlot[r]);
                index(r);
                mv.visitVarInsn(Opcodes.ALOAD, arraySlot[r]);
                index(r);
                mv.visitInsn(Opcodes.FALOAD);
                mv.visitVarInsn(Opcodes.FLOAD, valueSlot[r]);
                mv.visitInsn(Opcodes.FADD);
                mv.visitInsn(Opcodes.FASTORE);
            } else {
                species();
                mv.visitVarInsn(Opcodes.ALOAD, arraySlot[r]);
                index(r);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, FV, "fromArray", CHECKED.get("fromArray"), false);
                mv.visitVarInsn(Opcodes.ALOAD, valueSlot[r]);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "add", CHECKED.get("add"), false);
                mv.visitVarInsn(Opcodes.ALOAD, arraySlot[r]);
                index(r);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "intoArray", CHECKED.get("intoArray"), false);
            }
        }

        private void math(String name, String descriptor) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", name, descriptor, false);
        }

        /** Replaces the two floats on the stack by 1 when the comparison holds ({@code cmp}, then {@code jumpFalse}), else 0. */
        private void compare(int cmp, int jumpFalse) {
            Label no = new Label();
            Label end = new Label();
            mv.visitInsn(cmp);
            mv.visitJumpInsn(jumpFalse, no);
            mv.visitInsn(Opcodes.FCONST_1);
            mv.visitJumpInsn(Opcodes.GOTO, end);
            mv.visitLabel(no);
            mv.visitInsn(Opcodes.FCONST_0);
            mv.visitLabel(end);
        }

        private void scalarInstruction(Expr.Op op, int a, int b, int x) {
            switch (op) {
                case ADD, SUB, MUL, DIV, MAX, MIN -> {
                    scalarValue(a);
                    scalarValue(b);
                    switch (op) {
                        case ADD -> mv.visitInsn(Opcodes.FADD);
                        case SUB -> mv.visitInsn(Opcodes.FSUB);
                        case MUL -> mv.visitInsn(Opcodes.FMUL);
                        case DIV -> mv.visitInsn(Opcodes.FDIV);
                        case MAX -> math("max", "(FF)F");
                        default -> math("min", "(FF)F");
                    }
                }
                case NEG -> {
                    scalarValue(a);
                    mv.visitInsn(Opcodes.FNEG);
                }
                case ABS -> {
                    scalarValue(a);
                    math("abs", "(F)F");
                }
                case SQUARE -> {
                    scalarValue(a);
                    mv.visitInsn(Opcodes.DUP);
                    mv.visitInsn(Opcodes.FMUL);
                }
                case SQRT -> { // correctly rounded in double, then to float: the float square root
                    scalarValue(a);
                    mv.visitInsn(Opcodes.F2D);
                    math("sqrt", "(D)D");
                    mv.visitInsn(Opcodes.D2F);
                }
                // fcmpl gives -1 and fcmpg +1 for a NaN operand: every comparison with a NaN is false
                case GT, GE, LT, LE -> {
                    scalarValue(a);
                    scalarValue(b);
                    switch (op) {
                        case GT -> compare(Opcodes.FCMPL, Opcodes.IFLE);
                        case GE -> compare(Opcodes.FCMPL, Opcodes.IFLT);
                        case LT -> compare(Opcodes.FCMPG, Opcodes.IFGE);
                        default -> compare(Opcodes.FCMPG, Opcodes.IFGT);
                    }
                }
                case WHERE -> { // condition != 0 (true for NaN) ? ifTrue : ifFalse
                    Label no = new Label();
                    Label end = new Label();
                    scalarValue(a);
                    mv.visitInsn(Opcodes.FCONST_0);
                    mv.visitInsn(Opcodes.FCMPL);
                    mv.visitJumpInsn(Opcodes.IFEQ, no);
                    scalarValue(b);
                    mv.visitJumpInsn(Opcodes.GOTO, end);
                    mv.visitLabel(no);
                    scalarValue(x);
                    mv.visitLabel(end);
                }
                // the interpreter's loops end with the double functions, rounded to float
                case EXP, SIGMOID, TANH -> {
                    scalarValue(a);
                    mv.visitInsn(Opcodes.F2D);
                    if (op == Expr.Op.SIGMOID) {
                        mv.visitMethodInsn(Opcodes.INVOKESTATIC, Type.getInternalName(Expr.class), "sigmoid", "(D)D", false);
                    } else {
                        math(op == Expr.Op.EXP ? "exp" : "tanh", "(D)D");
                    }
                    mv.visitInsn(Opcodes.D2F);
                }
                default -> throw new IllegalArgumentException("no compiled form for " + op);
            }
        }

        private void instruction(Expr.Op op, int a, int b, int x) {
            switch (op) {
                case ADD, SUB, MUL, DIV, MAX, MIN -> {
                    value(a);
                    value(b);
                    String name = op.name().toLowerCase(java.util.Locale.ROOT);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, name, CHECKED.get(name), false);
                }
                case NEG, ABS, SQRT -> {
                    value(a);
                    String name = op.name().toLowerCase(java.util.Locale.ROOT);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, name, CHECKED.get(name), false);
                }
                case SQUARE -> { // x.mul(x), as the interpreter
                    value(a);
                    mv.visitInsn(Opcodes.DUP);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "mul", CHECKED.get("mul"), false);
                }
                case GT, GE, LT, LE -> { // zero.blend(one, a.compare(op, b))
                    mv.visitVarInsn(Opcodes.ALOAD, ZERO);
                    mv.visitVarInsn(Opcodes.ALOAD, ONE);
                    value(a);
                    mv.visitFieldInsn(Opcodes.GETSTATIC, OPERATORS, op.name(), COMPARISON_DESC);
                    value(b);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "compare", CHECKED.get("compareVector"), false);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "blend", CHECKED.get("blend"), false);
                }
                case WHERE -> { // ifFalse.blend(ifTrue, condition != 0)
                    value(x);
                    value(b);
                    value(a);
                    mv.visitFieldInsn(Opcodes.GETSTATIC, OPERATORS, "NE", COMPARISON_DESC);
                    mv.visitInsn(Opcodes.FCONST_0);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "compare", CHECKED.get("compareScalar"), false);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FV, "blend", CHECKED.get("blend"), false);
                }
                case EXP, SIGMOID, TANH -> transcendental(op, a);
                default -> throw new IllegalArgumentException("no vector form for " + op);
            }
        }
    }
}
