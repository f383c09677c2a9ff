package io.gradlab.engine.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed number of threads that run one split task together. The parts of a task are claimed
 * one by one by whoever is free: the calling thread and {@code parts - 1} helper threads. A helper
 * that is late (descheduled on a busy machine) finds the parts already claimed, so the caller
 * never waits for a helper to wake up, only for a part a helper is computing. Which thread computes
 * a part does not change its result: results depend only on the part count.
 *
 * <p>Handing work over allocates nothing: a helper spins briefly for the next task (the products
 * of a training step follow each other within microseconds), then parks, and exits after a few
 * idle seconds (it is restarted on demand). One task runs at a time; concurrent callers queue on
 * the gang's monitor.
 */
final class WorkerGang {
    /** A task split into parts; {@code run(part)} is called once for each part in {@code [0, parts)}. */
    interface Task {
        void run(int part);
    }

    private static final long SPIN_NANOS = 500_000;
    private static final long IDLE_EXIT_NANOS = 3_000_000_000L;
    private static final int PART_BITS = 16;
    private static final long PART_MASK = (1L << PART_BITS) - 1;

    private final int parts;
    private final Helper[] helpers;
    /** {@code generation << PART_BITS | next unclaimed part} of the current task. */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger completed = new AtomicInteger();
    private volatile Task task;
    private volatile Throwable failure;
    private long generation;

    WorkerGang(int parts) {
        if (parts < 1 || parts > PART_MASK) {
            throw new IllegalArgumentException("parts must be in [1, " + PART_MASK + "], got " + parts);
        }
        this.parts = parts;
        this.helpers = new Helper[parts - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(this, i + 1);
        }
    }

    int parts() {
        return parts;
    }

    /** Runs {@code t} on every part and returns when all parts are done; rethrows a part's failure. */
    synchronized void run(Task t) {
        if (parts == 1) {
            t.run(0);
            return;
        }
        long gen = ++generation;
        task = t;
        failure = null;
        completed.set(0);
        ticket.set(gen << PART_BITS);
        for (Helper h : helpers) {
            h.wake(gen);
        }
        work(gen);
        int spins = 0;
        while (completed.get() < parts) {
            if (++spins < 2_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // a helper is computing a part: give it the core if we share one
            }
        }
        task = null;
        Throwable f = failure;
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    /** Claims and runs parts of generation {@code gen} until none is left. */
    private void work(long gen) {
        while (true) {
            long cur = ticket.get();
            if ((cur >>> PART_BITS) != gen || (cur & PART_MASK) >= parts) {
                return;
            }
            if (!ticket.compareAndSet(cur, cur + 1)) {
                continue;
            }
            try {
                task.run((int) (cur & PART_MASK)); // the task cannot change until this part completes
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            } finally {
                completed.incrementAndGet();
            }
        }
    }

    /** One helper thread. */
    private static final class Helper implements Runnable {
        private static final int EXITED = 0;
        private static final int RUNNING = 1;

        private final WorkerGang gang;
        private final int index;
        private final AtomicInteger state = new AtomicInteger(EXITED);
        private volatile long posted;
        private volatile boolean parked;
        private volatile Thread thread;

        Helper(WorkerGang gang, int index) {
            this.gang = gang;
            this.index = index;
        }

        void wake(long gen) {
            posted = gen;
            if (state.get() == EXITED) {
                if (state.compareAndSet(EXITED, RUNNING)) {
                    Thread th = new Thread(this, "gradlab-kernel-" + index);
                    th.setDaemon(true);
                    thread = th;
                    th.start();
                }
            } else if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            long seen = 0;
            long idleSince = System.nanoTime();
            while (true) {
                long p = posted;
                if (p != seen) {
                    seen = p;
                    gang.work(p);
                    idleSince = System.nanoTime();
                    continue;
                }
                long idle = System.nanoTime() - idleSince;
                if (idle < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else if (idle > IDLE_EXIT_NANOS) {
                    state.set(EXITED);
                    // a wake-up that saw RUNNING just before is ours to serve
                    if (posted == seen || !state.compareAndSet(EXITED, RUNNING)) {
                        return;
                    }
                } else {
                    parked = true;
                    if (posted == seen) {
                        LockSupport.parkNanos(this, 100_000_000L);
                    }
                    parked = false;
                }
            }
        }
    }
}
