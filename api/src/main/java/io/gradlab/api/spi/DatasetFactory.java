package io.gradlab.api.spi;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.data.DataContext;
import io.gradlab.api.data.DataSplits;
import java.util.List;
import java.util.function.BiFunction;

/** Makes {@link DataSplits}s of one id. */
public interface DatasetFactory extends ComponentFactory {
    @Override
    default ComponentKind kind() {
        return ComponentKind.DATASET;
    }

    /** Loads or generates the data. */
    DataSplits create(Params params, DataContext context);

    /** A factory from a lambda: the short way to contribute a component. */
    static DatasetFactory of(String id, String description, List<ParameterSpec> parameters, BiFunction<Params, DataContext, DataSplits> create) {
        ComponentId cid = ComponentId.of(id);
        List<ParameterSpec> params = List.copyOf(parameters);
        String version = ComponentFactory.versionOf(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass());
        return new DatasetFactory() {
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
            public DataSplits create(Params p, DataContext context) {
                return create.apply(p, context);
            }
        };
    }
}
