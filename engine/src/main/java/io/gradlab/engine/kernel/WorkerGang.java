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
 * <p>The caller claims parts from the first, the helpers from the last. With two threads the caller
 * computes part 0 of every split and the helper part 1, as long as the helper is on time: the
 * block of rows a product wrote is then what the same core's activation reads next, and the next
 * layer's product reads the rows its activation wrote, from that core's cache.
 *
 * <p>Handing work over allocates nothing: a helper spins briefly for the next task (the products
 * of a training step follow each other within microseconds), then parks, and exits after a few
 * idle seconds (it is restarted on demand). One task runs at a time; concurrent callers queue on
 * the gang's monitor.
 *
 * <p>Besides the split tasks, the gang runs one <em>background job</em> at a time: work split in
 * small chunks (such as copying the next training batch) that helpers pick up whenever they have no
 * part to compute, so that it fills the moments a helper would otherwise spin through (the serial
 * stretches of a training step). The caller posts it with {@link #post} and collects it with
 * {@link #finish}, which runs whatever chunks are still unclaimed itself; with one thread,
 * {@code finish} runs them all. A helper checks for a posted split task between two chunks, so a
 * background job delays a split task by at most one chunk.
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
    private static final long FRONT_ONE = 1L << PART_BITS;

    private final int parts;
    private final Helper[] helpers;
    /**
     * {@code generation << 32 | front << PART_BITS | back} of the current task: the parts
     * {@code [front, back)} are unclaimed (one atomic read gives all three).
     */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger completed = new AtomicInteger();
    private volatile Task task;
    /** The thread that runs the current task's caller side, or null between tasks. */
    private volatile Thread owner;
    private volatile Throwable failure;
    private long generation;
    /** The background job's claim word, as {@link #ticket}; its chunks are claimed from the front only. */
    private final AtomicLong background = new AtomicLong();
    private int backgroundChunks;
    private final AtomicInteger backgroundDone = new AtomicInteger();
    private volatile BlasOps.BackgroundJob backgroundJob;
    private volatile Throwable backgroundFailure;
    private long backgroundGeneration;

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
    void run(Task t) {
        run(t, parts);
    }

    /**
     * Runs parts {@code [0, count)} of {@code t} (count may differ from the thread count: the parts
     * are claimed by whoever is free) and returns when all are done; rethrows a part's failure.
     */
    synchronized void run(Task t, int count) {
        if (count < 1 || count > PART_MASK) {
            throw new IllegalArgumentException("count must be in [1, " + PART_MASK + "], got " + count);
        }
        if (parts == 1 || count == 1) {
            for (int p = 0; p < count; p++) {
                t.run(p);
            }
            return;
        }
        long gen = ++generation;
        owner = Thread.currentThread();
        task = t;
        failure = null;
        completed.set(0);
        ticket.set(word(gen, count));
        for (Helper h : helpers) {
            h.wake(gen);
        }
        work(gen, false);
        await(completed, count); // a helper still computes its part: meanwhile, some of the background job
        task = null;
        owner = null;
        rethrow(failure);
    }

    /**
     * Whether the calling thread is computing a part of this gang's task (the caller's side or a
     * helper): kernels called from a part run on that thread, since the gang runs one task at a time.
     */
    boolean inTask() {
        Thread t = Thread.currentThread();
        return t == owner || (t instanceof KernelThread k && k.gang == this);
    }

    /** A helper's thread, which knows its gang. */
    private static final class KernelThread extends Thread {
        final WorkerGang gang;

        KernelThread(WorkerGang gang, Runnable r, String name) {
            super(r, name);
            this.gang = gang;
        }
    }

    /**
     * Posts a background job of {@code chunks} chunks (at most 65 535), after finishing the previous
     * one. Helpers run its chunks when they have nothing else to do; {@link #finish} collects it.
     */
    synchronized void post(BlasOps.BackgroundJob job, int chunks) {
        if (chunks < 0 || chunks > PART_MASK) {
            throw new IllegalArgumentException("chunks must be in [0, " + PART_MASK + "], got " + chunks);
        }
        finish();
        if (chunks == 0) {
            return;
        }
        backgroundJob = job;
        backgroundFailure = null;
        backgroundDone.set(0);
        // the job is written before the ticket that lets helpers claim its chunks
        backgroundChunks = chunks;
        background.set(word(++backgroundGeneration, chunks));
        for (Helper h : helpers) {
            h.nudge();
        }
    }

    /**
     * Returns when the posted background job (if any) is done, running its unclaimed chunks on the
     * calling thread; rethrows a chunk's failure.
     */
    synchronized void finish() {
        if (backgroundJob == null) {
            return;
        }
        await(backgroundDone, backgroundChunks); // the unclaimed chunks run here
        backgroundJob = null;
        Throwable f = backgroundFailure;
        backgroundFailure = null;
        rethrow(f);
    }

    /** Throws {@code f} on the caller's thread (unchecked as it is, a checked one wrapped); nothing when null. */
    private static void rethrow(Throwable f) {
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

    /**
     * Waits until {@code counter} reaches {@code target}, running chunks of the background job
     * meanwhile; spins, then yields the core (a helper computing what is awaited may share it).
     */
    private void await(AtomicInteger counter, int target) {
        int spins = 0;
        while (counter.get() < target) {
            if (backgroundChunk()) {
                continue;
            }
            if (++spins < 2_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Claims and runs one chunk of the background job; false when there is none left to claim. */
    private boolean backgroundChunk() {
        int chunk = claim(background, ANY_GENERATION, false);
        if (chunk < 0) {
            return false;
        }
        // the job cannot change until this chunk is done (finish waits for it)
        try {
            backgroundJob.run(chunk);
        } catch (Throwable e) {
            if (backgroundFailure == null) {
                backgroundFailure = e;
            }
        } finally {
            backgroundDone.incrementAndGet();
        }
        return true;
    }

    /** Whether the background job has chunks left to claim. */
    private boolean backgroundPending() {
        long cur = background.get();
        return front(cur) < back(cur);
    }

    /** Claims and runs parts of generation {@code gen} until none is left: from the last part if {@code fromBack}. */
    private void work(long gen, boolean fromBack) {
        for (int part = claim(ticket, gen, fromBack); part >= 0; part = claim(ticket, gen, fromBack)) {
            try {
                task.run(part); // the task cannot change until this part completes
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
            } finally {
                completed.incrementAndGet();
            }
        }
    }

    // ---- the claim words of tasks and background jobs: generation << 32 | front << PART_BITS | back ----

    private static final long ANY_GENERATION = -1;

    /** The word of a fresh task or job of {@code count} parts: generation {@code gen}, all of {@code [0, count)} unclaimed. */
    private static long word(long gen, int count) {
        return (gen & 0xFFFF_FFFFL) << 32 | count;
    }

    private static int front(long word) {
        return (int) ((word >>> PART_BITS) & PART_MASK);
    }

    private static int back(long word) {
        return (int) (word & PART_MASK);
    }

    /**
     * Claims the first (or, {@code fromBack}, the last) unclaimed part of {@code word} if it is of
     * generation {@code gen} (or of any with {@link #ANY_GENERATION}); -1 when there is none left (one
     * atomic read gives generation and the unclaimed range, so a late claimer never takes a part of
     * the next task).
     */
    private static int claim(AtomicLong word, long gen, boolean fromBack) {
        while (true) {
            long cur = word.get();
            int front = front(cur);
            int back = back(cur);
            if ((gen != ANY_GENERATION && (cur >>> 32) != (gen & 0xFFFF_FFFFL)) || front >= back) {
                return -1;
            }
            // back > front >= 0: taking one off the back cannot borrow, and front + 1 <= back fits
            if (fromBack ? word.compareAndSet(cur, cur - 1) : word.compareAndSet(cur, cur + FRONT_ONE)) {
                return fromBack ? back - 1 : front;
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
                    Thread th = new KernelThread(gang, this, "gradlab-kernel-" + index);
                    th.setDaemon(true);
                    thread = th;
                    th.start();
                }
            } else if (parked) {
                LockSupport.unpark(thread);
            }
        }

        /** A background job was posted: a parked helper wakes up for it (an exited one is not restarted). */
        void nudge() {
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            long seen = 0;
            long idleSince = System.nanoTime();
            int spins = 0;
            while (true) {
                long p = posted;
                if (p != seen) {
                    seen = p;
                    gang.work(p, true);
                    idleSince = System.nanoTime();
                    continue;
                }
                if (gang.backgroundChunk()) {
                    idleSince = System.nanoTime();
                    continue;
                }
                // the clock is read on every 64th turn only: reading it took longer than a turn of the
                // loop, and delayed noticing a posted task by that much
                if ((++spins & 63) != 0) {
                    Thread.onSpinWait();
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
                    if (posted == seen && !gang.backgroundPending()) {
                        LockSupport.parkNanos(this, 100_000_000L);
                    }
                    parked = false;
                }
            }
        }
    }
}
