package io.gradlab.api.spi;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.nn.Layer;
import java.util.List;
import java.util.function.BiFunction;

/** Makes {@link Layer}s of one id. */
public interface NormalizerFactory extends ComponentFactory {
    @Override
    default ComponentKind kind() {
        return ComponentKind.NORMALIZER;
    }

    /** A new unbuilt normalization layer named {@code name}. */
    Layer create(Params params, String name);

    /** A factory from a lambda: the short way to contribute a component. */
    static NormalizerFactory of(String id, String description, List<ParameterSpec> parameters, BiFunction<Params, String, Layer> create) {
        ComponentId cid = ComponentId.of(id);
        List<ParameterSpec> params = List.copyOf(parameters);
        String version = ComponentFactory.versionOf(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass());
        return new NormalizerFactory() {
            @Override
            public ComponentId id() {
                return cid;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public List<ParameterSpec> parameters() {
                return params;
            }

            @Override
            public String version() {
                return version;
            }

            @Override
            public Layer create(Params p, String name) {
                return create.apply(p, name);
            }
        };
    }
}
