package io.gradlab.engine.bench;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one benchmark: the median training throughput of the timed runs and what it ran on.
 *
 * @param samplesPerSecond the median over the timed runs of samples trained per second
 * @param gflops           {@code samplesPerSecond * flopsPerSample / 1e9}
 * @param flopsPerSample   {@code 2 m n k} summed over the forward, input-gradient and weight-gradient products, per sample
 * @param backend          the kernel of the matrix products ({@code native-openblas}, {@code java-vector}, {@code java})
 * @param kernels          backend, threads and OpenBLAS's thread setting in one line
 * @param threads          the threads a matrix product is split over
 * @param batch            samples per step
 * @param samplesPerRun    samples trained in each timed run
 * @param data             which data was used
 * @param embeddedSubset   whether that was the embedded subset (the full data was missing)
 * @param runs             samples per second of each timed run, in order
 * @param samplesPerCpuSecond the median of samples per second of CPU time of the whole process (all threads): what
 *                         the throughput would be on an otherwise idle machine if one core did all the work; on a busy
 *                         machine it is the steadier figure to compare kernels by
 * @param finalLoss        the training loss of the last run (a sanity check that it trained)
 * @param diagnostics      the diagnostics that ran with the training steps (empty: none)
 * @param warmup           samples per second of each untimed warm-up run, in order
 */
public record BenchResult(double samplesPerSecond, double gflops, long flopsPerSample, String backend, String kernels, int threads,
                          int batch, int samplesPerRun, String data, boolean embeddedSubset, List<Double> runs, double samplesPerCpuSecond, double finalLoss,
                          List<String> diagnostics, List<Double> warmup) {
    public BenchResult {
        requireNonNull(backend, "backend is null");
        requireNonNull(kernels, "kernels is null");
        requireNonNull(data, "data is null");
        runs = List.copyOf(runs);
        diagnostics = List.copyOf(diagnostics);
        warmup = List.copyOf(warmup);
    }

    /** The figures as an ordered map (for JSON). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("framework", "gradlab");
        m.put("batch", batch);
        m.put("threads", threads);
        m.put("backend", backend);
        m.put("kernels", kernels);
        m.put("openblas_num_threads", String.valueOf(System.getenv("OPENBLAS_NUM_THREADS")));
        m.put("samples_per_run", samplesPerRun);
        m.put("samples_per_second", Math.round(samplesPerSecond * 10) / 10.0);
        m.put("gflops", Math.round(gflops * 100) / 100.0);
        m.put("flops_per_sample", flopsPerSample);
        m.put("runs", runs.stream().map(r -> Math.round(r * 10) / 10.0).toList());
        m.put("warmup_runs", warmup.stream().map(r -> Math.round(r * 10) / 10.0).toList());
        m.put("samples_per_cpu_second", Math.round(samplesPerCpuSecond * 10) / 10.0);
        m.put("final_loss", finalLoss);
        m.put("diagnostics", diagnostics);
        m.put("unsteady", unsteady());
        m.put("data", data);
        m.put("embedded_subset", embeddedSubset);
        return m;
    }

    /** A few human-readable lines. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%,.0f samples/s, %.1f GFLOP/s (batch %d, median of %d runs of %d samples)%n",
                samplesPerSecond, gflops, batch, runs.size(), samplesPerRun));
        sb.append("kernels: ").append(kernels).append(System.lineSeparator());
        sb.append("data:    ").append(data).append(System.lineSeparator());
        sb.append("diagnostics: ").append(diagnostics.isEmpty() ? "none (--no-diagnostics: the bare training step)"
                : String.join(", ", diagnostics) + " (the defaults of every run)").append(System.lineSeparator());
        if (embeddedSubset) {
            sb.append("note:    the full FashionMNIST is not installed, so this timed the embedded subset "
                    + "(apt-get install dataset-fashion-mnist, or --data DIR, for the reference workload)").append(System.lineSeparator());
        }
        sb.append("runs:    ").append(rates(runs)).append(" samples/s").append(System.lineSeparator());
        sb.append("warm-up: ").append(rates(warmup)).append(" samples/s (untimed: the JVM compiles the step's code meanwhile)")
                .append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "cpu:     %,.0f samples per CPU-second (all threads; steadier than wall time on a busy machine)%n",
                samplesPerCpuSecond));
        if (unsteady()) {
            sb.append(String.format(Locale.ROOT, "note:    the runs differ by more than %.0f%% (%,.0f to %,.0f samples/s): other work, or a host taking "
                    + "cores away, slowed some of them; compare interleaved runs (bench/compare.sh reports medians and peaks)%n",
                    (UNSTEADY - 1) * 100, slowest(), fastest()));
        }
        return sb.toString();
    }

    /** {@code 1,234, 5,678}: samples/s, rounded. */
    private static String rates(List<Double> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", values.get(i)));
        }
        return sb.toString();
    }

    /** The fastest run over the slowest above which the runs are called unsteady. */
    static final double UNSTEADY = 1.25;

    /** Whether the fastest run was more than {@link #UNSTEADY} times the slowest. */
    public boolean unsteady() {
        return slowest() > 0 && fastest() / slowest() > UNSTEADY;
    }

    private double slowest() {
        return runs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private double fastest() {
        return runs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
