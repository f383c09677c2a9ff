package io.gradlab.cli;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.engine.registry.RegisteredComponent;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The human form of {@code gradlab plugins}: per kind, a compact table with each component's parameters under it. */
final class PluginListing {
    private PluginListing() {}

    static void print(List<RegisteredComponent> components, int problems, PrintStream out) {
        Map<ComponentKind<?>, List<RegisteredComponent>> byKind = components.stream()
                .collect(Collectors.groupingBy(RegisteredComponent::kind, LinkedHashMap::new, Collectors.toList()));
        boolean first = true;
        for (Map.Entry<ComponentKind<?>, List<RegisteredComponent>> e : byKind.entrySet()) {
            if (!first) {
                out.println();
            }
            first = false;
            out.println(e.getKey().plural() + " (" + e.getValue().size() + ")");
            TextTable table = new TextTable("id", "version", "source", "description");
            for (RegisteredComponent c : e.getValue()) {
                table.row(c.id().value(), c.version(), source(c), c.description());
                for (ParameterSpec p : c.parameters()) {
                    table.note("    " + ParameterText.line(p));
                }
            }
            table.print(out, "  ");
        }
        long sources = components.stream().map(c -> c.source().name()).distinct().count();
        out.println();
        out.println(components.size() + " component(s) from " + sources + " source(s)"
                + (problems == 0 ? "" : "; " + problems + " plugin problem(s), see the warnings above"));
    }

    private static String source(RegisteredComponent c) {
        return c.source().isClasspath() ? c.source().name() : "jar " + c.source().name();
    }
}
