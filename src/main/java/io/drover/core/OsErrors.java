package io.drover.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** The OS's words for an I/O failure, without Java's exception class names: one place for all. */
public final class OsErrors {
    private OsErrors() {}

    /** "Permission denied" out of an NIO exception, or out of "/x/y.log (Permission denied)". */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        String m = e.getMessage();
        if (m != null && m.endsWith(")") && m.lastIndexOf(" (") > 0) {
            return m.substring(m.lastIndexOf(" (") + 2, m.length() - 1);
        }
        return m != null ? m : e.getClass().getSimpleName();
    }
}
