package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabPlugin;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@link ServiceLoader} over one class loader and turns every provider that fails to load into
 * a one-line problem, carrying on with the next provider (the service loader's iterator recovers
 * after an error), in the manner of SLF4J's {@code safelyInstantiate}. A provider that cannot link
 * against a class of the gradlab API was built for another API version, and is reported as such.
 */
final class ProviderDiscovery {
    static final String SERVICE_FILE = "META-INF/services/" + GradlabPlugin.class.getName();
    /** Guards against an iterator that keeps failing on the same provider. */
    private static final int MAX_FAILURES = 100;

    private static final Pattern NOT_FOUND = Pattern.compile("Provider (\\S+) not found");
    private static final Pattern NOT_SUBTYPE = Pattern.compile("(\\S+) not a subtype");
    private static final Pattern NOT_CREATED = Pattern.compile("Provider (\\S+) could not be instantiated");
    private static final Pattern NO_CONSTRUCTOR = Pattern.compile("(\\S+) Unable to get public no-arg constructor");

    /** A plugin that loaded, with where it came from. */
    record Discovered(GradlabPlugin plugin, PluginSource source) {
        Discovered {
            requireNonNull(plugin, "plugin is null");
            requireNonNull(source, "source is null");
        }
    }

    private ProviderDiscovery() {}

    static List<Discovered> discover(ClassLoader loader, Origin origin, Problems problems) {
        List<Discovered> found = new ArrayList<>();
        Iterator<GradlabPlugin> providers = ServiceLoader.load(GradlabPlugin.class, loader).iterator();
        int failures = 0;
        while (true) {
            try {
                if (!providers.hasNext()) {
                    break;
                }
                GradlabPlugin plugin = providers.next();
                found.add(new Discovered(plugin, origin.source(plugin.getClass().getName())));
            } catch (Throwable t) {
                Failures.rethrowIfFatal(t);
                report(t, origin, problems);
                if (++failures >= MAX_FAILURES) {
                    problems.critical(origin.source(null), origin.source(null).describe() + ": gave up after "
                            + MAX_FAILURES + " broken providers: fix its " + SERVICE_FILE + ", or " + origin.removal());
                    break;
                }
            }
        }
        return found;
    }

    private static void report(Throwable t, Origin origin, Problems problems) {
        String text = t instanceof ServiceConfigurationError ? stripServicePrefix(t.getMessage()) : "";
        Matcher m = NOT_CREATED.matcher(text);
        PluginSource failed = origin.source(m.find() ? m.group(1) : null);
        Optional<String> otherApi = ApiCompatibility.linkageIncompatibility(failed.describe(), t, origin.removal());
        if (otherApi.isPresent()) {
            problems.critical(failed, otherApi.get());
        } else if ((m = NOT_FOUND.matcher(text)).find()) {
            PluginSource source = origin.source(m.group(1));
            problems.critical(source, source.describe() + ": " + SERVICE_FILE + " names " + m.group(1)
                    + ", but there is no such class: fix the service file and rebuild, or " + origin.removal());
        } else if ((m = NOT_SUBTYPE.matcher(text)).find()) {
            PluginSource source = origin.source(m.group(1));
            problems.critical(source, source.describe() + ": " + m.group(1) + " (named in " + SERVICE_FILE
                    + ") does not implement " + GradlabPlugin.class.getName() + ": implement it or fix the service file, or "
                    + origin.removal());
        } else if ((m = NOT_CREATED.matcher(text)).find()) {
            PluginSource source = origin.source(m.group(1));
            problems.critical(source, source.describe() + ": plugin " + m.group(1) + " could not be created ("
                    + Failures.describe(t) + "): a plugin needs a public no-argument constructor that does no work; fix it, or "
                    + origin.removal());
        } else if ((m = NO_CONSTRUCTOR.matcher(text)).find()) {
            PluginSource source = origin.source(m.group(1));
            problems.critical(source, source.describe() + ": plugin " + m.group(1)
                    + " has no public no-argument constructor: add one, or " + origin.removal());
        } else if (t instanceof LinkageError) {
            PluginSource source = origin.source(null);
            problems.critical(source, source.describe() + ": a plugin class could not be linked (" + Failures.describe(t)
                    + "): it needs a class that is missing or incompatible; bundle its dependencies (all but gradlab-api and slf4j)"
                    + " and rebuild it against this gradlab-api, or " + origin.removal());
        } else {
            PluginSource source = origin.source(null);
            String detail = t instanceof ServiceConfigurationError && t.getCause() == null
                    ? text
                    : Failures.describe(t) + (text.isEmpty() ? "" : "; " + text);
            problems.critical(source, source.describe() + ": loading its plugins failed (" + detail + "): fix "
                    + SERVICE_FILE + " and rebuild, or " + origin.removal());
        }
    }

    private static String stripServicePrefix(String message) {
        String prefix = GradlabPlugin.class.getName() + ": ";
        if (message == null) {
            return "";
        }
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
