package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.Pan;
import io.interchange.engine.ring.EventType;

/**
 * The switch's STAN (field 11 towards issuers, 1 to 999,999) comes round again after a million requests, at 100k TPS
 * in ten seconds: a request still waiting for its issuer must then keep its STAN to itself, or the issuer's answer
 * to it is matched to the newer request on the same link (DESIGN.md §4: answers are matched on link and STAN), and
 * the first one's time-out takes the newer one out of the table. The RRN (field 37) counts the rounds ({@link Rrn},
 * {@link RrnTest}).
 */
class StanWrapTest extends FedHandler
{
    private static final int CARDS = 120_000;

    private final MessageWriter writer = new MessageWriter(setup.dialects().get(iso87b));
    private final StringBuilder pan = new StringBuilder(16);
    private final StringBuilder terminalStan = new StringBuilder(6);
    private final UnsafeBuffer sentCopy = new UnsafeBuffer(new byte[4_096]);
    private final MessageReader out = new MessageReader(setup.dialects().get(iso87b));
    private final MessageReader sent = new MessageReader(setup.dialects().get(iso87b));

    @Test
    void shouldNotGiveAStanStillInFlightToAnotherRequestWhenTheSequenceComesRound()
    {
        signedOn();

        final MessageReader first = forward(0);
        final long waiting = first.getLong(11);
        assertEquals(String.format("633000%06d", waiting), first.getString(37), "YDDD (2026-11-26 is day 330), no round yet, the STAN");
        final LongHashSet rrns = new LongHashSet();
        rrns.add(Long.parseLong(first.getString(37)));
        final long before = waiting == 1 ? 999_999 : waiting - 1;
        long sent = waiting;
        int i = 1;
        while (sent != before)
        {
            final MessageReader forward = forward(i++);
            sent = forward.getLong(11);
            assertTrue(rrns.add(Long.parseLong(forward.getString(37))), () -> "RRN " + forward.getString(37) + " given twice");
            answer();
        }
        assertEquals(1, handler.inFlight(), "the first request still waits for its issuer");
        final MessageReader next = forward(i);
        assertNotEquals(waiting, next.getLong(11), "a STAN in flight is not given out again");
        assertEquals(String.format("633001%06d", next.getLong(11)), next.getString(37), "the second round of the day's STANs");
        assertTrue(rrns.add(Long.parseLong(next.getString(37))));
        assertEquals(2, handler.inFlight());
    }

    /**
     * A request that timed out frees its STAN, and a million STANs on the sequence gives it to a new request on the same
     * link: the issuer's late answer to the first, declined, carries that STAN, but the first request's RRN. It is not
     * the new request's answer (it was relayed to its terminal, 05 for a purchase its issuer then approved, and the
     * approval, matching nothing, left the cardholder charged and no reversal owed): the new request is answered by its
     * own approval.
     */
    @Test
    void shouldNotTakeALateAnswerForTheNewerRequestThatTheSequenceGaveItsStan()
    {
        signedOn();

        final long timedOut = forward(0).getLong(11);
        final UnsafeBuffer late = new UnsafeBuffer(new byte[4_096]);
        final int lateLength = event.outputLength(0);
        late.putBytes(0, event.outputBuffer(0), event.outputOffset(0), lateLength);
        now += 6_000_000_000L; // past issuer-a's 5 s time-out: 91 to the terminal, the STAN free again
        tick(now);
        assertEquals(0, handler.inFlight(), "the first request timed out");
        int i = 1;
        while (forward(i).getLong(11) != timedOut)
        {
            answer();
            i++;
        }
        final UnsafeBuffer newer = new UnsafeBuffer(new byte[4_096]);
        final int newerLength = event.outputLength(0);
        newer.putBytes(0, event.outputBuffer(0), event.outputOffset(0), newerLength);

        sent.wrap(late, 0, lateLength);
        answerSent("05");
        assertEquals(0, event.outputCount(), "the first request's late decline goes to no terminal");
        assertEquals(1, handler.inFlight(), "the newer request still waits for its own answer");
        sent.wrap(newer, 0, newerLength);
        answerSent("00");
        assertEquals(ACQUIRER_LINK, event.outputLinkId(0), "the newer request's approval relayed");
        assertEquals("00", output(0).getString(39));
        assertEquals(0, handler.inFlight());
    }

    /** The terminal's link and the issuer's, both signed on. */
    private void signedOn()
    {
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        link(EventType.ISSUER_UP, ISSUER_LINK, 0);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.NETWORK_MANAGEMENT_RESPONSE,
            Map.of(7, "1126100000", 11, output(0).getString(11), 39, "00", 70, "001"));
    }

    /**
     * Forwards the {@code i}th purchase, its own STAN and field 7, on one of {@link #CARDS} cards (so that each comes
     * fewer times than the frequency limit, 10 a minute, and the per-card table keeps its size), 4 µs after the one
     * before (a million inside the issuer's 5 s time-out), and returns what went to the issuer.
     */
    private MessageReader forward(final int i)
    {
        now += 4_000L;
        pan.setLength(0);
        pan.append("476173").append(100_000_000L + i % CARDS).setCharAt(6, '0');
        for (char check = '0'; check <= '9'; check++)
        {
            pan.append(check);
            if (Pan.luhnValid(pan))
            {
                break;
            }
            pan.setLength(15);
        }
        terminalStan.setLength(0);
        terminalStan.append(1_000_000 + i % 999_999 + 1).deleteCharAt(0);
        event.reset(EventType.ACQUIRER_MESSAGE, now, ACQUIRER_LINK, 0, iso87b);
        writer.wrap(event.frame(), 0).mti(Mti.FINANCIAL_REQUEST).putString(2, pan).putString(3, "000000").putString(4, "000000001000")
            .putString(7, i < 500_000 ? "1126100000" : "1126100002").putString(11, terminalStan).putString(14, "3012").putString(41, "TERM0001")
            .putString(42, "MERCHANT0000001").putString(49, "840");
        deliver(writer.finish());
        assertEquals(ISSUER_LINK, event.outputLinkId(0), () -> "forwarded, not answered " + output(0).getString(39));
        out.wrap(event.outputBuffer(0), event.outputOffset(0), event.outputLength(0));
        return out;
    }

    /** The issuer approves what it was just sent (the output {@link #forward} returned, read before the event is used again). */
    private void answer()
    {
        sentCopy.putBytes(0, event.outputBuffer(0), event.outputOffset(0), event.outputLength(0));
        sent.wrap(sentCopy, 0, event.outputLength(0));
        answerSent("00");
        assertEquals(ACQUIRER_LINK, event.outputLinkId(0), "relayed");
    }

    /** The issuer's answer to {@link #sent}, with {@code code} (an approval code with 00). */
    private void answerSent(final String code)
    {
        now += 1_000L;
        event.reset(EventType.ISSUER_MESSAGE, now, ISSUER_LINK, 0, iso87b);
        writer.wrap(event.frame(), 0).mti(Mti.FINANCIAL_RESPONSE);
        for (final int f : new int[] {2, 3, 4, 7, 11, 37})
        {
            writer.copy(sent, f);
        }
        if ("00".equals(code))
        {
            writer.putString(38, "AB1234");
        }
        writer.putString(39, code).copy(sent, 41).copy(sent, 42).copy(sent, 49);
        deliver(writer.finish());
    }

    private void deliver(final int length)
    {
        event.frameLengths(0, length);
        event.decode();
        handler.onEvent(event, sequence++, true);
    }
}
