package io.interchange.bench.jpos;

import java.util.List;

import org.jpos.util.LogEvent;
import org.jpos.util.LogListener;

/**
 * Takes the hex dumps of raw frames out of the baseline's message log: a frame that does not unpack makes jPOS's
 * channel log it whole ("--- header ---", "--- data ---", each followed by its dump), a String that
 * ProtectedLogListener, which masks and wipes fields of an ISOMsg, passes through; the load harness's malformed cases
 * would put their PAN, track 2 and PIN block in the log in clear. Each such dump is replaced by its length.
 */
public final class RawFrameWithholder implements LogListener
{
    @Override
    public LogEvent log(final LogEvent event)
    {
        final List<Object> payload = event.getPayLoad();
        synchronized (payload)
        {
            for (int i = 0; i + 1 < payload.size(); i++)
            {
                final Object marker = payload.get(i);
                if ("--- data ---".equals(marker) || "--- header ---".equals(marker))
                {
                    final Object dump = payload.get(i + 1);
                    payload.set(i + 1, "[raw frame withheld: " + (dump instanceof String s ? s.length() : 0) + " characters of hex dump]");
                    i++;
                }
            }
        }
        return event;
    }
}
