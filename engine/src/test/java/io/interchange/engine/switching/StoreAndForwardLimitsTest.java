package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.Field60;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.ring.EventType;

/**
 * Store and forward at its limits (DESIGN.md §4: every time-out gets an 0420 until 0430): the default advice queue
 * holds an 0420 for every request in flight; a stand-in is not made, nor a reversal acknowledged, when the advice
 * that must follow it has no room (nor a completion acknowledged: 96, and the repeat is taken as new once there is);
 * and the duplicate history keeps a stand-in whose own advice is still owed.
 */
class StoreAndForwardLimitsTest extends FedHandler
{
    /** A UnionPay POS link, beside FedHandler's ISO 8583:1987 one. */
    private static final int POS_LINK = 9;
    /** The RRN of the pre-authorization {@link #approvedHold} last made, as its issuer got it. */
    private String holdRrn;


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
        use(small(2));
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
        use(small(2));
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

        // Once issuer-a has its 0420s and acknowledges them, the acquirer's repeat (0401) of the refused one is taken as
        // new, not answered 96 again from the duplicate history.
        final Map<Integer, String> repeat = SwitchMessages.request(purchases[2].get(2), "000000", 2_002, now, stan);
        repeat.put(90, "0200" + purchases[2].get(11) + purchases[2].get(7) + "0".repeat(22));
        acknowledgeAdvices();
        assertEquals(0, handler.advicesPending());
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST + 1, repeat);
        assertEquals("00", output(0).getString(39), "the repeat reversed the sale");
        assertEquals(3, handler.batchTotals().debitReversalCount(setup.acceptors().terminalIndex("TERM0001")));
        assertEquals(1, handler.advicesPending(), "and its 0420 is owed");
    }

    /**
     * A completion (0220) whose advice cannot be queued is not acknowledged (96) and not counted in the terminal's
     * batch: acknowledged, clearing would settle it and the issuer never charge the card. Its repeat (0221), once
     * there is room, is.
     */
    @Test
    void shouldNotAcknowledgeACompletionWhoseAdviceCannotBeQueued()
    {
        use(small(2));
        ready();
        link(EventType.ISSUER_DOWN, ISSUER_LINK, 0);
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        final String[] codes = new String[3];
        Map<Integer, String> refused = null;
        for (int i = 0; i < 3; i++)
        {
            now += 1_000_000L;
            final Map<Integer, String> completion = SwitchMessages.request(SwitchMessages.card("476173", 500 + i), "000000", 3_000 + i, now, ++stan);
            completion.put(38, "AB1234");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
            codes[i] = output(0).getString(39);
            refused = completion;
        }
        assertEquals("[00, 00, 96]", Arrays.toString(codes));
        assertEquals(2, handler.batchTotals().debitCount(terminal), "only those acknowledged are counted");
        assertEquals(2, handler.advicesPending());
        assertEquals(0, handler.advicesLost());

        acknowledgeAdvices();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE + 1, refused);
        assertEquals("00", output(0).getString(39), "the repeat is acknowledged once there is room");
        assertEquals(3, handler.batchTotals().debitCount(terminal));
        assertEquals(1, handler.advicesPending(), "its 0220 owed");
    }

    /**
     * Stand-in on time-out with one advice slot: the time-out's 0420 takes it, so the switch does not stand in (91),
     * where it approved the request, counted it, and lost its 0220: the issuer would never have charged the card.
     */
    @Test
    void shouldNotStandInOnATimeOutWhenTheStandInsAdviceCannotBeQueued()
    {
        use(standInOnTimeOut(1));
        ready();
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST,
            SwitchMessages.request(SwitchMessages.card("476173", 600), "000000", 4_000, now, ++stan));
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "forwarded");
        now += 6_000_000_000L;
        link(EventType.TICK, -1, -1);
        String answer = "none";
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (event.outputLinkId(i) == ACQUIRER_LINK)
            {
                answer = output(i).getString(39);
            }
        }
        assertEquals("91", answer, "no stand-in without room for its 0220");
        assertEquals(0, handler.batchTotals().debitCount(setup.acceptors().terminalIndex("TERM0001")));
        assertEquals(1, handler.advicesPending(), "the time-out's 0420");
        assertEquals(0, handler.advicesLost());
    }

    /**
     * A UnionPay POS pre-authorization, coded 03 as POS terminals code it, that times out at an issuer allowing stand-in
     * on time-out is stood in for (an S authorization code), as it is while the issuer is down and as one coded 00 is:
     * the time-out read the terminal's 03 for something other than a pre-authorization and answered 91.
     */
    @Test
    void shouldStandInOnATimeOutForAUnionPayPreAuthorizationCoded03()
    {
        use(standInOnTimeOut(setup.adviceCapacity()));
        ready();
        final int cups = setup.dialects().indexOf(UnionPayPos.DIALECT);
        link(EventType.ACQUIRER_UP, POS_LINK, 1);
        pos(POS_LINK, cups, Mti.NETWORK_MANAGEMENT_REQUEST, new java.util.HashMap<>(Map.of(11, "000001", 41, "TERM0005", 42, "MERCHANT0000003",
            60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_SIGN_ON))));
        final Map<Integer, String> preAuth = new java.util.HashMap<>(Map.of(2, SwitchMessages.card("476173", 72), 3, "030000", 4, "000000004000",
            11, "000002", 14, "3012", 22, "021", 41, "TERM0005", 42, "MERCHANT0000003", 49, "156"));
        preAuth.put(60, Field60.format(Field60.TYPE_PRE_AUTH, 1, 0).substring(0, 8));
        pos(POS_LINK, cups, Mti.AUTHORIZATION_REQUEST, preAuth);
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "forwarded");
        assertEquals("000000", output(0).getString(3), "coded 00 for the issuer");
        now += 6_000_000_000L;
        link(EventType.TICK, -1, -1);
        String answer = "none";
        for (int i = 0; i < event.outputCount(); i++)
        {
            if (event.outputLinkId(i) == POS_LINK)
            {
                final MessageReader reader = SwitchMessages.output(setup, event, i);
                answer = reader.getString(39) + (reader.has(38) ? " " + reader.getString(38).charAt(0) : "");
            }
        }
        assertEquals("00 S", answer, "stood in for");
    }

    /**
     * A UnionPay POS terminal's batch-1 sale still with its issuer when the terminal goes on to batch 2 (its next sale
     * answered first): the late approval of the batch-1 sale clears, in no batch's totals, where it took the totals back
     * to batch 1 and left batch 2's sale behind, so that batch 2's 0500 would be out of balance by it.
     */
    @Test
    void shouldNotTakeATerminalsTotalsBackToABatchItHasLeftForALateApproval()
    {
        final int cups = signedOnWithShortHistory();
        final int terminal = setup.acceptors().terminalIndex("TERM0005");
        final Map<Integer, String> first = new java.util.HashMap<>(Map.of(2, SwitchMessages.card("476173", 73), 3, "000000", 4, "000000001000",
            11, "000002", 14, "3012", 22, "021", 41, "TERM0005", 42, "MERCHANT0000003", 49, "156"));
        first.put(60, Field60.format(Field60.TYPE_SALE, 1, 0).substring(0, 8));
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, first);
        final Map<Integer, String> toIssuerFirst = SwitchMessages.issuerAnswer(output(0), "00");
        final Map<Integer, String> second = new java.util.HashMap<>(first);
        second.put(2, SwitchMessages.card("476173", 74));
        second.put(4, "000000000700");
        second.put(11, "000003");
        second.put(60, Field60.format(Field60.TYPE_SALE, 2, 0).substring(0, 8));
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, second);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "batch 2's sale");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, toIssuerFirst);
        assertEquals("00", output(0).getString(39), "batch 1's sale, approved late");
        assertEquals(700, handler.batchTotals().debitAmount(terminal), "batch 2 holds its own sale alone");
        assertEquals(1, handler.batchTotals().debitCount(terminal));
    }

    /** The embedded defaults with stand-in on time-out at every issuer, and room for {@code adviceCapacity} advices. */
    private SwitchSetup standInOnTimeOut(final int adviceCapacity)
    {
        final List<SwitchSetup.Issuer> issuers = new ArrayList<>();
        for (final SwitchSetup.Issuer i : setup.issuers())
        {
            issuers.add(new SwitchSetup.Issuer(i.id(), i.institutionId(), i.timeout(), i.standIn(), i.floorLimit(), true, i.echoInterval(),
                i.missedEchoes(), i.adviceWindow(), i.adviceShare(), i.mac(), i.maxInFlight(), i.matchRrn()));
        }
        final SwitchSetup s = setup;
        return new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), issuers, s.bins(), s.acceptors(), s.limits(), s.zone(), s.cutoff(),
            s.inFlightCapacity(), s.inFlightMaxFrame(), s.historyCapacity(), s.forgottenKeys(), adviceCapacity, s.preAuthorizations(), s.posSales());
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
        use(new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), s.issuers(), s.bins(), s.acceptors(),
            s.limits(), s.zone(), s.cutoff(), s.inFlightCapacity(), s.inFlightMaxFrame(), 8, s.forgottenKeys(), s.adviceCapacity(),
            s.preAuthorizations(), s.posSales()));
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

    /**
     * A pre-authorization approved by issuer-a is completed (0220) once the history (8 entries here; 131,072 by default,
     * about a minute at 2,000 TPS) has moved on, as fuel, hotel and car-hire holds are, minutes to days later: the
     * 0220 issuer-a gets still names the hold in field 90 as issuer-a got it (the 0100, the switch's STAN and field 7,
     * the acquirer id), where it went without field 90 and issuer-a booked a second charge beside the hold.
     */
    @Test
    void shouldNameThePreAuthorizationInTheCompletionsAdviceAfterTheHistoryHasMovedOn()
    {
        use(history(8, setup.preAuthorizations()));
        ready();
        final Map<Integer, String> preAuth = SwitchMessages.request(SwitchMessages.card("476173", 700), "000000", 20_000, now, ++stan);
        final String asIssuerGotIt = approvedHold(preAuth);
        assertEquals(asIssuerGotIt, completionNames(preAuth, 16), "the completion's 0220 names the hold as issuer-a booked it");
    }

    /** The same for a pre-authorization the switch stood in for: the completion names the 0120 issuer-a was advised by. */
    @Test
    void shouldNameTheStoodInPreAuthorizationsAdviceInItsCompletionAfterTheHistoryHasMovedOn()
    {
        use(history(8, setup.preAuthorizations()));
        ready();
        link(EventType.ISSUER_DOWN, ISSUER_LINK, 0);
        final Map<Integer, String> preAuth = SwitchMessages.request(SwitchMessages.card("476173", 720), "000000", 4_000, now, ++stan);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuth);
        assertEquals("00", output(0).getString(39), "stood in");
        final List<MessageReader> advised = acknowledgeAdvices();
        assertEquals(1, advised.size());
        final MessageReader advice = advised.get(0);
        assertEquals(Mti.AUTHORIZATION_ADVICE, advice.mti(), "the stand-in's 0120");
        assertEquals("0120" + advice.getString(11) + advice.getString(7) + "00010000001" + "0".repeat(11), completionNames(preAuth, 16));
    }

    /**
     * Past a day's hundredth round of STANs the switch's RRN has a letter in its round (Rrn): the 0420 of a hold the
     * history has let go still names it by the RRN it went under, where the prefix kept with the hold was read as
     * digits, and the 0420 went without field 37. The rounds are set by hand: a hundred million STANs take hours.
     */
    @Test
    void shouldReverseAForgottenHoldUnderItsRrnPastTheHundredthRound() throws ReflectiveOperationException
    {
        use(history(8, setup.preAuthorizations()));
        ready();
        final Field day = SwitchHandler.class.getDeclaredField("stanDay");
        final Field rounds = SwitchHandler.class.getDeclaredField("stanRounds");
        day.setAccessible(true);
        rounds.setAccessible(true);
        day.setInt(handler, EventClock.yearDay(now));
        rounds.setInt(handler, 100);
        final Map<Integer, String> preAuth = SwitchMessages.request(SwitchMessages.card("476173", 760), "000000", 20_000, now, ++stan);
        approvedHold(preAuth);
        assertEquals("A0", holdRrn.substring(4, 6), "the hundred and first round");
        approvedSales(16);
        now += 1_000_000_000L;
        final Map<Integer, String> reversal = SwitchMessages.request(preAuth.get(2), "000000", 20_000, now, ++stan);
        reversal.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        final MessageReader advice = SwitchMessages.advices(setup, event).get(0);
        assertEquals(holdRrn, advice.has(37) ? advice.getString(37) : "no field 37", "the 0420 of a forgotten hold names it by its RRN");
    }

    /**
     * The terminal lets a hold go (0400 naming the 0100) once the history has moved on: issuer-a gets an 0420 naming
     * the hold as it got it, and releases it; the acquirer gets 00. It was answered 25, and the cardholder's funds
     * stayed held. A repeat of the reversal is answered 00 and passes nothing on again.
     */
    @Test
    void shouldReverseAPreAuthorizationTheHistoryHasForgottenAtItsIssuer()
    {
        use(history(8, setup.preAuthorizations()));
        ready();
        final Map<Integer, String> preAuth = SwitchMessages.request(SwitchMessages.card("476173", 760), "000000", 20_000, now, ++stan);
        final String asIssuerGotIt = approvedHold(preAuth);
        approvedSales(16);

        now += 1_000_000_000L;
        final Map<Integer, String> reversal = SwitchMessages.request(preAuth.get(2), "000000", 20_000, now, ++stan);
        reversal.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39), "reversed, where it was 25");
        final List<MessageReader> advices = SwitchMessages.advices(setup, event);
        assertEquals(1, advices.size());
        final MessageReader advice = advices.get(0);
        assertEquals(Mti.REVERSAL_ADVICE, advice.mti());
        assertEquals(asIssuerGotIt, advice.getString(90), "the 0420 names the hold as issuer-a got it");
        assertEquals(holdRrn, advice.getString(37), "under the RRN issuer-a got it with, as an 0420 from the history carries it");
        assertEquals(preAuth.get(2), advice.getString(2));
        assertEquals("000000020000", advice.getString(4));
        assertEquals("06", advice.getString(39));
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.REVERSAL_ADVICE_RESPONSE, SwitchMessages.issuerAnswer(advice, "00"));
        assertEquals(0, handler.advicesPending());

        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST + 1, reversal);
        assertEquals("00", output(0).getString(39), "the repeat");
        assertEquals(0, handler.advicesPending(), "passes nothing on again");
        assertEquals(List.of(), SwitchMessages.advices(setup, event));
    }

    /**
     * A UnionPay POS void of a sale the duplicate history has forgotten is checked against what limits.pos-sales kept of
     * it: 13 for another amount, 12 for a completion void (60.1 = 21), forwarded for the sale's, voidable again once its
     * issuer declined the void, and 12 once a void stands. Without the kept sale every such void was 25, and the
     * merchant could only refund.
     */
    @Test
    void shouldCheckAUnionPayVoidOfASaleTheHistoryHasForgottenAgainstTheKeptSale()
    {
        final int cups = signedOnWithShortHistory();
        final Map<Integer, String> sale = approvedThenForgotten(cups, Mti.FINANCIAL_REQUEST, Field60.TYPE_SALE, 71, "000000002500", "000007");

        final Map<Integer, String> voided = new java.util.HashMap<>(sale);
        voided.put(3, "200000");
        voided.put(60, Field60.format(Field60.TYPE_VOID, 1, 0).substring(0, 8));
        voided.put(61, "000001" + "000007");
        voided.put(4, "000000002000");
        voided.put(11, "000008");
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, voided);
        assertEquals("13", output(0).getString(39), "not the sale's amount");
        voided.put(4, sale.get(4));
        voided.put(11, "000012");
        voided.put(60, Field60.format(Field60.TYPE_COMPLETION_VOID, 1, 0).substring(0, 8));
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, voided);
        assertEquals(POS_LINK, event.outputLinkId(0), "not forwarded");
        assertEquals("12", output(0).getString(39), "a completion void of a sale");
        voided.put(60, Field60.format(Field60.TYPE_VOID, 1, 0).substring(0, 8));
        voided.put(11, "000009");
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, voided);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "05"));
        assertEquals("05", output(0).getString(39), "the void went to the issuer, which declined it");
        voided.put(11, "000010");
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, voided);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "voided");
        assertEquals(0, handler.batchTotals().netAmount(setup.acceptors().terminalIndex("TERM0005")), "the void took the sale out of the batch");
        voided.put(11, "000011");
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, voided);
        assertEquals("12", output(0).getString(39), "voided already");
    }

    /**
     * A UnionPay POS completion void (60.1 = 21) of a completion the history has forgotten, as its hold, approved by the
     * issuer: the batch takes the completion out, and the hold is the terminal's to complete again, as it is for a
     * completion the history holds. The kept completion did not know its hold, which stayed completed: 12 to every
     * completion of it, though the issuer had given the first one back. A sale's void (23) of it is 12, not forwarded.
     */
    @Test
    void shouldLetAHoldBeCompletedAgainOnceItsForgottenCompletionIsVoided()
    {
        final int cups = signedOnWithShortHistory();
        final Map<Integer, String> preAuth = heldAndCompleted(cups, 72);
        approvedSales(16);
        assertEquals("12", posCompletion(cups, preAuth, "000014"), "the hold and its completion forgotten, the hold completed all the same");

        final Map<Integer, String> voided = new java.util.HashMap<>(preAuth);
        voided.put(3, "200000");
        voided.put(4, "000000004500");
        voided.put(11, "000015");
        voided.put(60, Field60.format(Field60.TYPE_VOID, 1, 0).substring(0, 8));
        voided.put(61, "000001" + "000013");
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, voided);
        assertEquals(POS_LINK, event.outputLinkId(0), "not forwarded");
        assertEquals("12", output(0).getString(39), "a sale's void of a completion");
        voided.put(11, "000017");
        voided.put(60, Field60.format(Field60.TYPE_COMPLETION_VOID, 1, 0).substring(0, 8));
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, voided);
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "checked against the kept completion, and forwarded");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "voided");
        final int terminal = setup.acceptors().terminalIndex("TERM0005");
        assertEquals(List.of(1L, 4_500L, 1L, 4_500L), List.of(handler.batchTotals().debitCount(terminal), handler.batchTotals().debitAmount(terminal),
            handler.batchTotals().debitReversalCount(terminal), handler.batchTotals().debitReversalAmount(terminal)), "the completion and its void");
        assertEquals("00", posCompletion(cups, preAuth, "000016"), "the completion voided, the hold is the terminal's to complete again");
    }

    /**
     * A UnionPay POS completion void (60.1 = 21) approved gives its hold back; the history forgets the completion and the
     * void, both kept beyond it (limits.pos-sales, 2 here), and a later sale lets the completion go from there, the void
     * still kept. The terminal's reversal of the void (its answer never got) makes the completion stand again at its
     * issuer (00, an 0420 naming the void): the hold is taken again, and a second completion of it is 12. With the
     * completion let go, the kept void did not know the hold, which stayed free: the second completion was approved,
     * the cardholder charged for both.
     */
    @Test
    void shouldTakeAHoldAgainWhenAKeptCompletionVoidIsReversedAfterItsCompletionWasLetGo()
    {
        use(history(8, setup.preAuthorizations(), 2));
        final int cups = signedOnHere();
        final Map<Integer, String> preAuth = heldAndCompleted(cups, 75);
        final Map<Integer, String> voided = completionVoid(preAuth);
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, voided);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "the completion voided, its hold given back");
        approvedSales(16);
        approvedThenForgotten(cups, Mti.FINANCIAL_REQUEST, Field60.TYPE_SALE, 76, "000000001000", "000016");

        final Map<Integer, String> reversal = new java.util.HashMap<>(voided);
        reversal.put(39, "98");
        pos(POS_LINK, cups, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39), "the void reversed");
        final List<MessageReader> advices = SwitchMessages.advices(setup, event);
        assertEquals(1, advices.size(), "an 0420 of the void: the completion stands again at the issuer");
        assertEquals("12", posCompletion(cups, preAuth, "000017"), "the hold completed again, by the completion the reversal made stand");
    }

    /**
     * As above, but the completion void is still in the history when a later sale, leaving the history, lets its kept
     * completion go (limits.pos-sales of 1): the void's reversal makes the completion stand again at the issuer, so the
     * hold is taken again, through the void, and a second completion of it is 12. The void found its completion's slot
     * another sale's, did nothing, and the second completion was approved: the cardholder charged for both.
     */
    @Test
    void shouldTakeAHoldAgainWhenACompletionVoidInTheHistoryIsReversedAfterItsKeptCompletionWasLetGo()
    {
        use(history(8, setup.preAuthorizations(), 1));
        final int cups = signedOnHere();
        final Map<Integer, String> preAuth = heldAndCompleted(cups, 77);
        approvedSales(1);
        final Map<Integer, String> sale = new java.util.HashMap<>(Map.of(2, SwitchMessages.card("476173", 78), 3, "000000", 4, "000000001000",
            11, "000014", 14, "3012", 22, "021", 41, "TERM0005", 42, "MERCHANT0000003", 49, "156"));
        sale.put(60, Field60.format(Field60.TYPE_SALE, 1, 0).substring(0, 8));
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, sale);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "a sale after the completion");
        approvedSales(5);
        final Map<Integer, String> voided = completionVoid(preAuth);
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, voided);
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "checked against the kept completion, and forwarded");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "the completion voided, its hold given back");
        // The sale leaves the history and takes the completion's place in the kept sales; the void stays in the history.
        approvedSales(2);

        final Map<Integer, String> reversal = new java.util.HashMap<>(voided);
        reversal.put(39, "98");
        pos(POS_LINK, cups, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39), "the void reversed");
        assertEquals(1, SwitchMessages.advices(setup, event).size(), "an 0420 of the void: the completion stands again at the issuer");
        assertEquals("12", posCompletion(cups, preAuth, "000017"), "the hold completed again, by the completion the reversal made stand");
    }

    /**
     * A UnionPay POS pre-authorization in a batch before the one its terminal's totals count (a terminal set up again,
     * numbering from batch 1 while its old batch 57 was never settled), sent again once the history has forgotten it,
     * is forwarded as new: the 0500s and sales of batches before the counted one close nothing the switch can count, so
     * a hold kept of such a batch would answer for its key across any number of set-ups, and a later set-up's new
     * pre-authorization of the same card and amount would be told its funds were held, never reaching its issuer.
     */
    @Test
    void shouldForwardAPreAuthorizationOfABatchBeforeTheCountedOneSentAgainOnceForgotten()
    {
        final int cups = signedOnWithShortHistory();
        final Map<Integer, String> sale = new java.util.HashMap<>(Map.of(2, SwitchMessages.card("476173", 79), 3, "000000", 4, "000000001000",
            11, "000030", 14, "3012", 22, "021", 41, "TERM0005", 42, "MERCHANT0000003", 49, "156"));
        sale.put(60, Field60.format(Field60.TYPE_SALE, 57, 0).substring(0, 8));
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, sale);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "batch 57's sale, counted");
        final Map<Integer, String> preAuth = approvedThenForgotten(cups, Mti.AUTHORIZATION_REQUEST, Field60.TYPE_PRE_AUTH, 80, "000000005000", "000002");

        pos(POS_LINK, cups, Mti.AUTHORIZATION_REQUEST, preAuth);
        assertEquals(ISSUER_LINK, event.outputLinkId(0), "batch 1 is before the counted 57: a new pre-authorization, forwarded");
    }

    /**
     * A UnionPay POS pre-authorization void (0100 coded 20, 60.1 = 11) is made with the card at the terminal, swiped: its
     * card number is in track 2 alone. Of a hold the history has forgotten it releases the hold by an 0420 that names it
     * as its issuer got it, the card number from track 2 and coded 00 as the hold was. It was answered 25 (no field 2, so
     * no 0420 could be built) and the funds stayed held; and a void with a field 2 had its 0420 coded 20, a refund's code.
     */
    @Test
    void shouldReleaseAForgottenHoldForASwipedUnionPayPreAuthorizationVoidCodedAsTheHoldWas()
    {
        final int cups = signedOnWithShortHistory();
        final Map<Integer, String> preAuth = approvedThenForgotten(cups, Mti.AUTHORIZATION_REQUEST, Field60.TYPE_PRE_AUTH, 74, "000000005000", "000020");

        final Map<Integer, String> voided = new java.util.HashMap<>(preAuth);
        voided.remove(2);
        voided.put(35, preAuth.get(2) + "=30122010000000000");
        voided.put(3, "200000");
        voided.put(11, "000021");
        voided.put(60, Field60.format(Field60.TYPE_PRE_AUTH_VOID, 1, 0).substring(0, 8));
        voided.put(61, "000001" + "000020");
        pos(POS_LINK, cups, Mti.AUTHORIZATION_REQUEST, voided);
        assertEquals("00", output(0).getString(39), "the hold released");
        final List<MessageReader> advices = SwitchMessages.advices(setup, event);
        assertEquals(1, advices.size(), "its 0420");
        final MessageReader advice = advices.get(0);
        assertEquals(List.of(Mti.REVERSAL_ADVICE, "0100", preAuth.get(2), "000000"),
            List.of(advice.mti(), advice.getString(90).substring(0, 4), advice.getString(2), advice.getString(3)));
    }

    /**
     * A UnionPay POS pre-authorization of TERM0005 (STAN 12, batch 1, card {@code card} under 476173) approved, then
     * completed (STAN 13), the completion's 0220 acknowledged, or the history would keep the completion for its advice;
     * returns the pre-authorization's fields.
     */
    private Map<Integer, String> heldAndCompleted(final int cups, final int card)
    {
        final Map<Integer, String> preAuth = new java.util.HashMap<>(Map.of(2, SwitchMessages.card("476173", card), 3, "030000",
            4, "000000005000", 11, "000012", 14, "3012", 22, "021", 41, "TERM0005", 42, "MERCHANT0000003", 49, "156"));
        preAuth.put(60, Field60.format(Field60.TYPE_PRE_AUTH, 1, 0).substring(0, 8));
        pos(POS_LINK, cups, Mti.AUTHORIZATION_REQUEST, preAuth);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.AUTHORIZATION_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "held");
        assertEquals("00", posCompletion(cups, preAuth, "000013"), "completed");
        final List<MessageReader> advised = SwitchMessages.advices(setup, event);
        assertEquals(1, advised.size(), "the completion's 0220");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_ADVICE_RESPONSE, SwitchMessages.issuerAnswer(advised.get(0), "00"));
        return preAuth;
    }

    /** A UnionPay POS completion void (60.1 = 21, STAN 15) of {@link #heldAndCompleted}'s completion (STAN 13) of {@code preAuth}. */
    private static Map<Integer, String> completionVoid(final Map<Integer, String> preAuth)
    {
        final Map<Integer, String> voided = new java.util.HashMap<>(preAuth);
        voided.put(3, "200000");
        voided.put(4, "000000004500");
        voided.put(11, "000015");
        voided.put(60, Field60.format(Field60.TYPE_COMPLETION_VOID, 1, 0).substring(0, 8));
        voided.put(61, "000001" + "000013");
        return voided;
    }

    /** A UnionPay POS completion asked for online (0200, 60.1 = 20) of {@code preAuth} for 45.00, with STAN {@code stan}: the answer it got. */
    private String posCompletion(final int cups, final Map<Integer, String> preAuth, final String stan)
    {
        final Map<Integer, String> completion = new java.util.HashMap<>(preAuth);
        completion.put(3, "000000");
        completion.put(4, "000000004500");
        completion.put(11, stan);
        completion.put(38, "AB1234");
        completion.put(60, Field60.format(Field60.TYPE_COMPLETION, 1, 0).substring(0, 8));
        completion.put(61, "000001" + preAuth.get(11));
        pos(POS_LINK, cups, Mti.FINANCIAL_REQUEST, completion);
        assertEquals(POS_LINK, event.outputLinkId(0), "answered by the switch");
        return output(0).getString(39);
    }

    /**
     * A UnionPay POS key is the terminal's STAN and batch, which a terminal set up again starts afresh, and
     * PreAuthorizations keeps such keys for days. A reversal of a sale (60.1 = 22) the switch never received, on another
     * card and amount, whose key is that of a hold long forgotten by the history, does not release that hold: 25, and
     * nothing goes to the issuer. It got 00, and issuer-a an 0420 naming the other card's 0100.
     */
    @Test
    void shouldNotReleaseAForgottenHoldForAReversalOfASaleWithTheSameKey()
    {
        final int cups = signedOnWithShortHistory();
        approvedThenForgotten(cups, Mti.AUTHORIZATION_REQUEST, Field60.TYPE_PRE_AUTH, 61, "000000020000", "000005");

        // The terminal, set up again, starts at batch 1, STAN 5 once more; its sale never reached the switch, and it reverses it.
        final Map<Integer, String> reversal = new java.util.HashMap<>(Map.of(2, SwitchMessages.card("476173", 62), 3, "000000", 4, "000000001500",
            11, "000005", 22, "021", 41, "TERM0005", 42, "MERCHANT0000003", 49, "156", 39, "98"));
        reversal.put(60, Field60.format(Field60.TYPE_SALE, 1, 0).substring(0, 8));
        pos(POS_LINK, cups, Mti.REVERSAL_REQUEST, reversal);
        final String answered = output(0).getString(39);
        final List<MessageReader> advices = SwitchMessages.advices(setup, event);
        assertEquals("25 and no 0420", answered + (advices.isEmpty() ? " and no 0420" : " and an 0420 naming " + advices.get(0).getString(90)));
    }

    /**
     * A completion, then a reversal, that name a forgotten hold by its key but come with another card do not name it
     * in their 0220 nor release it: the key is the acquirer's, and comes round (a POS terminal set up again), the card is
     * the cardholder's. The hold's own card still releases it afterwards.
     */
    @Test
    void shouldNotNameNorReleaseAForgottenHoldForAnotherCard()
    {
        use(history(8, setup.preAuthorizations()));
        ready();
        final Map<Integer, String> preAuth = SwitchMessages.request(SwitchMessages.card("476173", 780), "000000", 20_000, now, ++stan);
        final String asIssuerGotIt = approvedHold(preAuth);
        final String otherCard = SwitchMessages.card("476173", 781);
        assertEquals("no field 90", completionNames(preAuth, otherCard, 16), "another card's completion names no hold");

        final Map<Integer, String> reversal = SwitchMessages.request(otherCard, "000000", 20_000, now, ++stan);
        reversal.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("25", output(0).getString(39), "another card's reversal releases no hold");
        assertEquals(List.of(), SwitchMessages.advices(setup, event));

        reversal.put(2, preAuth.get(2));
        reversal.put(11, String.format("%06d", ++stan));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39), "the hold's own card releases it");
        final List<MessageReader> advices = SwitchMessages.advices(setup, event);
        assertEquals(1, advices.size());
        assertEquals(asIssuerGotIt, advices.get(0).getString(90));
    }

    private void pos(final int link, final int dialect, final int mti, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        SwitchMessages.fill(setup, event, EventType.ACQUIRER_MESSAGE, now, link, 1, dialect, mti, fields);
        handler.onEvent(event, sequence++, true);
    }

    /** With {@code limits.pre-authorizations = 0} nothing is kept beyond the history: the 0220 goes without field 90, as before. */
    @Test
    void shouldKeepNoPreAuthorizationBeyondTheHistoryWhenToldToKeepNone()
    {
        use(history(8, 0));
        ready();
        final Map<Integer, String> preAuth = SwitchMessages.request(SwitchMessages.card("476173", 740), "000000", 20_000, now, ++stan);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuth);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.AUTHORIZATION_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));
        assertEquals("no field 90", completionNames(preAuth, 8));
    }

    /**
     * {@code sales} approved sales on other cards (so the history forgets the pre-authorization), then the completion of
     * {@code preAuth} for less; returns the field 90 of the 0220 it owes issuer-a.
     */
    private String completionNames(final Map<Integer, String> preAuth, final int sales)
    {
        return completionNames(preAuth, preAuth.get(2), sales);
    }

    /** The same, the completion made on {@code card}. */
    private String completionNames(final Map<Integer, String> preAuth, final String card, final int sales)
    {
        approvedSales(sales);
        now += 1_000_000_000L;
        final Map<Integer, String> completion = SwitchMessages.request(card, "000000", 3_000, now, ++stan);
        completion.put(38, "AB1234");
        completion.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
        assertEquals("00", output(0).getString(39), "acknowledged");
        for (final MessageReader advice : SwitchMessages.advices(setup, event))
        {
            if (advice.mti() == Mti.FINANCIAL_ADVICE)
            {
                return advice.has(90) ? advice.getString(90) : "no field 90";
            }
        }
        return "no 0220 sent";
    }

    /** Sends the pre-authorization, which issuer-a approves; returns its field 90 as issuer-a got it (MTI, STAN, field 7, acquirer). */
    private String approvedHold(final Map<Integer, String> preAuth)
    {
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_REQUEST, preAuth);
        final MessageReader forwarded = output(0);
        final String asIssuerGotIt = "0100" + forwarded.getString(11) + forwarded.getString(7) + "00010000001" + "0".repeat(11);
        holdRrn = forwarded.getString(37);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.AUTHORIZATION_RESPONSE, SwitchMessages.issuerAnswer(forwarded, "00"));
        assertEquals("00", output(0).getString(39));
        return asIssuerGotIt;
    }

    /** {@code sales} approved sales on cards of their own, a second apart: what makes a small history forget. */
    private void approvedSales(final int sales)
    {
        for (int i = 0; i < sales; i++)
        {
            now += 1_000_000_000L;
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST,
                SwitchMessages.request(SwitchMessages.card("476173", 800 + i), "000000", 1_000, now, ++stan));
            message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        }
    }

    /**
     * A UnionPay POS request of TERM0005 in batch 1 (60.1 {@code type}) with card {@code card} under 476173, approved by
     * its issuer, then pushed out of the history by 16 sales; returns its fields.
     */
    private Map<Integer, String> approvedThenForgotten(final int cups, final int mti, final int type, final int card, final String amount, final String stan)
    {
        final Map<Integer, String> request = new java.util.HashMap<>(Map.of(2, SwitchMessages.card("476173", card), 3, "000000", 4, amount,
            11, stan, 14, "3012", 22, "021", 41, "TERM0005", 42, "MERCHANT0000003", 49, "156"));
        request.put(60, Field60.format(type, 1, 0).substring(0, 8));
        pos(POS_LINK, cups, mti, request);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.responseTo(mti), SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "approved");
        approvedSales(16);
        return request;
    }

    /**
     * The handler with a history of 8 requests, and TERM0005 signed on on UnionPay POS link {@link #POS_LINK}; returns
     * the POS dialect's id.
     */
    private int signedOnWithShortHistory()
    {
        use(history(8, setup.preAuthorizations()));
        return signedOnHere();
    }

    /** Issuer-a and an ISO 8583:1987 acquirer ready, and TERM0005 signed on on {@link #POS_LINK}, with the handler in use; returns the POS dialect's id. */
    private int signedOnHere()
    {
        ready();
        final int cups = setup.dialects().indexOf(UnionPayPos.DIALECT);
        link(EventType.ACQUIRER_UP, POS_LINK, 1);
        pos(POS_LINK, cups, Mti.NETWORK_MANAGEMENT_REQUEST, new java.util.HashMap<>(Map.of(11, "000001", 41, "TERM0005", 42, "MERCHANT0000003",
            60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_SIGN_ON))));
        assertEquals("00", output(0).getString(39), "TERM0005 signed on");
        return cups;
    }

    private SwitchSetup history(final int capacity, final int preAuthorizations)
    {
        return history(capacity, preAuthorizations, setup.posSales());
    }

    private SwitchSetup history(final int capacity, final int preAuthorizations, final int posSales)
    {
        final SwitchSetup s = setup;
        return new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), s.issuers(), s.bins(), s.acceptors(), s.limits(), s.zone(),
            s.cutoff(), s.inFlightCapacity(), s.inFlightMaxFrame(), capacity, s.forgottenKeys(), s.adviceCapacity(), preAuthorizations, posSales);
    }

    /** Issuer-a signs on again (if it was down) and acknowledges every advice it is sent, until none is owed; returns them. */
    private List<MessageReader> acknowledgeAdvices()
    {
        final List<MessageReader> advised = new ArrayList<>();
        link(EventType.ISSUER_UP, ISSUER_LINK, 0);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, Mti.NETWORK_MANAGEMENT_RESPONSE,
            Map.of(7, "1126100000", 11, output(0).getString(11), 39, "00", 70, "001"));
        for (int round = 0; round < 10 && handler.advicesPending() > 0; round++)
        {
            if (round > 0)
            {
                now += 1_000_000_000L;
                link(EventType.TICK, -1, -1);
            }
            for (final MessageReader advice : SwitchMessages.advices(setup, event))
            {
                advised.add(advice);
                message(EventType.ISSUER_MESSAGE, ISSUER_LINK, 0, advice.mti() / 10 * 10 + 10, SwitchMessages.issuerAnswer(advice, "00"));
            }
        }
        return advised;
    }

    /** The embedded defaults with an advice queue that gives each issuer a share of {@code share} advices. */
    private SwitchSetup small(final int share)
    {
        final SwitchSetup s = setup;
        return new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), s.issuers(), s.bins(), s.acceptors(),
            s.limits(), s.zone(), s.cutoff(), s.inFlightCapacity(), s.inFlightMaxFrame(), s.historyCapacity(), s.forgottenKeys(),
            share * s.issuers().size(), s.preAuthorizations(), s.posSales());
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
