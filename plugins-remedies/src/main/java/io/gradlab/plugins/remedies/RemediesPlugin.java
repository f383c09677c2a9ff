package io.gradlab.plugins.remedies;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.spi.ArchitectureFactory;
import io.gradlab.api.spi.DatasetFactory;
import io.gradlab.api.spi.GradientTransformFactory;
import io.gradlab.api.spi.InitializerFactory;
import io.gradlab.api.spi.LayerFactory;
import io.gradlab.api.spi.LossFactory;
import io.gradlab.api.spi.NormalizerFactory;
import io.gradlab.api.spi.OptimizerFactory;
import io.gradlab.api.spi.TrainingStrategyFactory;
import io.gradlab.plugins.remedies.grad.TransformFactories;
import io.gradlab.plugins.remedies.init.InitializerFactories;
import io.gradlab.plugins.remedies.layerwise.LayerwiseFactory;
import io.gradlab.plugins.remedies.norm.NormFactories;
import io.gradlab.plugins.remedies.optim.OptimizerFactories;
import io.gradlab.plugins.remedies.skip.SkipMlp;
import io.gradlab.plugins.remedies.symmetry.SymmetryFactories;
import java.util.List;

/**
 * The remedies for vanishing and exploding gradients, as one plugin: initializers, normalizers,
 * skip connections, adaptive optimizers, gradient clipping and normalisation, layer-wise training,
 * and the small generated problems of the symmetry (zero initialisation) examples.
 */
public final class RemediesPlugin implements GradlabPlugin {
    @Override
    public String apiVersion() {
        return ApiVersion.CURRENT;
    }

    @Override
    public String name() {
        return "gradlab-remedies";
    }

    @Override
    public List<InitializerFactory> initializers() {
        return InitializerFactories.all();
    }

    @Override
    public List<NormalizerFactory> normalizers() {
        return NormFactories.normalizers();
    }

    @Override
    public List<LayerFactory> layers() {
        return NormFactories.layers();
    }

    @Override
    public List<ArchitectureFactory> architectures() {
        return List.of(SkipMlp.factory());
    }

    @Override
    public List<OptimizerFactory> optimizers() {
        return OptimizerFactories.all();
    }

    @Override
    public List<GradientTransformFactory> gradientTransforms() {
        return TransformFactories.all();
    }

    @Override
    public List<TrainingStrategyFactory> trainingStrategies() {
        return List.of(LayerwiseFactory.factory());
    }

    @Override
    public List<LossFactory> losses() {
        return SymmetryFactories.losses();
    }

    @Override
    public List<DatasetFactory> datasets() {
        return SymmetryFactories.datasets();
    }
}
