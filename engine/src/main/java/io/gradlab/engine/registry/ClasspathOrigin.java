package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Plugins on the host classpath. A provider is attributed to the classpath entry whose service file
 * names it: {@code gradlab-plugins-activations} for {@code gradlab-plugins-activations-0.1.0.jar},
 * the module folder ({@code plugins-activations}) for {@code plugins-activations/target/classes}.
 */
final class ClasspathOrigin implements Origin {
    static final String CLASSPATH = "classpath";
    private static final Pattern VERSION_SUFFIX = Pattern.compile("-\\d+(\\.\\d+)*([.-].*)?$");

    private final Map<String, String> entryByProvider;

    ClasspathOrigin(ClassLoader loader) {
        this.entryByProvider = entries(requireNonNull(loader, "loader is null"));
    }

    @Override
    public PluginSource source(String className) {
        String entry = className == null ? null : entryByProvider.get(className);
        return new PluginSource(entry == null ? CLASSPATH : entry, null, className);
    }

    @Override
    public String removal() {
        return "remove it from the classpath";
    }

    /** Which classpath entry's service file names each provider class. */
    private static Map<String, String> entries(ClassLoader loader) {
        Map<String, String> map = new HashMap<>();
        try {
            for (URL url : Collections.list(loader.getResources(ProviderDiscovery.SERVICE_FILE))) {
                String entry = entryName(url);
                for (String provider : readProviders(url)) {
                    map.putIfAbsent(provider, entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            // naming is best effort: the sources then just say "classpath"
        }
        return Map.copyOf(map);
    }

    private static Iterable<String> readProviders(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        connection.setUseCaches(false);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
            return reader.lines()
                    .map(line -> line.replaceFirst("#.*", "").trim())
                    .filter(line -> !line.isEmpty())
                    .toList();
        }
    }

    /** The name of the classpath entry holding the resource {@code url}. */
    static String entryName(URL url) {
        try {
            String spec = url.toString();
            if (spec.startsWith("jar:")) {
                int bang = spec.indexOf("!/");
                Path jar = Path.of(new URI(spec.substring(4, bang < 0 ? spec.length() : bang)));
                return withoutVersion(jar.getFileName().toString().replaceFirst("(?i)\\.jar$", ""));
            }
            if (spec.startsWith("file:")) {
                Path root = Path.of(url.toURI());
                for (int i = 0; i < Path.of(ProviderDiscovery.SERVICE_FILE).getNameCount() && root.getParent() != null; i++) {
                    root = root.getParent();
                }
                boolean mavenOutput = root.getParent() != null && root.getParent().getFileName() != null
                        && root.getParent().getFileName().toString().equals("target") && root.getParent().getParent() != null;
                Path named = mavenOutput ? root.getParent().getParent() : root;
                if (mavenOutput) {
                    String artifact = artifactId(named.resolve("pom.xml"));
                    if (artifact != null) {
                        return artifact;
                    }
                }
                return named.getFileName() == null ? spec : named.getFileName().toString();
            }
            return spec;
        } catch (URISyntaxException | RuntimeException e) {
            return url.toString();
        }
    }

    /**
     * The artifactId of a module's pom, so that a module built in place ({@code engine/target/classes})
     * is named as its jar would be ({@code gradlab-engine}); {@code null} when there is none to read.
     */
    static String artifactId(Path pom) {
        try {
            if (!java.nio.file.Files.isRegularFile(pom)) {
                return null;
            }
            String text = java.nio.file.Files.readString(pom).replaceAll("(?s)<parent>.*?</parent>", "");
            java.util.regex.Matcher m = Pattern.compile("<artifactId>\\s*([^<\\s]+)\\s*</artifactId>").matcher(text);
            return m.find() ? m.group(1) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String withoutVersion(String artifact) {
        String stripped = VERSION_SUFFIX.matcher(artifact).replaceFirst("");
        return stripped.isEmpty() ? artifact : stripped;
    }
}
