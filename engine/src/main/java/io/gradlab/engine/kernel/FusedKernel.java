package io.gradlab.engine.kernel;

/**
 * A compiled elementwise program's loop over the whole vectors of one block: every instruction for
 * one vector of elements before the next vector ({@link VectorProgramGenerator}).
 */
interface FusedKernel {
    /**
     * Runs the program over elements {@code [0, n)} of the operands ({@code arrays[r]} from {@code
     * offsets[r]}, as {@link ElementwiseRunner} prepares them) and returns how many elements it did from
     * the first: all of them, or none while the kernel is not ready (the caller's interpreter does the rest).
     */
    int run(Object[] arrays, int[] offsets, int n);

    /** Whether {@link #run} computes now (a kernel still being warmed returns 0 from it). */
    default boolean ready() {
        return true;
    }
}
