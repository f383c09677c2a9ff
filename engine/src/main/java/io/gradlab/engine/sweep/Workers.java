package io.gradlab.engine.sweep;

import java.util.List;
import java.util.Map;

/**
 * How many trials run at once, so that trials × BLAS threads never exceed the cores.
 *
 * <p>OpenBLAS reads its thread count once, from the environment ({@code OPENBLAS_NUM_THREADS}, then
 * {@code GOTO_NUM_THREADS}, then {@code OMP_NUM_THREADS}), and a running JVM cannot change its own
 * environment: so the pool sets nothing and adapts to it. Each trial's BLAS calls use that many threads;
 * unset, native OpenBLAS uses one per core and the pure-Java BLAS one. The pool then has
 * {@code max(1, cores / blasThreads)} workers; a {@code --workers N} asking for more is cut down to that.
 * With {@code OPENBLAS_NUM_THREADS=1} a sweep runs one trial per core.
 *
 * @param workers     the pool's size
 * @param blasThreads the BLAS threads each trial uses
 * @param cores       {@link Runtime#availableProcessors()}
 * @param note        why a requested count was cut down, or empty
 */
public record Workers(int workers, int blasThreads, int cores, String note) {
    private static final List<String> BLAS_VARIABLES = List.of("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS");

    public Workers {
        if (workers < 1 || blasThreads < 1 || cores < 1) {
            throw new IllegalArgumentException("workers, blasThreads and cores must be >= 1");
        }
        note = note == null ? "" : note;
    }

    /** The decision for this machine and process. */
    public static Workers forThisMachine(Integer requested, String blasBackend) {
        return decide(requested, Runtime.getRuntime().availableProcessors(), System.getenv(), blasBackend);
    }

    /**
     * @param requested   {@code --workers N}, or {@code null}
     * @param env         the environment
     * @param blasBackend {@code Ops.backend()}: {@code native-...} for a native BLAS, anything else for a Java one
     */
    public static Workers decide(Integer requested, int cores, Map<String, String> env, String blasBackend) {
        int blas = blasThreads(cores, env, blasBackend);
        int max = Math.max(1, cores / blas);
        if (requested == null) {
            return new Workers(max, blas, cores, "");
        }
        if (requested < 1) {
            throw new io.gradlab.api.GradlabException(io.gradlab.api.GradlabException.Category.USAGE,
                    "--workers must be at least 1, got " + requested);
        }
        if (requested <= max) {
            return new Workers(requested, blas, cores, "");
        }
        return new Workers(max, blas, cores, "--workers " + requested + " cut down to " + max + ": " + max + " trial(s) × " + blas
                + " BLAS thread(s) fill the " + cores + " core(s)" + (blas > 1 ? "; run with OPENBLAS_NUM_THREADS=1 for one trial per core" : ""));
    }

    static int blasThreads(int cores, Map<String, String> env, String blasBackend) {
        for (String variable : BLAS_VARIABLES) {
            String value = env.get(variable);
            if (value != null && value.strip().matches("[0-9]{1,6}") && Integer.parseInt(value.strip()) > 0) {
                return Math.min(Integer.parseInt(value.strip()), Math.max(1, cores));
            }
        }
        return blasBackend != null && blasBackend.startsWith("native") ? Math.max(1, cores) : 1;
    }
}
