package io.interchange.engine.replay;

import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.DecodeError;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.Decision;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.journal.JournalWriter;
import io.interchange.journal.WithheldMessage;

/**
 * Replays a journal's inputs through a new switch handler and journals what it decides, so that the two journals
 * can be compared record by record (DESIGN.md §2: time enters only as data, so the outputs must be the same
 * bytes). Inputs the journal withheld (messages that did not parse, kept only as a summary) cannot be fed again;
 * they changed no state and are skipped, and counted.
 *
 * <p>Each input is fed as the journal gives it back ({@link JournalRecord#restoreMessage}): the message with its
 * field 2, without what the journal never holds (track data, PIN block, sensitive chip tags). The handler is given
 * each event's record too ({@link SwitchEvent#recorded}), for what it cannot compute again:
 * <ul>
 * <li>the working keys a sign-on handed out were made at random, so they are loaded from the journaled answer, which
 *     carries them under the terminal's master key, and never made again; a sign-on whose keys cannot be loaded is
 *     counted in the report;</li>
 * <li>a terminal's MAC covers track data and PIN blocks, so its verdict is the journaled one
 *     ({@link Decision#MAC_REFUSED}); so is the HSM's on a PIN block's translation ({@link Decision#PIN_REFUSED});</li>
 * <li>a swipe carries its card number only in track 2: the handler takes the PAN the journal sealed from it
 *     ({@link JournalRecord#isPanFromTrack}). It is not put into the message as a field 2, which the switch would
 *     echo in its answer: the replayed answer would then not be the one the terminal got;</li>
 * <li>how long a request waited before the switch took it up was measured on the switch's clock, so the event gets
 *     the journal's wait ({@link JournalRecord#waitMicros}), and its record the same again; whether that was past
 *     limits.request-deadline is the journal's verdict, under the deadline of then;</li>
 * <li>what the switch decided from its settings (a limit, a merchant's or terminal's status, a blocked MCC, the risk
 *     rules, the BIN table's issuer, stand-in) is the journal's verdict, as the settings may have changed over a
 *     restart: a request forwarded then is in flight again, with its time-out's 0420 to come, and one refused then is
 *     refused again;</li>
 * <li>a stand-in's authorization code is the one its journaled answer carried, whatever a build that journaled it
 *     numbered stand-ins by, and the handler's sequence carries on after it.</li>
 * </ul>
 * What the switch forwards and answers is journaled stripped the same way, so the outputs compare byte for byte all
 * the same; and duplicates compare what the journal keeps of a request, so recovery knows every request again.
 */
public final class Replayer
{
    private static final int FRAME_CAPACITY = 1 << 16;

    private Replayer()
    {
    }

    /**
     * What a replay went through.
     *
     * @param keysNotRestored sign-ons and key changes whose keys could not be loaded from the journal (their terminals
     *                        must sign on again, their acquirer hosts change keys again; a replay's outputs then differ
     *                        from the journal's): 0 when all came back.
     */
    public record Report(long records, long replayed, long withheld, long corrupt, long keysNotRestored)
    {
    }

    /**
     * Feeds {@code source} to a new {@code handler} and journals its decisions in {@code target}. The handler holds
     * the keys the switch held (its terminal master keys and issuer keys: {@code SwitchNode.handler}) for MACs and
     * sign-on keys to come out the same.
     */
    public static Report replay(final SwitchHandler handler, final SwitchSetup setup, final JournalConfig source, final JournalConfig target)
    {
        try (JournalWriter writer = new JournalWriter(target))
        {
            return feed(handler, setup, source, writer);
        }
    }

    /**
     * Brings a new handler to the state the journal leaves it in: every record replayed, outputs dropped (they
     * were sent before). Used at start-up, so that requests in flight, advices owed and duplicates survive a stop.
     * Throws {@link io.interchange.journal.JournalDamagedException} at a record whose checksum does not hold: a switch
     * started without it would not know what it decided there (an approval sent, a reversal acknowledged) and would
     * time out a sale its terminal holds approved, or charge a retransmission again.
     */
    public static Report recover(final SwitchHandler handler, final SwitchSetup setup, final JournalConfig journal)
    {
        return feed(handler, setup, journal, null);
    }

