package io.gradlab.api;

import io.gradlab.api.spi.ActivationFactory;
import io.gradlab.api.spi.ArchitectureFactory;
import io.gradlab.api.spi.DatasetFactory;
import io.gradlab.api.spi.DiagnosticFactory;
import io.gradlab.api.spi.GradientTransformFactory;
import io.gradlab.api.spi.InitializerFactory;
import io.gradlab.api.spi.LayerFactory;
import io.gradlab.api.spi.LossFactory;
import io.gradlab.api.spi.NormalizerFactory;
import io.gradlab.api.spi.OptimizerFactory;
import io.gradlab.api.spi.TrainingStrategyFactory;
import java.util.List;

/**
 * The one entry point of a plugin jar, found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.gradlab.api.GradlabPlugin}. A plugin overrides only the methods for
 * what it contributes; the host pulls the factories (plugins never push into a registry). The
 * class needs a public no-argument constructor, and must not do work in it.
 *
 * <pre>{@code
 * public final class MyPlugin implements GradlabPlugin {
 *     public String apiVersion() { return ApiVersion.CURRENT; }  // inlined at compile time
 *     public List<ActivationFactory> activations() {
 *         return List.of(ActivationFactory.of("cube", "x^3", List.of(), p -> new Cube()));
 *     }
 * }
 * }</pre>
 */
public interface GradlabPlugin {
    /**
     * The API version this plugin was compiled against. Implement it as
     * {@code return ApiVersion.CURRENT;}: the constant is copied into the plugin at compile time.
     */
    String apiVersion();

    /** A name for messages; the class name by default. */
    default String name() {
        return getClass().getName();
    }

    default List<ActivationFactory> activations() {
        return List.of();
    }

    default List<InitializerFactory> initializers() {
        return List.of();
    }

    default List<NormalizerFactory> normalizers() {
        return List.of();
    }

    default List<OptimizerFactory> optimizers() {
        return List.of();
    }

    default List<ArchitectureFactory> architectures() {
        return List.of();
    }

    default List<DiagnosticFactory> diagnostics() {
        return List.of();
    }

    default List<LayerFactory> layers() {
        return List.of();
    }

    default List<LossFactory> losses() {
        return List.of();
    }

    default List<GradientTransformFactory> gradientTransforms() {
        return List.of();
    }

    default List<DatasetFactory> datasets() {
        return List.of();
    }

    default List<TrainingStrategyFactory> trainingStrategies() {
        return List.of();
    }
}
