package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether the plugin jars of a folder may run: a plugin is code running with the user's
 * rights, so a folder, lock file or jar that other users can write to (the POSIX group or other
 * write bit) is refused, and when the folder has a {@link PluginLock} a jar runs only if it is
 * listed with its SHA-256. On file systems without POSIX permissions only the lock file applies.
 */
final class PluginTrust {
    private final Optional<PluginLock> lock;

    private PluginTrust(Optional<PluginLock> lock) {
        this.lock = lock;
    }

    /**
     * Checks the folder (and its lock file) and reads the lock.
     *
     * @throws GradlabException {@link Category#PLUGIN} when the folder or its lock file is writable by
     *                          other users or the lock file is malformed
     */
    static PluginTrust of(Path pluginsDir) {
        requireNonNull(pluginsDir, "pluginsDir is null");
        checkFolder(pluginsDir);
        Path lockFile = pluginsDir.resolve(PluginLock.FILE_NAME);
        if (Files.exists(lockFile)) {
            writableByOthers(lockFile).ifPresent(perms -> {
                throw new GradlabException(Category.PLUGIN, "plugins lock file " + lockFile + " is writable by other users ("
                        + perms + "), so it cannot vouch for the plugin jars: fix it with chmod go-w " + lockFile);
            });
        }
        return new PluginTrust(PluginLock.read(pluginsDir));
    }

    /** Refuses a plugins folder that other users can write to. */
    static void checkFolder(Path pluginsDir) {
        writableByOthers(pluginsDir).ifPresent(perms -> {
            throw new GradlabException(Category.PLUGIN, "plugins folder " + pluginsDir + " is writable by other users (" + perms
                    + "): anyone who can write there can run code as you, so gradlab loads no plugins from it; fix it with chmod go-w "
                    + pluginsDir);
        });
    }

    Optional<PluginLock> lock() {
        return lock;
    }

    /** Why {@code jar} must not be loaded, or empty when it may. */
    Optional<String> refusal(Path jar) {
        String name = jar.getFileName().toString();
        Optional<String> perms = writableByOthers(jar);
        if (perms.isPresent()) {
            return Optional.of("plugin jar " + name + " is writable by other users (" + perms.get()
                    + ") and was not loaded: fix it with chmod go-w " + jar);
        }
        if (lock.isEmpty()) {
            return Optional.empty();
        }
        String expected = lock.get().hashes().get(name);
        if (expected == null) {
            return Optional.of("plugin jar " + name + " is not listed in " + lock.get().file() + " and was not loaded: if you trust it,"
                    + " run gradlab plugins --lock to add it, or remove it from " + jar.getParent());
        }
        String actual = PluginLock.sha256(jar);
        if (!actual.equals(expected)) {
            return Optional.of("plugin jar " + name + " does not match " + lock.get().file() + " (SHA-256 " + actual.substring(0, 12)
                    + "..., the lock says " + expected.substring(0, 12) + "...) and was not loaded: it changed since the lock was"
                    + " written; if you replaced it on purpose, run gradlab plugins --lock");
        }
        return Optional.empty();
    }

    /**
     * A warning when {@code jar} belongs neither to the current user nor to root: another user could
     * replace it with code that runs as you. Loaded with this warning; fatal with {@code --strict}.
     */
    static Optional<String> foreignOwner(Path jar) {
        if (Files.getFileAttributeView(jar, PosixFileAttributeView.class) == null) {
            return Optional.empty();
        }
        try {
            String owner = Files.getOwner(jar).getName();
            String me = System.getProperty("user.name", "");
            if (owner.equals(me) || owner.equals("root") || owner.equals("0")) {
                return Optional.empty();
            }
            return Optional.of("plugin jar " + jar.getFileName() + " belongs to the user '" + owner + "', not to you ('" + me
                    + "') or root: that user can change the code gradlab runs as you; take it over with chown " + me + " " + jar
                    + " (or remove it); --strict refuses it");
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** The permissions (as {@code rwxrwxr-x}) when the group or others may write {@code path}; empty otherwise or without POSIX permissions. */
    static Optional<String> writableByOthers(Path path) {
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) == null) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                return Optional.of(PosixFilePermissions.toString(perms));
            }
            return Optional.empty();
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new GradlabException(Category.PLUGIN, "cannot read the permissions of " + path + " (" + e.getMessage()
                    + "): gradlab loads plugins only from places it can check", e);
        }
    }
}
