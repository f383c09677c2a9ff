package io.gradlab.plugins.remedies.norm;

import static io.gradlab.api.ParameterSpec.bool;
import static io.gradlab.api.ParameterSpec.choice;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.spi.LayerFactory;
import io.gradlab.api.spi.NormalizerFactory;
import java.util.List;
import java.util.Locale;

/** The normalizers ({@code batch-norm}, {@code layer-norm}, {@code custom-norm}) and the {@code grad-norm} layer. */
public final class NormFactories {
    private NormFactories() {}

    public static List<NormalizerFactory> normalizers() {
        return List.of(
                NormalizerFactory.of("batch-norm",
                        "batch normalization per feature (PyTorch BatchNorm1d): batch statistics in training, running statistics in evaluation",
                        List.of(real("eps", 1e-5, "added to the variance").rangeExclusiveMin(0, 1),
                                real("momentum", 0.1, "weight of the new batch in the running statistics").range(0, 1),
                                bool("affine", true, "learnable scale (init 1) and shift (init 0) per feature")),
                        (p, name) -> new BatchNorm(name, p.getDouble("eps"), p.getDouble("momentum"), p.getBoolean("affine"))),
                NormalizerFactory.of("layer-norm", "layer normalization: each sample over its own features (PyTorch LayerNorm)",
                        List.of(real("eps", 1e-5, "added to the variance").rangeExclusiveMin(0, 1),
                                bool("affine", true, "learnable scale (init 1) and shift (init 0) per feature")),
                        (p, name) -> new LayerNorm(name, p.getDouble("eps"), p.getBoolean("affine"))),
                NormalizerFactory.of("custom-norm",
                        "the course's (x - mean) / (std + eps), no learnable parameters, over the whole tensor or per feature; batch statistics in both modes",
                        List.of(choice("over", "tensor", List.of("tensor", "feature"),
                                        "tensor: one mean and std for the whole batch x features tensor; feature: per feature over the batch"),
                                real("eps", 1e-6, "added to the standard deviation").rangeExclusiveMin(0, 1),
                                bool("unbiased", true, "divide by n - 1 (as torch.std) instead of n")),
                        (p, name) -> new CustomNorm(name, CustomNorm.Over.valueOf(p.getString("over").toUpperCase(Locale.ROOT)),
                                p.getDouble("eps"), p.getBoolean("unbiased"))));
    }

    public static List<LayerFactory> layers() {
        return List.of(LayerFactory.of("grad-norm",
                "gradient normalization: identity forward; backward standardises the incoming gradient, (g - mean) / (std + eps) over the batch x features tensor",
                List.of(real("eps", 1e-6, "added to the standard deviation").rangeExclusiveMin(0, 1)),
                (p, name) -> new GradNorm(name, p.getDouble("eps"))));
    }
}
