package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.diag.ModelView;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ModelView.forEachPart} on the session's model view: every part once, on the kernel threads, failures surface. */
class ForEachPartTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    private static ModelView view(int threads) {
        var spec = SpecLoader.parse("""
                name: parts
                data: {source: {id: fashion-mnist, subset: embedded}, validation: 0}
                model:
                  architecture: {id: mlp, depth: 2, width: 16, activation: sigmoid}
                training: {epochs: 1, batch-size: 50, optimizer: {id: sgd, lr: 0.01}, seed: 3}
                """, "parts.yaml", Path.of("."), List.of());
        ExperimentRunner runner = new ExperimentRunner(registry, BlasOps.create("auto", threads));
        TrainingSession.Parts parts = runner.prepare(runner.resolve(spec), new RunOptions(Path.of("."), Optional.empty(), false)).parts();
        return new TrainingSession(parts, TrainingListener.NONE, m -> {}).view();
    }

    @ParameterizedTest(name = "{0} kernel threads")
    @ValueSource(ints = {1, 2, 3})
    void everyPartRunsOnceAndAFailureSurfaces(int threads) {
        ModelView view = view(threads);
        for (int count : new int[] {0, 1, 7, 200}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, count));
            Set<String> names = ConcurrentHashMap.newKeySet();
            view.forEachPart(count, i -> {
                runs.incrementAndGet(i);
                names.add(Thread.currentThread().getName());
            });
            for (int i = 0; i < count; i++) {
                assertThat(runs.get(i)).as("%d parts: part %d", count, i).isEqualTo(1);
            }
            if (threads == 1) {
                assertThat(names).allMatch(n -> !n.startsWith("gradlab-kernel-")); // one thread: the caller's
            }
        }
        assertThatThrownBy(() -> view.forEachPart(5, i -> {
            if (i == 3) {
                throw new IllegalStateException("part three broke");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("part three broke");
    }
}
