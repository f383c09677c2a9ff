package io.gradlab.engine.bench;

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far apart the machine puts two threads: the round trip of a value that two spinning threads pass back and
 * forth, each waiting for the other's write. On two cores that share a cache it takes tens of nanoseconds; on a
 * virtual machine whose two vCPUs sit on distant cores (another chiplet) it took 430–510 ns, and then every cache line
 * that one core writes and the other reads costs about that much: a training step split over the two cores is
 * markedly slower (docs/performance.md, "Where each core writes"). The host can move the vCPUs between runs, so
 * {@code gradlab bench} measures it before and after its timed runs.
 */
final class CoreProbe {
    /** Exchanges per measured batch, and the batches: the first ones warm the JIT up, the median of the rest counts. */
    private static final int PER_BATCH = 5_000;
    private static final int BATCHES = 12;
    private static final int COUNTED = 6;
    /** The probe gives up after this long (a busy machine that does not run both threads at once). */
    private static final long BUDGET_NANOS = 300_000_000L;

    private CoreProbe() {}

    /** The median round trip in nanoseconds; empty with one CPU, or when the other thread did not keep up within the budget. */
    static OptionalDouble roundTripNanos() {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return OptionalDouble.empty();
        }
        AtomicLong ball = new AtomicLong();
        long total = (long) PER_BATCH * BATCHES;
        long deadline = System.nanoTime() + BUDGET_NANOS;
        Thread other = new Thread(() -> {
            for (long i = 0; i < total; i++) {
                long want = 2 * i + 1;
                long spins = 0;
                while (ball.get() != want) {
                    if (++spins % 1_000_000 == 0 && (ball.get() < 0 || System.nanoTime() > deadline)) {
                        return;
                    }
                }
                ball.set(want + 1);
            }
        }, "gradlab-core-probe");
        other.setDaemon(true);
        other.start();
        double[] perExchange = new double[BATCHES];
        try {
            for (int b = 0; b < BATCHES; b++) {
                long start = System.nanoTime();
                for (int k = 0; k < PER_BATCH; k++) {
                    long i = (long) b * PER_BATCH + k;
                    ball.set(2 * i + 1);
                    long spins = 0;
                    while (ball.get() != 2 * i + 2) {
                        if (++spins % 1_000_000 == 0 && System.nanoTime() > deadline) {
                            return OptionalDouble.empty();
                        }
                    }
                }
                perExchange[b] = (System.nanoTime() - start) / (double) PER_BATCH;
            }
        } finally {
            ball.set(-1); // a helper still waiting gives up
        }
        double[] counted = Arrays.copyOfRange(perExchange, BATCHES - COUNTED, BATCHES);
        Arrays.sort(counted);
        return OptionalDouble.of((counted[COUNTED / 2 - 1] + counted[COUNTED / 2]) / 2);
    }
}
