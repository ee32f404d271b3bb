package io.interchange.engine.link;

import io.netty.handler.ssl.NotSslRecordException;

/** A link's failure as the log may say it: never quoting what the peer sent. */
public final class LinkFailure
{
    private LinkFailure()
    {
    }

    /**
     * The failure's text. Netty's {@link NotSslRecordException} quotes the bytes it got in hex: clear ISO 8583 sent to a
     * TLS port, card numbers and all, so it is named, never quoted.
     */
    public static String describe(final Throwable cause)
    {
        Throwable c = cause;
        while (c != null)
        {
            if (c instanceof NotSslRecordException)
            {
                return "not a TLS record: the peer does not speak TLS";
            }
            c = c.getCause();
        }
        return cause.toString();
    }
}
