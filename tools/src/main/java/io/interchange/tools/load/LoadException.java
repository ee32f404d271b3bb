package io.interchange.tools.load;

/**
 * A run could not be made: the switch cannot be reached, refuses the sign-on, or closes the link before it. The
 * message is one line saying which; the command line prints it and exits with 2.
 */
public final class LoadException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public LoadException(final String message)
    {
        super(message, null, false, false);
    }
}
