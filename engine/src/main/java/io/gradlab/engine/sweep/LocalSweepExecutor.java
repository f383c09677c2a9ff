package io.gradlab.engine.sweep;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs trials in this JVM on a fixed pool of {@link SweepJob#workers()} threads (see {@link Workers}
 * for its size), sharing the driver's experiment runner.
 */
public final class LocalSweepExecutor implements SweepExecutor {
    @Override
    public List<TrialResult> run(List<Trial> trials, SweepJob job, TrialListener listener) {
        Path trialsDir = job.localTrials().orElseThrow(() -> new GradlabException(Category.USAGE, "the local engine writes trial folders"
                + " to a local folder, not to " + job.trials() + ": give --out a local folder, or use --engine spark for a Hadoop filesystem"));
        TrialRunner runner = new TrialRunner(job.runner());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(job.workers(), Math.max(1, trials.size())), threads());
        try {
            List<Future<TrialResult>> futures = new ArrayList<>();
            for (Trial trial : trials) {
                futures.add(pool.submit(() -> {
                    listener.started(trial);
                    TrialResult result;
                    try {
                        result = runner.run(trial, trialsDir, job.dataDir());
                    } catch (RuntimeException e) {
                        result = TrialResult.failed(trial.id(), String.valueOf(e.getMessage()));
                    }
                    listener.finished(trial, result);
                    return result;
                }));
            }
            List<TrialResult> results = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    results.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    results.add(TrialResult.failed(trials.get(i).id(), String.valueOf(cause)));
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradlabException(Category.IO, "the sweep was interrupted; run it again into the same folder to finish the"
                    + " missing trials (finished ones are kept)", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "gradlab-trial-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The {@code local} engine. */
    public static final class Provider implements SweepExecutorProvider {
        @Override
        public String id() {
            return "local";
        }

        @Override
        public String description() {
            return "trials in parallel threads of this JVM";
        }

        @Override
        public SweepExecutor create() {
            return new LocalSweepExecutor();
        }
    }
}
