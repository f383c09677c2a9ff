package io.gradlab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code --param NAME=VALUE} options into raw parameter values: the value is a YAML scalar or flow
 * value ({@code 2}, {@code 0.1}, {@code true}, {@code relu}, {@code [64, 64]}, {@code {id: leaky-relu}}),
 * validated later against each component's declared parameters like a spec value.
 */
final class ComponentParams {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ComponentParams() {}

    static Map<String, Object> parse(List<String> args) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new GradlabException(Category.USAGE, "--param " + arg + ": expected NAME=VALUE, e.g. --param steps=2");
            }
            String name = arg.substring(0, eq).trim();
            String text = arg.substring(eq + 1).trim();
            params.put(name, value(name, text));
        }
        return params;
    }

    private static Object value(String name, String text) {
        if (text.isEmpty()) {
            throw new GradlabException(Category.USAGE, "--param " + name + "=: the value is empty");
        }
        try {
            Object value = YAML.readValue(text, Object.class);
            return value == null ? text : value;
        } catch (JsonProcessingException e) {
            throw new GradlabException(Category.USAGE, "--param " + name + "=" + text + ": not a YAML value ("
                    + e.getOriginalMessage() + ")", e);
        }
    }
}
