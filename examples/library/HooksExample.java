import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.LayerHook;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.library.Experiment;
import io.gradlab.engine.library.Gradlab;
import io.gradlab.engine.library.Training;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.RunResult;
import io.gradlab.engine.train.TrainingListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * gradlab from Java: an experiment built in code with the same components as a spec file, hooks that
 * see every layer's output a and dL/da at every training step, and a check of dL/da against central
 * differences. Run it with examples/library/run.sh (after ./mvnw -B package -DskipTests).
 */
public final class HooksExample {
    /** A 784 -> 32 tanh -> 10 network in float64 on the embedded FashionMNIST subset. */
    public static Experiment experiment(int epochs) {
        return Experiment.named("library-hooks")
                .data("fashion-mnist", "subset", "embedded")
                .validation(500)
                .architecture("mlp", "hidden", List.of(32), "activation", "tanh")
                .loss("softmax-cross-entropy")
                .optimizer("sgd", "lr", 0.1, "momentum", 0.9)
                .lrSchedule("linear-warmup", "epochs", 0.5)
                .lrSchedule("cosine")
                .callback("keep-best", "monitor", "val-loss")
                .dtype(DType.F64)
                .epochs(epochs)
                .batchSize(100)
                .seed(7);
    }

    /** Per layer, the mean over the epoch's training steps of ||a|| and of ||dL/da||. */
    static final class NormHook implements LayerHook {
        final Map<String, double[]> sums = new LinkedHashMap<>(); // layer -> {sum |a|, sum |dL/da|, steps}

        @Override
        public void afterForward(Layer layer, Tensor input, Tensor output, Mode mode) {
            if (mode == Mode.TRAIN) {
                sums.computeIfAbsent(layer.name(), k -> new double[3])[0] += norm(output);
            }
        }

        @Override
        public void afterBackward(Layer layer, Tensor gradOutput, Tensor gradInput) {
            double[] s = sums.computeIfAbsent(layer.name(), k -> new double[3]);
            s[1] += norm(gradOutput);
            s[2]++;
        }

        void printAndReset(int epoch) {
            System.out.printf(Locale.ROOT, "epoch %d, mean per step:%n  %-8s %12s %12s%n", epoch, "layer", "||a||", "||dL/da||");
            sums.forEach((name, s) -> System.out.printf(Locale.ROOT, "  %-8s %12.4e %12.4e%n", name, s[0] / s[2], s[1] / s[2]));
            sums.clear();
        }

        private static double norm(Tensor t) {
            double sum = 0;
            for (int i = 0; i < t.size(); i++) {
                sum += t.get(i) * t.get(i);
            }
            return Math.sqrt(sum);
        }
    }

    /**
     * The largest |dL/da - (L(a + eps) - L(a - eps)) / 2 eps| over the first {@code entries} elements of
     * layer {@code name}'s output on a batch of the first 4 training samples: dL/da from a backward hook,
     * L(a +- eps) by a forward hook that shifts one element of a.
     */
    public static double finiteDifferenceError(Training training, String name, int entries) {
        Training.Batch batch = training.batch(training.trainData(), 0, 4);
        Tensor[] dLda = new Tensor[1];
        try (Training.Registration r = training.addHook(name, new LayerHook() {
            @Override
            public void afterBackward(Layer layer, Tensor gradOutput, Tensor gradInput) {
                dLda[0] = gradOutput.copy();
            }
        })) {
            training.lossAndGradients(batch);
        }
        double eps = 1e-6;
        double worst = 0;
        for (int i = 0; i < Math.min(entries, dLda[0].size()); i++) {
            double plus = shiftedLoss(training, name, batch, i, eps);
            double minus = shiftedLoss(training, name, batch, i, -eps);
            worst = Math.max(worst, Math.abs(dLda[0].get(i) - (plus - minus) / (2 * eps)));
        }
        return worst;
    }

    /** The loss with element {@code index} of layer {@code name}'s output shifted by {@code delta}. */
    public static double shiftedLoss(Training training, String name, Training.Batch batch, int index, double delta) {
        try (Training.Registration r = training.addHook(name, new LayerHook() {
            @Override
            public void afterForward(Layer layer, Tensor input, Tensor output, Mode mode) {
                output.set(index, output.get(index) + delta);
            }
        })) {
            return training.loss(batch, Mode.TRAIN);
        }
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Gradlab gradlab = Gradlab.create();
        Training training = gradlab.prepare(experiment(epochs));
        System.out.println("layers: " + training.layers().stream().map(Layer::name).toList());
        for (Layer layer : training.layers()) {
            System.out.printf(Locale.ROOT, "dL/da of %-7s against central differences: max error %.2e%n", layer.name(),
                    finiteDifferenceError(training, layer.name(), 20));
        }
        NormHook hook = new NormHook();
        training.addHook(hook);
        RunResult result = training.run(new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics m) {
                hook.printAndReset(m.epoch());
                System.out.printf(Locale.ROOT, "  val loss %.4f, test accuracy %.4f, lr %.4g%n", m.valLoss(), m.testAccuracy(), m.learningRate());
            }
        });
        System.out.println("status " + result.status() + ", best " + result.summary().get("best"));
    }
}
