package io.gradlab.api;

import static java.util.Objects.requireNonNull;

/**
 * The one unchecked exception for errors a user can act on. Its message says what was wrong,
 * where it came from, and what the options are; the CLI prints it as one line (no stack trace
 * unless {@code --verbose}).
 */
public class GradlabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of thing went wrong; the CLI maps it to an exit code. */
    public enum Category {
        /** A command-line usage error. */
        USAGE(2),
        /** An experiment spec is malformed or names something invalid. */
        SPEC(3),
        /** A component id or a component parameter is invalid. */
        COMPONENT(3),
        /** A dataset file is missing or corrupt. */
        DATA(4),
        /** A plugin jar could not be loaded or verified. */
        PLUGIN(5),
        /** Training produced a non-finite value or diverged. */
        NUMERIC(6),
        /** Reading or writing a file failed. */
        IO(7),
        /** A bug in gradlab or a plugin. */
        INTERNAL(70);

        private final int exitCode;

        Category(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Category category;

    public GradlabException(Category category, String message) {
        super(requireNonNull(message, "message is null"));
        this.category = requireNonNull(category, "category is null");
    }

    public GradlabException(Category category, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.category = requireNonNull(category, "category is null");
    }

    public Category category() {
        return category;
    }
}
