package io.gradlab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gradlab.api.ApiVersion;
import io.gradlab.api.ParameterSpec;
import io.gradlab.engine.registry.PluginProblem;
import io.gradlab.engine.registry.RegisteredComponent;
import io.gradlab.engine.run.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of {@code gradlab plugins --json}:
 * <pre>{@code
 * {"api_version": "2.4",
 *  "components": [{"kind", "id", "source", "jar", "plugin_class", "version", "description",
 *                  "parameters": [{"name", "type", "default", "allowed", "required", "description"}]}],
 *  "problems": [{"severity", "source", "jar", "message"}]}
 * }</pre>
 */
final class PluginJson {
    private PluginJson() {}

    static String render(List<RegisteredComponent> components, List<PluginProblem> problems) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("api_version", ApiVersion.CURRENT);
        List<Map<String, Object>> list = new ArrayList<>();
        for (RegisteredComponent c : components) {
            list.add(component(c));
        }
        root.put("components", list);
        List<Map<String, Object>> problemList = new ArrayList<>();
        for (PluginProblem p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("severity", p.severity().name());
            m.put("source", p.source() == null ? null : p.source().name());
            m.put("jar", p.source() == null || p.source().jar() == null ? null : p.source().jar().toString());
            m.put("message", p.message());
            problemList.add(m);
        }
        root.put("problems", problemList);
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the component list as JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> component(RegisteredComponent c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", c.kind().label());
        m.put("id", c.id().value());
        m.put("source", c.source().name());
        m.put("jar", c.source().jar() == null ? null : c.source().jar().toString());
        m.put("plugin_class", c.source().pluginClass());
        m.put("version", c.version());
        m.put("description", c.description());
        List<Map<String, Object>> params = new ArrayList<>();
        for (ParameterSpec p : c.parameters()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            pm.put("type", ParameterText.type(p));
            pm.put("default", ParameterText.defaultJson(p));
            pm.put("allowed", p.allowedValues());
            pm.put("required", p.isRequired());
            pm.put("description", p.description());
            params.add(pm);
        }
        m.put("parameters", params);
        return m;
    }
}
