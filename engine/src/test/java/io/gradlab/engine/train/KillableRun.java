package io.gradlab.engine.train;

import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link KillResumeTest}: trains a spec and, at the given epoch and step,
 * prints {@code BLOCKED <run folder>} and waits to be killed.
 */
public final class KillableRun {
    private KillableRun() {}

    public static void main(String[] args) throws Exception {
        Path spec = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int epoch = Integer.parseInt(args[2]);
        int step = Integer.parseInt(args[3]);
        var registry = new PluginHost(new PluginHostConfig(null, true)).load();
        Path[] runDir = new Path[1];
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStart(RunInfo info) {
                runDir[0] = info.runDir();
            }

            @Override
            public void onStep(int e, int s, int steps, double loss, double accuracy, double samplesPerSecond) {
                if (e == epoch && s == step) {
                    System.out.println("BLOCKED " + runDir[0]);
                    System.out.flush();
                    try {
                        Thread.sleep(120_000);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    System.exit(3);
                }
            }
        };
        ExperimentRunner.withDefaultKernels(registry).run(SpecLoader.load(spec, List.of()), RunOptions.writingTo(out), listener);
        System.out.println("FINISHED");
    }
}
