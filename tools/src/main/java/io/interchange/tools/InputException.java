package io.interchange.tools;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/**
 * The user's input cannot be used: bad hex, a message that does not decode, a value the writer refuses. The
 * message is the whole report, one line naming what is wrong; the command line prints it and exits with 2.
 */
public final class InputException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public InputException(final String message)
    {
        super(message, null, false, false);
    }

    /** What a file's I/O failure was, in words: for some the JDK's message is only the path. */
    public static String reason(final IOException ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return ex.getMessage() + ": no such file or directory";
        }
        if (ex instanceof FileAlreadyExistsException)
        {
            return ex.getMessage() + " exists and is not a directory";
        }
        if (ex instanceof AccessDeniedException)
        {
            return ex.getMessage() + ": permission denied";
        }
        return ex.getMessage();
    }
}
