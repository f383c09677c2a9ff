package io.gradlab.engine.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.ExperimentSpec;
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

/** A small depth sweep on the embedded data, run by the local executor: gradients, failures, re-runs. */
class LocalSweepTest {
    private static ExperimentRunner runner;

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        runner = ExperimentRunner.withDefaultKernels(new PluginHost(PluginHostConfig.classpathOnly()).load());
    }

    private SweepPlan plan(String axes) throws Exception {
        Files.writeString(dir.resolve("base.yaml"), SweepPlanTest.BASE.replace("width: 16", "width: 32"));
        Path file = dir.resolve("depth.yaml");
        Files.writeString(file, "base: base.yaml\n" + axes);
        return SweepPlan.expand(SweepLoader.load(file), List.of());
    }

    private SweepRunner.Outcome run(SweepPlan plan, Path out, List<String> events) {
        Map<String, ExperimentSpec> resolved = plan.validate(runner);
        SweepJob job = new SweepJob(plan.sweep().name(), out.resolve(TrialFolders.TRIALS).toString(), Optional.empty(),
                PluginHostConfig.classpathOnly(), 2, Map.of(), runner);
        return SweepRunner.run(plan, resolved, new LocalSweepExecutor(), job, out, new TrialListener() {
            @Override
            public void planned(int pending, int reused) {
                events.add("planned " + pending + " " + reused);
            }

            @Override
            public void finished(Trial trial, TrialResult result) {
                events.add(trial.id() + " " + result.status());
            }
        });
    }

    @Test
    void theSigmoidGradientRatioFallsWithDepthAndTheTablesHoldEveryTrial() throws Exception {
        SweepPlan plan = plan("""
                axes:
                  model.architecture.activation: [sigmoid, tanh]
                  model.architecture.depth: [2, 6]
                """);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        SweepRunner.Outcome outcome = run(plan, dir.resolve("out"), events);
        assertThat(outcome.results()).hasSize(4).allMatch(TrialResult::completed);
        assertThat(events).contains("planned 4 0").hasSize(5);
        double shallow = outcome.results().get(0).number("grad_ratio_first_last");
        double deep = outcome.results().get(1).number("grad_ratio_first_last");
        assertThat(outcome.results().get(1).trialId()).isEqualTo("activation-sigmoid_depth-6");
        assertThat(deep).isPositive().isLessThan(shallow / 10);
        assertThat(outcome.results().get(1).number("grad_norm_first")).isPositive();
        // each trial has its own folder with a completed run named after it
        Path trialDir = dir.resolve("out/trials/activation-sigmoid_depth-6");
        assertThat(trialDir.resolve(TrialFolders.TRIAL_FILE)).exists();
        assertThat(TrialFolders.runs(trialDir)).hasSize(1).allMatch(TrialFolders::isComplete)
                .allMatch(p -> p.getFileName().toString().startsWith("activation-sigmoid_depth-6-"));
        String csv = Files.readString(dir.resolve("out").resolve(SweepRunner.RESULTS_CSV));
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("trial,model.architecture.activation,model.architecture.depth,status,"
                + "final_test_accuracy,grad_ratio_first_last");
        assertThat(csv.lines()).hasSize(5).anyMatch(l -> l.startsWith("activation-tanh_depth-2,tanh,2,completed,0."));
        String md = Files.readString(dir.resolve("out").resolve(SweepRunner.RESULTS_MD));
        assertThat(md).contains("| activation-sigmoid_depth-6 | sigmoid | 6 | completed |").contains("## Mean over seeds");
        assertThat(dir.resolve("out").resolve(SweepRunner.PLAN)).exists();
    }

    @Test
    void aFailedTrialIsRecordedAndARerunFinishesOnlyTheMissingTrialsResumingTheInterruptedOne() throws Exception {
        // lr 1e6 with identity units diverges: that trial fails, the others go on
        SweepPlan plan = plan("""
                axes:
                  model.architecture.depth: [2, 3]
                linked:
                  - {model.architecture.activation: sigmoid, training.optimizer.lr: 0.1}
                  - {model.architecture.activation: identity, training.optimizer.lr: 1000000}
                """);
        Path out = dir.resolve("out");
        SweepRunner.Outcome first = run(plan, out, new ArrayList<>());
        assertThat(first.results()).extracting(TrialResult::status).containsExactly("completed", "diverged", "completed", "diverged");
        TrialResult diverged = first.results().get(1);
        assertThat(diverged.error()).contains("NaN");
        assertThat(Files.readString(out.resolve(SweepRunner.RESULTS_CSV))).contains("diverged").contains("NaN");
        // simulate a sweep killed during the last trial: its run folder has no summary.json
        Path killed = TrialFolders.runs(out.resolve("trials").resolve(first.results().get(2).trialId())).get(0);
        Files.delete(killed.resolve(RunFolder.SUMMARY));

        List<String> events = Collections.synchronizedList(new ArrayList<>());
        SweepRunner.Outcome second = run(plan, out, events);
        // the first trial is reused, the killed one resumed in its run folder, the diverged ones run again
        assertThat(events).contains("planned 3 1");
        assertThat(second.results()).extracting(TrialResult::reused).containsExactly(true, false, false, false);
        assertThat(second.results()).extracting(TrialResult::status).containsExactly("completed", "diverged", "completed", "diverged");
        assertThat(second.results().get(0).comparableFigures()).isEqualTo(first.results().get(0).comparableFigures());
        assertThat(second.results().get(2).comparableFigures()).isEqualTo(first.results().get(2).comparableFigures());
        assertThat(second.results().get(2).runDir()).isEqualTo(killed.toString());
        assertThat(TrialFolders.runs(out.resolve("trials").resolve(first.results().get(0).trialId()))).hasSize(1);
        assertThat(TrialFolders.runs(out.resolve("trials").resolve(first.results().get(2).trialId()))).containsExactly(killed);
        assertThat(TrialFolders.isComplete(killed)).isTrue();
        assertThat(TrialFolders.runs(out.resolve("trials").resolve(first.results().get(1).trialId()))).hasSize(2);
        assertThat(Files.readString(out.resolve(SweepRunner.RESULTS_MD))).contains("completed (earlier run)");
    }
}
