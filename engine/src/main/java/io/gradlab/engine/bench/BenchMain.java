package io.gradlab.engine.bench;

import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.run.Json;
import java.nio.file.Path;

/**
 * Runs the benchmark without the CLI: {@code java -cp ... io.gradlab.engine.bench.BenchMain
 * [batch [epochs|-steps [data-dir]]]}. The CLI's {@code gradlab bench} is the user-facing form.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        BenchConfig config = BenchConfig.defaults();
        if (args.length > 0) {
            config = config.withBatch(Integer.parseInt(args[0]));
        }
        if (args.length > 1) {
            int v = Integer.parseInt(args[1]);
            config = v < 0 ? config.withSteps(-v) : config.withEpochs(v);
        }
        if (args.length > 2) {
            config = config.withDataDir(Path.of(args[2]));
        }
        var registry = new PluginHost(new PluginHostConfig(null, false)).load();
        BlasOps ops = new BlasOps();
        BenchResult result = new TrainingBenchmark(registry, ops).run(config, line -> System.err.println(line));
        System.out.print(result.summary());
        System.out.println(Json.line(result.toMap()));
    }
}
