package io.gradlab.plugins.diagnostics;

import io.gradlab.api.tensor.Tensor;

/**
 * Row views of the tensors a diagnostic reads in a pass split over the kernel threads ({@code Ops.parallelFor}):
 * part {@code p} of {@code parts} gets rows {@code [p * rows / parts, (p + 1) * rows / parts)}, the same rows as the
 * kernels' part {@code p} of a batch (the engine's step split by rows computes them on thread {@code p}). Reading a
 * batch's rows on the core that wrote them keeps them in its cache alone: a row read by the other core would have to
 * be taken back from it, line by line, before the next step can write it.
 *
 * <p>Each view is made once per tensor and part and kept (a few tensors per owner: a full batch's and an epoch's short
 * last one, a layer's input and output), so that a warm step allocates nothing. Not thread-safe across owners; each part asks for its own views only.
 */
final class RowParts {
    private static final int SLOTS = 8;
    private final Tensor[][] sources;
    private final Tensor[][] views;
    private final int[] next;

    RowParts(int parts) {
        this.sources = new Tensor[parts][SLOTS];
        this.views = new Tensor[parts][SLOTS];
        this.next = new int[parts];
    }

    /** The number of parts. */
    int parts() {
        return next.length;
    }

    /** The first row of part {@code p} of {@code rows} rows ({@code p = parts}: the end). */
    static int start(int p, int rows, int parts) {
        return (int) ((long) p * rows / parts);
    }

    /** Part {@code p}'s rows of {@code source} (its first dimension), or null when the part has none. */
    Tensor rows(Tensor source, int p) {
        int parts = next.length;
        int from = start(p, source.dim(0), parts);
        int to = start(p + 1, source.dim(0), parts);
        if (from == to) {
            return null;
        }
        if (to - from == source.dim(0)) {
            return source; // one part: all of it
        }
        Tensor[] s = sources[p];
        for (int i = 0; i < SLOTS; i++) {
            if (s[i] == source) {
                return views[p][i];
            }
        }
        int slot = next[p];
        next[p] = (slot + 1) % SLOTS;
        s[slot] = source;
        views[p][slot] = source.slice(from, to);
        return views[p][slot];
    }
}
