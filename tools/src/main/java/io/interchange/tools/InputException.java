package io.interchange.tools;

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
}