    private static Report feed(final SwitchHandler handler, final SwitchSetup setup, final JournalConfig source, final JournalWriter writer)
    {
        final SwitchEvent event = new SwitchEvent(FRAME_CAPACITY, 4 * FRAME_CAPACITY, setup.dialects());
        long records = 0;
        long replayed = 0;
        long withheld = 0;
        final long keysNotRestored = handler.keysNotRestored();
        try (JournalReader reader = new JournalReader(source))
        {
            while (reader.next())
            {
                records++;
                final JournalRecord record = reader.record();
                if (!record.checksumValid())
                {
                    if (writer == null)
                    {
                        throw reader.corrupt();
                    }
                    continue;
                }
                if (record.hasInput() && record.isWithheld(JournalRecord.INPUT))
                {
                    withheld++;
                    continue;
                }
                load(setup, record, event);
                event.decode();
                handler.onEvent(event, record.sequence(), true);
                if (writer != null)
                {
                    writer.append(event);
                }
                replayed++;
                if (handler.endpointOrderMismatch() != null)
                {
                    // A run of the journal had issuers or listeners this config does not: every record after would be read as
                    // another's, or name one that is not here. The caller refuses the config, saying which.
                    break;
                }
            }
            return new Report(records, replayed, withheld, reader.corruptRecords(), handler.keysNotRestored() - keysNotRestored);
        }
    }

    /** The event as the links published it (type, time, link, endpoint and the restored input message), and its record. */
    private static void load(final SwitchSetup setup, final JournalRecord record, final SwitchEvent event)
    {
        final DirectBuffer bytes = record.buffer();
        final int endpoint = record.decisionLength() >= Decision.LENGTH ? Decision.endpoint(bytes, record.decisionOffset()) : -1;
        final boolean input = record.hasInput();
        event.reset(record.eventType(), record.timestampNanos(), record.linkId(), endpoint, input ? record.dialectId(JournalRecord.INPUT) : -1);
        event.sequence(record.sequence());
        // How long the request waited before the switch took it up, as it judged it then (0 when under 1 ms).
        event.waitMicros(record.waitMicros());
        event.recorded(record);
        if (input)
        {
            // The fixed header (UnionPay TPDU) is not journaled: zeros of the listener's header length stand in,
            // and only the messages after it are compared.
            final int headerLength = record.eventType() == EventType.ACQUIRER_MESSAGE && endpoint >= 0 && endpoint < setup.acquirers().size() ?
                setup.acquirers().get(endpoint).headerLength() : 0;
            event.frame().setMemory(0, headerLength, (byte)0);
            final int length = record.restoreMessage(JournalRecord.INPUT, event.frame(), headerLength);
            event.frameLengths(headerLength, length);
        }
    }

    /**
     * Where two journals differ, record by record, skipping in {@code original} the records whose input was
     * withheld (replay skips them too): at most {@code limit} differences, none when the replay reproduced it.
     */
    public static List<String> differences(final JournalConfig original, final JournalConfig replay, final int limit)
    {
        final List<String> differences = new ArrayList<>();
        try (JournalReader a = new JournalReader(original); JournalReader b = new JournalReader(replay))
        {
            while (differences.size() < limit)
            {
                boolean more = a.next();
                while (more && a.record().checksumValid() && a.record().hasInput() && a.record().isWithheld(JournalRecord.INPUT))
                {
                    more = a.next();
                }
                final boolean moreReplayed = b.next();
                if (!more || !moreReplayed)
                {
                    if (more != moreReplayed)
                    {
                        differences.add(more ? "the replay ends early, at " + a.record() : "the replay has more records: " + b.record());
                    }
                    break;
                }
                final String difference = difference(a.record(), b.record());
                if (difference != null)
                {
                    differences.add(difference);
                }
            }
        }
        return differences;
    }

