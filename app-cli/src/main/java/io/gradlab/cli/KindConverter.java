package io.gradlab.cli;

import io.gradlab.api.ComponentKind;
import java.util.Iterator;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --kind activation} (also {@code activations}, {@code GRADIENT_TRANSFORM}). */
final class KindConverter implements ITypeConverter<ComponentKind<?>> {
    @Override
    public ComponentKind<?> convert(String value) {
        try {
            return ComponentKind.fromLabel(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("unknown component kind '" + value + "'; kinds: " + Labels.joined());
        }
    }

    /** The kind labels, for completion and help. */
    static final class Labels implements Iterable<String> {
        static String joined() {
            return String.join(", ", ComponentKind.values().stream().map(ComponentKind::label).toList());
        }

        @Override
        public Iterator<String> iterator() {
            return ComponentKind.values().stream().map(ComponentKind::label).iterator();
        }
    }
}
