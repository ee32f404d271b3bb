package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.ring.EventType;

/**
 * Store and forward at its limits (DESIGN.md §4: every time-out gets an 0420 until 0430): the default advice queue
 * holds an 0420 for every request in flight; a stand-in is not made, nor a reversal acknowledged, when the advice
 * that must follow it has no room; and the duplicate history keeps a stand-in whose own advice is still owed.
 */
class StoreAndForwardLimitsTest extends FedHandler
{


    /**
     * Issuer-a's host hangs: its link stays up and signed on (echo tests are only missed after 3 x 30 s), so for two
     * minutes every request is forwarded and times out. At 75 TPS that is 9,000 time-outs, with the default config
     * (in-flight 16384, advice-queue 32768; it was 8192, and 808 of the 0420s were lost). Each leaves an 0420 owed.
     */
    @Test
    void everyTimeOutOfAHungIssuerShouldLeaveAReversalAdviceOwedWithTheDefaultConfig()
    {
        ready();
        final int requests = 9_000;
        int answered91 = 0;
        for (int i = 0; i < requests; i++)
        {
            now += 13_000_000L; // 75 TPS
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST,
                SwitchMessages.request(SwitchMessages.card("476173", i), "000000", 1_000 + i, now, ++stan % 1_000_000));
            assertEquals(ISSUER_LINK, event.outputLinkId(0), "forwarded to the hung issuer");
            answered91 += tick(now);
        }
        now += 10_000_000_000L;
        for (int i = 0; i < 5_000 && handler.inFlight() > 0; i++)
        {
            now += 10_000_000L;
            answered91 += tick(now);
        }
        assertEquals(0, handler.inFlight());
        assertEquals(requests, answered91, "every request timed out: 91 to the terminal");
        assertEquals(0, handler.advicesLost(), "0420s of timed-out requests lost: the issuer may have approved them and will never hear of the reversal");
        assertEquals(requests, handler.advicesPending(), "an 0420 owed for each time-out");
    }

    /** A stand-in whose 0220 cannot be queued is not made (91): the issuer would never hear of it. */
    @Test
    void shouldNotApproveAStandInWhoseAdviceCannotBeQueued()
    {
        handler = new SwitchHandler(small(2));
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        int standIns = 0;
        for (int i = 0; i < 3; i++)
        {
            now += 1_000_000L;
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST,
                SwitchMessages.request(SwitchMessages.card("476173", 100 + i), "000000", 4_000 + i, now, ++stan));
            final MessageReader answer = output(0);
            if ("00".equals(answer.getString(39)) && answer.getString(38).startsWith("S"))
            {
                standIns++;
            }
        }
        assertEquals(handler.advicesPending(), standIns,
            "stand-in approvals (the merchant is paid) vs 0220s owed to the issuer (advices lost: " + handler.advicesLost() + ")");
    }

    /** A reversal whose 0420 cannot be queued is not acknowledged (96, nothing reversed), so the acquirer repeats it. */
    @Test
    void shouldNotAcknowledgeAReversalWhoseAdviceCannotBeQueued()
    {
        handler = new SwitchHandler(small(2));
        ready();
        final Map<Integer, String>[] purchases = new Map[3];
        for (int i = 0; i < 3; i++)
        {
            now += 1_000_000L;
            purchases[i] = SwitchMessages.request(SwitchMessages.card("476173", 200 + i), "000000", 2_000 + i, now, ++stan);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchases[i]);
            final MessageReader forwarded = output(0);
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(forwarded, "00"));
            assertEquals("00", output(0).getString(39));
        }
        link(EventType.ISSUER_DOWN, ISSUER_LINK, 0);
        int acknowledged = 0;
        for (int i = 0; i < 3; i++)
        {
            now += 1_000_000L;
            final Map<Integer, String> reversal = SwitchMessages.request(purchases[i].get(2), "000000", 2_000 + i, now, ++stan);
            reversal.put(90, "0200" + purchases[i].get(11) + purchases[i].get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            if ("00".equals(output(0).getString(39)))
            {
                acknowledged++;
            }
        }
        assertEquals(handler.advicesPending(), acknowledged,
            "reversals answered 00 vs 0420s owed to the issuer (advices lost: " + handler.advicesLost() + ")");
    }

    /**
     * Issuer-a is down: a sale is stood in for (its 0220 owed until issuer-a is back), more sales follow, and the
     * terminal voids the stood-in sale. The history (8 entries here) keeps the stand-in while its own advice is owed,
     * so the void finds it (00, and an 0420 owed after the 0220), where it was forgotten and the void got 25.
     */
    @Test
    void shouldStillReverseAStandInWhoseAdviceIsStillOwed()
    {
        final SwitchSetup s = setup;
        handler = new SwitchHandler(new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), s.issuers(), s.bins(), s.acceptors(),
            s.limits(), s.zone(), s.cutoff(), s.inFlightCapacity(), s.inFlightMaxFrame(), 8, s.forgottenKeys(), s.adviceCapacity()));
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        final Map<Integer, String> sale = SwitchMessages.request(SwitchMessages.card("476173", 300), "000000", 4_000, now, ++stan);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, sale);
        assertEquals("00", output(0).getString(39), "stood in");
        for (int i = 0; i < 8; i++)
        {
            now += 1_000_000L;
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST,
                SwitchMessages.request(SwitchMessages.card("476173", 400 + i), "000000", 100_000, now, ++stan));
        }
        now += 1_000_000L;
        final Map<Integer, String> reversal = SwitchMessages.request(sale.get(2), "000000", 4_000, now, ++stan);
        reversal.put(90, "0200" + sale.get(11) + sale.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00 and a 0420 owed after the 0220 (advices owed: 2)",
            output(0).getString(39) + " and a 0420 owed after the 0220 (advices owed: " + handler.advicesPending() + ")");
    }

    private SwitchSetup small(final int adviceCapacity)
    {
        final SwitchSetup s = setup;
        return new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), s.issuers(), s.bins(), s.acceptors(),
            s.limits(), s.zone(), s.cutoff(), s.inFlightCapacity(), s.inFlightMaxFrame(), s.historyCapacity(), s.forgottenKeys(), adviceCapacity);
    }

    private void ready()
    {
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        assertEquals("00", output(0).getString(39));
        link(EventType.ISSUER_UP, ISSUER_LINK, 0);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.NETWORK_MANAGEMENT_RESPONSE,
            Map.of(7, "1126100000", 11, output(0).getString(11), 39, "00", 70, "001"));
        assertEquals(1, handler.signedOnLinks(0));
    }
}
