package io.gradlab.api.spi;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.nn.Loss;
import java.util.List;
import java.util.function.Function;

/** Makes {@link Loss}s of one id. */
public interface LossFactory extends ComponentFactory {
    @Override
    default ComponentKind kind() {
        return ComponentKind.LOSS;
    }

    Loss create(Params params);

    /** A factory from a lambda: the short way to contribute a component. */
    static LossFactory of(String id, String description, List<ParameterSpec> parameters, Function<Params, Loss> create) {
        ComponentId cid = ComponentId.of(id);
        List<ParameterSpec> params = List.copyOf(parameters);
        String version = ComponentFactory.versionOf(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass());
        return new LossFactory() {
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
            public Loss create(Params p) {
                return create.apply(p);
            }
        };
    }
}
