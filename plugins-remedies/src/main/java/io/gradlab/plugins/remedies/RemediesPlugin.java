package io.gradlab.plugins.remedies;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.plugins.remedies.grad.TransformFactories;
import io.gradlab.plugins.remedies.init.InitializerFactories;
import io.gradlab.plugins.remedies.layerwise.LayerwiseFactory;
import io.gradlab.plugins.remedies.pretrain.PretrainFactory;
import io.gradlab.plugins.remedies.norm.NormFactories;
import io.gradlab.plugins.remedies.optim.OptimizerFactories;
import io.gradlab.plugins.remedies.skip.SkipMlp;
import io.gradlab.plugins.remedies.symmetry.SymmetryFactories;
import java.util.ArrayList;
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
    public List<ComponentFactory<?>> components() {
        List<ComponentFactory<?>> all = new ArrayList<>();
        all.addAll(InitializerFactories.all());
        all.addAll(NormFactories.normalizers());
        all.addAll(NormFactories.layers());
        all.add(SkipMlp.factory());
        all.addAll(OptimizerFactories.all());
        all.addAll(TransformFactories.all());
        all.add(LayerwiseFactory.factory());
        all.add(PretrainFactory.factory());
        all.addAll(SymmetryFactories.losses());
        all.addAll(SymmetryFactories.datasets());
        return List.copyOf(all);
    }
}
