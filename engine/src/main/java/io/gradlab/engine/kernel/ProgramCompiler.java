package io.gradlab.engine.kernel;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles elementwise programs and expressions to {@link Compiled} instruction lists over
 * operands: the tensor arguments, temporary registers and constant registers (constants and
 * run-time scalars). Shared sub-expressions (the same {@link Expr} object used twice) are computed
 * once per assignment; a temporary register is reused once its last reader has run.
 */
final class ProgramCompiler {
    private final int args;
    private final List<int[]> code = new ArrayList<>();
    private final List<Double> constValues = new ArrayList<>();
    private final List<Integer> constScalars = new ArrayList<>();
    private final Map<Double, Integer> constants = new java.util.HashMap<>();
    private final Map<Integer, Integer> scalars = new java.util.HashMap<>();
    /** Temporary registers: true while in use. */
    private final List<Boolean> temps = new ArrayList<>();
    /** Per temporary register: the expression whose value it holds (the last one computed into it). */
    private final List<Expr> owners = new ArrayList<>();
    private Map<Expr, Integer> uses;
    private Map<Expr, Integer> computed;

    private ProgramCompiler(int args) {
        this.args = args;
    }

    static Compiled compile(Elementwise program) {
        ProgramCompiler c = new ProgramCompiler(program.arity());
        boolean[] written = new boolean[program.arity()];
        for (Elementwise.Assignment a : program.assignments()) {
            c.assign(a.target(), a.expr());
            written[a.target()] = true;
        }
        return c.finish(-1, written, program.firstTarget(), program.scalarCount());
    }

    static Compiled compile(Expr e) {
        ProgramCompiler c = new ProgramCompiler(Math.max(1, e.arity()));
        int result = c.root(e);
        return c.finish(result, new boolean[c.args], 0, e.scalarCount());
    }

    private void assign(int target, Expr e) {
        if (e.op().arity() == 0) {
            code.add(new int[] {BlockEval.COPY, target, leaf(e), -1, -1});
            return;
        }
        start(e);
        int[] in = operands(e);
        code.add(new int[] {e.op().ordinal(), target, in[0], in[1], in[2]});
        release(in);
    }

    /** Compiles {@code e} and returns the operand holding its value. */
    private int root(Expr e) {
        if (e.op().arity() == 0) {
            return leaf(e);
        }
        start(e);
        return emit(e);
    }

    private void start(Expr e) {
        uses = new IdentityHashMap<>();
        computed = new IdentityHashMap<>();
        countUses(e);
    }

    private void countUses(Expr e) {
        int n = uses.merge(e, 1, Integer::sum);
        if (n == 1) {
            for (int i = 0; i < e.op().arity(); i++) {
                countUses(e.operand(i));
            }
        }
    }

    private int[] operands(Expr e) {
        int[] in = {-1, -1, -1};
        for (int i = 0; i < e.op().arity(); i++) {
            in[i] = value(e.operand(i));
        }
        return in;
    }

    /** The operand of {@code e}'s value, computing it on first use. */
    private int value(Expr e) {
        if (e.op().arity() == 0) {
            return leaf(e);
        }
        Integer done = computed.get(e);
        if (done != null) {
            return done;
        }
        return emit(e);
    }

    private int emit(Expr e) {
        int[] in = operands(e);
        release(in);
        int t = allocTemp();
        code.add(new int[] {e.op().ordinal(), t, in[0], in[1], in[2]});
        computed.put(e, t);
        owners.set(t - args, e);
        return t;
    }

    /** Frees the temporaries among {@code in} whose expression has no reader left. */
    private void release(int[] in) {
        for (int operand : in) {
            if (operand < args || operand >= args + temps.size()) {
                continue;
            }
            // the expression that holds the register now (an earlier holder has no reader left), so that the
            // registers do not depend on the iteration order of an identity map
            Expr holder = owners.get(operand - args);
            int left = uses.merge(holder, -1, Integer::sum);
            if (left == 0) {
                temps.set(operand - args, false);
            }
        }
    }

    private int allocTemp() {
        for (int i = 0; i < temps.size(); i++) {
            if (!temps.get(i)) {
                temps.set(i, true);
                return args + i;
            }
        }
        temps.add(true);
        owners.add(null);
        return args + temps.size() - 1;
    }

    /** A leaf's operand: an argument, or a constant register (encoded as -2 - index until the temporaries are counted). */
    private int leaf(Expr e) {
        return switch (e.op()) {
            case ARG -> e.index();
            case CONSTANT -> -2 - constants.computeIfAbsent(e.value(), v -> newConst(v, -1));
            case SCALAR -> -2 - scalars.computeIfAbsent(e.index(), s -> newConst(0, s));
            default -> throw new IllegalArgumentException("not a leaf: " + e);
        };
    }

    private int newConst(double value, int scalar) {
        constValues.add(value);
        constScalars.add(scalar);
        return constValues.size() - 1;
    }

    private Compiled finish(int result, boolean[] written, int firstTarget, int scalarCount) {
        int tempCount = temps.size();
        int constBase = args + tempCount;
        int[] flat = new int[code.size() * 5];
        for (int i = 0; i < code.size(); i++) {
            int[] ins = code.get(i);
            flat[i * 5] = ins[0];
            for (int j = 1; j < 5; j++) {
                flat[i * 5 + j] = ins[j] <= -2 ? constBase + (-2 - ins[j]) : ins[j];
            }
        }
        int res = result <= -2 ? constBase + (-2 - result) : result;
        double[] values = constValues.stream().mapToDouble(Double::doubleValue).toArray();
        int[] scalarIndex = constScalars.stream().mapToInt(Integer::intValue).toArray();
        return new Compiled(args, tempCount, values, scalarIndex, flat, res, written, firstTarget, scalarCount);
    }

    /** A compiled program: {@code code} holds five ints per instruction (opcode, destination, three sources or -1). */
    record Compiled(int args, int temps, double[] constValues, int[] constScalars, int[] code, int result, boolean[] written,
                    int firstTarget, int scalarCount) {
        int operands() {
            return args + temps + constValues.length;
        }

        int instructions() {
            return code.length / 5;
        }
    }
}