    private static String difference(final JournalRecord a, final JournalRecord b)
    {
        if (!a.checksumValid())
        {
            return "corrupt record in the original: " + a.index();
        }
        if (a.sequence() != b.sequence() || a.eventType() != b.eventType() || a.timestampNanos() != b.timestampNanos() || a.linkId() != b.linkId() ||
            a.waitMicros() != b.waitMicros())
        {
            return "event differs: " + a + " / " + b;
        }
        if (!sameBytes(a.buffer(), a.decisionOffset(), a.decisionLength(), b.buffer(), b.decisionOffset(), b.decisionLength()))
        {
            return "decision differs at sequence " + a.sequence() + ": " + a + " / " + b;
        }
        if (a.outputCount() != b.outputCount())
        {
            return "output count differs at sequence " + a.sequence() + ": " + a + " / " + b;
        }
        for (int i = 0; i < a.outputCount(); i++)
        {
            final int part = JournalRecord.output(i);
            if (a.isWithheld(part) || b.isWithheld(part))
            {
                // Only a summary is kept (the link closed with nothing sent, an issuer's link closed for its unanswered tests
                // or a terminal's once its last answer went elsewhere): the summaries must be alike.
                if (a.linkId(part) != b.linkId(part) || a.dialectId(part) != b.dialectId(part) || !sameSummary(a, b, part))
                {
                    return "output " + i + " differs at sequence " + a.sequence() + ": " + a + " / " + b;
                }
                continue;
            }
            if (a.linkId(part) != b.linkId(part) || a.dialectId(part) != b.dialectId(part) || a.hasPan(part) != b.hasPan(part) ||
                a.isPanFromTrack(part) != b.isPanFromTrack(part) || a.hasPan(part) && !samePan(a, b, part) ||
                !sameBytes(a.buffer(), a.messageOffset(part), a.messageLength(part), b.buffer(), b.messageOffset(part), b.messageLength(part)))
            {
                return "output " + i + " differs at sequence " + a.sequence() + where(a, b, part) + ": " + a + " / " + b;
            }
        }
        return null;
    }

    /** True when both parts were withheld, with the same summary. */
    private static boolean sameSummary(final JournalRecord a, final JournalRecord b, final int part)
    {
        if (!a.isWithheld(part) || !b.isWithheld(part))
        {
            return false;
        }
        final WithheldMessage x = a.withheld(part);
        final int length = x.messageLength();
        final int mti = x.mti();
        final DecodeError error = x.decodeError();
        final int field = x.errorField();
        final int offset = x.errorOffset();
        final WithheldMessage y = b.withheld(part); // the flyweight is shared: x's figures are read first
        return length == y.messageLength() && mti == y.mti() && error == y.decodeError() && field == y.errorField() && offset == y.errorOffset();
    }

    /** True when the part's card numbers are the same digits: as long, with the same look-up hash (both journals have the hash key). */
    private static boolean samePan(final JournalRecord a, final JournalRecord b, final int part)
    {
        final UnsafeBuffer hash = new UnsafeBuffer(new byte[16]);
        a.panHash(part, hash, 0);
        return a.panLength(part) == b.panLength(part) && b.panHashEquals(part, hash, 0);
    }

    /** Where two outputs' messages first differ, for the report: " (byte N of the message)", or "" when not in the bytes. */
    private static String where(final JournalRecord a, final JournalRecord b, final int part)
    {
        final int length = Math.min(a.messageLength(part), b.messageLength(part));
        for (int i = 0; i < length; i++)
        {
            if (a.buffer().getByte(a.messageOffset(part) + i) != b.buffer().getByte(b.messageOffset(part) + i))
            {
                return " (byte " + i + " of the message: " + (a.buffer().getByte(a.messageOffset(part) + i) & 0xFF) + " / " +
                    (b.buffer().getByte(b.messageOffset(part) + i) & 0xFF) + ")";
            }
        }
        return a.messageLength(part) != b.messageLength(part) ? " (lengths " + a.messageLength(part) + " / " + b.messageLength(part) + ")" : "";
    }

    private static boolean sameBytes(
        final DirectBuffer a, final int aOffset, final int aLength, final DirectBuffer b, final int bOffset, final int bLength)
    {
        if (aLength != bLength)
        {
            return false;
        }
        for (int i = 0; i < aLength; i++)
        {
            if (a.getByte(aOffset + i) != b.getByte(bOffset + i))
            {
                return false;
            }
        }
        return true;
    }
}
