package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.Field60;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.ring.EventType;

/** The switch handler on its own, fed events as the ring would: what it decides and sends, and the state it keeps. */
class SwitchHandlerTest extends FedHandler
{
    private static final String PAN = "4761739001010119";
    private static final int POS_LINK = 9;


    private Map<Integer, String> request(final String processing, final long amount)
    {
        return SwitchMessages.request(PAN, processing, amount, now, ++stan);
    }

    /** The acquirer signed on, one issuer-a link up and signed on. */
    private void ready()
    {
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        assertEquals("00", output(0).getString(39));
        link(EventType.ISSUER_UP, ISSUER_LINK, 0);
        assertEquals(ISSUER_LINK, event.outputLinkId(0));
        assertEquals(Mti.NETWORK_MANAGEMENT_REQUEST, output(0).mti());
        assertEquals("001", output(0).getString(70));
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.NETWORK_MANAGEMENT_RESPONSE,
            Map.of(7, "1126100000", 11, output(0).getString(11), 39, "00", 70, "001"));
        assertEquals(1, handler.signedOnLinks(0));
    }

    private static Map<Integer, String> issuerAnswer(final MessageReader forwarded, final String code)
    {
        return SwitchMessages.issuerAnswer(forwarded, code);
    }

    /** Sends a request, answers it at the issuer with {@code code}, returns what the acquirer got. */
    private MessageReader approveAtIssuer(final Map<Integer, String> request, final String code)
    {
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request);
        assertEquals(1, event.outputCount());
        assertEquals(ISSUER_LINK, event.outputLinkId(0));
        final MessageReader forwarded = output(0);
        assertEquals("10000001", forwarded.getString(32), "the acquirer's institution id");
        assertEquals("5411", forwarded.getString(18), "the merchant's MCC");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, issuerAnswer(forwarded, code));
        assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
        return output(0);
    }

    /**
     * Issuer-a's share of the advice queue holds two: each request forwarded keeps room in it for the 0420 its time-out
     * owes, so the third and fourth are answered 91 at once, not forwarded (counted), and every time-out has its 0420.
     * The queue was one pool looked at only when the 0420 came: all four were forwarded, and two 0420s were lost, the
     * issuer left with approvals the terminals were told were declined.
     */
    @Test
    void shouldNotForwardARequestWhoseIssuersShareOfTheAdviceQueueHasNoRoomForItsReversal()
    {
        use(withAdviceShare(2));
        ready();
        final List<String> answered = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 100 + i));
            answered.add(event.outputLinkId(0) == ISSUER_LINK ? "forwarded" : output(0).getString(39));
        }
        assertEquals(List.of("forwarded", "forwarded", "91", "91"), answered);
        assertEquals(2, handler.adviceShareRefusals());
        // Past issuer-a's 5 s time-out: the two forwarded are answered 91, and each has its 0420.
        now += 6_000_000_000L;
        link(EventType.TICK, -1, -1);
        int declined = 0;
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (event.outputLinkId(i) == ACQUIRER_LINK && "91".equals(output(i).getString(39)))
            {
                declined++;
            }
        }
        assertEquals(2, declined, "every timed-out request is answered 91");
        assertEquals(2, handler.advicesPending());
        assertEquals(0, handler.advicesLost());
    }

    /**
     * Issuer-a has a share of its own (advice-share = 5) of an advice queue of 6 that it shares with issuer-b: five of its
     * requests are forwarded, each keeping room for the 0420 it may owe, and the sixth is answered 91 unforwarded. Split
     * evenly, as every queue was, issuer-a had 3: with more issuers than two, an even split capped a busy issuer's requests
     * in flight below its max-in-flight, however little the others needed.
     */
    @Test
    void shouldGiveAnIssuerWithAnAdviceShareOfItsOwnThatShareOfTheQueue()
    {
        final SwitchSetup s = setup;
        final List<SwitchSetup.Issuer> issuers = new ArrayList<>(s.issuers());
        final SwitchSetup.Issuer a = issuers.get(0);
        issuers.set(0, new SwitchSetup.Issuer(a.id(), a.institutionId(), a.timeout(), a.standIn(), a.floorLimit(), a.standInOnTimeOut(),
            a.echoInterval(), a.missedEchoes(), a.adviceWindow(), 5, a.mac(), a.maxInFlight(), a.matchRrn()));
        use(new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), issuers, s.bins(), s.acceptors(), s.limits(), s.zone(), s.cutoff(),
            s.inFlightCapacity(), s.inFlightMaxFrame(), s.historyCapacity(), s.forgottenKeys(), 6, s.preAuthorizations(), s.posSales()));
        ready();
        final List<String> answered = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 100 + i));
            answered.add(event.outputLinkId(0) == ISSUER_LINK ? "forwarded" : output(0).getString(39));
        }
        assertEquals(List.of("forwarded", "forwarded", "forwarded", "forwarded", "forwarded", "91"), answered);
        assertEquals(1, handler.adviceShareRefusals());
    }

    @Test
    void shouldSendAdvicesAsTheyComeNotOnlyOnTicks()
    {
        ready();
        // 2,000 completions in one second of event time, with the ticker's 10 ms ticks. A tick has outputs for a few
        // advices: sent on ticks alone, at most 800 a second went and the rest waited, until the queue overflowed.
        final int completions = 2_000;
        final long tickEvery = 10_000_000L;
        long nextTick = now + tickEvery;
        int sentOnTheirOwnEvent = 0;
        for (int i = 0; i < completions; i++)
        {
            now += 500_000L;
            if (now >= nextTick)
            {
                link(EventType.TICK, -1, -1);
                acknowledgeAdvices();
                nextTick += tickEvery;
            }
            final Map<Integer, String> preAuth = request("000000", 5_000);
            preAuth.put(2, card(i));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuth);
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.AUTHORIZATION_RESPONSE, issuerAnswer(output(0), "00"));
            assertEquals("00", output(0).getString(39), "pre-authorization " + i);

            final Map<Integer, String> completion = request("000000", 4_500);
            completion.put(2, card(i));
            completion.put(38, "AB1234");
            completion.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
            assertEquals("00", output(0).getString(39), "completion " + i);
            final int advised = acknowledgeAdvices();
            sentOnTheirOwnEvent += advised > 0 ? 1 : 0;
        }
        link(EventType.TICK, -1, -1);
        acknowledgeAdvices();
        assertEquals(completions, advicesAcknowledged, "every completion's 0220 reached the issuer and was acknowledged");
        assertEquals(0, handler.advicesPending());
        assertEquals(0, handler.advicesLost());
        assertEquals(completions, sentOnTheirOwnEvent, "each went out with the completion that queued it");
    }

    private int advicesAcknowledged;

    /** The last event's output to the issuer link with {@code mti}, or null. */
    private MessageReader sentToIssuer(final int mti)
    {
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (event.outputLinkId(i) == ISSUER_LINK && output(i).mti() == mti)
            {
                return output(i);
            }
        }
        return null;
    }

    /**
     * The issuer acknowledges (0230, 0430) every advice the last event sent it, and those the acknowledgements'
     * events send in turn; returns how many the last event sent.
     */
    private int acknowledgeAdvices()
    {
        final java.util.ArrayDeque<Map<Integer, String>> acks = new java.util.ArrayDeque<>();
        final java.util.ArrayDeque<Integer> ackMtis = new java.util.ArrayDeque<>();
        int first = -1;
        do
        {
            if (!acks.isEmpty())
            {
                message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, ackMtis.poll(), acks.poll());
                advicesAcknowledged++;
            }
            int sent = 0;
            for (int i = 0; i < event.outputCount(); i++)
            {
                final MessageReader out = output(i);
                final int advice = out.mti() - out.mti() % 10; // 0221 and 0421, the repeats, as 0220 and 0420
                if (event.outputLinkId(i) == ISSUER_LINK && (advice == Mti.FINANCIAL_ADVICE || advice == Mti.REVERSAL_ADVICE))
                {
                    acks.add(issuerAnswer(out, "00"));
                    ackMtis.add(advice + 10);
                    sent++;
                }
            }
            first = first < 0 ? sent : first;
        }
        while (!acks.isEmpty());
        return first;
    }

    private static String card(final int i)
    {
        return SwitchMessages.card("476173", i);
    }

    @Test
    void shouldKeepEachTerminalsBatchTotalsAsApprovedAndReversed()
    {
        ready();
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        final Map<Integer, String> purchase = request("000000", 1_500);
        final MessageReader approved = approveAtIssuer(purchase, "00");
        assertEquals("00", approved.getString(39));
        assertEquals(purchase.get(11), approved.getString(11), "the terminal's STAN, not the switch's");
        assertEquals("00", approveAtIssuer(request("200000", 500), "00").getString(39));
        assertEquals("51", approveAtIssuer(request("000000", 9_999), "51").getString(39));
        now += 1_000_000_000L;
        assertEquals("00", approveAtIssuer(request("000000", 250), "00").getString(39));

        final BatchTotals totals = handler.batchTotals();
        assertEquals(2, totals.debitCount(terminal));
        assertEquals(1_750, totals.debitAmount(terminal));
        assertEquals(1, totals.creditCount(terminal));
        assertEquals(500, totals.creditAmount(terminal));

        final Map<Integer, String> reversal = request("000000", 1_500);
        reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39));
        assertEquals(1, totals.debitReversalCount(terminal));
        assertEquals(1_500, totals.debitReversalAmount(terminal));
        assertEquals(1, handler.advicesPending(), "a reversal advice owed to the issuer");

        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST + 1, reversal);
        assertEquals("00", output(0).getString(39));
        assertEquals(1, totals.debitReversalCount(terminal), "a repeated reversal counts once");
        assertEquals(1, handler.advicesPending());
    }

    @Test
    void shouldKeepTheBasisOfARequestWithEveryFieldAtItsLongestForItsReversalAdvice()
    {
        ready();
        // Every field the basis keeps, at the longest ISO 8583:1987 allows: a 19-digit PAN, the largest amount the
        // limits take, local time and date, POS entry mode and condition, card sequence number.
        final Map<Integer, String> purchase = request("000000", 100_000_000L);
        purchase.put(2, "4761739001010119120");
        purchase.put(12, "235959");
        purchase.put(13, "1126");
        purchase.put(22, "051");
        purchase.put(23, "001");
        purchase.put(25, "00");
        assertEquals("00", approveAtIssuer(purchase, "00").getString(39));
        final Map<Integer, String> reversal = request("000000", 100_000_000L);
        reversal.put(2, purchase.get(2));
        reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39));
        assertEquals(1, handler.advicesPending(), "the basis was kept: a basis too long for the history would leave none");
        final MessageReader advice = sentToIssuer(Mti.REVERSAL_ADVICE);
        assertEquals(true, advice != null, "the 0420 went to the issuer at once");
        for (final int field : new int[] {2, 4, 12, 13, 22, 25, 41, 42, 49})
        {
            assertEquals(purchase.get(field), advice.getString(field), "field " + field);
        }
        assertEquals(true, advice.length() <= SwitchHandler.MAX_BASIS + 64, "the advice is the basis and field 90");
    }

    @Test
    void shouldCountAndLogRequestsTheHistoryForgetsBeforeTheyAreAMinuteOld()
    {
        use(withHistory(1_024));
        final ListAppender<ILoggingEvent> log = switchLog();
        try
        {
            ready();
            // Above the limits' maximum amount: each is answered 13 by the switch at once, so none stays pending.
            for (int i = 0; i < 1_024 + 5; i++)
            {
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 100_000_001L));
            }
            assertEquals(5, handler.historyForgotYoung(), "1,029 requests in a second through a history of 1,024");
            assertEquals(1, log.list.stream().filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().startsWith("duplicate history")).count(),
                () -> "one warning a minute at most: " + log.list);

            now += 61_000_000_000L;
            for (int i = 0; i < 1_024; i++)
            {
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 100_000_001L));
            }
            assertEquals(5, handler.historyForgotYoung(), "forgetting requests over a minute old is what the history is for");
        }
        finally
        {
            ((Logger)LoggerFactory.getLogger(SwitchHandler.class)).detachAppender(log);
        }
    }

    @Test
    void shouldLogWhenAMinutesCardsOutgrowThePerCardTablesAndNotBefore()
    {
        // Tables for 1,024 cards: 2,048 slots, grown past 1,228 (a load of 0.6). 1,300 cards in one minute outgrow
        // them once; the same cards with the default sizing, 131,072, never do.
        assertEquals(1, growthWarnings(1_024, 1_300));
        assertEquals(0, growthWarnings(setup.limits().cardsPerMinute(), 1_300));
        assertEquals(0, growthWarnings(1_024, 1_200));
    }

    private long growthWarnings(final int cardsPerMinute, final int cards)
    {
        final SwitchSetup.Limits l = setup.limits();
        final SwitchSetup s = setup;
        use(new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), s.issuers(), s.bins(), s.acceptors(),
            new SwitchSetup.Limits(l.maxAmount(), l.currencies(), l.blockedMcc(), l.perCardPerMinute(), l.duplicateWindowNanos(), cardsPerMinute,
                l.requestDeadlineNanos()),
            s.zone(), s.cutoff(), s.inFlightCapacity(), s.inFlightMaxFrame(), s.historyCapacity(), s.forgottenKeys(), s.adviceCapacity(),
            s.preAuthorizations(), s.posSales()));
        final ListAppender<ILoggingEvent> log = switchLog();
        try
        {
            ready();
            for (int i = 0; i < cards; i++)
            {
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST,
                    SwitchMessages.request(SwitchMessages.card("476173", i), "000000", 1_000, now, ++stan));
                assertEquals(ISSUER_LINK, event.outputLinkId(0), "forwarded, whatever the tables");
            }
            return log.list.stream().filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("limits.cards-per-minute")).count();
        }
        finally
        {
            ((Logger)LoggerFactory.getLogger(SwitchHandler.class)).detachAppender(log);
        }
    }

    @Test
    void shouldAnswer94ToARetransmissionOfARequestTheHistoryHasForgottenRatherThanForwardItAgain()
    {
        assertEquals(ACQUIRER_LINK + "/94", retransmittedAfterTheHistoryForgotIt(4_096),
            "known by its key alone: not new, and not charged a second time");
    }

    @Test
    void shouldForwardARetransmissionAgainWhenNoForgottenKeysAreKept()
    {
        // What duplicate-keys = 0 gives, and every build before it: the retransmission goes to the issuer as a new request.
        assertEquals(ISSUER_LINK + "/0200", retransmittedAfterTheHistoryForgotIt(0));
    }

    /**
     * A purchase approved and reversed (0400, answered 00, the issuer owed its 0420), then 1,100 requests through a history
     * of 1,024: the acquirer's repeat of the reversal (0401), and its advice (0421), get 00 again and owe the issuer
     * nothing more, as while the history held it. They got 25, original not found, for a reversal the switch had
     * acknowledged. An approval forgotten without its reversal is still answered 25 when it comes, and so are the repeats.
     */
    @Test
    void shouldAnswerARepeatOfAReversalAsTheFirstOnceTheHistoryHasForgottenBoth()
    {
        use(withHistory(1_024, 4_096));
        ready();
        final Map<Integer, String> reversed = request("000000", 1_234);
        assertEquals("00", approveAtIssuer(reversed, "00").getString(39));
        final Map<Integer, String> notReversed = request("000000", 2_345);
        assertEquals("00", approveAtIssuer(notReversed, "00").getString(39));
        final Map<Integer, String> reversal = reversalNaming("0200", reversed);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39));
        final int owed = handler.advicesPending();
        assertEquals(1, owed, "the 0420 that undoes it");
        for (int i = 0; i < 1_100; i++)
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 100_000_001L));
        }
        for (final int mti : new int[] {Mti.REVERSAL_REQUEST + 1, Mti.REVERSAL_ADVICE_REPEAT})
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, mti, reversal);
            assertEquals(1, event.outputCount());
            assertEquals(ACQUIRER_LINK + "/00", event.outputLinkId(0) + "/" + output(0).getString(39), "a repeat of the reversal, " + mti);
            assertEquals(owed, handler.advicesPending(), "nothing more owed the issuer");
        }
        final Map<Integer, String> late = reversalNaming("0200", notReversed);
        for (final int mti : new int[] {Mti.REVERSAL_REQUEST, Mti.REVERSAL_REQUEST + 1})
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, mti, late);
            assertEquals("25", output(0).getString(39), "never reversed before it was forgotten: the switch cannot undo it now");
        }
        assertEquals(owed, handler.advicesPending());
    }

    /** An approved purchase, 1,100 requests through a history of 1,024, then the purchase's bytes again: where its answer went. */
    private String retransmittedAfterTheHistoryForgotIt(final int forgottenKeys)
    {
        use(withHistory(1_024, forgottenKeys));
        ready();
        final Map<Integer, String> purchase = request("000000", 1_234);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals("00", output(0).getString(39), "while the history holds it, a retransmission gets the original answer");
        for (int i = 0; i < 1_100; i++)
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 100_000_001L));
        }
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(1, event.outputCount());
        final MessageReader out = output(0);
        return event.outputLinkId(0) + "/" + (event.outputLinkId(0) == ACQUIRER_LINK ? out.getString(39) : String.format("%04d", out.mti()));
    }

    @Test
    void shouldKeepTheHistoryOfARequestInFlightHoweverManyComeAfterIt()
    {
        keepsTheHistoryOfARequestInFlight(false);
    }

    /**
     * Every 0420 says why (field 39): an acquirer's reversal of an approved purchase, and of one still with the issuer
     * whose approval comes after it, gives the issuer the reason the acquirer gave, or 06 (error) when it gave none.
     * The second once went with no field 39 at all.
     */
    @ParameterizedTest
    @CsvSource({"answered, 22, 22", "answered, , 06", "in flight, 22, 22", "in flight, , 06"})
    void shouldGiveTheIssuerTheAcquirersReasonForAReversal(final String when, final String reason, final String expected)
    {
        ready();
        final Map<Integer, String> purchase = request("000000", 1_234);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        final MessageReader forwarded = output(0);
        final Map<Integer, String> approval = issuerAnswer(forwarded, "00");
        if ("answered".equals(when))
        {
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approval);
        }
        final Map<Integer, String> reversal = request("000000", 1_234);
        reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
        if (reason != null)
        {
            reversal.put(39, reason);
        }
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39));
        if ("in flight".equals(when))
        {
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approval);
        }
        String sent = null;
        for (int tries = 0; tries < 3 && sent == null; tries++)
        {
            for (int i = 0; i < event.outputCount(); i++)
            {
                if (event.outputLinkId(i) == ISSUER_LINK && output(i).mti() == Mti.REVERSAL_ADVICE)
                {
                    sent = output(i).has(39) ? output(i).getString(39) : "none";
                }
            }
            now += 10_000_000L;
            link(EventType.TICK, -1, -1);
        }
        assertEquals(expected, sent, "field 39 of the 0420");
    }

    /**
     * A balance inquiry (processing code 31) moved and held nothing: its terminal's reversal, of an inquiry answered or of
     * one still with its issuer whose approval comes after it, is acknowledged 00 and tells the issuer nothing. Each
     * once owed the issuer an 0420 for an amount of 0, asking it to undo what it never did.
     */
    @ParameterizedTest
    @ValueSource(strings = {"answered", "in flight"})
    void shouldAcknowledgeAReversalOfABalanceInquiryWithoutAnAdviceToTheIssuer(final String when)
    {
        ready();
        final int owed = handler.advicesPending();
        final Map<Integer, String> inquiry = request("310000", 0);
        final Map<Integer, String> approval = forwardInquiry(inquiry);
        if ("answered".equals(when))
        {
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approval);
            assertEquals("00", output(0).getString(39));
        }
        final Map<Integer, String> reversal = request("310000", 0);
        reversal.put(90, "0200" + inquiry.get(11) + inquiry.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals(ACQUIRER_LINK + "/0410/00", event.outputLinkId(0) + "/" + String.format("%04d", output(0).mti()) + "/" + output(0).getString(39));
        assertEquals(null, sentToIssuer(Mti.REVERSAL_ADVICE));
        if ("in flight".equals(when))
        {
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approval);
            assertEquals(ACQUIRER_LINK, event.outputLinkId(0), "the balance goes to the terminal, which has let it go");
            assertEquals(null, sentToIssuer(Mti.REVERSAL_ADVICE));
        }
        assertEquals(owed, handler.advicesPending(), "no 0420 owed the issuer");
        now += 10_000_000L;
        link(EventType.TICK, -1, -1);
        assertEquals(null, sentToIssuer(Mti.REVERSAL_ADVICE));
    }

    /**
     * A balance inquiry moved and held nothing, so its issuer is owed no 0420 whatever becomes of it: not when it times
     * out (91 to the terminal, and the approval that comes late), not when it is approved for a terminal gone; nor does
     * its forward keep room for one, so an issuer whose share of the advice queue is full still answers balances. Each
     * once owed the issuer an 0420 for an amount of 0 (the third was answered 91 unforwarded), as the reversal of an
     * inquiry no longer does.
     */
    @ParameterizedTest
    @ValueSource(strings = {"timed out", "terminal gone", "share full"})
    void shouldOweTheIssuerNoReversalOfABalanceInquiry(final String when)
    {
        use(withAdviceShare(1));
        ready();
        if ("share full".equals(when))
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 100));
            assertEquals(ISSUER_LINK, event.outputLinkId(0), "a purchase, in flight in the share's one room");
        }
        final int owed = handler.advicesPending();
        final Map<Integer, String> approval = forwardInquiry(request("310000", 0));
        if ("timed out".equals(when))
        {
            // Past issuer-a's 5 s time-out.
            now += 6_000_000_000L;
            link(EventType.TICK, -1, -1);
            assertEquals(ACQUIRER_LINK + "/91", event.outputLinkId(0) + "/" + output(0).getString(39));
            assertEquals(null, sentToIssuer(Mti.REVERSAL_ADVICE));
        }
        else if ("terminal gone".equals(when))
        {
            link(EventType.ACQUIRER_DOWN, ACQUIRER_LINK, 0);
        }
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approval);
        if ("share full".equals(when))
        {
            assertEquals(ACQUIRER_LINK + "/00", event.outputLinkId(0) + "/" + output(0).getString(39), "the balance, relayed");
        }
        assertEquals(null, sentToIssuer(Mti.REVERSAL_ADVICE));
        assertEquals(owed, handler.advicesPending(), "no 0420 owed the issuer");
        now += 10_000_000L;
        link(EventType.TICK, -1, -1);
        assertEquals(null, sentToIssuer(Mti.REVERSAL_ADVICE));
    }

    /** Sends the balance inquiry, sees it forwarded, and returns the issuer's approval of it, not yet sent. */
    private Map<Integer, String> forwardInquiry(final Map<Integer, String> inquiry)
    {
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, inquiry);
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "forwarded");
        return issuerAnswer(output(0), "00");
    }

    @Test
    void shouldKeepTheHistoryOfARequestReversedWhileInFlightHoweverManyComeAfterIt()
    {
        keepsTheHistoryOfARequestInFlight(true);
    }

    private void keepsTheHistoryOfARequestInFlight(final boolean reversedMeanwhile)
    {
        use(withHistory(1_024));
        ready();
        final Map<Integer, String> purchase = request("000000", 1_234);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "forwarded, and no answer comes");
        if (reversedMeanwhile)
        {
            final Map<Integer, String> reversal = request("000000", 1_234);
            reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            assertEquals("00", output(0).getString(39));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
            assertEquals(0, event.outputCount(), "a retransmission while it is with the issuer waits for the answer, reversed or not");
        }
        for (int i = 0; i < 3 * 1_024; i++)
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 100_000_001L));
        }
        // Past issuer-a's 5 s time-out: 91 for the purchase, and reversal advices built from its own history entry.
        now += 6_000_000_000L;
        link(EventType.TICK, -1, -1);
        int advices = 0;
        String answered = null;
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (event.outputLinkId(i) == ISSUER_LINK && output(i).mti() == Mti.REVERSAL_ADVICE)
            {
                advices++;
                assertEquals(purchase.get(4), output(i).getString(4), "the purchase's own amount: its entry was not given to a later request");
                assertEquals(purchase.get(2), output(i).getString(2));
            }
            else if (event.outputLinkId(i) == ACQUIRER_LINK)
            {
                answered = output(i).getString(11) + "/" + output(i).getString(39);
            }
        }
        assertEquals(purchase.get(11) + "/91", answered);
        // A reversal of a request still with the issuer waits for the issuer's answer: only the time-out's 0420 goes.
        assertEquals(1, advices, "the time-out's 0420 went to the issuer");
    }

    @Test
    void shouldReverseACompletionToTheIssuerAndOutOfTheBatch()
    {
        ready();
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        final Map<Integer, String> preAuth = request("000000", 5_000);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuth);
        final MessageReader forwarded = output(0);
        final Map<Integer, String> approval = issuerAnswer(forwarded, "00");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.AUTHORIZATION_RESPONSE, approval);
        assertEquals("00", output(0).getString(39));

        final Map<Integer, String> completion = request("000000", 4_500);
        completion.put(38, "AB1234");
        completion.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
        assertEquals("00", output(0).getString(39));
        assertEquals(1, handler.batchTotals().debitCount(terminal));
        final int owed = handler.advicesPending();

        final Map<Integer, String> reversal = request("000000", 4_500);
        reversal.put(90, "0220" + completion.get(11) + completion.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39));
        assertEquals(1, handler.batchTotals().debitReversalCount(terminal), "the completion is reversed out of the batch");
        assertEquals(4_500, handler.batchTotals().debitReversalAmount(terminal));
        assertEquals(owed + 1, handler.advicesPending(), "and the issuer is owed its reversal");
    }

    /**
     * Field 90 names the original by its MTI as well as its STAN and field 7: a reversal naming an 0100 (or its advice,
     * 0120) under the key of an approved 0200 names no hold the switch has. It reversed the sale it found under the key:
     * the card paid back for a sale the acquirer never asked to reverse, and still settles to its merchant.
     */
    @Test
    void shouldAnswer25ToAReversalOfAHoldWhoseKeyFindsASale()
    {
        ready();
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        final Map<Integer, String> purchase = SwitchMessages.request(card(901), "000000", 2_000, now, ++stan);
        assertEquals("00", approveAtIssuer(purchase, "00").getString(39));
        final int owed = handler.advicesPending();

        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalNaming("0100", purchase));
        assertEquals("25", output(0).getString(39), "an 0100 under the sale's key");
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_ADVICE_REPEAT, reversalNaming("0120", purchase));
        assertEquals("25", output(0).getString(39), "an 0120 under the sale's key");
        assertEquals(owed, handler.advicesPending(), "no 0420 for either");
        assertEquals(0, handler.batchTotals().debitReversalCount(terminal), "the sale stands in the batch");

        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalNaming("0200", purchase));
        assertEquals("00", output(0).getString(39), "named as what it is, reversed");
        assertEquals(owed + 1, handler.advicesPending());
        assertEquals(1, handler.batchTotals().debitReversalCount(terminal));
    }

    /**
     * A completion whose field 90 names an 0100 under the key of an 0200: its advice names no original, as for a hold the
     * switch does not know, rather than telling the issuer it completes the sale (which an issuer takes over as a hold,
     * charging only the difference while clearing settles both).
     */
    @Test
    void shouldNotNameInACompletionsAdviceAnOriginalOfAnotherClassThanItsField90Names()
    {
        ready();
        final Map<Integer, String> purchase = SwitchMessages.request(card(903), "000000", 2_000, now, ++stan);
        assertEquals("00", approveAtIssuer(purchase, "00").getString(39));
        final Map<Integer, String> completion = completionOf(purchase, 1_500);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
        assertEquals("00", output(0).getString(39), "acknowledged");
        final MessageReader advice = sentToIssuer(Mti.FINANCIAL_ADVICE);
        assertTrue(advice != null, "advised at once");
        assertEquals("no field 90", advice.has(90) ? advice.getString(90).substring(0, 20) : "no field 90");
    }

    /**
     * A hold is completed once: a second completion of it under another STAN (an acquirer host sending it again as new,
     * not as its 0221) is answered 12, neither advised nor counted, where it was advised beside the first and the card
     * charged twice. The first reversed, the hold may be completed again.
     */
    @Test
    void shouldRefuseASecondCompletionOfAHoldUntilTheFirstIsReversed()
    {
        ready();
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        final Map<Integer, String> preAuth = SwitchMessages.request(card(904), "000000", 5_000, now, ++stan);
        assertEquals("00", authorizedAtIssuer(preAuth).getString(39));
        final Map<Integer, String> first = completionOf(preAuth, 4_500);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, first);
        assertEquals("00", output(0).getString(39));
        final int owed = handler.advicesPending();

        final Map<Integer, String> second = completionOf(preAuth, 4_500);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, second);
        assertEquals("12", output(0).getString(39), "the hold is completed already");
        assertEquals(null, sentToIssuer(Mti.FINANCIAL_ADVICE), "not advised");
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE + 1, second);
        assertEquals("12", output(0).getString(39), "its repeat gets the same answer");
        assertEquals(owed, handler.advicesPending());
        assertEquals(1, handler.batchTotals().debitCount(terminal), "counted once");

        final Map<Integer, String> reversal = SwitchMessages.request(card(904), "000000", 4_500, now, ++stan);
        reversal.put(90, "0220" + first.get(11) + first.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completionOf(preAuth, 4_000));
        assertEquals("00", output(0).getString(39), "the first reversed, the hold is the terminal's to complete again");
        assertTrue(sentToIssuer(Mti.FINANCIAL_ADVICE) != null);
    }

    /**
     * A completion (0220) whose field 90 names a sale (an 0200) rather than a hold asks for an adjustment the switch does
     * not make: 12, not advised, not counted. Advised naming the sale, its issuer took it over as a hold and charged the
     * difference while clearing settled the sale and the completion in full.
     */
    @Test
    void shouldRefuseACompletionThatNamesASale()
    {
        ready();
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        final Map<Integer, String> sale = SwitchMessages.request(card(906), "000000", 5_000, now, ++stan);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, sale);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "the sale");
        final int owed = handler.advicesPending();
        final Map<Integer, String> adjustment = completionOf(sale, 5_600);
        adjustment.put(90, "0200" + sale.get(11) + sale.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, adjustment);
        assertEquals("12", output(0).getString(39), "a completion of a sale");
        assertEquals(null, sentToIssuer(Mti.FINANCIAL_ADVICE), "not advised");
        assertEquals(owed, handler.advicesPending());
        assertEquals(1, handler.batchTotals().debitCount(terminal), "the sale alone");
    }

    /**
     * The same once the duplicate history has let the hold go to the pre-authorizations kept beyond it: whether it was
     * completed before or after, a second completion is refused.
     */
    @ParameterizedTest
    @CsvSource({"true", "false"})
    void shouldRefuseASecondCompletionOfAHoldTheHistoryHasForgotten(final boolean completedFirst)
    {
        use(withHistory(1_024));
        ready();
        final Map<Integer, String> preAuth = SwitchMessages.request(card(905), "000000", 5_000, now, ++stan);
        assertEquals("00", authorizedAtIssuer(preAuth).getString(39));
        if (completedFirst)
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completionOf(preAuth, 4_500));
            assertEquals("00", output(0).getString(39));
        }
        for (int i = 0; i < 1_100; i++)
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 100_000_001L));
        }
        now += 61_000_000_000L;
        if (!completedFirst)
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completionOf(preAuth, 4_500));
            assertEquals("00", output(0).getString(39));
            assertEquals("0100", sentToIssuer(Mti.FINANCIAL_ADVICE).getString(90).substring(0, 4), "naming the hold as the issuer got it");
        }
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completionOf(preAuth, 4_500));
        assertEquals("12", output(0).getString(39));
        assertEquals(null, sentToIssuer(Mti.FINANCIAL_ADVICE), "not advised");
    }

    /**
     * A completion of a hold the history has let go, reversed, gives the hold back to its terminal to complete again: the
     * hold's key, now a forgotten key's mark in the history's map, is no entry of it (a mark read as an index threw, 96).
     */
    @Test
    void shouldLetAForgottenHoldBeCompletedAgainOnceItsCompletionIsReversed()
    {
        use(withHistory(1_024));
        ready();
        final Map<Integer, String> preAuth = SwitchMessages.request(card(905), "000000", 5_000, now, ++stan);
        assertEquals("00", authorizedAtIssuer(preAuth).getString(39));
        for (int i = 0; i < 1_100; i++)
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 100_000_001L));
        }
        now += 61_000_000_000L;
        final Map<Integer, String> completion = completionOf(preAuth, 4_500);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
        assertEquals("00", output(0).getString(39));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalNaming("0220", completion));
        assertEquals("00", output(0).getString(39), "the completion reversed");
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completionOf(preAuth, 4_500));
        assertEquals("00", output(0).getString(39), "the hold is the terminal's to complete again");
    }

    /** Sends the pre-authorization (0100), approves it at the issuer, returns what the acquirer got. */
    private MessageReader authorizedAtIssuer(final Map<Integer, String> preAuth)
    {
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuth);
        assertEquals(ISSUER_LINK, event.outputLinkId(0));
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.AUTHORIZATION_RESPONSE, issuerAnswer(output(0), "00"));
        assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
        return output(0);
    }

    /** A completion (0220) of {@code amount} with a STAN of its own, its field 90 naming {@code original} as an 0100. */
    private Map<Integer, String> completionOf(final Map<Integer, String> original, final long amount)
    {
        now += 1_000_000L;
        final Map<Integer, String> completion = SwitchMessages.request(original.get(2), "000000", amount, now, ++stan);
        completion.put(38, "AB1234");
        completion.put(90, "0100" + original.get(11) + original.get(7) + "0".repeat(22));
        return completion;
    }

    /** A reversal (0400) of {@code original}'s amount with a STAN of its own, its field 90 naming it as an {@code mti}. */
    private Map<Integer, String> reversalNaming(final String mti, final Map<Integer, String> original)
    {
        now += 1_000_000L;
        final Map<Integer, String> reversal = SwitchMessages.request(original.get(2), "000000", Long.parseLong(original.get(4)), now, ++stan);
        reversal.put(90, mti + original.get(11) + original.get(7) + "0".repeat(22));
        return reversal;
    }

    @Test
    void shouldReverseAnApprovalWhoseTerminalHasGone()
    {
        ready();
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        final Map<Integer, String> purchase = request("000000", 2_500);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        final MessageReader forwarded = output(0);
        final Map<Integer, String> approval = issuerAnswer(forwarded, "00");
        final String switchStan = approval.get(11);
        link(EventType.ACQUIRER_DOWN, ACQUIRER_LINK, 0);
        final int owed = handler.advicesPending();

        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approval);
        for (int i = 0; i < event.outputCount(); i++)
        {
            assertEquals(ISSUER_LINK, event.outputLinkId(i), "no terminal to answer");
        }
        assertEquals(owed + 1, handler.advicesPending(), "the approval is reversed to the issuer");
        assertEquals(0, handler.batchTotals().debitCount(terminal), "and not counted in the batch");
        final MessageReader advice = sentToIssuer(Mti.REVERSAL_ADVICE);
        assertEquals(true, advice != null, "the 0420 went at once");
        assertEquals(purchase.get(4), advice.getString(4));
        assertEquals("68", advice.getString(39));
        assertEquals(switchStan, advice.getString(90).substring(4, 10), "naming the purchase as the issuer got it");

        // The terminal comes back and asks again: not approved. Then it reverses it itself: nothing more is owed or counted.
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000099", 70, "001"));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(1, event.outputCount(), "a retransmission of it is answered");
        assertEquals("91", output(0).getString(39));
        assertEquals(purchase.get(11), output(0).getString(11));
        final Map<Integer, String> reversal = request("000000", 2_500);
        reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
        final int owedAfter = handler.advicesPending();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39));
        assertEquals(owedAfter, handler.advicesPending());
        assertEquals(0, handler.batchTotals().debitReversalCount(terminal));
    }

    /**
     * A terminal that has sent two purchases and then finished sending (a half-close: ACQUIRER_INPUT_CLOSED) keeps its
     * link until both are answered: the issuer's first answer leaves it open, its second closes it after itself.
     */
    @Test
    void shouldCloseALinkWhosePeerHasFinishedSendingAfterTheLastAnswerOwedIt()
    {
        ready();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 1_000));
        final Map<Integer, String> first = issuerAnswer(output(0), "00");
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 2_000));
        final Map<Integer, String> second = issuerAnswer(output(0), "00");
        link(EventType.ACQUIRER_INPUT_CLOSED, ACQUIRER_LINK, 0);
        assertFalse(event.closesLink(), "closed with two answers owed");

        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, first);
        assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
        assertFalse(event.outputCloses(0), "closed with an answer still owed");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, second);
        assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
        assertEquals("00", output(0).getString(39));
        assertTrue(event.outputCloses(0), "left open after the last answer it was owed");
        assertEquals(0, handler.advicesPending(), "an approval its terminal got is not reversed");

        link(EventType.ACQUIRER_UP, ACQUIRER_LINK + 1, 0);
        link(EventType.ACQUIRER_INPUT_CLOSED, ACQUIRER_LINK + 1, 0);
        assertTrue(event.closesLink(), "a link owed nothing is closed at once");
    }

    /** The time-out's 91 is an answer like the issuer's: the last one a half-closed link is owed closes it. */
    @Test
    void shouldCloseALinkWhosePeerHasFinishedSendingAfterTheTimeOutOfItsLastRequest()
    {
        ready();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 1_000));
        link(EventType.ACQUIRER_INPUT_CLOSED, ACQUIRER_LINK, 0);
        assertFalse(event.closesLink());

        now += 6_000_000_000L;
        link(EventType.TICK, -1, -1);
        int answers = 0;
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (event.outputLinkId(i) == ACQUIRER_LINK)
            {
                answers++;
                assertEquals("91", output(i).getString(39));
                assertTrue(event.outputCloses(i), "left open after the 91 of the last request it sent");
            }
        }
        assertEquals(1, answers);
    }

    /**
     * A half-closed link whose one request is sent again on another link (its terminal reconnected) is owed nothing more:
     * it closes then, and the answer goes to the new link, which stays open.
     */
    @Test
    void shouldCloseAHalfClosedLinkWhoseLastRequestWasSentAgainOnAnother()
    {
        ready();
        final Map<Integer, String> purchase = request("000000", 1_000);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        final Map<Integer, String> approval = issuerAnswer(output(0), "00");
        link(EventType.ACQUIRER_INPUT_CLOSED, ACQUIRER_LINK, 0);
        final int again = ACQUIRER_LINK + 1;
        link(EventType.ACQUIRER_UP, again, 0);
        message(EventType.ACQUIRER_MESSAGE, again, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000099", 70, "001"));

        message(EventType.ACQUIRER_MESSAGE, again, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(1, event.outputCount());
        assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
        assertEquals(0, event.outputLength(0), "nothing sent the first link");
        assertTrue(event.outputCloses(0), "the first link, owed nothing now, left open");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approval);
        assertEquals(again, event.outputLinkId(0));
        assertEquals("00", output(0).getString(39));
        assertFalse(event.outputCloses(0), "the new link closed, its peer still sending");
    }

    @Test
    void shouldGiveEachStandInAnAuthorizationCodeOfItsOwnInBaseThirtySix()
    {
        // Clearing finds a stand-in's row by its code when its advice goes out, maybe hours later: codes must not come
        // round within a day's stand-ins. Five digits did after 99,999; S and five base-36 characters after 60 million.
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        final Set<String> codes = new HashSet<>();
        final Map<Integer, String> expected = Map.of(1, "S00001", 9, "S00009", 10, "S0000A", 36, "S00010", 37, "S00011");
        for (int i = 1; i <= 37; i++)
        {
            now += 61_000_000_000L; // a minute apart: the card's frequency limit counts per minute
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 4_000));
            assertEquals("00", output(0).getString(39), "stood in: issuer-a is down");
            final String code = output(0).getString(38);
            assertTrue(code.matches("S[0-9A-Z]{5}"), code);
            assertTrue(codes.add(code), "a code of its own: " + code);
            if (expected.containsKey(i))
            {
                assertEquals(expected.get(i), code, "stand-in " + i);
            }
        }
    }

    /**
     * An issuer that answers a hundred requests in a second with answers the switch cannot pass on gets a line in the
     * log, not a hundred: the rest are counted into the next line, a second later at the earliest. Logged each, a faulty
     * issuer at its traffic's rate filled the log's queue, and lines that mattered were dropped.
     */
    @Test
    void shouldLogAnIssuersRefusedAnswersAtMostOnceASecondCountingTheRest()
    {
        final ListAppender<ILoggingEvent> log = switchLog();
        try
        {
            ready();
            for (int i = 0; i < 101; i++)
            {
                if (i == 100)
                {
                    now += 2_000_000_000L;
                }
                final Map<Integer, String> purchase = request("000000", 1_000);
                purchase.put(2, card(i));
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
                final Map<Integer, String> answer = issuerAnswer(output(0), "00");
                answer.remove(39);
                message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, answer);
            }
            assertEquals(101, handler.unmatchedAnswers());
            final List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("missing or not printable")).toList();
            assertEquals(2, lines.size(), () -> "a line a second: " + lines);
            assertTrue(lines.get(0).contains("; 0 more of its messages refused since the last line"), lines.get(0));
            assertTrue(lines.get(1).contains("; 99 more of its messages refused since the last line"), lines.get(1));
        }
        finally
        {
            ((Logger)LoggerFactory.getLogger(SwitchHandler.class)).detachAppender(log);
        }
    }

    /**
     * An issuer answers a stand-in's advice with a response code holding a line end: acknowledged as any answer, and
     * logged for the operator with the code as hex, so that what an issuer sends cannot forge a line of the switch's log.
     */
    @Test
    void shouldLogAnAdviceAnswersCodeThatIsNotLettersOrDigitsAsHex()
    {
        final ListAppender<ILoggingEvent> log = switchLog();
        try
        {
            link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 4_000));
            assertEquals("S00001", output(0).getString(38), "stood in: issuer-a is down");
            link(EventType.ISSUER_UP, ISSUER_LINK, 0);
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.NETWORK_MANAGEMENT_RESPONSE,
                Map.of(7, "1126100000", 11, output(0).getString(11), 39, "00", 70, "001"));
            assertEquals(Mti.FINANCIAL_ADVICE, output(0).mti(), "the 0220 goes as the link signs on");
            final Map<Integer, String> acknowledgement = new HashMap<>();
            for (final int f : new int[] {2, 3, 4, 7, 11, 41, 42, 49})
            {
                acknowledgement.put(f, output(0).getString(f));
            }
            acknowledgement.put(39, "0\n");
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_ADVICE_RESPONSE, acknowledgement);
            assertEquals(0, handler.advicesPending(), "acknowledged");
            final List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("answered advice")).toList();
            assertEquals(1, lines.size(), () -> "logged: " + log.list);
            assertFalse(lines.get(0).contains("\n"), lines.get(0));
            assertTrue(lines.get(0).contains("0x300a"), lines.get(0));
        }
        finally
        {
            ((Logger)LoggerFactory.getLogger(SwitchHandler.class)).detachAppender(log);
        }
    }

    @Test
    void shouldNameAStandInAsTheIssuerGotItWhenItIsReversed()
    {
        // issuer-a down: the switch stands in (its floor limit is 500.00), then the terminal reverses the sale.
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        final Map<Integer, String> purchase = request("000000", 4_000);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals("00", output(0).getString(39));
        assertEquals("S00001", output(0).getString(38));
        final Map<Integer, String> reversal = request("000000", 4_000);
        reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39));
        assertEquals(2, handler.advicesPending(), "the stand-in's 0220 and the reversal's 0420");

        // issuer-a comes back: the 0220 goes; the 0420 waits until the issuer has acknowledged it (links are taken in
        // turn, so the two could otherwise cross), then names it by the MTI, STAN and field 7 it had.
        link(EventType.ISSUER_UP, ISSUER_LINK, 0);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.NETWORK_MANAGEMENT_RESPONSE,
            Map.of(7, "1126100000", 11, output(0).getString(11), 39, "00", 70, "001"));
        Map<Integer, String> advised = null;
        for (int i = 0; i < event.outputCount(); i++)
        {
            assertEquals(Mti.FINANCIAL_ADVICE, output(i).mti(), "only the 0220 goes first");
            advised = new HashMap<>();
            for (final int f : new int[] {2, 3, 4, 7, 11, 37, 38, 41, 42, 49})
            {
                advised.put(f, output(i).getString(f));
            }
        }
        assertEquals(true, advised != null, "the 0220 went as soon as the link signed on");
        assertEquals("S00001", advised.get(38));
        now += 1_000_000_000L;
        link(EventType.TICK, -1, -1);
        assertEquals(0, event.outputCount(), "the 0420 still waits: the 0220 is not acknowledged");

        final Map<Integer, String> acknowledgement = new HashMap<>(advised);
        acknowledgement.put(39, "00");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_ADVICE_RESPONSE, acknowledgement);
        String reversed = null; // with the acknowledgement that frees it
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (output(i).mti() == Mti.REVERSAL_ADVICE)
            {
                reversed = output(i).getString(90).substring(0, 20);
            }
        }
        assertEquals("0220" + advised.get(11) + advised.get(7), reversed);
    }

    /**
     * issuer-a down: the switch stands in for a pre-authorization as for a purchase, and owes issuer-a an authorization
     * advice (0120, which an issuer books as a hold), not a 0220 (which it books as a sale). The terminal completes it
     * meanwhile: the completion's 0220 names the 0120 as issuer-a will have got it, and goes only once issuer-a has
     * acknowledged the 0120, so that it finds the hold to take over.
     */
    @Test
    void shouldStandInForAPreAuthorizationWithAnAuthorizationAdviceThatItsCompletionWaitsFor()
    {
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        final Map<Integer, String> preAuth = request("000000", 4_000);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuth);
        assertEquals(1, event.outputCount());
        assertEquals(Mti.AUTHORIZATION_RESPONSE, output(0).mti());
        assertEquals("00", output(0).getString(39));
        assertEquals("S00001", output(0).getString(38), "approved by the switch");
        assertEquals(1, handler.advicesPending(), "the stand-in's 0120");

        final Map<Integer, String> completion = request("000000", 3_500);
        completion.put(38, "S00001");
        completion.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
        assertEquals(Mti.FINANCIAL_ADVICE_RESPONSE, output(0).mti());
        assertEquals("00", output(0).getString(39));
        assertEquals(2, handler.advicesPending(), "the stand-in's 0120 and the completion's 0220");

        final Map<Integer, String> advised = issuerBackWithOneAdvice(Mti.AUTHORIZATION_ADVICE);
        assertEquals(preAuth.get(4), advised.get(4), "the pre-authorization's amount");
        assertEquals("S00001", advised.get(38));
        assertEquals("00", advised.get(39));
        now += 1_000_000_000L;
        link(EventType.TICK, -1, -1);
        assertEquals(0, event.outputCount(), "the completion still waits: the 0120 is not acknowledged");

        final Map<Integer, String> acknowledgement = new HashMap<>(advised);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.AUTHORIZATION_ADVICE_RESPONSE, acknowledgement);
        assertEquals(1, event.outputCount(), "the 0130 frees the completion, on the same event");
        assertEquals(Mti.FINANCIAL_ADVICE, output(0).mti());
        assertEquals(completion.get(4), output(0).getString(4));
        assertEquals("0120" + advised.get(11) + advised.get(7), output(0).getString(90).substring(0, 20),
            "naming the hold as issuer-a booked it: the 0120, its STAN and field 7");
        assertEquals(1, handler.advicesPending(), "the 0120 acknowledged; the 0220 owed");
    }

    /** A stood-in pre-authorization reversed: the 0420 names its 0120 and waits for the 0130, as a stood-in sale's for the 0230. */
    @Test
    void shouldNameAStoodInPreAuthorizationsAdviceWhenItIsReversedOnceTheIssuerHasIt()
    {
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126100000", 11, "000001", 70, "001"));
        final Map<Integer, String> preAuth = request("000000", 4_000);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuth);
        assertEquals("S00001", output(0).getString(38));
        final Map<Integer, String> reversal = request("000000", 4_000);
        reversal.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39));
        assertEquals(2, handler.advicesPending(), "the stand-in's 0120 and the reversal's 0420");

        final Map<Integer, String> advised = issuerBackWithOneAdvice(Mti.AUTHORIZATION_ADVICE);
        now += 1_000_000_000L;
        link(EventType.TICK, -1, -1);
        assertEquals(0, event.outputCount(), "the 0420 still waits: the 0120 is not acknowledged");
        // Not acknowledged in time: it goes again as 0121, with the STAN it keeps, and still alone.
        now += 10_000_000_000L;
        link(EventType.TICK, -1, -1);
        assertEquals(1, event.outputCount());
        assertEquals(Mti.AUTHORIZATION_ADVICE + 1, output(0).mti(), "repeated as 0121");
        assertEquals(advised.get(11), output(0).getString(11), "with the STAN it keeps");

        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.AUTHORIZATION_ADVICE_RESPONSE, new HashMap<>(advised));
        assertEquals(1, event.outputCount(), "the 0130 frees the 0420");
        assertEquals(Mti.REVERSAL_ADVICE, output(0).mti());
        assertEquals("0120" + advised.get(11) + advised.get(7), output(0).getString(90).substring(0, 20));
    }

    /**
     * Replay finds an advice the journal says went by what it is: an 0120 and a 0220 with the same field 7 (a terminal's
     * second) are never taken for each other, whatever their STANs. Mixing the kind into the STAN as one number made an
     * 0120 with STAN s the 0220 with STAN s ^ 164 (120 ^ 220), and a chaos run's replay sent the one for the other.
     */
    @Test
    void shouldTellAnAuthorizationAdviceFromAFinancialAdviceWhateverTheirStans()
    {
        final Set<Long> identities = new HashSet<>();
        for (int s = 1; s <= 20_000; s++)
        {
            for (final int mti : new int[] {Mti.AUTHORIZATION_ADVICE, Mti.FINANCIAL_ADVICE})
            {
                event.reset(EventType.ISSUER_MESSAGE, now, ISSUER_LINK, 0, iso87b);
                final MessageWriter writer = new MessageWriter(setup.dialects().get(iso87b)).wrap(event.frame(), 0).mti(mti);
                writer.putString(7, "1127044758");
                writer.putString(11, String.format("%06d", s));
                final MessageReader advice = new MessageReader(setup.dialects().get(iso87b));
                assertEquals(DecodeError.NONE, advice.wrap(event.frame(), 0, writer.finish()));
                assertEquals(true, identities.add(SwitchHandler.adviceIdentity(advice)), Mti.toString(mti) + " STAN " + s + " taken for another");
            }
        }
    }

    /**
     * issuer-a's link comes up and signs on: the one advice that may go first goes with the sign-on answer. Returns its
     * fields; the advice must be of {@code mti}, and alone.
     */
    private Map<Integer, String> issuerBackWithOneAdvice(final int mti)
    {
        link(EventType.ISSUER_UP, ISSUER_LINK, 0);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.NETWORK_MANAGEMENT_RESPONSE,
            Map.of(7, "1126100000", 11, output(0).getString(11), 39, "00", 70, "001"));
        assertEquals(1, event.outputCount(), "one advice goes first, alone");
        assertEquals(ISSUER_LINK, event.outputLinkId(0));
        assertEquals(mti, output(0).mti());
        final Map<Integer, String> advised = new HashMap<>();
        for (final int f : new int[] {2, 3, 4, 7, 11, 37, 38, 39, 41, 42, 49})
        {
            advised.put(f, output(0).getString(f));
        }
        return advised;
    }

    /**
     * A UnionPay POS completion (0220, 60.1 = 20) that names no pre-authorization (no field 61, nor 90) goes to the
     * issuer without field 90: it named itself, found by its own STAN and batch.
     */
    @Test
    void shouldNotNameAUnionPayCompletionItselfInItsAdvice()
    {
        ready();
        final int cups = setup.dialects().indexOf(UnionPayPos.DIALECT);
        final int posLink = 9;
        link(EventType.ACQUIRER_UP, posLink, 1);
        final Map<Integer, String> signOn = new HashMap<>(Map.of(11, "000001", 41, "TERM0005", 42, "MERCHANT0000003",
            60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_SIGN_ON)));
        SwitchMessages.fill(setup, event, EventType.ACQUIRER_MESSAGE, now, posLink, 1, cups, Mti.NETWORK_MANAGEMENT_REQUEST, signOn);
        handler.onEvent(event, sequence++, true);
        assertEquals("00", output(0).getString(39));
        final Map<Integer, String> completion = new HashMap<>(Map.of(2, SwitchMessages.card("476173", 77), 3, "000000", 4, "000000003000",
            11, "000002", 14, "3012", 22, "021", 38, "AB1234", 41, "TERM0005", 42, "MERCHANT0000003", 49, "156"));
        completion.put(60, Field60.format(Field60.TYPE_COMPLETION, 1, 0).substring(0, 8));
        now += 1_000_000L;
        SwitchMessages.fill(setup, event, EventType.ACQUIRER_MESSAGE, now, posLink, 1, cups, Mti.FINANCIAL_ADVICE, completion);
        handler.onEvent(event, sequence++, true);
        assertEquals("00", output(0).getString(39), "acknowledged");
        final List<MessageReader> advices = SwitchMessages.advices(setup, event);
        assertEquals(1, advices.size());
        assertEquals(Mti.FINANCIAL_ADVICE, advices.get(0).mti());
        assertEquals("no field 90", advices.get(0).has(90) ? advices.get(0).getString(90) : "no field 90");
    }

    /**
     * A UnionPay POS void (60.1 = 23) holds its sale while it is with the issuer: a second void meanwhile is answered 12.
     * One the issuer declines, or that times out, lets the sale go, and the next void goes to the issuer; once one is
     * approved the sale is voided, and its batch holds the sale and the void that takes it out.
     */
    @Test
    void shouldHoldAUnionPaySaleForItsVoidUntilTheIssuerApprovesIt()
    {
        posReady();
        final Map<Integer, String> sale = approvedOnPos(Mti.FINANCIAL_REQUEST, 23, "000000", Field60.TYPE_SALE);

        final Map<Integer, String> declined = issuerAnswer(voidOf(sale, 3), "05");
        assertEquals(ISSUER_LINK, event.outputLinkId(0));
        assertEquals("12", refusedVoid(sale, 4), "the sale is held for the void with its issuer");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, declined);
        assertEquals("05", output(0).getString(39));

        voidOf(sale, 5);
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "the declined void let the sale go");
        now += 6_000_000_000L;
        link(EventType.TICK, -1, -1);
        assertEquals(POS_LINK, event.outputLinkId(0));
        assertEquals("91", output(0).getString(39), "issuer-a's time-out");

        final Map<Integer, String> approved = issuerAnswer(voidOf(sale, 6), "00");
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "the void that timed out let the sale go");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approved);
        assertEquals("00", output(0).getString(39));
        assertEquals("12", refusedVoid(sale, 7), "voided");

        final int terminal = setup.acceptors().terminalIndex("TERM0005");
        assertEquals(List.of(1L, 3_000L, 1L, 3_000L), List.of(handler.batchTotals().debitCount(terminal), handler.batchTotals().debitAmount(terminal),
            handler.batchTotals().debitReversalCount(terminal), handler.batchTotals().debitReversalAmount(terminal)));
    }

    /**
     * A UnionPay POS pre-authorization is completed once (an 0200, 60.1 = 20, naming it in 61): a second completion of it
     * is answered 12. Once its completion is voided (60.1 = 21) and the issuer approves the void, the issuer holds the
     * pre-authorization again, and the terminal may complete it anew.
     */
    @Test
    void shouldLetAUnionPayPreAuthorizationBeCompletedAgainOnceItsCompletionIsVoided()
    {
        posReady();
        final Map<Integer, String> preAuth = approvedOnPos(Mti.AUTHORIZATION_REQUEST, 31, "030000", Field60.TYPE_PRE_AUTH);

        assertEquals("00", posCompletion(preAuth, 3), "completed");
        assertEquals("12", posCompletion(preAuth, 4), "completed already");
        completionVoidApproved(preAuth, 5, 3);
        assertEquals("00", posCompletion(preAuth, 6), "the completion voided, the pre-authorization is the terminal's to complete again");
    }

    /**
     * A UnionPay POS pre-authorization void (0100, 60.1 = 11) releases a hold: one whose 61 finds a sale of its terminal
     * under that key (a terminal set up again starts its STANs over, the hold it means kept beyond the history, or a
     * number mistyped) is answered 25 and reverses nothing. It got 00, and the issuer an 0420 that gave the card back a
     * sale the terminal's batch still holds, which the switch's batch totals took out.
     */
    @Test
    void shouldNotReverseASaleForAUnionPayPreAuthorizationVoidThatNamesIt()
    {
        posReady();
        final Map<Integer, String> sale = approvedOnPos(Mti.FINANCIAL_REQUEST, 33, "000000", Field60.TYPE_SALE);
        final Map<Integer, String> voided = new HashMap<>(sale);
        voided.put(3, "200000");
        voided.put(11, "000003");
        voided.put(60, Field60.format(Field60.TYPE_PRE_AUTH_VOID, 1, 0).substring(0, 8));
        voided.put(61, "000001" + sale.get(11));
        pos(Mti.AUTHORIZATION_REQUEST, voided);
        final List<MessageReader> advices = SwitchMessages.advices(setup, event);
        assertEquals("25 and no 0420", output(0).getString(39) + (advices.isEmpty() ? " and no 0420" : " and an 0420 of " + advices.get(0).getString(90)));
        final int terminal = setup.acceptors().terminalIndex("TERM0005");
        assertEquals(List.of(1L, 0L), List.of(handler.batchTotals().debitCount(terminal), handler.batchTotals().debitReversalCount(terminal)),
            "the sale stands in its batch");
    }

    /**
     * A UnionPay POS completion void approved, then reversed by its terminal (0400 of the void): the issuer gets an 0420
     * that takes the void's credit back, so the completion stands again and holds its pre-authorization, and a second
     * completion is answered 12. The void's reversal left the hold free, and a second completion was advised and
     * settled beside the first, the card charged twice.
     */
    @Test
    void shouldRefuseASecondCompletionOnceTheVoidOfTheFirstIsReversed()
    {
        posReady();
        final Map<Integer, String> preAuth = approvedOnPos(Mti.AUTHORIZATION_REQUEST, 32, "030000", Field60.TYPE_PRE_AUTH);
        pos(Mti.REVERSAL_REQUEST, voidedCompletion(preAuth));
        assertEquals("00", output(0).getString(39), "the void reversed: the completion stands again");
        assertEquals("12", posCompletion(preAuth, 5), "completed already, by the completion whose void was reversed");
    }

    /**
     * A UnionPay POS completion void approved gives its hold back, and a second completion takes the hold: a reversal of
     * the void then is answered 12, and issuer-a gets no 0420, so that the hold is completed once and the batch holds the
     * second completion beside the first one voided. It was answered 00, and its 0420 took the void's credit back: both
     * completions stood, the card charged for both.
     */
    @Test
    void shouldRefuseToReverseACompletionVoidOnceAnotherCompletionHasTakenItsHold()
    {
        posReady();
        final Map<Integer, String> preAuth = approvedOnPos(Mti.AUTHORIZATION_REQUEST, 34, "030000", Field60.TYPE_PRE_AUTH);
        final Map<Integer, String> reversal = voidedCompletion(preAuth);
        assertEquals("00", posCompletion(preAuth, 5), "the completion voided, completed again");
        pos(Mti.REVERSAL_REQUEST, reversal);
        final List<MessageReader> advices = SwitchMessages.advices(setup, event);
        assertEquals("12 and no 0420", output(0).getString(39) + (advices.isEmpty() ? " and no 0420" : " and an 0420 of " + advices.get(0).getString(90)));
        final int terminal = setup.acceptors().terminalIndex("TERM0005");
        assertEquals(List.of(2L, 6_000L, 1L, 3_000L), List.of(handler.batchTotals().debitCount(terminal), handler.batchTotals().debitAmount(terminal),
            handler.batchTotals().debitReversalCount(terminal), handler.batchTotals().debitReversalAmount(terminal)), "two completions, the first voided");
    }

    /** {@code preAuth} completed (STAN 3) and the completion voided (STAN 4), approved: the void's reversal, not sent. */
    private Map<Integer, String> voidedCompletion(final Map<Integer, String> preAuth)
    {
        assertEquals("00", posCompletion(preAuth, 3), "completed");
        final Map<Integer, String> reversal = completionVoidApproved(preAuth, 4, 3);
        reversal.put(39, "98");
        return reversal;
    }

    /**
     * A UnionPay POS completion void (60.1 = 21), STAN {@code stan}, of the completion of {@code preAuth} with STAN
     * {@code completion}, approved by issuer-a; returns its fields.
     */
    private Map<Integer, String> completionVoidApproved(final Map<Integer, String> preAuth, final int stan, final int completion)
    {
        final Map<Integer, String> voided = new HashMap<>(preAuth);
        voided.put(3, "200000");
        voided.put(11, String.format("%06d", stan));
        voided.put(60, Field60.format(Field60.TYPE_COMPLETION_VOID, 1, 0).substring(0, 8));
        voided.put(61, "000001" + String.format("%06d", completion));
        pos(Mti.FINANCIAL_REQUEST, voided);
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "the completion's void goes to the issuer");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "the completion voided");
        return voided;
    }

    /** A UnionPay POS completion asked for online (0200, 60.1 = 20) of {@code preAuth}, with STAN {@code stan}: the answer it got. */
    private String posCompletion(final Map<Integer, String> preAuth, final int stan)
    {
        final Map<Integer, String> completion = new HashMap<>(preAuth);
        completion.put(3, "000000");
        completion.put(11, String.format("%06d", stan));
        completion.put(38, "AB1234");
        completion.put(60, Field60.format(Field60.TYPE_COMPLETION, 1, 0).substring(0, 8));
        completion.put(61, "000001" + preAuth.get(11));
        pos(Mti.FINANCIAL_REQUEST, completion);
        assertEquals(POS_LINK, event.outputLinkId(0), "answered by the switch");
        return output(0).getString(39);
    }

    /** As {@link #ready}, and TERM0005 signed on on {@link #POS_LINK} (listener 1, UnionPay POS). */
    private void posReady()
    {
        ready();
        link(EventType.ACQUIRER_UP, POS_LINK, 1);
        pos(Mti.NETWORK_MANAGEMENT_REQUEST, new HashMap<>(Map.of(11, "000001", 41, "TERM0005", 42, "MERCHANT0000003",
            60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_SIGN_ON))));
        assertEquals("00", output(0).getString(39));
    }

    /** TERM0005's request ({@code mti}, STAN 2, 30.00 CNY in batch 1, 60.1 = {@code type}) of card {@code card}, approved by issuer-a. */
    private Map<Integer, String> approvedOnPos(final int mti, final int card, final String processing, final int type)
    {
        final Map<Integer, String> request = new HashMap<>(Map.of(2, SwitchMessages.card("476173", card), 3, processing, 4, "000000003000",
            11, "000002", 14, "3012", 22, "021", 41, "TERM0005", 42, "MERCHANT0000003", 49, "156"));
        request.put(60, Field60.format(type, 1, 0).substring(0, 8));
        pos(mti, request);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, mti + 10, issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));
        return request;
    }

    /** A UnionPay POS void of {@code sale} with STAN {@code stan}, sent on {@link #POS_LINK}; returns the event's first output. */
    private MessageReader voidOf(final Map<Integer, String> sale, final int stan)
    {
        final Map<Integer, String> voided = new HashMap<>(sale);
        voided.put(3, "200000");
        voided.put(11, String.format("%06d", stan));
        voided.put(60, Field60.format(Field60.TYPE_VOID, 1, 0).substring(0, 8));
        voided.put(61, "000001" + sale.get(11));
        pos(Mti.FINANCIAL_REQUEST, voided);
        return output(0);
    }

    /** The answer the switch gave a void of {@code sale} with STAN {@code stan} itself, unforwarded. */
    private String refusedVoid(final Map<Integer, String> sale, final int stan)
    {
        final MessageReader answer = voidOf(sale, stan);
        assertEquals(POS_LINK, event.outputLinkId(0), "not forwarded");
        return answer.getString(39);
    }

    /** A message from a UnionPay POS terminal on {@link #POS_LINK} (listener 1), a millisecond after the last. */
    private void pos(final int mti, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        SwitchMessages.fill(setup, event, EventType.ACQUIRER_MESSAGE, now, POS_LINK, 1, setup.dialects().indexOf(UnionPayPos.DIALECT), mti, fields);
        handler.onEvent(event, sequence++, true);
    }

    /**
     * An issuer's answer with another RRN than its request went with is taken for another request's, unless the issuer is
     * set not to be matched on it (match-rrn = false: a host that puts its own reference in field 37).
     */
    @ParameterizedTest(name = "match-rrn {0}")
    @ValueSource(booleans = {true, false})
    void shouldTakeAnAnswerWithAnotherRrnOnlyFromAnIssuerNotMatchedOnIt(final boolean matchRrn)
    {
        final SwitchSetup s = setup;
        final List<SwitchSetup.Issuer> issuers = new ArrayList<>(s.issuers());
        final SwitchSetup.Issuer a = issuers.get(0);
        issuers.set(0, new SwitchSetup.Issuer(a.id(), a.institutionId(), a.timeout(), a.standIn(), a.floorLimit(), a.standInOnTimeOut(),
            a.echoInterval(), a.missedEchoes(), a.adviceWindow(), a.adviceShare(), a.mac(), a.maxInFlight(), matchRrn));
        use(new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), issuers, s.bins(), s.acceptors(), s.limits(), s.zone(), s.cutoff(),
            s.inFlightCapacity(), s.inFlightMaxFrame(), s.historyCapacity(), s.forgottenKeys(), s.adviceCapacity(), s.preAuthorizations(),
            s.posSales()));
        ready();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 1_000));
        final Map<Integer, String> approval = issuerAnswer(output(0), "00");
        approval.put(37, "ISSUERREF123");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approval);
        if (matchRrn)
        {
            assertEquals(0, event.outputCount(), "taken for another request's answer");
            assertEquals(1, handler.inFlight());
        }
        else
        {
            assertEquals(ACQUIRER_LINK, event.outputLinkId(0));
            assertEquals("00", output(0).getString(39), "relayed");
            assertEquals(0, handler.inFlight());
        }
    }

    /**
     * A time-out's 0420 carries the RRN its request went with, and an acknowledgement on its link and STAN with another
     * RRN is not its acknowledgement: a late 0430 of an earlier advice that went with the same STAN, before the
     * sequence came round. Taken for this one's, this reversal would never have been sent again.
     */
    @Test
    void shouldNotTakeAnAcknowledgementWithAnotherRrnForTheAdvicesOwn()
    {
        ready();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST,
            SwitchMessages.request(SwitchMessages.card("476173", 94), "000000", 1_000, now, 94));
        now += 6_000_000_000L;
        link(EventType.TICK, -1, -1);
        final List<MessageReader> sent = SwitchMessages.advices(setup, event);
        assertEquals(1, sent.size(), "the time-out's 0420");
        final Map<Integer, String> acknowledgement = SwitchMessages.issuerAnswer(sent.get(0), "00");
        acknowledgement.put(37, "633099000001");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.REVERSAL_ADVICE_RESPONSE, acknowledgement);
        assertEquals(1, handler.advicesPending(), "another advice's acknowledgement: still owed");
        acknowledgement.put(37, sent.get(0).getString(37));
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.REVERSAL_ADVICE_RESPONSE, acknowledgement);
        assertEquals(0, handler.advicesPending(), "its own");
    }

    /**
     * A reversal of a request still with its issuer finds the room for the 0420 its approval will owe kept since the
     * forward, however full the issuer's share is otherwise: 00, and the approval's 0420 queued, none lost. (Before
     * every forward kept it, such a reversal was answered 96 once the queue was full.)
     */
    @Test
    void shouldAcknowledgeAReversalOfARequestStillWithItsIssuerInTheRoomItsForwardKept()
    {
        use(withAdviceShare(2));
        ready();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST,
            SwitchMessages.request(SwitchMessages.card("476173", 91), "000000", 1_000, now, 91));
        now += 6_000_000_000L;
        link(EventType.TICK, -1, -1);
        assertEquals(1, handler.advicesPending(), "the time-out's 0420 takes half of issuer-a's share");
        now += 1_000_000L;
        final Map<Integer, String> purchase = SwitchMessages.request(SwitchMessages.card("476173", 92), "000000", 2_000, now, 92);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "forwarded, keeping the other half");
        final Map<Integer, String> approval = issuerAnswer(output(0), "00");
        now += 1_000_000L;
        final Map<Integer, String> reversal = SwitchMessages.request(purchase.get(2), "000000", 2_000, now, 93);
        reversal.put(90, "0200" + purchase.get(11) + purchase.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39));
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approval);
        assertEquals(2, handler.advicesPending(), "the approval's 0420, in the room its forward kept");
        assertEquals(0, handler.advicesLost());
    }

    /**
     * A reversal of a purchase still with its issuer, acknowledged 00; the advice queue then fills up, and the acquirer
     * repeats the reversal (0401), its 0410 lost: 00 again, as the purchase is reversed and nothing more is owed for it.
     * It got 96, which tells the acquirer the purchase was not reversed, though it was: the first reversal stands.
     */
    @Test
    void shouldAnswerARepeatOfAReversalOfARequestStillWithItsIssuerAsTheFirstWhenTheQueueIsFull()
    {
        final Map<Integer, String> purchase = request("000000", 2_000);
        final Map<Integer, String> reversal = reversalNaming("0200", purchase);
        reversedWithItsIssuer(2, purchase, reversal, "00");
        final Map<Integer, String> other = request("000000", 3_000);
        approveAtIssuer(other, "00");
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalNaming("0200", other));
        assertEquals("00", output(0).getString(39));
        assertEquals(1, handler.advicesPending(), "the queue is full: one 0420 queued, and the room kept for the purchase's");
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST + 1, reversal);
        assertEquals(ACQUIRER_LINK + "/00", event.outputLinkId(0) + "/" + output(0).getString(39), "the repeat, answered as the first");
    }

    /**
     * A reversal of a purchase still with its issuer is acknowledged 00 with room for the 0420 its approval will owe;
     * the room is kept for it. Another request that would take the last of it is answered 91, not forwarded, and the
     * purchase's approval, when it comes, has its 0420. The room was only looked at: another reversal took it, the
     * purchase's 0420 was lost (advicesLost) and its issuer kept an approval the acquirer had been told was reversed.
     */
    @Test
    void shouldKeepRoomForTheAdviceOwedForAReversalOfARequestStillWithItsIssuer()
    {
        final Map<Integer, String> purchase = request("000000", 2_000);
        final Map<Integer, String> approval = reversedWithItsIssuer(2, purchase, reversalNaming("0200", purchase), "00");
        final String forwardedStan = approval.get(11);
        final Map<Integer, String> first = request("000000", 3_000);
        approveAtIssuer(first, "00");
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalNaming("0200", first));
        assertEquals("00", output(0).getString(39), "room for its 0420 beside that kept");
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 4_000));
        final String second = event.outputLinkId(0) + "/" + output(0).getString(39);

        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, approval);
        assertEquals(0, handler.advicesLost(), "the purchase's 0420 lost: its issuer keeps an approval the acquirer was told is reversed");
        assertEquals(ACQUIRER_LINK + "/91", second, "the last room of issuer-a's share is the purchase's: another request is not forwarded");
        assertEquals(2, handler.advicesPending());
        final List<String> named = new java.util.ArrayList<>();
        for (int round = 0; round < 3 && handler.advicesPending() > 0; round++)
        {
            now += 11_000_000_000L; // past the repeat interval (twice issuer-a's time-out): each unacknowledged 0420 goes again
            link(EventType.TICK, -1, -1);
            for (int i = 0; i < event.outputCount(); i++)
            {
                final MessageReader out = output(i);
                if (event.outputLinkId(i) == ISSUER_LINK && out.mti() - out.mti() % 10 == Mti.REVERSAL_ADVICE)
                {
                    named.add(out.getString(90).substring(4, 10));
                }
            }
            acknowledgeAdvices();
        }
        assertTrue(named.contains(forwardedStan), "the purchase's 0420 reached its issuer: " + named);
        assertEquals(0, handler.advicesPending());
    }

    /**
     * The room kept for the 0420 of a request reversed while with its issuer is given back when none is owed (the
     * issuer declines it), and taken by the 0420 its time-out owes when no answer comes, whatever else filled the
     * queue meanwhile.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldGiveBackOrUseTheRoomKeptForAReversedRequestAsItsAnswerOrTimeOutComes(final boolean answered)
    {
        final Map<Integer, String> purchase = request("000000", 2_000);
        final Map<Integer, String> decline = reversedWithItsIssuer(1, purchase, reversalNaming("0200", purchase), "05");
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request("000000", 3_000));
        assertEquals(ACQUIRER_LINK + "/91", event.outputLinkId(0) + "/" + output(0).getString(39),
            "issuer-a's one room is kept for the purchase's 0420: another request is not forwarded");
        if (answered)
        {
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, decline);
            assertEquals(0, handler.advicesPending(), "declined: no 0420 owed");
            final Map<Integer, String> other = request("000000", 3_000);
            approveAtIssuer(other, "00");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalNaming("0200", other));
            assertEquals("00", output(0).getString(39), "the room given back: another request is forwarded, and its reversal acknowledged");
        }
        else
        {
            now += 6_000_000_000L; // past issuer-a's 5 s time-out
            link(EventType.TICK, -1, -1);
        }
        assertEquals(1, handler.advicesPending(), answered ? "the other's 0420" : "the time-out's 0420, in the room kept for it");
        assertEquals(0, handler.advicesLost());
    }

    /**
     * With an advice queue that gives each issuer {@code share}, {@code purchase} forwarded and, before its issuer
     * answers, reversed by {@code reversal}: 00. Returns the issuer's answer {@code code} to it, to come.
     */
    private Map<Integer, String> reversedWithItsIssuer(
        final int share, final Map<Integer, String> purchase, final Map<Integer, String> reversal, final String code)
    {
        use(withAdviceShare(share));
        ready();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "forwarded, and no answer yet");
        final Map<Integer, String> answer = issuerAnswer(output(0), code);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39), "room for the 0420 its approval would owe");
        return answer;
    }

    /** What the switch handler logs from now on, until the caller detaches it. */
    private static ListAppender<ILoggingEvent> switchLog()
    {
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger)LoggerFactory.getLogger(SwitchHandler.class)).addAppender(log);
        return log;
    }

    /**
     * The embedded defaults with an advice queue that gives each issuer a share of {@code share} advices: a small one
     * fills up when a test needs it full.
     */
    private SwitchSetup withAdviceShare(final int share)
    {
        final SwitchSetup s = setup;
        return new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), s.issuers(), s.bins(), s.acceptors(), s.limits(), s.zone(), s.cutoff(),
            s.inFlightCapacity(), s.inFlightMaxFrame(), s.historyCapacity(), s.forgottenKeys(), share * s.issuers().size(), s.preAuthorizations(),
            s.posSales());
    }

    private SwitchSetup withHistory(final int history)
    {
        return withHistory(history, setup.forgottenKeys());
    }

    private SwitchSetup withHistory(final int history, final int forgottenKeys)
    {
        final SwitchSetup s = setup;
        return new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), s.issuers(), s.bins(), s.acceptors(), s.limits(), s.zone(), s.cutoff(),
            s.inFlightCapacity(), s.inFlightMaxFrame(), history, forgottenKeys, s.adviceCapacity(), s.preAuthorizations(), s.posSales());
    }
}
