package io.gradlab.engine.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Text that reaches a terminal or a report: control characters (and the invisible format characters
 * that reorder text) from file names, spec values or plugin messages are escaped as {@code \\uXXXX},
 * so that input can never move the cursor, clear the screen or hide part of a message.
 */
public final class Messages {
    private Messages() {}

    /** {@code text} with every control and format character escaped ({@code \\n} and {@code \\t} included). */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (needsEscape(c)) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                sb.append(String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Like {@link #escape} but keeps line breaks (for multi-line text such as a table); tabs become spaces. */
    public static String escapeKeepingLines(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(text.length());
        boolean first = true;
        for (String line : text.split("\n", -1)) {
            if (!first) {
                sb.append('\n');
            }
            first = false;
            sb.append(escape(line.replace("\t", "    ")));
        }
        return sb.toString();
    }

    private static boolean needsEscape(char c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** A value for a message: {@code String.valueOf(value)}, escaped. */
    public static String quote(Object value) {
        return escape(String.valueOf(value));
    }

    /** What an I/O exception means, in words, without the exception's class name. */
    public static String ioReason(IOException e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file or folder: " + quote(n.getFile());
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + quote(a.getFile());
        }
        if (e instanceof NotDirectoryException n) {
            return "not a folder: " + quote(n.getFile());
        }
        if (e instanceof CharacterCodingException) {
            return "the file is not UTF-8 text";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return escape(f.getReason()) + (f.getFile() == null ? "" : " (" + quote(f.getFile()) + ")");
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : escape(e.getMessage());
    }
}
