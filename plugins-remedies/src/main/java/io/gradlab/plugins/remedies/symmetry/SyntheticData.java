package io.gradlab.plugins.remedies.symmetry;

import static io.gradlab.api.ParameterSpec.choice;
import static io.gradlab.api.ParameterSpec.integer;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.Params;
import io.gradlab.api.data.DataContext;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.data.Dataset;
import io.gradlab.api.tensor.RandomSource;
import java.util.List;

/**
 * {@code synthetic}: small generated problems for the zero-initialisation (symmetry) examples. The
 * features are standard normal; a hidden "teacher" {@code w*, b*} drawn from the run's data stream
 * makes the targets:
 * <ul>
 *   <li>{@code linear}: {@code y = x . w* + b* + noise N(0, noise^2)} (regression, one target);</li>
 *   <li>{@code logistic}: {@code y = 1} when {@code x . w* + b* + noise N(0, noise^2) > 0}, else 0
 *       (one 0/1 target, for {@code bce-with-logits});</li>
 *   <li>{@code softmax}: {@code classes} teachers, the label is the arg max of their scores plus noise.</li>
 * </ul>
 */
public final class SyntheticData {
    private SyntheticData() {}

    public static ComponentFactory<DataSplits> factory() {
        return ComponentFactory.of(ComponentKind.DATASET, "synthetic",
                "generated linear-regression, logistic (0/1) or softmax (k classes) data from a random linear teacher",
                List.of(choice("task", "linear", List.of("linear", "logistic", "softmax"), "the kind of problem"),
                        integer("features", 10, "input features").range(1, 100_000),
                        integer("classes", 3, "classes of the softmax task").range(2, 1000),
                        integer("train-samples", 1000, "training samples").range(1, 10_000_000),
                        integer("test-samples", 500, "test samples").range(1, 10_000_000),
                        real("noise", 0.1, "standard deviation of the noise added to the teacher's scores").range(0, 1e6)),
                (p, context) -> generate(p, context.data()));
    }

    static DataSplits generate(Params p, DataContext context) {
        String task = p.getString("task");
        int d = p.getInt("features");
        int k = task.equals("softmax") ? p.getInt("classes") : 1;
        double noise = p.getDouble("noise");
        RandomSource teacherRandom = context.random().fork("teacher");
        double[] w = new double[k * d];
        double[] b = new double[k];
        for (int i = 0; i < w.length; i++) {
            w[i] = teacherRandom.nextGaussian();
        }
        for (int i = 0; i < k; i++) {
            b[i] = 0.5 * teacherRandom.nextGaussian();
        }
        Dataset train = sample(task, "synthetic-" + task + "-train", p.getInt("train-samples"), d, k, w, b, noise, context.random().fork("train"));
        Dataset test = sample(task, "synthetic-" + task + "-test", p.getInt("test-samples"), d, k, w, b, noise, context.random().fork("test"));
        return new DataSplits(train, test, "synthetic " + task + " data (" + d + " features" + (task.equals("softmax") ? ", " + k + " classes" : "") + ")");
    }

    private static Dataset sample(String task, String name, int n, int d, int k, double[] w, double[] b, double noise, RandomSource random) {
        float[] x = new float[n * d];
        float[] y = new float[n];
        double[] scores = new double[k];
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < d; j++) {
                x[s * d + j] = (float) random.nextGaussian();
            }
            for (int c = 0; c < k; c++) {
                double z = b[c];
                for (int j = 0; j < d; j++) {
                    z += x[s * d + j] * w[c * d + j];
                }
                scores[c] = z + noise * random.nextGaussian();
            }
            y[s] = switch (task) {
                case "linear" -> (float) scores[0];
                case "logistic" -> scores[0] > 0 ? 1f : 0f;
                default -> argmax(scores);
            };
        }
        int classes = task.equals("softmax") ? k : 0;
        return new Dataset(name, x, y, n, d, 1, classes, 1);
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
