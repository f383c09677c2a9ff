package io.gradlab.engine.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/** The sources of the test plugins, one package per scenario; compiled once per test class. */
final class TestPluginSources {
    private TestPluginSources() {}

    private static final String IMPORTS = """
            import io.gradlab.api.*;
            import io.gradlab.api.nn.*;
            import io.gradlab.api.spi.*;
            import io.gradlab.api.tensor.Expr;
            import java.util.List;
            """;

    static Map<String, String> all() {
        Map<String, String> sources = new LinkedHashMap<>();
        // the jar's own copy of a class that also exists on the host classpath
        sources.put("io.gradlab.engine.registry.fixture.Marker", """
                package io.gradlab.engine.registry.fixture;
                public final class Marker {
                    public String origin() { return "plugin jar"; }
                }
                """);
        sources.put("healthy.Cube", "package healthy;\n" + IMPORTS + """
                public final class Cube extends ElementwiseActivation {
                    private final double scale;
                    public Cube(double scale) { this.scale = scale; }
                    @Override protected Expr function(Expr x) { return x.square().mul(x).mul(scale); }
                    @Override protected Expr derivative(Expr x, Expr y) { return x.square().mul(3 * scale); }
                }
                """);
        sources.put("healthy.CubePlugin", "package healthy;\n" + IMPORTS + """
                public final class CubePlugin implements GradlabPlugin {
                    @Override public String apiVersion() { return ApiVersion.CURRENT; }
                    @Override public List<ActivationFactory> activations() {
                        return List.of(ActivationFactory.of("cube", "x^3, " + new io.gradlab.engine.registry.fixture.Marker().origin(),
                                List.of(ParameterSpec.real("scale", 1.0, "output scale").range(0, 10)),
                                p -> new Cube(p.getDouble("scale"))));
                    }
                }
                """);
        sources.put("ok.SquarePlugin", plugin("ok", "SquarePlugin", "ApiVersion.CURRENT", "square"));
        sources.put("dup.DupPlugin", plugin("dup", "DupPlugin", "ApiVersion.CURRENT", "cube"));
        sources.put("future.FuturePlugin", plugin("future", "FuturePlugin", "\"2.0\"", "future"));
        sources.put("throwing.ThrowingPlugin", "package throwing;\n" + IMPORTS + """
                public final class ThrowingPlugin implements GradlabPlugin {
                    public ThrowingPlugin() { throw new IllegalStateException("constructor boom"); }
                    @Override public String apiVersion() { return ApiVersion.CURRENT; }
                }
                """);
        sources.put("staticinit.StaticInitPlugin", "package staticinit;\n" + IMPORTS + """
                public final class StaticInitPlugin implements GradlabPlugin {
                    static { boom(); }
                    private static void boom() { throw new IllegalStateException("static boom"); }
                    @Override public String apiVersion() { return ApiVersion.CURRENT; }
                }
                """);
        sources.put("notaplugin.NotAPlugin", """
                package notaplugin;
                public final class NotAPlugin {}
                """);
        sources.put("linkage.Base", """
                package linkage;
                public abstract class Base {}
                """);
        sources.put("linkage.LinkagePlugin", "package linkage;\n" + IMPORTS + """
                public final class LinkagePlugin extends Base implements GradlabPlugin {
                    @Override public String apiVersion() { return ApiVersion.CURRENT; }
                }
                """);
        sources.put("badmeta.BadMetaPlugin", "package badmeta;\n" + IMPORTS + """
                public final class BadMetaPlugin implements GradlabPlugin {
                    @Override public String apiVersion() { return ApiVersion.CURRENT; }
                    @Override public List<ActivationFactory> activations() {
                        ActivationFactory broken = new ActivationFactory() {
                            @Override public ComponentId id() { return ComponentId.of("broken"); }
                            @Override public String description() { throw new IllegalStateException("no description"); }
                            @Override public Activation create(Params p) { return null; }
                        };
                        return List.of(broken, ActivationFactory.of("fine", "works", List.of(), p -> null));
                    }
                    @Override public List<LossFactory> losses() { throw new UnsupportedOperationException("losses boom"); }
                }
                """);
        return sources;
    }

    /** A plugin contributing one identity-like activation {@code id}. */
    private static String plugin(String pkg, String name, String apiVersion, String id) {
        return "package " + pkg + ";\n" + IMPORTS + """
                public final class %s implements GradlabPlugin {
                    @Override public String apiVersion() { return %s; }
                    @Override public List<ActivationFactory> activations() {
                        return List.of(ActivationFactory.of("%s", "test activation", List.of(), p -> new ElementwiseActivation() {
                            @Override protected Expr function(Expr x) { return x; }
                            @Override protected Expr derivative(Expr x, Expr y) { return Expr.constant(1); }
                        }));
                    }
                }
                """.formatted(name, apiVersion, id);
    }
}
