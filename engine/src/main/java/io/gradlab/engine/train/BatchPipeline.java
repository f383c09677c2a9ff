package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.data.Dataset;
import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.kernel.BlasOps;

/**
 * The training batches, copied one step ahead: while a step trains on one pair of batch buffers,
 * the next batch's rows are copied into the other pair as a background job of the kernel threads
 * ({@link BlasOps#runInBackground}), which run it in the moments they would otherwise wait (the
 * serial stretches of the step). The shuffled copy is thus off the critical path when there are
 * spare moments, and costs no more than before when there are none ({@link #await} copies the rows
 * nobody has started). With other {@link Ops} the copy happens in {@link #start}.
 *
 * <p>Not thread-safe; allocation-free once a batch size has been seen.
 */
final class BatchPipeline {
    /** Rows per background chunk: about 12 KB of FashionMNIST, about a microsecond. */
    static final int ROWS_PER_CHUNK = 4;

    private final DType dtype;
    private final BlasOps.Background blas;
    private final BufferCache[] xs = {new BufferCache(), new BufferCache()};
    private final BufferCache[] ys = {new BufferCache(), new BufferCache()};
    private final CopyJob job = new CopyJob();
    private int slot;
    private Tensor x;
    private Tensor y;
    private boolean pending;

    BatchPipeline(DType dtype, Ops ops) {
        this.dtype = requireNonNull(dtype, "dtype is null");
        this.blas = BlasOps.background(ops);
    }

    /** Starts copying the samples {@code order[from .. from + count)} of {@code data} into the next pair of buffers. */
    void start(Dataset data, int[] order, int from, int count) {
        finish();
        slot ^= 1;
        x = xs[slot].get(dtype, count, data.width());
        y = ys[slot].get(dtype, count, data.targetWidth());
        if (blas == null) {
            data.copyBatch(order, from, count, x, y);
            return;
        }
        job.set(data, order, from, count, x, y);
        pending = true;
        blas.runInBackground(job, (count + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK);
    }

    /** Waits for the batch {@link #start} began (copying what is left here); then {@link #x()} and {@link #y()} hold it. */
    void await() {
        finish();
    }

    /** The inputs of the batch last started (complete after {@link #await}). */
    Tensor x() {
        return x;
    }

    /** The targets of the batch last started (complete after {@link #await}). */
    Tensor y() {
        return y;
    }

    /** Ends a copy still under way (after an interrupted epoch, so that no job outlives it). */
    void finish() {
        if (pending) {
            pending = false;
            try {
                blas.awaitBackground();
            } finally {
                job.clear();
            }
        }
    }

    /** Copies rows {@code [chunk * ROWS_PER_CHUNK, ...)} of the batch; reused. */
    private static final class CopyJob implements BlasOps.BackgroundJob {
        private Dataset data;
        private int[] order;
        private int from;
        private int count;
        private Tensor x;
        private Tensor y;

        void set(Dataset data, int[] order, int from, int count, Tensor x, Tensor y) {
            this.data = data;
            this.order = order;
            this.from = from;
            this.count = count;
            this.x = x;
            this.y = y;
        }

        void clear() {
            data = null;
            order = null;
            x = null;
            y = null;
        }

        @Override
        public void run(int chunk) {
            int row = chunk * ROWS_PER_CHUNK;
            data.copyBatch(order, from + row, Math.min(ROWS_PER_CHUNK, count - row), x, y, row);
        }
    }
}
