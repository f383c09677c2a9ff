package io.gradlab.engine.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed number of threads that run one split task together: the caller runs part 0 and
 * {@code parts - 1} helper threads run the others. Handing work over allocates nothing: a helper
 * spins briefly for the next task (tasks of a training step follow each other within
 * microseconds), then parks, and exits after a few idle seconds (it is restarted on demand).
 * One task runs at a time; concurrent callers queue on the gang's monitor, so a task's split, and
 * with it every result bit, depends only on the part count.
 */
final class WorkerGang {
    /** A task split into parts; {@code run(part)} is called once for each part in {@code [0, parts)}. */
    interface Task {
        void run(int part);
    }

    private static final long SPIN_NANOS = 200_000;
    private static final long IDLE_EXIT_NANOS = 3_000_000_000L;

    private final int parts;
    private final Helper[] helpers;

    WorkerGang(int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be positive, got " + parts);
        }
        this.parts = parts;
        this.helpers = new Helper[parts - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i + 1);
        }
    }

    int parts() {
        return parts;
    }

    /** Runs {@code task} on every part and returns when all parts are done; rethrows a part's failure. */
    synchronized void run(Task task) {
        if (parts == 1) {
            task.run(0);
            return;
        }
        for (Helper h : helpers) {
            h.post(task);
        }
        Throwable failure = null;
        try {
            task.run(0);
        } catch (Throwable t) {
            failure = t;
        }
        for (Helper h : helpers) {
            Throwable t = h.await();
            if (failure == null) {
                failure = t;
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** One helper thread; the fields are its mailbox. */
    private static final class Helper implements Runnable {
        private static final int EXITED = 0;
        private static final int RUNNING = 1;

        private final int part;
        private final AtomicInteger state = new AtomicInteger(EXITED);
        private volatile Task task;
        private volatile long posted;
        private volatile long done;
        private volatile boolean parked;
        private volatile Thread thread;
        private Throwable failure;

        Helper(int part) {
            this.part = part;
        }

        void post(Task t) {
            task = t;
            posted = posted + 1; // only the caller (holding the gang's monitor) writes posted
            if (state.get() == EXITED) {
                if (state.compareAndSet(EXITED, RUNNING)) {
                    Thread th = new Thread(this, "gradlab-kernel-" + part);
                    th.setDaemon(true);
                    thread = th;
                    th.start();
                }
            } else if (parked) {
                LockSupport.unpark(thread);
            }
        }

        Throwable await() {
            long target = posted;
            int spins = 0;
            while (done != target) {
                if (++spins < 50_000) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            Throwable t = failure;
            failure = null;
            return t;
        }

        @Override
        public void run() {
            long seen = done;
            long idleSince = System.nanoTime();
            while (true) {
                long p = posted;
                if (p != seen) {
                    try {
                        task.run(part);
                    } catch (Throwable t) {
                        failure = t;
                    }
                    seen = p;
                    done = p;
                    idleSince = System.nanoTime();
                    continue;
                }
                long idle = System.nanoTime() - idleSince;
                if (idle < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else if (idle > IDLE_EXIT_NANOS) {
                    state.set(EXITED);
                    // work posted before the caller could see EXITED is ours to run
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
