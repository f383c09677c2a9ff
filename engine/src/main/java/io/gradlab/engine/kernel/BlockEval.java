package io.gradlab.engine.kernel;

/**
 * The instructions of a compiled elementwise program on one block of elements: {@code n} elements of
 * arrays ({@code float[]} or {@code double[]}, one type per implementation) from the given offsets.
 * Each instruction is one tight loop, so that vector code keeps its vectors in registers.
 */
interface BlockEval {
    /** The opcode of a copy (the {@link io.gradlab.api.tensor.Expr.Op} ordinals come before it). */
    int COPY = io.gradlab.api.tensor.Expr.Op.values().length;

    /** {@code d = op(a, b, c)} over {@code n} elements; unused operands are null. */
    void exec(int op, Object d, int dOff, Object a, int aOff, Object b, int bOff, Object c, int cOff, int n);

    /** {@code d[off, off + n) = v}. */
    void fill(Object d, int off, int n, double v);

    /** {@code acc[accOff + c] += sum over r < rows of src[srcOff + r * cols + c]}, for {@code c < cols}, each column in row order. */
    void addRows(Object src, int srcOff, int rows, int cols, Object acc, int accOff);

    /** The sum of {@code src[off, off + n)}, in a fixed order. */
    double sum(Object src, int off, int n);

    /**
     * The sum of the squares of {@code src[off, off + n)}: the bits of {@link #sum} over the squares
     * that the SQUARE instruction writes, in one pass without storing them.
     */
    double sumOfSquares(Object src, int off, int n);

    /** {@code d[off + i] = beta * d[off + i]} ({@code 0} when beta is 0, whatever d held). */
    void scale(Object d, int off, int n, double beta);

    /** A new array of this implementation's type. */
    Object newArray(int n);

    /**
     * The program compiled to one loop over vectors ({@link FusedKernel}) that computes, to the bit, what its
     * instructions compute one by one, or {@code null} when this implementation runs it instruction by instruction.
     */
    default FusedKernel fuse(ProgramCompiler.Compiled program) {
        return fuse(program, 0);
    }

    /** {@link #fuse(ProgramCompiler.Compiled)} with the arguments of the bit set {@code broadcast} one value per call. */
    default FusedKernel fuse(ProgramCompiler.Compiled program, int broadcast) {
        return null;
    }

    /**
     * The program compiled to a loop that adds its result into the result operand's array ({@code out[i] = out[i] +
     * result}, as {@link #addRows} adds one row) instead of storing it: a wide column sum then needs no register of
     * results and no second pass over it. {@code null} when this implementation or the program has none.
     */
    default FusedKernel fuseAccumulating(ProgramCompiler.Compiled program) {
        return null;
    }

    /** A short name ({@code vector}, {@code scalar}, {@code double}). */
    String name();
}
