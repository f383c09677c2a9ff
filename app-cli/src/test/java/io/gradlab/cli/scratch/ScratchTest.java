package io.gradlab.cli.scratch;

import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.RunResult;
import io.gradlab.engine.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

public class ScratchTest {
    public static void main(String[] args) throws Exception {
        new ScratchTest().run();
    }

    @Test
    void run() throws Exception {
        ComponentRegistry registry = new PluginHost(new PluginHostConfig(null, false)).load();
        String yaml = Files.readString(Path.of(System.getProperty("spec")));
        String[] sets = System.getProperty("sets", "").isEmpty() ? new String[0] : System.getProperty("sets").split(";");
        var spec = SpecLoader.parse(yaml, "s.yaml", Path.of("."), List.of(sets));
        long start = System.nanoTime();
        try {
            RunResult r = ExperimentRunner.withDefaultKernels(registry).run(spec, RunOptions.writingTo(Files.createTempDirectory("scratch")), TrainingListener.NONE);
            for (EpochMetrics m : r.history()) {
                System.out.printf("epoch %d train %.4f test %.4f acc %.3f  %.1fs extra=%s layers=%s%n", m.epoch(), m.trainLoss(), m.testLoss(), m.testAccuracy(), m.seconds(),
                        m.extra().keySet(), m.layers().isEmpty() ? "" : m.layers().get(0).extra());
            }
            System.out.println("status " + r.status() + " in " + (System.nanoTime() - start) / 1e9 + " s");
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e + " after " + (System.nanoTime() - start) / 1e9 + " s");
        }
    }
}
