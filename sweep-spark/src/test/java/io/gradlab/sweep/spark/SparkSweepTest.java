package io.gradlab.sweep.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.sweep.LocalSweepExecutor;
import io.gradlab.engine.sweep.SweepExecutors;
import io.gradlab.engine.sweep.SweepJob;
import io.gradlab.engine.sweep.SweepLoader;
import io.gradlab.engine.sweep.SweepPlan;
import io.gradlab.engine.sweep.SweepRunner;
import io.gradlab.engine.sweep.Trial;
import io.gradlab.engine.sweep.TrialFolders;
import io.gradlab.engine.sweep.TrialListener;
import io.gradlab.engine.sweep.TrialResult;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.run.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark engine on an embedded local[2] master: the same trials give the same figures as the local engine. */
class SparkSweepTest {
    private static final String BASE = """
            name: base
            data:
              source: {id: fashion-mnist, subset: embedded}
              validation: 4000          # trains on 1 000 images: fast
            model:
              architecture: {id: mlp, depth: 2, width: 32, activation: sigmoid}
            training:
              epochs: 1
              batch-size: 128
              optimizer: {id: sgd, lr: 0.1}
              seed: 3
            """;
    private static ExperimentRunner runner;

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        runner = ExperimentRunner.withDefaultKernels(new PluginHost(PluginHostConfig.classpathOnly()).load());
    }

    private SweepPlan plan() throws Exception {
        Files.writeString(dir.resolve("base.yaml"), BASE);
        Path file = dir.resolve("depth.yaml");
        Files.writeString(file, """
                base: base.yaml
                linked:
                  - {model.architecture.activation: sigmoid, model.architecture.init: pytorch-default}
                  - {model.architecture.activation: relu, model.architecture.init: {id: normal, std: 0.25}}
                axes:
                  model.architecture.depth: [2, 6]
                """);
        return SweepPlan.expand(SweepLoader.load(file), List.of());
    }

    private static SweepJob job(SweepPlan plan, String trials, Map<String, String> settings) {
        return new SweepJob(plan.sweep().name(), trials, Optional.empty(), PluginHostConfig.classpathOnly(), 2, settings, runner);
    }

    @Test
    void sparkLocalGivesTheSameFiguresAsTheLocalEngine() throws Exception {
        SweepPlan plan = plan();
        Map<String, ExperimentSpec> resolved = plan.validate(runner);
        assertThat(SweepExecutors.find("spark", getClass().getClassLoader())).isInstanceOf(SparkSweepExecutor.Provider.class);

        Path localOut = dir.resolve("local");
        SweepRunner.Outcome local = SweepRunner.run(plan, resolved, new LocalSweepExecutor(),
                job(plan, localOut.resolve("trials").toString(), Map.of()), localOut, new TrialListener() {});
        Path sparkOut = dir.resolve("spark");
        List<String> finished = Collections.synchronizedList(new ArrayList<>());
        SweepRunner.Outcome spark = SweepRunner.run(plan, resolved, new SparkSweepExecutor(),
                job(plan, sparkOut.resolve("trials").toString(), Map.of("master", "local[2]")), sparkOut, new TrialListener() {
                    @Override
                    public void finished(Trial trial, TrialResult result) {
                        finished.add(trial.id());
                    }
                });

        assertThat(finished).hasSize(4);
        assertThat(spark.results()).allMatch(TrialResult::completed).noneMatch(TrialResult::reused);
        for (int i = 0; i < 4; i++) {
            TrialResult l = local.results().get(i);
            TrialResult s = spark.results().get(i);
            assertThat(s.trialId()).isEqualTo(l.trialId());
            assertThat(s.comparableFigures()).as(s.trialId()).isEqualTo(l.comparableFigures());
            assertThat(s.runDir()).startsWith(sparkOut.resolve("trials").resolve(s.trialId()).toString());
        }
        // the sigmoid trials lose gradient with depth; the ReLU + He-like ones do not
        assertThat(spark.results().get(0).trialId()).isEqualTo("activation-sigmoid_init-pytorch-default_depth-2");
        assertThat(spark.results().get(1).number("grad_ratio_first_last"))
                .isLessThan(spark.results().get(0).number("grad_ratio_first_last") / 10);
        assertThat(spark.results().get(3).number("grad_ratio_first_last")).isGreaterThan(0.1);
        assertThat(Files.readString(sparkOut.resolve(SweepRunner.RESULTS_CSV)).lines()).hasSize(5);
    }

    @Test
    void aHadoopFilesystemUriGetsTheRunFoldersAndARerunKeepsFinishedTrialsAndResumesKilledOnes() throws Exception {
        SweepPlan plan = plan();
        List<Trial> two = plan.trials().subList(0, 2);
        Path shared = dir.resolve("shared");
        String uri = shared.resolve("trials").toUri().toString();
        SweepJob job = job(plan, uri, Map.of("master", "local[2]"));
        List<TrialResult> first = new SparkSweepExecutor().run(two, job, new TrialListener() {});
        assertThat(first).allMatch(TrialResult::completed).noneMatch(TrialResult::reused);
        for (TrialResult r : first) {
            assertThat(r.runDir()).startsWith("file:").contains("/trials/" + r.trialId() + "/" + r.trialId() + "-");
            Path trialDir = shared.resolve("trials").resolve(r.trialId());
            assertThat(trialDir.resolve(TrialFolders.TRIAL_FILE)).exists();
            assertThat(TrialFolders.runs(trialDir)).hasSize(1).allMatch(TrialFolders::isComplete);
        }
        // the tasks themselves find the finished run on the filesystem and keep it, and resume the killed one
        Path killed = TrialFolders.runs(shared.resolve("trials").resolve(two.get(1).id())).get(0);
        Files.delete(killed.resolve(RunFolder.SUMMARY));
        List<TrialResult> second = new SparkSweepExecutor().run(two, job, new TrialListener() {});
        assertThat(second).extracting(TrialResult::reused).containsExactly(true, false);
        assertThat(second.get(0).comparableFigures()).isEqualTo(first.get(0).comparableFigures());
        assertThat(second.get(1).comparableFigures()).isEqualTo(first.get(1).comparableFigures());
        assertThat(second.get(1).runDir()).isEqualTo(first.get(1).runDir());
        assertThat(TrialFolders.runs(shared.resolve("trials").resolve(two.get(0).id()))).hasSize(1);
        assertThat(TrialFolders.runs(shared.resolve("trials").resolve(two.get(1).id()))).containsExactly(killed);
        assertThat(TrialFolders.isComplete(killed)).isTrue();

        Path tables = dir.resolve("tables");
        Files.createDirectories(tables);
        Files.writeString(tables.resolve("results.csv"), "trial\n");
        assertThat(new SparkSweepExecutor().publish(tables, shared.toUri().toString())).isTrue();
        assertThat(shared.resolve("results.csv")).hasContent("trial");
    }
}
