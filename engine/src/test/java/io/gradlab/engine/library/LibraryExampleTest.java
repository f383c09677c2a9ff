package io.gradlab.engine.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.LayerHook;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.train.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles and runs {@code examples/library/HooksExample.java} against this build, and checks with
 * hooks of its own that, for the example's 2-layer float64 network, the dL/da a backward hook
 * receives equals central differences of the loss, taken by shifting the output in a forward hook.
 */
class LibraryExampleTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "library", "HooksExample.java");
    private static Class<?> example;

    @BeforeAll
    static void compileTheExample(@TempDir Path classes) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = location(Experiment.class) + File.pathSeparator + location(LayerHook.class);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code = javac.run(null, null, errors, "-proc:none", "-d", classes.toString(), "-cp", classpath, EXAMPLE.toString());
        assertThat(code).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, LibraryExampleTest.class.getClassLoader());
        example = loader.loadClass("HooksExample");
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static Training prepareTheExample(int epochs) throws Exception {
        Experiment experiment = (Experiment) example.getMethod("experiment", int.class).invoke(null, epochs);
        return Gradlab.create().prepare(experiment);
    }

    @Test
    void theBackwardHooksDlDaEqualsCentralDifferencesWithin1e6InFloat64() throws Exception {
        Training training = prepareTheExample(1);
        assertThat(training.dtype()).isEqualTo(DType.F64);
        assertThat(training.layers().stream().map(Layer::name).toList()).containsExactly("hidden1", "act1", "output");
        assertThat(training.layers().stream().filter(l -> l.type().equals("dense")).count()).as("two weighted layers").isEqualTo(2);
        Training.Batch batch = training.batch(training.trainData(), 10, 3);
        Map<String, Tensor> dLda = new LinkedHashMap<>();
        Training.Registration r = training.addHook(new LayerHook() {
            @Override
            public void afterBackward(Layer layer, Tensor gradOutput, Tensor gradInput) {
                dLda.put(layer.name(), gradOutput.copy());
            }
        });
        double loss = training.lossAndGradients(batch);
        r.remove();
        assertThat(dLda.keySet()).containsExactly("output", "act1", "hidden1");
        double eps = 1e-6;
        for (Map.Entry<String, Tensor> e : dLda.entrySet()) {
            Tensor g = e.getValue();
            assertThat(g.dtype()).isEqualTo(DType.F64);
            double largest = 0;
            for (int i = 0; i < g.size(); i += Math.max(1, g.size() / 25)) {
                double plus = shifted(training, e.getKey(), batch, i, eps);
                double minus = shifted(training, e.getKey(), batch, i, -eps);
                double estimate = (plus - minus) / (2 * eps);
                assertThat(g.get(i)).as("dL/da[%d] of %s", i, e.getKey()).isCloseTo(estimate, org.assertj.core.data.Offset.offset(1e-6));
                largest = Math.max(largest, Math.abs(estimate));
            }
            assertThat(largest).as("the gradients of %s are not all zero", e.getKey()).isGreaterThan(1e-4);
        }
        assertThat(training.loss(batch, Mode.TRAIN)).as("the shifting hooks are gone").isEqualTo(loss);
    }

    private static double shifted(Training training, String layer, Training.Batch batch, int index, double delta) {
        try (Training.Registration r = training.addHook(layer, new LayerHook() {
            @Override
            public void afterForward(Layer l, Tensor input, Tensor output, Mode mode) {
                output.set(index, output.get(index) + delta);
            }
        })) {
            return training.loss(batch, Mode.TRAIN);
        }
    }

    @Test
    void theExamplesOwnCheckAgreesAndItsMainTrainsWithHooksAtEveryStep() throws Exception {
        Training training = prepareTheExample(1);
        Method check = example.getMethod("finiteDifferenceError", Training.class, String.class, int.class);
        assertThat((double) check.invoke(null, training, "hidden1", 10)).isLessThan(1e-6);

        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            example.getMethod("main", String[].class).invoke(null, (Object) new String[] {"1"});
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("layers: [hidden1, act1, output]").contains("status completed").contains("best {epoch=1");
        assertThat(printed.lines().filter(l -> l.matches("\\s+(hidden1|act1|output)\\s+\\S+e[-+]\\d+\\s+\\S+e[-+]\\d+")).count()).isEqualTo(3);
    }

    @Test
    void hooksAreCalledAtEveryTrainingStepAndRemovable() throws Exception {
        Training training = prepareTheExample(1);
        int steps = (training.trainData().size() + 99) / 100;
        List<String> calls = new ArrayList<>();
        int[] evals = new int[1];
        training.addHook("act1", new LayerHook() {
            @Override
            public void afterForward(Layer layer, Tensor input, Tensor output, Mode mode) {
                if (mode == Mode.TRAIN) {
                    calls.add("forward");
                } else {
                    evals[0]++;
                }
            }

            @Override
            public void afterBackward(Layer layer, Tensor gradOutput, Tensor gradInput) {
                assertThat(gradInput).isNotNull();
                assertThat(gradOutput.rows()).isEqualTo(input(layer).rows());
                calls.add("backward");
            }
        });
        int[] removedCalls = new int[1];
        Training.Registration removed = training.addHook("hidden1", new LayerHook() {
            @Override
            public void afterBackward(Layer layer, Tensor gradOutput, Tensor gradInput) {
                removedCalls[0]++;
            }
        });
        removed.remove();
        RunResult result = training.run();
        assertThat(result.status()).isEqualTo("completed");
        assertThat(calls).hasSize(2 * steps);
        assertThat(removedCalls[0]).isZero();
        for (int i = 0; i < calls.size(); i += 2) {
            assertThat(calls.subList(i, i + 2)).containsExactly("forward", "backward");
        }
        assertThat(evals[0]).as("evaluation of validation and test sets, batch by batch").isEqualTo((500 + 99) / 100 + (1000 + 99) / 100);
        assertThatThrownBy(training::run).isInstanceOf(IllegalStateException.class);
    }

    private static Tensor input(Layer layer) {
        return layer.lastInput();
    }

    @Test
    void anUnknownLayerNamesTheLayersThereAre() throws Exception {
        Training training = prepareTheExample(1);
        assertThatThrownBy(() -> training.addHook("hidden9", new LayerHook() {}))
                .isInstanceOf(GradlabException.class)
                .hasMessage("the model has no layer 'hidden9'; its layers are hidden1, act1, output");
    }
}
