package io.gradlab.engine.bench;

import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.run.Json;
import java.nio.file.Path;

/**
 * Runs the benchmark without the CLI: {@code java -cp ... io.gradlab.engine.bench.BenchMain
 * [SPEC.yaml] [batch [epochs|-steps [data-dir]]]} (a batch of 0: the spec's). The CLI's
 * {@code gradlab bench} is the user-facing form.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        BenchConfig config = BenchConfig.defaults();
        int first = 0;
        if (args.length > 0 && args[0].matches(".*\\.(yaml|yml|json)")) {
            config = config.withSpec(Path.of(args[0]));
            first = 1;
        }
        if (args.length > first) {
            int batch = Integer.parseInt(args[first]);
            config = batch == 0 && config.spec().isPresent() ? config : config.withBatch(batch);
        }
        if (args.length > first + 1) {
            int v = Integer.parseInt(args[first + 1]);
            config = v < 0 ? config.withSteps(-v) : config.withEpochs(v);
        }
        if (args.length > first + 2) {
            config = config.withDataDir(Path.of(args[first + 2]));
        }
        var registry = new PluginHost(new PluginHostConfig(null, false)).load();
        BlasOps ops = new BlasOps();
        BenchResult result = new TrainingBenchmark(registry, ops).run(config, line -> System.err.println(line));
        System.out.print(result.summary());
        System.out.println(Json.line(result.toMap()));
    }
}
