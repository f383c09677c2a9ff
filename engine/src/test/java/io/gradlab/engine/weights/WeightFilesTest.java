package io.gradlab.engine.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.builtin.BuiltinPlugin;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.engine.nn.ActivationLayer;
import io.gradlab.engine.nn.DefaultBuildContext;
import io.gradlab.engine.nn.Dense;
import io.gradlab.engine.nn.Sequential;
import io.gradlab.testkit.TestContexts;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightFilesTest {
    private static final Initializer GAUSSIAN = (w, fan, random) -> {
        for (int i = 0; i < w.size(); i++) {
            w.set(i, random.nextGaussian() * 0.5);
        }
    };

    /** 4 -> 5 -> sigmoid -> 3, or a different hidden width, seeded. */
    static Layer mlp(long seed, int hidden, DType dtype) {
        var sigmoid = TestContexts.create(TestContexts.factory(new BuiltinPlugin(), ComponentKind.ACTIVATION, "sigmoid"), Map.of());
        Layer model = new Sequential("mlp", List.of(
                new Dense("hidden1", hidden, true, null, GAUSSIAN, "sigmoid"),
                new ActivationLayer("act1", "sigmoid", sigmoid),
                new Dense("output", 3, true, null, GAUSSIAN, "linear")));
        model.build(4, new DefaultBuildContext(dtype, new BlasOps(), new SeededRandom(seed), GAUSSIAN, null));
        return model;
    }

    @Test
    void modelTensorsAreNamedLikeAPyTorchSequential() {
        Map<String, ModelTensors.Named> named = ModelTensors.of(mlp(1, 5, DType.F32));
        assertThat(named.keySet()).containsExactly("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias");
        assertThat(named.get("layers.2.weight").tensor().shape()).containsExactly(3, 5);
        assertThat(named.get("layers.0.weight").layer().name()).isEqualTo("hidden1");
        assertThat(named.get("layers.0.bias").kind()).isEqualTo(ModelTensors.Kind.PARAMETER);
    }

    @Test
    void exportedWeightsLoadIntoAFreshModelAndGiveTheSameOutputs(@TempDir Path dir) {
        Layer a = mlp(1, 5, DType.F32);
        Layer b = mlp(2, 5, DType.F32);
        Path file = dir.resolve("w.safetensors");
        WeightFiles.export(a, file, WeightFiles.Format.SAFETENSORS, Map.of());
        WeightFiles.load(b, file, "model.weights");
        Tensor x = Tensor.wrap(new float[] {0.1f, -2f, 3f, 0.5f, 1f, 1f, -1f, 0f}, 2, 4);
        assertThat(b.forward(x, Mode.EVAL).floats()).containsExactly(a.forward(x, Mode.EVAL).copy().floats());
    }

    @Test
    void f64FilesLoadIntoF32Models(@TempDir Path dir) {
        Layer a = mlp(1, 5, DType.F64);
        Layer b = mlp(2, 5, DType.F32);
        Path file = dir.resolve("w.safetensors");
        WeightFiles.export(a, file, WeightFiles.Format.SAFETENSORS, Map.of());
        WeightFiles.load(b, file, "model.weights");
        assertThat(ModelTensors.tensors(b).get("layers.2.bias").get(1)).isEqualTo((float) ModelTensors.tensors(a).get("layers.2.bias").get(1));
    }

    @Test
    void namesThatDoNotMatchAreListed(@TempDir Path dir) {
        Map<String, Tensor> tensors = new LinkedHashMap<>(ModelTensors.tensors(mlp(1, 5, DType.F32)));
        tensors.put("layers.1.weight", tensors.remove("layers.2.weight"));
        tensors.put("layers.2.num_batches_tracked", Tensor.zeros(DType.F32, 1));
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, Map.of(), tensors);
        assertThatThrownBy(() -> WeightFiles.load(mlp(2, 5, DType.F32), file, "model.weights"))
                .isInstanceOf(GradlabException.class)
                .hasMessage("model.weights: " + file + ": the tensor names do not match the model; missing: layers.2.weight;"
                        + " not in the model: layers.1.weight. The model's tensors are layers.0.weight, layers.0.bias,"
                        + " layers.2.weight, layers.2.bias (layers.<position>.<parameter>, see docs/weights.md)");
    }

    @Test
    void aShapeFromAnotherArchitectureIsRefusedAndNothingIsChanged(@TempDir Path dir) {
        Path file = dir.resolve("w.safetensors");
        WeightFiles.export(mlp(1, 7, DType.F32), file, WeightFiles.Format.SAFETENSORS, Map.of());
        Layer target = mlp(2, 5, DType.F32);
        float before = ModelTensors.tensors(target).get("layers.0.weight").floats()[0];
        assertThatThrownBy(() -> WeightFiles.load(target, file, "model.weights"))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("tensor 'layers.0.weight' has the shape [7, 4] but layer 'hidden1' (dense) needs [5, 4]");
        assertThat(ModelTensors.tensors(target).get("layers.0.weight").floats()[0]).isEqualTo(before);
    }

    @Test
    void otherDtypesAndNonFiniteValuesAreRefused(@TempDir Path dir) {
        Layer model = mlp(1, 5, DType.F32);
        Map<String, Tensor> tensors = ModelTensors.tensors(model);
        byte[] good = SafeTensors.encode(Map.of(), tensors);
        String text = new String(good, StandardCharsets.ISO_8859_1);
        // the bias of the output layer relabelled as 3 int32 (same byte count) and as 6 float16
        Path ints = dir.resolve("i.safetensors");
        writeLatin1(ints, text.replaceFirst("\"layers.2.bias\":\\{\"dtype\":\"F32\"", "\"layers.2.bias\":{\"dtype\":\"I32\""));
        assertThatThrownBy(() -> WeightFiles.load(model, ints, "model.weights"))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("tensor 'layers.2.bias' has dtype I32; gradlab reads F32 or F64");

        tensors.get("layers.2.bias").set(1, Double.NaN);
        Path nan = dir.resolve("n.safetensors");
        SafeTensors.write(nan, Map.of(), tensors);
        assertThatThrownBy(() -> WeightFiles.load(mlp(2, 5, DType.F32), nan, "model.weights"))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("tensor 'layers.2.bias' holds NaN or infinite values");
    }

    private static void writeLatin1(Path file, String text) {
        try {
            Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void npzArchivesHoldOneNpyPerTensor(@TempDir Path dir) throws Exception {
        Layer model = mlp(1, 5, DType.F32);
        Path file = dir.resolve("w.npz");
        WeightFiles.export(model, file, WeightFiles.Format.NPZ, Map.of());
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        assertThat(entries.keySet()).containsExactly("layers.0.weight.npy", "layers.0.bias.npy", "layers.2.weight.npy", "layers.2.bias.npy");
        byte[] npy = entries.get("layers.2.weight.npy");
        assertThat(new String(npy, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        int headerLength = ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertThat((10 + headerLength) % 64).isZero();
        assertThat(new String(npy, 10, headerLength, StandardCharsets.US_ASCII))
                .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 5), }").endsWith("\n");
        assertThat(ByteBuffer.wrap(npy, 10 + headerLength, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat())
                .isEqualTo(ModelTensors.tensors(model).get("layers.2.weight").floats()[0]);
        assertThat(new String(Npy.encode(Tensor.wrap(new double[] {1, 2}, 2)), 10, 64, StandardCharsets.US_ASCII))
                .contains("'descr': '<f8'").contains("'shape': (2,)");
    }
}
