package io.gradlab.engine.sweep;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** Finds sweep executors by id among the {@link SweepExecutorProvider}s on the classpath. */
public final class SweepExecutors {
    private SweepExecutors() {}

    /** The providers on the class path of {@code loader}, {@code local} first. */
    public static List<SweepExecutorProvider> available(ClassLoader loader) {
        List<SweepExecutorProvider> out = new ArrayList<>();
        try {
            for (SweepExecutorProvider p : ServiceLoader.load(SweepExecutorProvider.class, loader)) {
                out.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new GradlabException(Category.PLUGIN, "a sweep engine failed to load: " + e.getMessage()
                    + "; rebuild with mvn package, or remove the broken jar from the classpath", e);
        }
        out.sort((a, b) -> a.id().equals("local") ? -1 : b.id().equals("local") ? 1 : a.id().compareTo(b.id()));
        return out;
    }

    /** The provider of engine {@code id}; a missing one is a usage error that lists the available ones. */
    public static SweepExecutorProvider find(String id, ClassLoader loader) {
        List<SweepExecutorProvider> all = available(loader);
        for (SweepExecutorProvider p : all) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        String known = String.join(", ", all.stream().map(SweepExecutorProvider::id).toList());
        String hint = id.equals("spark")
                ? "; the spark engine lives in the optional module sweep-spark: build it (mvn -B package -DskipTests) and run"
                  + " bin/gradlab, which adds sweep-spark/target/gradlab-sweep-spark.jar and sweep-spark/target/lib/* to the"
                  + " classpath for --engine spark (or put them on the classpath yourself)"
                : "";
        throw new GradlabException(Category.USAGE, "unknown sweep engine '" + id + "'; available: " + known + hint);
    }
}
