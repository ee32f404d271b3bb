package io.interchange.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.Pan;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalWriter;

/** Messages for tests that feed the switch handler event by event: a terminal's request, an issuer's answer, a card. */
public final class SwitchMessages
{
    private static final DateTimeFormatter FIELD_7 = DateTimeFormatter.ofPattern("MMddHHmmss").withZone(ZoneOffset.UTC);

    private SwitchMessages()
    {
    }

    /** TERM0001 at MERCHANT0000001, US dollars: {@code pan}, {@code processing} code, {@code amount}, field 7 from {@code nowNanos}. */
    public static Map<Integer, String> request(final String pan, final String processing, final long amount, final long nowNanos, final int stan)
    {
        final Map<Integer, String> m = new HashMap<>();
        m.put(2, pan);
        m.put(3, processing);
        m.put(4, String.format("%012d", amount));
        m.put(7, FIELD_7.format(Instant.ofEpochSecond(nowNanos / 1_000_000_000L)));
        m.put(11, String.format("%06d", stan));
        m.put(14, "3012");
        m.put(41, "TERM0001");
        m.put(42, "MERCHANT0000001");
        m.put(49, "840");
        return m;
    }

    /** The issuer's answer to what the switch {@code sent} it: its key fields, auth code AB1234 and {@code code}. */
    public static Map<Integer, String> issuerAnswer(final MessageReader sent, final String code)
    {
        final Map<Integer, String> answer = new HashMap<>();
        for (final int f : new int[] {2, 3, 4, 7, 11, 37, 41, 42, 49})
        {
            if (sent.has(f))
            {
                answer.put(f, sent.getString(f));
            }
        }
        answer.put(38, "AB1234");
        answer.put(39, code);
        return answer;
    }

    /**
     * Makes {@code event} a message of {@code dialect} arriving at {@code nowNanos} on the link: reset, the fields
     * written in field order, decoded (it must decode); the caller hands it to the handler.
     */
    public static void fill(
        final SwitchSetup setup, final SwitchEvent event, final int type, final long nowNanos, final int link, final int endpoint,
        final int dialect, final int mti, final Map<Integer, String> fields)
    {
        event.reset(type, nowNanos, link, endpoint, dialect);
        final MessageWriter writer = new MessageWriter(setup.dialects().get(dialect)).wrap(event.frame(), 0).mti(mti);
        new TreeMap<>(fields).forEach(writer::putString);
        event.frameLengths(0, writer.finish());
        event.decode();
        assertEquals(DecodeError.NONE, event.decodeError());
    }

    /**
     * As the ring does with {@code event}, numbered {@code sequence}: the switch handler, then the journal, which leaves
     * out quiet events.
     */
    public static void handle(final SwitchHandler handler, final JournalWriter writer, final SwitchEvent event, final long sequence)
    {
        event.sequence(sequence);
        handler.onEvent(event, sequence, true);
        if (writer != null && !event.isQuiet())
        {
            writer.append(event);
        }
    }

    /** The event's output {@code i}, read in its dialect. */
    public static MessageReader output(final SwitchSetup setup, final SwitchEvent event, final int i)
    {
        final MessageReader reader = new MessageReader(setup.dialects().get(event.outputDialectId(i)));
        assertEquals(DecodeError.NONE, reader.wrap(event.outputBuffer(i), event.outputOffset(i), event.outputLength(i)));
        return reader;
    }

    /** The advices (0420, 0220, 0120 and their repeats) the event sent, copied (the event's buffers are used again). */
    public static List<MessageReader> advices(final SwitchSetup setup, final SwitchEvent event)
    {
        final List<MessageReader> found = new ArrayList<>();
        for (int i = 0; i < event.outputCount(); i++)
        {
            final MessageReader out = output(setup, event, i);
            final int kind = out.mti() - out.mti() % 10;
            if (kind == Mti.REVERSAL_ADVICE || kind == Mti.FINANCIAL_ADVICE || kind == Mti.AUTHORIZATION_ADVICE)
            {
                final UnsafeBuffer copy = new UnsafeBuffer(new byte[event.outputLength(i)]);
                copy.putBytes(0, event.outputBuffer(i), event.outputOffset(i), event.outputLength(i));
                final MessageReader reader = new MessageReader(setup.dialects().get(event.outputDialectId(i)));
                assertEquals(DecodeError.NONE, reader.wrap(copy, 0, copy.capacity()));
                found.add(reader);
            }
        }
        return found;
    }

    /** A Luhn-valid 16-digit card of {@code bin}, one per {@code i}, so that no card comes often enough to be declined (65). */
    public static String card(final String bin, final int i)
    {
        final String body = bin + String.format("%0" + (15 - bin.length()) + "d", i);
        for (int d = 0; d <= 9; d++)
        {
            if (Pan.luhnValid(body + d))
            {
                return body + d;
            }
        }
        throw new IllegalStateException("no check digit for " + body);
    }
}
