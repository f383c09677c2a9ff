package io.gradlab.plugins.remedies.norm;

import static io.gradlab.api.ParameterSpec.bool;
import static io.gradlab.api.ParameterSpec.choice;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Layer;
import java.util.List;
import java.util.Locale;

/** The normalizers ({@code batch-norm}, {@code layer-norm}, {@code custom-norm}) and the {@code grad-norm} layer. */
public final class NormFactories {
    private NormFactories() {}

    public static List<ComponentFactory<Layer>> normalizers() {
        return List.of(
                ComponentFactory.of(ComponentKind.NORMALIZER, "batch-norm",
                        "batch normalization per feature (PyTorch BatchNorm1d): batch statistics in training, running statistics in evaluation",
                        List.of(real("eps", 1e-5, "added to the variance").rangeExclusiveMin(0, 1),
                                real("momentum", 0.1, "weight of the new batch in the running statistics").range(0, 1),
                                bool("affine", true, "learnable scale (init 1) and shift (init 0) per feature")),
                        (p, context) -> new BatchNorm(context.name(), p.getDouble("eps"), p.getDouble("momentum"), p.getBoolean("affine"))),
                ComponentFactory.of(ComponentKind.NORMALIZER, "layer-norm",
                        "layer normalization: each sample over its own features (PyTorch LayerNorm)",
                        List.of(real("eps", 1e-5, "added to the variance").rangeExclusiveMin(0, 1),
                                bool("affine", true, "learnable scale (init 1) and shift (init 0) per feature")),
                        (p, context) -> new LayerNorm(context.name(), p.getDouble("eps"), p.getBoolean("affine"))),
                ComponentFactory.of(ComponentKind.NORMALIZER, "custom-norm",
                        "the course's (x - mean) / (std + eps), no learnable parameters, over the whole tensor or per feature; batch statistics in both modes",
                        List.of(choice("over", "tensor", List.of("tensor", "feature"),
                                        "tensor: one mean and std for the whole batch x features tensor; feature: per feature over the batch"),
                                real("eps", 1e-6, "added to the standard deviation").rangeExclusiveMin(0, 1),
                                bool("unbiased", true, "divide by n - 1 (as torch.std) instead of n")),
                        (p, context) -> new CustomNorm(context.name(), CustomNorm.Over.valueOf(p.getString("over").toUpperCase(Locale.ROOT)),
                                p.getDouble("eps"), p.getBoolean("unbiased"))));
    }

    public static List<ComponentFactory<Layer>> layers() {
        return List.of(ComponentFactory.of(ComponentKind.LAYER, "grad-norm",
                "gradient normalization: identity forward; backward standardises the incoming gradient, (g - mean) / (std + eps) over the batch x features tensor",
                List.of(real("eps", 1e-6, "added to the standard deviation").rangeExclusiveMin(0, 1)),
                (p, context) -> new GradNorm(context.name(), p.getDouble("eps"))));
    }
}
