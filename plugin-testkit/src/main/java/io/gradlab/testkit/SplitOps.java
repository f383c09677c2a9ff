package io.gradlab.testkit;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The reference kernels ({@link ReferenceOps}) claiming several kernel threads, so that a component splits its
 * work into parts as it does on the engine's kernels: to check that a split gives the bits one thread gives, or
 * values within rounding of an unsplit reference. {@link #reversed} runs the parts of {@link #parallelFor} on the
 * calling thread, last first (a part must not depend on another having run); {@link #onThreads} runs them on as
 * many threads at once, as a multi-threaded engine does. {@link #parts} counts the parts run.
 */
public final class SplitOps implements Ops {
    private final ReferenceOps ref = new ReferenceOps();
    private final int threads;
    private final boolean concurrent;
    private final AtomicInteger parts = new AtomicInteger();

    private SplitOps(int threads, boolean concurrent) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.concurrent = concurrent;
    }

    /** {@code threads} threads claimed, the parts run on the calling thread in reverse order. */
    public static SplitOps reversed(int threads) {
        return new SplitOps(threads, false);
    }

    /** {@code threads} threads claimed, and as many real threads running the parts at once. */
    public static SplitOps onThreads(int threads) {
        return new SplitOps(threads, true);
    }

    /** The parts {@link #parallelFor} has run so far. */
    public int parts() {
        return parts.get();
    }

    @Override
    public void parallelFor(int count, IntConsumer part) {
        parts.addAndGet(count);
        if (!concurrent) {
            for (int i = count - 1; i >= 0; i--) {
                part.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    try {
                        part.accept(i);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            started.add(th);
            th.start();
        }
        for (Thread th : started) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a part failed", failures.peek());
        }
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public String backend() {
        return "reference, " + threads + " threads claimed" + (concurrent ? " and run" : "");
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        ref.gemm(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    public void linear(Tensor x, Tensor w, Tensor bias, Tensor y) {
        ref.linear(x, w, bias, y);
    }

    @Override
    public void map(Elementwise program, double[] scalars, Tensor... args) {
        ref.map(program, scalars, args);
    }

    @Override
    public void mapEach(Elementwise program, double[] scalars, TensorGroup... groups) {
        ref.mapEach(program, scalars, groups);
    }

    @Override
    public void columnSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
        ref.columnSums(e, beta, out, scalars, args);
    }

    @Override
    public void rowSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
        ref.rowSums(e, beta, out, scalars, args);
    }

    @Override
    public double sum(Expr e, double[] scalars, Tensor... args) {
        return ref.sum(e, scalars, args);
    }

    @Override
    public void sumEach(Expr e, double[] out, double[] scalars, TensorGroup... groups) {
        ref.sumEach(e, out, scalars, groups);
    }
}
