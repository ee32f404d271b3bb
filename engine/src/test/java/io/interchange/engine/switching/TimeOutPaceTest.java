package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.interchange.codec.Mti;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.ring.EventType;

/**
 * Time-outs keep pace with a hung issuer (DESIGN.md §4: on time-out, 91 and an 0420). A tick carries a few
 * time-outs; when more are due it asks for another tick at the same time, where they once waited for the next
 * tick, 10 ms later, seven at a time: 700 a second, against the thousands a second of an issuer that stops
 * answering under load, whose 91s then went out seconds late, after the terminals had given up.
 */
class TimeOutPaceTest extends FedHandler
{
    private static final int ISSUER_A_LINK = 34;
    private static final int ISSUER_B_LINK = 35;

    private final ArrayDeque<Long> ticksAsked = new ArrayDeque<>();

    /**
     * 1,000 requests to issuer-a and 50 to issuer-b in one millisecond; neither answers. One tick after the 5 s
     * time-out, and the ticks it asks for at that same time, answer every one of them 91: none waits for a later tick.
     */
    @Test
    void shouldAnswerEveryRequestDueAt91OnTheTickThatFindsThemDueAndTheTicksItAsksFor()
    {
        handler.moreTicks(time ->
        {
            ticksAsked.add(time);
            return true;
        });
        ready();
        final int requestsA = 1_000;
        final int requestsB = 50;
        for (int i = 0; i < requestsA + requestsB; i++)
        {
            now += 1_000L;
            final String bin = i < requestsA ? "476173" : "622848";
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST,
                SwitchMessages.request(SwitchMessages.card(bin, i), "000000", 60_000, now, ++stan));
            assertEquals(i < requestsA ? ISSUER_A_LINK : ISSUER_B_LINK, event.outputLinkId(0), "forwarded");
        }
        assertEquals(requestsA + requestsB, handler.inFlight());

        now += 5_000_000_000L + 10_000_000L;
        int answered = tick(now);
        assertTrue(answered > 0 && answered < requestsA + requestsB, "a tick carries some time-outs, not 1,050: " + answered);
        int issuerB = 0;
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (event.outputLinkId(i) == ACQUIRER_LINK && output(i).getLong(11) > requestsA)
            {
                issuerB++;
            }
        }
        assertTrue(issuerB >= answered / 2, "issuer-b's time-outs take turns with issuer-a's, not wait behind its 1,000: " + issuerB + " of " + answered);
        int ticks = 1;
        while (!ticksAsked.isEmpty())
        {
            final long time = ticksAsked.poll();
            assertEquals(now, time, "another tick at the same time, not a later one");
            answered += tick(time);
            ticks++;
            assertTrue(ticks <= requestsA + requestsB, "the ticks end");
        }
        assertEquals(requestsA + requestsB, answered, "every request due answered 91 at the time it was due (" + ticks + " ticks)");
        assertEquals(0, handler.inFlight());
        assertEquals(requestsA + requestsB, handler.advicesPending(), "an 0420 owed for each");
    }

    /** A tick that leaves nothing due asks for no other: the extra ticks are for a backlog only. */
    @Test
    void shouldAskForNoMoreTicksWhenNothingIsLeftDue()
    {
        handler.moreTicks(time ->
        {
            ticksAsked.add(time);
            return true;
        });
        ready();
        for (int i = 0; i < 3; i++)
        {
            now += 1_000L;
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST,
                SwitchMessages.request(SwitchMessages.card("476173", i), "000000", 60_000, now, ++stan));
        }
        now += 5_000_000_000L + 10_000_000L;
        assertEquals(3, tick(now));
        assertTrue(ticksAsked.isEmpty(), "three time-outs fit one tick: no more asked for");
    }

    private void ready()
    {
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        assertEquals("00", output(0).getString(39));
        signOn(ISSUER_A_LINK, 0);
        signOn(ISSUER_B_LINK, 1);
    }

    private void signOn(final int link, final int issuer)
    {
        link(EventType.ISSUER_UP, link, issuer);
        message(EventType.ISSUER_MESSAGE, link, issuer, Mti.NETWORK_MANAGEMENT_RESPONSE,
            Map.of(7, "1126100000", 11, output(0).getString(11), 39, "00", 70, "001"));
        assertEquals(1, handler.signedOnLinks(issuer));
    }
}
