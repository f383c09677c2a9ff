package io.gradlab.cli;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.tensor.DType;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.testkit.ActivationContract;
import io.gradlab.testkit.TestBuildContext;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every installed activation (the engine's and the plugins') through the engine's kernels, as a run
 * computes it: the test kit's activation contract with {@link BlasOps} on two threads in place of its
 * reference kernels. The float32 results must be the definition within float rounding, agree with
 * float64 and be the same on every run.
 */
class ActivationsThroughTheEngineTest {
    private static final BlasOps OPS = BlasOps.create("auto", 2);

    /** Parameter settings that change an activation's shape, besides the defaults. */
    private static final Map<String, List<Map<String, Object>>> SETTINGS = Map.of(
            "leaky-relu", List.of(Map.of("negative-slope", 0.3)),
            "prelu", List.of(Map.of("shared", true)),
            "elu", List.of(Map.of("alpha", 0.5), Map.of("alpha", 2.0)),
            "softplus", List.of(Map.of("beta", 2.0, "threshold", 5.0), Map.of("beta", 0.5)),
            "swish", List.of(Map.of("beta", 10.0)),
            "gelu", List.of(Map.of("approximate", "tanh")));

    @TestFactory
    Stream<DynamicTest> everyInstalledActivationComputesItsDefinition() {
        return ServiceLoader.load(GradlabPlugin.class).stream()
                .map(ServiceLoader.Provider::get)
                .flatMap(plugin -> plugin.components().stream().filter(f -> f.kind() == ComponentKind.ACTIVATION).map(f -> f.as(ComponentKind.ACTIVATION)))
                .map(factory -> DynamicTest.dynamicTest(factory.id().value(), () -> {
                    ActivationContract contract = throughTheEngine(factory);
                    contract.kernelsComputeTheDefinition();
                    contract.float32AndFloat64Agree();
                    contract.sameSeedGivesTheSameResult();
                }));
    }

    private static ActivationContract throughTheEngine(ComponentFactory<Activation> factory) {
        return new ActivationContract() {
            @Override
            public ComponentFactory<Activation> factory() {
                return factory;
            }

            @Override
            public List<Map<String, Object>> paramSets() {
                return Stream.concat(Stream.of(Map.<String, Object>of()),
                        SETTINGS.getOrDefault(factory.id().value(), List.of()).stream()).toList();
            }

            @Override
            public TestBuildContext context(DType dtype) {
                return ActivationContract.super.context(dtype).withOps(OPS);
            }
        };
    }
}
