package io.interchange.engine.clearing;

/** Clearing could not run: the message is one line, for the command line to print as it is (exit code 2). */
public final class ClearingException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ClearingException(final String message)
    {
        super(message);
    }

    public ClearingException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
