package io.interchange.tools.system;

import java.io.IOException;
import java.io.OutputStream;

import org.agrona.concurrent.UnsafeBuffer;

/** How the tests' scripted issuer hosts put an answer on the wire: ISO 8583:1987 binary behind a 2-byte length. */
final class IssuerFrames
{
    private IssuerFrames()
    {
    }

    /**
     * Sends the message at out[2, 2 + length) behind its length. Answers may go from a timer thread while the host's
     * own thread answers others, hence the lock on the stream; a link gone meanwhile drops the answer, as a real host would.
     */
    static void send(final OutputStream os, final UnsafeBuffer out, final int length)
    {
        out.putByte(0, (byte)(length >>> 8));
        out.putByte(1, (byte)length);
        try
        {
            synchronized (os)
            {
                os.write(out.byteArray(), 0, length + 2);
                os.flush();
            }
        }
        catch (final IOException ex)
        {
            // The link went while the answer waited.
        }
    }
}
