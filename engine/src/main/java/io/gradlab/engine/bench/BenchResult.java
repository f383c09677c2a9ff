package io.gradlab.engine.bench;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The figures of one benchmark: the median training throughput of the timed runs and what it ran on.
 *
 * @param workload         the experiment's name ({@code reference} for the reference workload)
 * @param spec             the spec file as given, or {@code null} for the reference workload
 * @param description      the experiment's description
 * @param samplesPerSecond the median over the timed runs of samples trained per second
 * @param flopsPerSample   {@code 2 m n k} summed over the forward, input-gradient and weight-gradient products, per
 *                         sample; empty when the model has weighted layers other than dense ones, whose products the
 *                         count does not know
 * @param backend          the kernel of the matrix products ({@code native-openblas}, {@code java-vector}, {@code java})
 * @param kernels          backend, threads and OpenBLAS's thread setting in one line
 * @param threads          the threads a matrix product is split over
 * @param batch            samples per step
 * @param samplesPerRun    samples trained in each timed run
 * @param data             which data was used
 * @param embeddedSubset   whether that was the embedded FashionMNIST subset
 * @param runs             samples per second of each timed run, in order
 * @param samplesPerCpuSecond the median of samples per second of CPU time of the whole process (all threads): what
 *                         the throughput would be on an otherwise idle machine if one core did all the work; on a busy
 *                         machine it is the steadier figure to compare kernels by
 * @param finalLoss        the training loss of the last run (a sanity check that it trained)
 * @param diagnostics      the diagnostics that ran with the training steps (empty: none)
 * @param warmup           samples per second of each untimed warm-up run, in order
 * @param notes            what the reader should know about this measurement (the embedded subset used for lack of the
 *                         full data, a training strategy that was not run), one sentence each
 */
public record BenchResult(String workload, String spec, String description, double samplesPerSecond, OptionalLong flopsPerSample, String backend,
                          String kernels, int threads, int batch, int samplesPerRun, String data, boolean embeddedSubset, List<Double> runs,
                          double samplesPerCpuSecond, double finalLoss, List<String> diagnostics, List<Double> warmup, List<String> notes,
                          List<Double> coreRoundTrips) {
    public BenchResult {
        requireNonNull(workload, "workload is null");
        description = description == null ? "" : description;
        requireNonNull(flopsPerSample, "flopsPerSample is null");
        requireNonNull(backend, "backend is null");
        requireNonNull(kernels, "kernels is null");
        requireNonNull(data, "data is null");
        runs = List.copyOf(runs);
        diagnostics = List.copyOf(diagnostics);
        warmup = List.copyOf(warmup);
        notes = List.copyOf(notes);
        coreRoundTrips = List.copyOf(coreRoundTrips);
    }

    /** {@code samplesPerSecond * flopsPerSample / 1e9}; empty when the FLOPs of a step are not known. */
    public OptionalDouble gflops() {
        return flopsPerSample.isPresent() ? OptionalDouble.of(samplesPerSecond * flopsPerSample.getAsLong() / 1e9) : OptionalDouble.empty();
    }

    /** The figures as an ordered map (for JSON); unknown figures are {@code null}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("framework", "gradlab");
        m.put("workload", workload);
        m.put("spec", spec);
        m.put("description", description);
        m.put("batch", batch);
        m.put("threads", threads);
        m.put("backend", backend);
        m.put("kernels", kernels);
        m.put("openblas_num_threads", String.valueOf(System.getenv("OPENBLAS_NUM_THREADS")));
        m.put("openblas_coretype", env("OPENBLAS_CORETYPE"));
        m.put("samples_per_run", samplesPerRun);
        m.put("samples_per_second", Math.round(samplesPerSecond * 10) / 10.0);
        OptionalDouble gflops = gflops();
        m.put("gflops", gflops.isPresent() ? Math.round(gflops.getAsDouble() * 100) / 100.0 : null);
        m.put("flops_per_sample", flopsPerSample.isPresent() ? flopsPerSample.getAsLong() : null);
        m.put("runs", runs.stream().map(r -> Math.round(r * 10) / 10.0).toList());
        m.put("warmup_runs", warmup.stream().map(r -> Math.round(r * 10) / 10.0).toList());
        m.put("samples_per_cpu_second", Math.round(samplesPerCpuSecond * 10) / 10.0);
        m.put("final_loss", Double.isFinite(finalLoss) ? finalLoss : null);
        m.put("diagnostics", diagnostics);
        m.put("unsteady", unsteady());
        m.put("data", data);
        m.put("embedded_subset", embeddedSubset);
        m.put("notes", notes);
        m.put("core_round_trip_ns", coreRoundTrips.stream().map(r -> (double) Math.round(r)).toList());
        return m;
    }

    /** An environment variable's value, or {@code unset}. */
    private static String env(String name) {
        String value = System.getenv(name);
        return value == null ? "unset" : value;
    }

    /** A few human-readable lines. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        String nl = System.lineSeparator();
        OptionalDouble gflops = gflops();
        sb.append(String.format(Locale.ROOT, "%,.0f samples/s, %s (batch %d, median of %d runs of %d samples)%n", samplesPerSecond,
                gflops.isPresent() ? String.format(Locale.ROOT, "%.1f GFLOP/s", gflops.getAsDouble()) : "GFLOP/s unknown", batch, runs.size(),
                samplesPerRun));
        sb.append("workload: ").append(workload).append(spec == null ? "" : " (" + spec + ")")
                .append(description.isEmpty() ? "" : ": " + description).append(nl);
        sb.append("kernels: ").append(kernels).append(nl);
        sb.append("data:    ").append(data).append(nl);
        sb.append("diagnostics: ").append(diagnostics.isEmpty() ? "none (--no-diagnostics: the bare training step)"
                : String.join(", ", diagnostics) + " (the defaults of every run, and the spec's own)").append(nl);
        if (flopsPerSample.isEmpty()) {
            sb.append("note:    GFLOP/s is not reported: the count knows the matrix products of dense layers only, and this model "
                    + "has other weighted layers").append(nl);
        }
        for (String note : notes) {
            sb.append("note:    ").append(note).append(nl);
        }
        sb.append("runs:    ").append(rates(runs)).append(" samples/s").append(nl);
        sb.append("warm-up: ").append(rates(warmup)).append(" samples/s (untimed: the JVM compiles the step's code meanwhile)").append(nl);
        sb.append(String.format(Locale.ROOT, "cpu:     %,.0f samples per CPU-second (all threads; steadier than wall time on a busy machine)%n",
                samplesPerCpuSecond));
        if (!coreRoundTrips.isEmpty()) {
            StringBuilder trips = new StringBuilder();
            for (int i = 0; i < coreRoundTrips.size(); i++) {
                trips.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f ns", coreRoundTrips.get(i)));
            }
            sb.append("cores:   ").append(trips).append(" for a value passed between two threads and back (before and after the runs;"
                    + " hundreds of ns: cores far apart, which slows a step split over them)").append(nl);
        }
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
