package io.interchange.bench.ring;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.ring.Egress;
import org.agrona.DirectBuffer;

/**
 * The far end of the ring for the benchmark: counts the frames and bytes sent to each link and sends nothing, so
 * that what is measured is the ring and its handlers, not Netty or a socket.
 *
 * <p>Its counters are plain fields written on the egress thread. The benchmark thread reads them only once the
 * ring has drained: it has then seen the egress handler's sequence move past the last event (a volatile read of
 * a sequence the handler sets with release semantics after its batch), so every count written before is visible.
 *
 * <p>While a {@link Recorder} is set, outside measurement only, each frame is also decoded and summarised, so
 * that the benchmark can check what the switch really sent.
 */
final class NullEgress implements Egress
{
    static final int MAX_LINKS = 16;

    private final long[] frames = new long[MAX_LINKS];
    private final long[] bytes = new long[MAX_LINKS];
    private long batches;
    private long closes;
    private volatile Recorder recorder;

    @Override
    public void send(final int linkId, final DirectBuffer buffer, final int offset, final int length, final boolean closeAfter)
    {
        frames[linkId]++;
        bytes[linkId] += length;
        final Recorder r = recorder;
        if (r != null)
        {
            r.record(linkId, buffer, offset, length);
        }
    }

    @Override
    public void close(final int linkId)
    {
        closes++;
    }

    @Override
    public void endOfBatch()
    {
        batches++;
    }

    long frames(final int linkId)
    {
        return frames[linkId];
    }

    long bytes(final int linkId)
    {
        return bytes[linkId];
    }

    long batches()
    {
        return batches;
    }

    long closes()
    {
        return closes;
    }

    /** Starts summarising frames into {@code recorder}, or stops with null. Set only while the ring is drained. */
    void recorder(final Recorder recorder)
    {
        this.recorder = recorder;
    }

    /** MTI, field 11 and field 39 of each frame sent, in order, for checks outside measurement. */
    static final class Recorder
    {
        private final MessageReader reader = new MessageReader(Iso87.BINARY);
        private final int[] links;
        private final int[] mtis;
        private final int[] stans;
        /** Field 39's two characters in one int, 0 when absent: no String, so that recording allocates nothing. */
        private final int[] responseCodes;
        private int count;

        Recorder(final int capacity)
        {
            links = new int[capacity];
            mtis = new int[capacity];
            stans = new int[capacity];
            responseCodes = new int[capacity];
        }

        void reset()
        {
            count = 0;
        }

        void record(final int linkId, final DirectBuffer buffer, final int offset, final int length)
        {
            if (count == links.length)
            {
                throw new IllegalStateException("recorder full at " + count + " frames");
            }
            links[count] = linkId;
            if (reader.wrap(buffer, offset, length) != DecodeError.NONE)
            {
                mtis[count] = -1;
            }
            else
            {
                mtis[count] = reader.mti();
                stans[count] = reader.has(11) ? (int)reader.getLong(11) : -1;
                responseCodes[count] = reader.has(39) ? responseCode(reader.charAt(39, 0), reader.charAt(39, 1)) : 0;
            }
            count++;
        }

        int count()
        {
            return count;
        }

        int link(final int i)
        {
            return links[i];
        }

        int mti(final int i)
        {
            return mtis[i];
        }

        int stan(final int i)
        {
            return stans[i];
        }

        int responseCode(final int i)
        {
            return responseCodes[i];
        }

        static int responseCode(final int first, final int second)
        {
            return first << 8 | second;
        }

        String describe(final int i)
        {
            return "frame " + i + " to link " + links[i] + ": MTI " + String.format("%04d", mtis[i]) + ", STAN " + stans[i] +
                ", 39=" + (responseCodes[i] == 0 ? "none" : "" + (char)(responseCodes[i] >> 8) + (char)(responseCodes[i] & 0xFF));
        }
    }
}
