package io.gradlab.engine.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/** The sources of the test plugins, one package per scenario; compiled once per test class. */
final class TestPluginSources {
    private TestPluginSources() {}

    private static final String IMPORTS = """
            import io.gradlab.api.*;
            import io.gradlab.api.nn.*;
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
                    @Override public List<ComponentFactory<?>> components() {
                        return List.of(ComponentFactory.of(ComponentKind.ACTIVATION, "cube",
                                "x^3, " + new io.gradlab.engine.registry.fixture.Marker().origin(),
                                List.of(ParameterSpec.real("scale", 1.0, "output scale").range(0, 10)),
                                p -> new Cube(p.getDouble("scale"))));
                    }
                }
                """);
        sources.put("ok.SquarePlugin", plugin("ok", "SquarePlugin", "ApiVersion.CURRENT", "square"));
        sources.put("dup.DupPlugin", plugin("dup", "DupPlugin", "ApiVersion.CURRENT", "cube"));
        sources.put("future.FuturePlugin", plugin("future", "FuturePlugin", "\"3.0\"", "future"));
        // declares a version the host can only learn by asking the loaded plugin
        sources.put("asked.AskedPlugin", plugin("asked", "AskedPlugin", "String.valueOf(\"3.0\")", "asked"));
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
                    @Override public List<ComponentFactory<?>> components() {
                        ComponentFactory<Activation> broken = new ComponentFactory<>() {
                            @Override public ComponentKind<Activation> kind() { return ComponentKind.ACTIVATION; }
                            @Override public ComponentId id() { return ComponentId.of("broken"); }
                            @Override public String description() { throw new IllegalStateException("no description"); }
                            @Override public Activation create(Params p, ComponentFactory.CreateContext c) { return null; }
                        };
                        ComponentFactory<?> kindless = new ComponentFactory<Loss>() {
                            @Override public ComponentKind<Loss> kind() { return null; }
                            @Override public ComponentId id() { return ComponentId.of("kindless"); }
                            @Override public String description() { return "no kind"; }
                            @Override public Loss create(Params p, ComponentFactory.CreateContext c) { return null; }
                        };
                        return List.of(broken, ComponentFactory.of(ComponentKind.ACTIVATION, "fine", "works", List.of(), p -> null), kindless);
                    }
                }
                """);
        sources.put("throwingcomponents.ThrowingComponentsPlugin", "package throwingcomponents;\n" + IMPORTS + """
                public final class ThrowingComponentsPlugin implements GradlabPlugin {
                    @Override public String apiVersion() { return ApiVersion.CURRENT; }
                    @Override public List<ComponentFactory<?>> components() { throw new UnsupportedOperationException("components boom"); }
                }
                """);
        return sources;
    }

    /**
     * Stand-ins for the parts of gradlab API 1.0 that the plugins of {@link #builtForApiOne()} use: the
     * version constant, the entry point with its per-kind methods and a per-kind factory interface of
     * the {@code io.gradlab.api.spi} package that API 2.0 removed. Compiled on their own; never packed.
     */
    static Map<String, String> apiOne() {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("io.gradlab.api.ApiVersion", """
                package io.gradlab.api;
                public final class ApiVersion {
                    public static final String CURRENT = "1.0";
                    private ApiVersion() {}
                }
                """);
        sources.put("io.gradlab.api.GradlabPlugin", """
                package io.gradlab.api;
                import io.gradlab.api.spi.ActivationFactory;
                import java.util.List;
                public interface GradlabPlugin {
                    String apiVersion();
                    default List<ActivationFactory> activations() { return List.of(); }
                }
                """);
        sources.put("io.gradlab.api.spi.ActivationFactory", """
                package io.gradlab.api.spi;
                import java.util.List;
                import java.util.function.Function;
                public interface ActivationFactory {
                    String id();
                    static ActivationFactory of(String id, String description, List<Object> parameters, Function<Object, Object> create) {
                        return () -> id;
                    }
                }
                """);
        return sources;
    }

    /** Plugins built against gradlab API 1.0 ({@link #apiOne()}), one package per scenario. */
    static Map<String, String> builtForApiOne() {
        Map<String, String> sources = new LinkedHashMap<>();
        // the usual 1.x plugin: it loads, and its class file says 1.0
        sources.put("one.OnePlugin", """
                package one;
                import io.gradlab.api.*;
                import io.gradlab.api.spi.*;
                import java.util.List;
                public final class OnePlugin implements GradlabPlugin {
                    @Override public String apiVersion() { return ApiVersion.CURRENT; }
                    @Override public List<ActivationFactory> activations() {
                        return List.of(ActivationFactory.of("one", "built for API 1.0", List.of(), p -> null));
                    }
                }
                """);
        // a 1.x plugin that cannot even be loaded (it implements a removed interface) and whose
        // apiVersion() is no plain constant
        sources.put("unlinkable.UnlinkablePlugin", """
                package unlinkable;
                import io.gradlab.api.*;
                import io.gradlab.api.spi.*;
                public final class UnlinkablePlugin implements GradlabPlugin, ActivationFactory {
                    @Override public String apiVersion() { return String.valueOf(ApiVersion.CURRENT); }
                    @Override public String id() { return "unlinkable"; }
                }
                """);
        return sources;
    }

    /** A plugin contributing one identity-like activation {@code id}. */
    private static String plugin(String pkg, String name, String apiVersion, String id) {
        return "package " + pkg + ";\n" + IMPORTS + """
                public final class %s implements GradlabPlugin {
                    @Override public String apiVersion() { return %s; }
                    @Override public List<ComponentFactory<?>> components() {
                        return List.of(ComponentFactory.of(ComponentKind.ACTIVATION, "%s", "test activation", List.of(),
                                p -> new ElementwiseActivation() {
                            @Override protected Expr function(Expr x) { return x; }
                            @Override protected Expr derivative(Expr x, Expr y) { return Expr.constant(1); }
                        }));
                    }
                }
                """.formatted(name, apiVersion, id);
    }
}
