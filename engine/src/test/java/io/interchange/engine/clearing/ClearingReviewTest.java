package io.interchange.engine.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchMessages;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.engine.switching.Decision;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalWriter;

/**
 * Review of clearing's money logic: scenarios driven through the switch handler with event time, journaled, then cleared.
 * Business day 26 Nov 2026 closes at 23:00 UTC (the default cutoff).
 */
class ClearingReviewTest
{
    private static final int ACQUIRER_LINK = 7;
    private static final int POS_LINK = 9;
    private static final int[] ISSUER_LINKS = {40, 50};
    private static final String[] BINS = {"476173", "622848"};
    private static final LocalDate DAY_1 = LocalDate.of(2026, 11, 26);
    private static final LocalDate DAY_2 = LocalDate.of(2026, 11, 27);

    private final SwitchSetup setup = SwitchNode.setup(SwitchConfig.defaults(), Dialects.all());
    private final int iso87b = setup.dialects().indexOf(Dialects.byName("iso87b"));
    private final SwitchEvent event = new SwitchEvent(8_192, 32_768, setup.dialects());
    private long now = Instant.parse("2026-11-26T22:58:00Z").getEpochSecond() * 1_000_000_000L;
    private long sequence;
    private int stan;
    private SwitchHandler handler;
    private JournalWriter writer;
    private List<MessageReader> sentAfterReversal = List.of();
    // Journal each decision as a switch did before a forward kept its time-out and a reversal the approval it undid: 16 bytes.
    private boolean journalBeforeReversalsNamed;

    private SwitchConfig start(final Path dir)
    {
        return start(dir, setup.historyCapacity());
    }

    /** With a duplicate history of {@code history} requests: a small one forgets what a test needs forgotten. */
    private SwitchConfig start(final Path dir, final int history)
    {
        return start(dir, history, setup.preAuthorizations());
    }

    /** As {@link #start(Path, int)}, keeping at most {@code holds} pre-authorizations beyond the history: 0 forgets them with it. */
    private SwitchConfig start(final Path dir, final int history, final int holds)
    {
        return start(dir, history, holds, setup.posSales());
    }

    /** As {@link #start(Path, int, int)}, keeping at most {@code posSales} UnionPay POS sales beyond the history: 0 forgets them with it. */
    private SwitchConfig start(final Path dir, final int history, final int holds, final int posSales)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final SwitchSetup s = setup;
        handler = SwitchNode.handler(config, new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), s.issuers(), s.bins(), s.acceptors(),
            s.limits(), s.zone(), s.cutoff(), s.inFlightCapacity(), s.inFlightMaxFrame(), history, s.forgottenKeys(), s.adviceCapacity(),
            holds, posSales));
        writer = new JournalWriter(SwitchNode.journalConfig(config));
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126225800", 11, "000001", 70, "001"));
        signOn(0);
        return config;
    }

    /**
     * A purchase approved at 22:59 on 26 Nov (business day 26 Nov, cutoff 23:00 UTC), voided by the terminal (0400) at
     * 23:01, business day 27 Nov. The switch answers 00 and sends issuer-a an 0420: the cardholder gets the money back,
     * so day 2 books it back from the merchant and the acquirer to issuer-a, as a refund would be. Day 2 once booked
     * nothing, and the issuer's and acquirer's positions stayed 100.00 apart for good.
     */
    @Test
    void reversalOnTheNextBusinessDayOfAPurchaseOfTheDayBefore(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        final Map<Integer, String> purchase = approvedThenReversedNextDay(Mti.FINANCIAL_REQUEST, card(0, 1), 10_000, reversal -> { });
        assertEquals(List.of(Mti.REVERSAL_ADVICE), sentAfterReversal.stream().map(MessageReader::mti).toList(), "and issuer-a is told: 0420");

        final DayReader.Day first = DayReader.read(config, DAY_1);
        final Settlement.Result firstSettled = Settlement.settle(config, DAY_1, first.transactions());
        final DayReader.Day second = DayReader.read(config, DAY_2);
        final Settlement.Result secondSettled = Settlement.settle(config, DAY_2, second.transactions());
        assertEquals(TransactionState.APPROVED, first.transactions().state(0), "on its own day the sale stood, and settled");
        assertEquals(10_000, net(firstSettled));
        assertEquals(-10_000, net(secondSettled), "booked back on day 2");
        assertEquals(1, second.transactions().size());
        assertEquals(TransactionState.REVERSAL_OF_EARLIER_DAY, second.transactions().state(0));
        assertEquals("issuer-a", second.transactions().issuer(0));
        final Settlement.Position issuerA = secondSettled.positions().stream().filter(p -> p.institution().startsWith("issuer-a")).findFirst()
            .orElseThrow();
        assertEquals(10_000, issuerA.credits(), "issuer-a is paid back what it paid on day 1");
        assertEquals(0, issuerA.debits());
        assertEquals(0, secondSettled.positions().stream().mapToLong(Settlement.Position::net).sum(), "net positions sum to zero");
        assertEquals(List.of(ClearingExceptionItem.Kind.REVERSAL_OF_EARLIER_DAY), second.exceptions().stream().map(ClearingExceptionItem::kind).toList(),
            "day 2 says the merchant was paid on day 1 for a sale the issuer has given back");
        final ClearingExceptionItem reversed = second.exceptions().get(0);
        assertEquals("TERM0001", reversed.terminal());
        assertEquals(String.format("%06d", stan), reversed.stan(), "the reversal's own STAN");
        assertEquals(10_000, reversed.amount());
        assertEquals("840", reversed.currency());
        assertEquals("00", reversed.responseCode());
        assertTrue(reversed.maskedPan().isEmpty() || reversed.maskedPan().contains("*"), "never a clear PAN: " + reversed.maskedPan());
        assertTrue(reversed.detail().contains("0200 STAN " + purchase.get(11)), reversed.detail());
    }

    /**
     * Day 2's reversal of day 1's purchase of 100.00 USD gives neither amount, currency nor processing code: the switch
     * reverses the purchase at issuer-a (its 0420 carries the purchase's amount and currency), and day 2 books what
     * issuer-a was told, 100.00 USD back to the card, not (without field 3) a second sale.
     */
    @Test
    void reversalOfAnEarlierDayIsBookedAsTheIssuerWasToldWhateverItsOwnFieldsSay(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        approvedThenReversedNextDay(Mti.FINANCIAL_REQUEST, card(0, 4), 10_000, reversal ->
        {
            reversal.remove(4);
            reversal.remove(49);
            reversal.remove(3);
        });
        final MessageReader told = sentAfterReversal.get(0);
        assertEquals("000000010000/840", told.getString(4) + "/" + told.getString(49), "what issuer-a is told");
        final DayReader.Day second = DayReader.read(config, DAY_2);
        assertEquals(1, second.transactions().size());
        assertEquals("840", second.transactions().currency(0));
        assertEquals(10_000, second.transactions().amount(0));
        assertTrue(second.transactions().isCredit(0), "money back to the card");
        assertEquals(-10_000, net(Settlement.settle(config, DAY_2, second.transactions())));
    }

    /**
     * A purchase that waited past limits.request-deadline (5 s) before the switch took it up is answered 91 unasked, and
     * forgotten. Clearing has it as a decline, and its terminal's reversal, which the switch answers 25 (it forgot it),
     * is no exception: its issuer never had it, so nothing was charged, and an operator has nothing to settle by hand.
     */
    @Test
    void requestAnswered91PastItsDeadlineIsADeclineAndItsReversalNoException(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        final Map<Integer, String> late = request(card(0, 7), 3_000);
        try
        {
            now += 1_000_000L;
            SwitchMessages.fill(setup, event, EventType.ACQUIRER_MESSAGE, now, ACQUIRER_LINK, 0, iso87b, Mti.FINANCIAL_REQUEST, late);
            event.waitMicros(6_000_000);
            handle();
            assertEquals("91", output(0).getString(39));
            assertEquals(1, event.outputCount(), "nothing to issuer-a");
            now += 30_000_000_000L;
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalOf(late, card(0, 7), 3_000));
            assertEquals("25", output(0).getString(39), "the switch forgot it");
            approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 8), 4_000);
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(2, day.transactions().size());
        assertEquals(TransactionState.DECLINED, day.transactions().state(0));
        assertEquals("91", day.transactions().responseCode(0));
        assertEquals(late.get(11), day.transactions().stan(0));
        assertEquals(TransactionState.APPROVED, day.transactions().state(1));
        assertEquals(List.of(), day.exceptions().stream().map(ClearingExceptionItem::kind).toList());
        assertEquals(4_000, net(Settlement.settle(config, DAY_1, day.transactions())));
    }

    /**
     * The duplicate history forgets a purchase issuer-a declined and one it approved; their terminals reverse both, and
     * get 25. Only the approved one is an orphan reversal for an operator to settle: the declined one charged nothing.
     * Both were reported, each telling the operator to settle it by hand.
     */
    @Test
    void reversalAnswered25OfAForgottenDeclineIsNoException(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir, 8);
        final Map<Integer, String> declined = request(card(0, 9), 2_000);
        final Map<Integer, String> approved;
        try
        {
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, declined);
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "05"));
            assertEquals("05", output(0).getString(39));
            approved = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 10), 3_000);
            for (int i = 0; i < 8; i++)
            {
                now += 1_000_000_000L;
                approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 11 + i), 1_000);
            }
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalOf(declined, card(0, 9), 2_000));
            assertEquals("25", output(0).getString(39), "forgotten");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalOf(approved, card(0, 10), 3_000));
            assertEquals("25", output(0).getString(39), "forgotten");
        }
        finally
        {
            writer.close();
        }
        final List<ClearingExceptionItem> exceptions = DayReader.read(config, DAY_1).exceptions();
        assertEquals(List.of(ClearingExceptionItem.Kind.ORPHAN_REVERSAL), exceptions.stream().map(ClearingExceptionItem::kind).toList());
        assertTrue(exceptions.get(0).detail().contains("STAN " + approved.get(11)), exceptions.get(0).detail());
    }

    /**
     * A purchase issuer-a approved, reversed by its acquirer's 0420 (answered 00, and issuer-a told), then forgotten by
     * the duplicate history with the 0420 itself; the acquirer repeats it (0421), and gets 00 again (it got 25, as if the
     * switch had never had the purchase). The repeat is no orphan reversal: the first reversal undid the purchase, and
     * there is nothing to settle by hand. An orphan reversal of the day's forgotten approval is still reported.
     */
    @Test
    void repeatReversalOfAnAlreadyReversedForgottenOriginalIsNoException(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir, 8);
        final Map<Integer, String> approved;
        final Map<Integer, String> forgotten;
        try
        {
            approved = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 20), 2_500);
            final Map<Integer, String> reversal = reversalOf(approved, card(0, 20), 2_500);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_ADVICE, reversal);
            assertEquals("00", output(0).getString(39), "reversed");
            forgotten = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 21), 3_000);
            for (int i = 0; i < 8; i++)
            {
                now += 1_000_000_000L;
                approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 22 + i), 1_000);
            }
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_ADVICE_REPEAT, reversal);
            assertEquals("00", output(0).getString(39), "forgotten but for its key, which says it was reversed");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalOf(forgotten, card(0, 21), 3_000));
            assertEquals("25", output(0).getString(39), "forgotten");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(TransactionState.REVERSED, day.transactions().state(0));
        final List<ClearingExceptionItem> exceptions = day.exceptions();
        assertEquals(List.of(ClearingExceptionItem.Kind.ORPHAN_REVERSAL), exceptions.stream().map(ClearingExceptionItem::kind).toList(),
            "only the reversal of the approval never reversed: " + exceptions);
        assertTrue(exceptions.get(0).detail().contains("STAN " + forgotten.get(11)), exceptions.get(0).detail());
    }

    /**
     * Two balance inquiries approved by issuer-a; the terminal reverses the first at once (an 0400 without field 3, which
     * it need not carry), answered 00, and the second once the duplicate history has forgotten it, answered 25. A balance
     * inquiry moves no money: issuer-a is told nothing, and the day has neither rows nor exceptions for them. The first
     * owed issuer-a an 0420 for 0.00 and read as a reversal of an earlier day's request; the second as an orphan reversal.
     */
    @Test
    void reversalsOfBalanceInquiriesTellTheIssuerNothingAndAreNoExceptions(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir, 8);
        final List<MessageReader> told = new ArrayList<>();
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> reversed = inquiredAtIssuerA(card(0, 80));
            final Map<Integer, String> reversal = reversalOf(reversed, card(0, 80), 0);
            reversal.remove(3);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            assertEquals("00", output(0).getString(39));
            told.addAll(advices());
            final Map<Integer, String> forgotten = inquiredAtIssuerA(card(0, 81));
            for (int i = 0; i < 8; i++)
            {
                now += 1_000_000_000L;
                approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 82 + i), 1_000);
            }
            final Map<Integer, String> late = reversalOf(forgotten, card(0, 81), 0);
            late.put(3, "310000");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, late);
            assertEquals("25", output(0).getString(39), "forgotten");
            now += 10_000_000L;
            link(EventType.TICK, -1, -1);
            told.addAll(advices());
        }
        finally
        {
            writer.close();
        }
        assertEquals(List.of(), told.stream().map(MessageReader::mti).toList(), "nothing for issuer-a to undo");
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(8, day.transactions().size(), "the eight purchases, no inquiry");
        assertEquals(List.of(), day.exceptions().stream().map(ClearingExceptionItem::kind).toList());
    }

    /** A balance inquiry (processing code 31, amount 0) of {@code pan}, approved by issuer-a; returns the request. */
    private Map<Integer, String> inquiredAtIssuerA(final String pan)
    {
        final Map<Integer, String> request = SwitchMessages.request(pan, "310000", 0, now, ++stan);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, request);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));
        return request;
    }

    /**
     * Two of the day's approvals forgotten by the duplicate history; the terminal reverses the first (0400), repeats
     * the reversal (0401) and then advises it (0421), all answered 25, and reverses the second once. One orphan
     * reversal per original, as for reversals of an earlier day: each repeat was reported again, and an operator
     * reading the report would have settled the first approval by hand three times.
     */
    @Test
    void repeatsOfAReversalAnswered25OfAForgottenApprovalAreOneOrphanReversal(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir, 8);
        final Map<Integer, String> repeated;
        final Map<Integer, String> once;
        try
        {
            repeated = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 40), 2_500);
            once = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 41), 3_000);
            for (int i = 0; i < 8; i++)
            {
                now += 1_000_000_000L;
                approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 42 + i), 1_000);
            }
        }
        catch (final RuntimeException | AssertionError ex)
        {
            writer.close();
            throw ex;
        }
        final List<ClearingExceptionItem> exceptions = reversedAnswered25(config, reversalOf(repeated, card(0, 40), 2_500),
            reversalOf(once, card(0, 41), 3_000), "forgotten");
        assertTrue(exceptions.get(0).detail().contains("STAN " + repeated.get(11)), exceptions.get(0).detail());
        assertTrue(exceptions.get(0).detail().startsWith("reversal 0400 "), "the first reversal's: " + exceptions.get(0).detail());
        assertTrue(exceptions.get(1).detail().contains("STAN " + once.get(11)), exceptions.get(1).detail());
    }

    /**
     * Reversals of two originals the switch never had: the first sent, repeated (0401) and advised (0421), the second
     * once, all answered 25. One orphan reversal per original, as for a forgotten approval of the day: each repeat was
     * reported again as one more reversal to look into.
     */
    @Test
    void repeatsOfAReversalAnswered25OfAnUnknownOriginalAreOneOrphanReversal(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        final Map<Integer, String> neverSent = request(card(0, 60), 2_500);
        final Map<Integer, String> neverSentEither = request(card(0, 61), 3_000);
        final List<ClearingExceptionItem> exceptions = reversedAnswered25(config, reversalOf(neverSent, card(0, 60), 2_500),
            reversalOf(neverSentEither, card(0, 61), 3_000), "unknown");
        assertTrue(exceptions.get(0).detail().startsWith("reversal 0400 of an original the switch does not know"), exceptions.get(0).detail());
        assertEquals(List.of(2_500L, 3_000L), exceptions.stream().map(ClearingExceptionItem::amount).toList(), "the two originals' reversals");
    }

    /**
     * An approved sale, and a reversal whose field 90 names an 0100 under the sale's key, answered 25 by the switch (no
     * such hold): the sale stands and settles, and the day's one exception is a reversal of an original the switch does
     * not know, not one of the sale "the duplicate history had forgotten" for an operator to settle by hand.
     */
    @Test
    void reversalAnswered25OfAHoldWhoseKeyFindsASaleIsOfAnUnknownOriginal(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> reversal = reversalOf(approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 70), 4_000), card(0, 70), 4_000);
            reversal.put(90, "0100" + reversal.get(90).substring(4)); // an 0100 under the sale's key
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            assertEquals("25", output(0).getString(39), "no hold under the sale's key");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(TransactionState.APPROVED, day.transactions().state(0));
        assertEquals(4_000, net(Settlement.settle(config, DAY_1, day.transactions())));
        assertEquals(List.of(ClearingExceptionItem.Kind.ORPHAN_REVERSAL), day.exceptions().stream().map(ClearingExceptionItem::kind).toList());
        assertTrue(day.exceptions().get(0).detail().startsWith("reversal 0400 of an original the switch does not know"), day.exceptions().get(0).detail());
    }

    /** Day 1's pre-authorization (a hold, nothing settled) reversed on day 2: the hold goes, and nothing is booked. */
    @Test
    void reversalOfAnEarlierDaysPreAuthorizationBooksNothing(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        // Field 90 names it an 0200 (an acquirer that names it wrongly): the switch knows it for a hold all the same.
        approvedThenReversedNextDay(Mti.AUTHORIZATION_REQUEST, card(0, 5), 20_000, reversal -> { });
        final DayReader.Day second = DayReader.read(config, DAY_2);
        assertEquals(0, second.transactions().size(), "a hold let go moves no money");
        assertEquals(0, net(Settlement.settle(config, DAY_2, second.transactions())));
    }

    /**
     * A purchase forwarded at 22:59:59.900 is reversed by its terminal at 23:00:00.050, still with issuer-a, which
     * approves it at 23:00:00.100: the switch relays the approval and reverses it to issuer-a at once. Day 1, reading
     * past its cutoff for the answer, finds the purchase reversed: it does not settle. Day 2 books nothing either.
     */
    @Test
    void reversalAfterTheCutoffOfAPurchaseStillWithItsIssuerUndoesItOnItsOwnDay(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T22:59:59Z") + 900_000_000L;
            final Map<Integer, String> purchase = request(card(0, 6), 10_000);
            send(Mti.FINANCIAL_REQUEST, purchase);
            final Map<Integer, String> approval = SwitchMessages.issuerAnswer(output(0), "00");
            now = at("2026-11-26T23:00:00Z") + 50_000_000L;
            final Map<Integer, String> reversal = reversalOf(purchase, card(0, 6), 10_000);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            assertEquals("00", output(0).getString(39));
            now = at("2026-11-26T23:00:00Z") + 100_000_000L;
            sendIssuer(0, Mti.FINANCIAL_RESPONSE, approval);
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day first = DayReader.read(config, DAY_1);
        assertEquals(TransactionState.REVERSED, first.transactions().state(0));
        assertEquals(0, net(Settlement.settle(config, DAY_1, first.transactions())), "day 1 settles nothing of it");
        final DayReader.Day second = DayReader.read(config, DAY_2);
        assertEquals(0, second.transactions().size());
        assertEquals(0, net(Settlement.settle(config, DAY_2, second.transactions())), "nor does day 2");
    }

    /**
     * A purchase approved by issuer-a (key: terminal, STAN, field 7), then a message under the same key that the switch
     * refuses before its duplicate check (no card number: 30), then the terminal's reversal (0400) of the purchase.
     * The switch finds the purchase, answers 00 and sends issuer-a an 0420: the cardholder gets the money back.
     * Clearing keyed the refused message over the purchase, put the reversal on it, and settled the purchase.
     */
    @Test
    void reversalOfAnApprovalAfterARefusedMessageUnderItsKeyIsNetted(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> purchase = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 30), 10_000);
            final Map<Integer, String> garbled = new HashMap<>(purchase);
            garbled.remove(2);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, garbled);
            assertEquals("30", output(0).getString(39), "refused before the duplicate check");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalOf(purchase, card(0, 30), 10_000));
            assertEquals("00", output(0).getString(39), "the switch reverses the purchase");
            assertEquals(List.of(Mti.REVERSAL_ADVICE), advices().stream().map(MessageReader::mti).toList(), "and tells issuer-a: 0420");
        }
        finally
        {
            writer.close();
        }
        assertPurchaseReversedAndNothingSettles(config);
    }

    /**
     * The same on an acquirer host's link: a purchase approved on its link; the host reconnects and, before it has
     * signed on again, sends the purchase again (91 before the duplicate check: not signed on); signed on, it reverses
     * the purchase (0400), which the switch finds approved, answers 00 and reverses at issuer-a. Clearing settles it.
     */
    @Test
    void reversalAfterARetransmissionRefusedBeforeSignOnIsNetted(@TempDir final Path dir)
    {
        reversalAfterARetransmissionRefusedBeforeSignOn(dir);
    }

    /**
     * The same in a journal a switch wrote before its reversal decisions named the approval undone (16 bytes, as its
     * forwards were): clearing, which cannot tell there whether the switch took the reversal for the refusal, reverses
     * the purchase as the switch did, and as it always had, rather than leave it to settle with its issuer told to give it back.
     */
    @Test
    void reversalAfterARetransmissionRefusedBeforeSignOnIsNettedInAJournalFromBeforeReversalsNamedTheApproval(@TempDir final Path dir)
    {
        journalBeforeReversalsNamed = true;
        reversalAfterARetransmissionRefusedBeforeSignOn(dir);
    }

    private void reversalAfterARetransmissionRefusedBeforeSignOn(final Path dir)
    {
        final SwitchConfig config = start(dir);
        final int newLink = 8;
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> purchase = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 32), 10_000);
            sentAgainBeforeSignOnThenReversed(purchase, card(0, 32), newLink, purchase.get(7));
        }
        finally
        {
            writer.close();
        }
        assertPurchaseReversedAndNothingSettles(config);
    }

    /**
     * The same across the cutoff: the purchase approved on day 1, its host reconnecting on day 2, sending it again before
     * it has signed on (91, before the duplicate check) and then reversing it, which the switch answers 00 and passes on
     * to issuer-a. The refusal, which holds no key of day 2's before it, took the reversal in clearing, which booked
     * nothing back, so the merchant kept a sale issuer-a gave back to the card.
     */
    @Test
    void reversalOnTheNextDayAfterARetransmissionRefusedBeforeSignOnIsBookedBack(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        final int newLink = 8;
        try
        {
            now = at("2026-11-26T22:59:00Z");
            final Map<Integer, String> purchase = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 33), 10_000);
            now = at("2026-11-26T23:01:00Z");
            sentAgainBeforeSignOnThenReversed(purchase, card(0, 33), newLink, "1126230100");
            assertEquals(List.of(Mti.REVERSAL_ADVICE), advices().stream().map(MessageReader::mti).toList(), "and tells issuer-a: 0420");
        }
        finally
        {
            writer.close();
        }
        assertEquals(10_000, net(Settlement.settle(config, DAY_1, DayReader.read(config, DAY_1).transactions())), "the sale settled on day 1");
        assertEquals(-10_000, net(Settlement.settle(config, DAY_2, DayReader.read(config, DAY_2).transactions())), "and is booked back on day 2");
    }

    /**
     * The acquirer host of {@code purchase} reconnects on {@code newLink} and sends it again before it has signed on (91),
     * signs on (field 7 {@code transmission}) and reverses it, which the switch answers 00.
     */
    private void sentAgainBeforeSignOnThenReversed(final Map<Integer, String> purchase, final String pan, final int newLink, final String transmission)
    {
        link(EventType.ACQUIRER_DOWN, ACQUIRER_LINK, 0);
        link(EventType.ACQUIRER_UP, newLink, 0);
        message(EventType.ACQUIRER_MESSAGE, newLink, 0, Mti.FINANCIAL_REQUEST, purchase);
        assertEquals("91", output(0).getString(39), "not signed on");
        message(EventType.ACQUIRER_MESSAGE, newLink, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, transmission, 11, "000002", 70, "001"));
        assertEquals("00", output(0).getString(39), "signed on");
        message(EventType.ACQUIRER_MESSAGE, newLink, 0, Mti.REVERSAL_REQUEST, reversalOf(purchase, pan, 10_000));
        assertEquals("00", output(0).getString(39), "the switch reverses the purchase");
    }

    /** The day's first row, the purchase, cleared as the switch left it: reversed at issuer-a, so nothing settles. */
    private void assertPurchaseReversedAndNothingSettles(final SwitchConfig config)
    {
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(TransactionState.REVERSED, day.transactions().state(0), "the purchase was reversed at issuer-a");
        assertEquals(0, net(Settlement.settle(config, DAY_1, day.transactions())), "nothing settles");
    }

    /**
     * An acquirer's authorization advice whose first copy was lost: the switch gets its repeat (0121) first, approved by
     * the acquirer (39 = 00), acknowledges it and passes it on to issuer-a as an 0120, a hold. Then the completion
     * (0220) of 200.00 names it. The switch's batch counts the completion only; the issuer books a hold and a sale.
     * Clearing took the 0121 for a sale (DayTransactions.authorization knows only 0100 and 0120) and settled 400.00.
     */
    @Test
    void repeatedAuthorizationAdviceIsAHoldNotASale(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> hold = request(card(0, 31), 20_000);
            hold.put(38, "XY1234");
            hold.put(39, "00");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.AUTHORIZATION_ADVICE + 1, hold);
            assertEquals("00", output(0).getString(39), "acknowledged");
            final Map<Integer, String> completion = request(card(0, 31), 20_000);
            completion.put(38, "XY1234");
            completion.put(90, "0120" + hold.get(11) + hold.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
            assertEquals("00", output(0).getString(39), "completion acknowledged");
        }
        finally
        {
            writer.close();
        }
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        assertEquals(20_000, handler.batchTotals().debitAmount(terminal), "the switch's batch: the completion only");
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(TransactionState.COMPLETED, day.transactions().state(0), "a hold, completed");
        assertEquals(20_000, net(Settlement.settle(config, DAY_1, day.transactions())), "only the completion settles");
    }

    /**
     * A UnionPay POS terminal's sale, its void (a refund naming the sale in 61), and the void's reversal (the void's STAN
     * and batch, its 61 copied): the void is undone and the sale settles, as the switch reversed the void at the issuer.
     * Clearing once took the 61 for what was reversed, and settled the void instead of the sale.
     */
    @Test
    void reversalOfAUnionPayVoidUndoesTheVoidNotTheSale(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            posSignedOn("000201", 1);
            final Map<Integer, String> sale = posSale("000202", "000000");
            approvedOnPos(sale);
            final Map<Integer, String> voided = posSale("000203", "200000");
            voided.put(61, "000001" + sale.get(11));
            approvedOnPos(voided);
            putIn(cups(), POS_LINK, 1, Mti.REVERSAL_REQUEST, voided);
            assertEquals("00", output(0).getString(39));
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(List.of(TransactionState.APPROVED, TransactionState.REVERSED),
            List.of(day.transactions().state(0), day.transactions().state(1)), "the sale stands, the void is undone");
        assertEquals(5_000, net(Settlement.settle(config, DAY_1, day.transactions())));
    }

    /**
     * A UnionPay POS terminal's hold that the switch's history has let go, the terminal set up again so that a sale on
     * another card takes the hold's STAN and batch, then the hold's void (0100, 60.1 = 11, its 61 naming that key, the
     * hold's card): the switch releases the hold it kept and leaves the sale, which settles. The switch reversed the
     * sale, and clearing, which finds the sale under the void's key, took it for reversed: the merchant went unpaid.
     */
    @Test
    void unionPayPreAuthorizationVoidLeavesASaleUnderItsKeyToSettle(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir, 8);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            posSignedOn("000201", 1);
            posHold("000202");
            for (int i = 0; i < 16; i++)
            {
                approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 100 + i), 1_000);
            }
            final Map<Integer, String> sale = posSale("000202", "000000");
            sale.put(35, card(0, 10) + "=30122011143804400000");
            approvedOnPos(sale);
            final Map<Integer, String> voided = posSale("000203", "200000");
            voided.put(60, io.interchange.codec.cups.Field60.format(io.interchange.codec.cups.Field60.TYPE_PRE_AUTH_VOID, 1, 0).substring(0, 8));
            voided.put(61, "000001" + "000202");
            putIn(cups(), POS_LINK, 1, Mti.AUTHORIZATION_REQUEST, voided);
            assertEquals("00", output(0).getString(39), "the hold kept beyond the history released");
        }
        finally
        {
            writer.close();
        }
        assertEquals(List.of("1 sale of 5000"), posSales(config), "the sale settles");
    }

    /**
     * Sends {@code repeated} as an 0400, 0401 and 0421, then {@code once} as an 0400, each answered 25 ({@code why}), closes
     * the journal and returns the day's exceptions, asserting they are two orphan reversals, one per original.
     */
    private List<ClearingExceptionItem> reversedAnswered25(
        final SwitchConfig config, final Map<Integer, String> repeated, final Map<Integer, String> once, final String why)
    {
        try
        {
            for (final int mti : new int[] {Mti.REVERSAL_REQUEST, Mti.REVERSAL_REQUEST + 1, Mti.REVERSAL_ADVICE_REPEAT})
            {
                message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, mti, repeated);
                assertEquals("25", output(0).getString(39), Mti.toString(mti) + ": " + why);
            }
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, once);
            assertEquals("25", output(0).getString(39), why);
        }
        finally
        {
            writer.close();
        }
        final List<ClearingExceptionItem> exceptions = DayReader.read(config, DAY_1).exceptions();
        assertEquals(List.of(ClearingExceptionItem.Kind.ORPHAN_REVERSAL, ClearingExceptionItem.Kind.ORPHAN_REVERSAL),
            exceptions.stream().map(ClearingExceptionItem::kind).toList(), "one per original: " + exceptions);
        return exceptions;
    }

    /**
     * A UnionPay POS terminal's two voids of the same sale that never reached the switch, each reversed and answered 25:
     * two orphan reversals, one per void, though both copy the sale's STAN and batch into 61 (a POS reversal names what
     * it reverses by its own STAN and batch, as the switch finds it).
     */
    @Test
    void reversalsAnswered25OfTwoUnknownUnionPayVoidsOfOneSaleAreTwoOrphanReversals(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            posSignedOn("000201", 1);
            final Map<Integer, String> sale = posSale("000202", "000000");
            approvedOnPos(sale);
            for (final String stan : new String[] {"000203", "000204"})
            {
                final Map<Integer, String> lostVoid = posSale(stan, "200000");
                lostVoid.put(61, "000001" + sale.get(11));
                putIn(cups(), POS_LINK, 1, Mti.REVERSAL_REQUEST, lostVoid);
                assertEquals("25", output(0).getString(39), "the void " + stan + " never reached the switch");
            }
        }
        finally
        {
            writer.close();
        }
        final List<ClearingExceptionItem> exceptions = DayReader.read(config, DAY_1).exceptions();
        assertEquals(List.of("000203", "000204"), exceptions.stream().filter(e -> e.kind() == ClearingExceptionItem.Kind.ORPHAN_REVERSAL)
            .map(ClearingExceptionItem::stan).toList(), "one per void: " + exceptions);
    }

    /**
     * A purchase reversed by its terminal while still with issuer-a, which then never answers: 91 at the time-out, the
     * 0420 (39 = 68) to issuer-a. Nothing was ever approved, and the switch's batch counts neither a debit nor a
     * reversal of it; nor does the merchant's settlement line, which counted it among "approved and then reversed", a
     * reversal the terminal's 0500 never has.
     */
    @Test
    void purchaseReversedWhileWithItsIssuerThenTimedOutIsNoApprovalReversed(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> purchase = request(card(0, 20), 10_000);
            send(Mti.FINANCIAL_REQUEST, purchase);
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded");
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversalOf(purchase, card(0, 20), 10_000));
            assertEquals("00", output(0).getString(39));
            now = at("2026-11-26T12:00:30Z");
            link(EventType.TICK, -1, -1);
            assertEquals("91", output(0).getString(39), "timed out to the terminal");
        }
        finally
        {
            writer.close();
        }
        final int terminal = setup.acceptors().terminalIndex("TERM0001");
        assertEquals(0, handler.batchTotals().debitReversalCount(terminal), "the switch's batch: no reversal of an approval");
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(TransactionState.REVERSED, day.transactions().state(0));
        final List<String> lines = new ArrayList<>();
        for (final Settlement.MerchantLine line : Settlement.settle(config, DAY_1, day.transactions()).merchants())
        {
            lines.add(line.merchant() + ": " + line.reversedCount() + " reversed / " + line.reversed());
        }
        assertEquals(List.of(), lines, "no merchant line: nothing settled, nothing approved and then reversed");
    }

    /**
     * A UnionPay POS sale on a card of issuer-b (no stand-in), approved; the switch's history lets it go, and a POS key
     * (STAN and batch, no field 7) keeps nothing of it once limits.pos-sales has let it go too (here it keeps none), so
     * the terminal's sending it again is a new request, which the
     * switch takes into its history and answers 91 (issuer-b is down). The terminal's reversal then finds that 91 under
     * the key: 00, and nothing is undone, no 0420 to issuer-b, which charged the card for the sale. Clearing took the
     * reversal for one of the approved sale, which the refusal had not taken the key from, and the merchant went unpaid.
     */
    @Test
    void reversalThatTheSwitchTookForADeclineSentAgainUnderASaleKeyLeavesTheSaleToSettle(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir, 8, setup.preAuthorizations(), 0);
        final List<MessageReader> told = new ArrayList<>();
        try
        {
            now = at("2026-11-26T12:00:00Z");
            signOn(1);
            posSignedOn("000201", 1);
            final Map<Integer, String> sale = posSale("000202", "000000");
            sale.put(35, card(1, 9) + "=30122011143804400000");
            putIn(cups(), POS_LINK, 1, Mti.FINANCIAL_REQUEST, sale);
            assertEquals(ISSUER_LINKS[1], event.outputLinkId(0), "forwarded to issuer-b");
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[1], 1, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
            assertEquals("00", output(0).getString(39));
            for (int i = 0; i < 16; i++)
            {
                approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 100 + i), 1_000);
            }
            link(EventType.ISSUER_DOWN, ISSUER_LINKS[1], 1);
            putIn(cups(), POS_LINK, 1, Mti.FINANCIAL_REQUEST, sale);
            assertEquals("91", output(0).getString(39), "forgotten, so new; issuer-b is down and has no stand-in");
            putIn(cups(), POS_LINK, 1, Mti.REVERSAL_REQUEST, sale);
            assertEquals("00", output(0).getString(39));
            told.addAll(advices());
            told.addAll(signOn(1));
        }
        finally
        {
            writer.close();
        }
        assertEquals(List.of(), told.stream().map(MessageReader::mti).toList(), "issuer-b is told of no reversal: it charged the sale");
        assertEquals(List.of("1 sale of 5000"), posSales(config), "the sale issuer-b charged settles");
    }

    /**
     * A UnionPay POS sale approved at 22:58 on 26 Nov, which the switch's history (8 requests here) lets go; its terminal
     * reverses it (0400: the sale's STAN and batch, its card number in field 2) at 23:01, business day 27 Nov, its batch
     * still open. The switch finds it among the sales it keeps beyond the history: 00, and issuer-a is told by an 0420
     * naming the sale as it got it (field 90: its 0200, STAN and field 7), so day 1 settles the sale and day 2 books it
     * back. It was answered 25 and issuer-a never told: the card stayed charged, and day 2 had an orphan reversal.
     */
    @Test
    void unionPayReversalOnTheNextBusinessDayOfASaleTheHistoryHasForgottenIsBookedBack(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir, 8);
        final String asForwarded;
        final List<String> told;
        try
        {
            now = at("2026-11-26T22:58:00Z");
            posSignedOn("000201", 1);
            final Map<Integer, String> sale = posSale("000202", "000000");
            asForwarded = approvedAsForwarded(sale);
            told = reversedOnTheNextDayOnceForgotten(sale);
        }
        finally
        {
            writer.close();
        }
        assertEquals(List.of("0420 " + asForwarded), told, "issuer-a told, the sale named as it got it");
        assertEquals(List.of("1 sale of 5000"), posSales(config), "day 1: the sale settles");
        assertBookedBackOnDay2(config, -5_000);
    }

    /**
     * A UnionPay POS sale and its void (0200 coded 20, 60.1 = 23, its 61 naming the sale) approved at 22:58 on 26 Nov,
     * which the switch's history (8 requests here) lets go; its terminal, which never got the void's answer, reverses the
     * void (0400: the void's STAN and batch, its card number in field 2) at 23:01, business day 27 Nov, its batch still
     * open. The switch finds the void kept beyond the history with its sale: 00, and issuer-a is told by an 0420 naming
     * the void as it got it, so day 1 settles the sale and its void and day 2 books the void back: the sale stands. It
     * was answered 25 and issuer-a never told: the cardholder kept the refund, and day 2 had an orphan reversal.
     */
    @Test
    void unionPayReversalOnTheNextBusinessDayOfAVoidTheHistoryHasForgottenIsBookedBack(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir, 8);
        final String asForwarded;
        final List<String> told;
        try
        {
            now = at("2026-11-26T22:58:00Z");
            posSignedOn("000201", 1);
            final Map<Integer, String> sale = posSale("000202", "000000");
            approvedOnPos(sale);
            final Map<Integer, String> voided = posSale("000203", "200000");
            voided.put(60, "23" + "000001");
            voided.put(61, "000001" + sale.get(11));
            asForwarded = approvedAsForwarded(voided);
            told = reversedOnTheNextDayOnceForgotten(voided);
        }
        finally
        {
            writer.close();
        }
        assertEquals(List.of("0420 " + asForwarded), told, "issuer-a told, the void named as it got it");
        assertEquals(List.of("2 sale of 0"), posSales(config), "day 1: the sale and its void");
        assertBookedBackOnDay2(config, 5_000);
    }

    /** Puts in a UnionPay POS request, which issuer-a approves: how issuer-a got it (MTI, STAN, field 7). */
    private String approvedAsForwarded(final Map<Integer, String> request)
    {
        putIn(cups(), POS_LINK, 1, Mti.FINANCIAL_REQUEST, request);
        final String asForwarded = Mti.toString(output(0).mti()) + output(0).getString(11) + output(0).getString(7);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));
        return asForwarded;
    }

    /**
     * 16 approvals that make a history of 8 forget {@code original}, then at 23:01 on 26 Nov (business day 27 Nov) its
     * POS reversal (its STAN and batch, its card number in field 2), answered 00: the 0420s owed, each as its MTI and the
     * first 20 digits of its field 90 (what it names).
     */
    private List<String> reversedOnTheNextDayOnceForgotten(final Map<Integer, String> original)
    {
        for (int i = 0; i < 16; i++)
        {
            approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 100 + i), 1_000);
        }
        now = at("2026-11-26T23:01:00Z");
        final Map<Integer, String> reversal = new java.util.HashMap<>(original);
        reversal.remove(35);
        reversal.put(2, card(0, 9));
        putIn(cups(), POS_LINK, 1, Mti.REVERSAL_REQUEST, reversal);
        assertEquals("00", output(0).getString(39), "kept beyond the history: reversed");
        return advices().stream().map(m -> Mti.toString(m.mti()) + " " + m.getString(90).substring(0, 20)).toList();
    }

    /** Day 2 holds the reversal of day 1's approval alone, booked back at {@code net} and reported. */
    private static void assertBookedBackOnDay2(final SwitchConfig config, final long net)
    {
        final DayReader.Day second = DayReader.read(config, DAY_2);
        assertEquals(List.of(TransactionState.REVERSAL_OF_EARLIER_DAY), List.of(second.transactions().state(0)));
        assertEquals(1, second.transactions().size());
        assertEquals(net, net(Settlement.settle(config, DAY_2, second.transactions())), "booked back on day 2");
        assertEquals(List.of(ClearingExceptionItem.Kind.REVERSAL_OF_EARLIER_DAY), second.exceptions().stream().map(ClearingExceptionItem::kind).toList());
    }

    /** TERM0005's merchant's settlement lines of day 1: count and net sales. */
    private static List<String> posSales(final SwitchConfig config)
    {
        final List<String> pos = new ArrayList<>();
        for (final Settlement.MerchantLine line : Settlement.settle(config, DAY_1, DayReader.read(config, DAY_1).transactions()).merchants())
        {
            if (line.merchant().equals("MERCHANT0000003"))
            {
                pos.add(line.count() + " sale of " + line.netSales());
            }
        }
        return pos;
    }

    /**
     * A UnionPay POS refund (0220, 60.1 = 25) that issuer-a never answers: the terminal gets its 91 in an 0230, and the
     * refund is reversed at issuer-a (0420, 39 = 68). Clearing knew a time-out's 91 only in an 0210 or 0110, so it
     * reported the refund as timed out with its terminal gone and no answer given, where the terminal had its 91.
     */
    @Test
    void unionPayRefundTimedOutIsReportedWithThe91ItsTerminalGot(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            posSignedOn("000201", 1);
            final Map<Integer, String> refund = posSale("000202", "200000");
            refund.put(60, io.interchange.codec.cups.Field60.format(io.interchange.codec.cups.Field60.TYPE_REFUND, 1, 0).substring(0, 8));
            putIn(cups(), POS_LINK, 1, Mti.FINANCIAL_ADVICE, refund);
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded, and issuer-a never answers");
            now = at("2026-11-26T12:00:30Z");
            link(EventType.TICK, -1, -1);
            assertEquals(Mti.FINANCIAL_ADVICE_RESPONSE, output(0).mti());
            assertEquals("91", output(0).getString(39), "timed out to the terminal");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(TransactionState.TIMED_OUT, day.transactions().state(0));
        assertEquals(List.of(ClearingExceptionItem.Kind.TIME_OUT), day.exceptions().stream().map(ClearingExceptionItem::kind).toList());
        assertTrue(day.exceptions().get(0).detail().contains("91 to the terminal"), day.exceptions().get(0).detail());
    }

    /** A UnionPay POS message of TERM0005 (batch 1, in yuan) of a card of issuer-a, read from its stripe. */
    private static Map<Integer, String> posSale(final String stan, final String processing)
    {
        final Map<Integer, String> sale = new java.util.HashMap<>();
        final String pan = card(0, 9);
        sale.put(3, processing);
        sale.put(4, String.format("%012d", 5_000));
        sale.put(11, stan);
        sale.put(22, "021");
        sale.put(35, pan + "=30122011143804400000");
        sale.put(41, "TERM0005");
        sale.put(42, "MERCHANT0000003");
        sale.put(49, "156");
        sale.put(60, io.interchange.codec.cups.Field60.format(io.interchange.codec.cups.Field60.TYPE_SALE, 1, 0).substring(0, 8));
        return sale;
    }

    /** Sends a UnionPay POS request and has issuer-a approve it. */
    private void approvedOnPos(final Map<Integer, String> request)
    {
        putIn(cups(), POS_LINK, 1, Mti.FINANCIAL_REQUEST, request);
        assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "forwarded");
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));
    }

    /**
     * A purchase declined by issuer-a on day 1, voided by its terminal on day 2: the switch answers 00 (it knows the
     * original) but undoes no approval and tells issuer-a nothing, so day 2 books nothing, and says so.
     */
    @Test
    void reversalOnTheNextBusinessDayOfAPurchaseDeclinedTheDayBefore(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T22:59:00Z");
            final Map<Integer, String> purchase = request(card(0, 3), 10_000);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_REQUEST, purchase);
            message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, SwitchMessages.issuerAnswer(output(0), "51"));
            assertEquals("51", output(0).getString(39));
            now = at("2026-11-26T23:01:00Z");
            final Map<Integer, String> reversal = reversalOf(purchase, card(0, 3), 10_000);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            assertEquals("00", output(0).getString(39));
            assertEquals(List.of(), advices(), "nothing to undo at issuer-a");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day second = DayReader.read(config, DAY_2);
        assertEquals(0, second.transactions().size(), "nothing booked");
        assertEquals(0, net(Settlement.settle(config, DAY_2, second.transactions())));
        assertEquals(1, second.exceptions().size());
        assertTrue(second.exceptions().get(0).detail().contains("nothing booked"), second.exceptions().get(0).detail());
    }

    /**
     * A purchase forwarded at 22:59:59.900, approved by issuer-a at 23:00:00.100 and relayed: the terminal has its 00.
     * Between the two, at 23:00:00.050, another terminal's purchase of the next day.
     */
    @Test
    void approvalThatArrivesAfterTheCutoff(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T22:59:59Z") + 900_000_000L;
            final Map<Integer, String> purchase = request(card(0, 2), 10_000);
            send(Mti.FINANCIAL_REQUEST, purchase);
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0));
            final Map<Integer, String> answer = SwitchMessages.issuerAnswer(output(0), "00");
            now = at("2026-11-26T23:00:00Z") + 50_000_000L;
            approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 8), 3_000);
            now = at("2026-11-26T23:00:00Z") + 100_000_000L;
            sendIssuer(0, Mti.FINANCIAL_RESPONSE, answer);
            assertEquals("00", output(0).getString(39), "approved to the terminal");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day first = DayReader.read(config, DAY_1);
        final DayReader.Day second = DayReader.read(config, DAY_2);
        assertEquals(1, first.transactions().size(), "the next day's purchase is the next day's");
        assertEquals(TransactionState.APPROVED, first.transactions().state(0), "answered after the cutoff, approved on the day of its request");
        assertEquals(List.of(), first.exceptions(), "neither unanswered nor anything else");
        assertEquals(10_000, net(Settlement.settle(config, DAY_1, first.transactions())), "settles on its own day");
        assertEquals(1, second.transactions().size());
        assertEquals(3_000, second.transactions().amount(0));
        assertEquals(List.of(), second.exceptions(), "the answer is day 1's: not an unmatched answer of day 2");
        assertEquals(3_000, net(Settlement.settle(config, DAY_2, second.transactions())), "and is not settled again");
    }

    /** A purchase forwarded at 22:59:59.900 that issuer-a never answers: the switch times it out after the cutoff. */
    @Test
    void timeOutAfterTheCutoff(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T22:59:59Z") + 900_000_000L;
            send(Mti.FINANCIAL_REQUEST, request(card(0, 9), 10_000));
            assertEquals(ISSUER_LINKS[0], event.outputLinkId(0));
            now = at("2026-11-26T23:00:30Z");
            link(EventType.TICK, -1, -1);
            assertEquals("91", output(0).getString(39), "timed out to the terminal");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day first = DayReader.read(config, DAY_1);
        final DayReader.Day second = DayReader.read(config, DAY_2);
        assertEquals(TransactionState.TIMED_OUT, first.transactions().state(0));
        assertEquals(List.of(ClearingExceptionItem.Kind.TIME_OUT), first.exceptions().stream().map(ClearingExceptionItem::kind).toList());
        assertEquals(0, second.transactions().size());
        assertEquals(List.of(), second.exceptions(), "day 2 says nothing of day 1's time-out");
    }

    /** A pre-authorization approved, reversed by the terminal (0400), then completed (0220) all the same. */
    @Test
    void completionOfAReversedPreAuthorization(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> preAuth = approvedByIssuerA(Mti.AUTHORIZATION_REQUEST, card(0, 7), 20_000);
            final Map<Integer, String> reversal = request(card(0, 7), 20_000);
            reversal.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            assertEquals("00", output(0).getString(39));
            complete(preAuth, 25_000); // of a released hold, for more than it held
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(TransactionState.REVERSED, day.transactions().state(0));
        assertTrue(day.transactions().settles(1), "the switch acknowledged the completion: it settles");
        assertEquals(List.of(ClearingExceptionItem.Kind.IRREGULAR_COMPLETION), day.exceptions().stream().map(ClearingExceptionItem::kind).toList(),
            "a completion of a reversed pre-authorization settles 250.00, and the exceptions say so");
        assertEquals(25_000, day.exceptions().get(0).amount());
        assertTrue(day.exceptions().get(0).detail().contains("reversed"), day.exceptions().get(0).detail());
    }

    /**
     * Completions of pre-authorizations held, for no more, for more, a second time, and of one the day does not hold. The
     * second completion of one hold, under a STAN of its own, is refused (12) by the switch: it was acknowledged, advised
     * and settled beside the first, the card charged twice and the day's exceptions left to say so.
     */
    @Test
    void completionsThatDoNotMatchTheirPreAuthorization(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> held = approvedByIssuerA(Mti.AUTHORIZATION_REQUEST, card(0, 10), 20_000);
            complete(held, 20_000);
            final Map<Integer, String> less = approvedByIssuerA(Mti.AUTHORIZATION_REQUEST, card(0, 11), 20_000);
            complete(less, 15_000);
            final Map<Integer, String> more = approvedByIssuerA(Mti.AUTHORIZATION_REQUEST, card(0, 12), 20_000);
            complete(more, 20_001);
            final Map<Integer, String> twice = approvedByIssuerA(Mti.AUTHORIZATION_REQUEST, card(0, 13), 20_000);
            complete(twice, 5_000);
            assertEquals("12", completed(twice, 5_000), "a hold is completed once");
            final Map<Integer, String> unknown = request(card(0, 14), 20_000);
            complete(unknown, 5_000);
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        final List<String> irregular = day.exceptions().stream().filter(e -> e.kind() == ClearingExceptionItem.Kind.IRREGULAR_COMPLETION)
            .map(e -> e.amount() + " " + (e.detail().contains("more than it held") ? "more" : e.detail().contains("already completed") ? "again" :
                e.detail().contains("not in the day's journal") ? "unknown" : e.detail())).toList();
        assertEquals(List.of("20001 more", "5000 unknown"), irregular);
        assertEquals(2, day.exceptions().size(), "nothing else: " + day.exceptions());
        long settled = 0;
        for (int row = 0; row < day.transactions().size(); row++)
        {
            settled += day.transactions().settles(row) ? day.transactions().amount(row) : 0;
        }
        assertEquals(20_000 + 15_000 + 20_001 + 5_000 + 5_000, settled, "every completion the switch acknowledged settles, and only those");
    }

    private void complete(final Map<Integer, String> preAuth, final long amount)
    {
        assertEquals("00", completed(preAuth, amount), "the switch acknowledges the completion");
    }

    /** Sends a completion (0220) of {@code preAuth} for {@code amount} under a STAN of its own; returns the switch's answer. */
    private String completed(final Map<Integer, String> preAuth, final long amount)
    {
        final Map<Integer, String> completion = completionOf(preAuth, amount);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
        return output(0).getString(39);
    }

    /** A completion (0220) of {@code preAuth} for {@code amount} under a STAN of its own, not sent. */
    private Map<Integer, String> completionOf(final Map<Integer, String> preAuth, final long amount)
    {
        final Map<Integer, String> completion = request(card(0, 10), amount);
        completion.put(2, preAuth.get(2));
        completion.put(38, "AB1234");
        completion.put(90, "0100" + preAuth.get(11) + preAuth.get(7) + "0".repeat(22));
        return completion;
    }

    /**
     * A UnionPay POS hold completed (0200, 60.1 = 20), the completion voided (60.1 = 21) and the void approved by
     * issuer-a, then the hold completed again: the void gave the hold back, and the switch took the second completion.
     * Clearing kept the hold's mark of the first completion and reported the second as irregular, already completed.
     */
    @Test
    void unionPayCompletionVoidGivesItsHoldBackToASecondCompletion(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            posSignedOn("000201", 1);
            final Map<Integer, String> hold = posHold("000202");
            assertEquals("00", posCompleted(hold, "000203"), "completed");
            answered(posCompletionVoid("000204", "000203", "00"), "00");
            assertEquals("00", posCompleted(hold, "000205"), "the void gave the hold back: completed again");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(List.of(), day.exceptions(), "the second completion took a hold given back: nothing irregular");
        final DayTransactions t = day.transactions();
        assertEquals(List.of(TransactionState.COMPLETED, TransactionState.APPROVED, TransactionState.APPROVED, TransactionState.APPROVED),
            List.of(t.state(0), t.state(1), t.state(2), t.state(3)), "the hold completed by the second completion; the first and its void net");
        assertEquals(5_000, net(Settlement.settle(config, DAY_1, t)), "one completion's worth settles");
    }

    /**
     * The same with the completion's void sent at 22:59:59.9 and approved by issuer-a after the cutoff, the second
     * completion at 23:00:00.2: the void is day 1's, and gives its hold back on day 1, which ends with the hold held, not
     * completed. Day 2's completion names a hold of an earlier day: reported as such, as any completion of one is.
     */
    @Test
    void unionPayCompletionVoidApprovedAfterTheCutoffGivesItsHoldBackOnItsOwnDay(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T22:50:00Z");
            posSignedOn("000201", 1);
            final Map<Integer, String> hold = posHold("000202");
            assertEquals("00", posCompleted(hold, "000203"), "completed");
            now = at("2026-11-26T22:59:59Z") + 900_000_000L;
            final Map<Integer, String> answer = posCompletionVoid("000204", "000203", "00");
            now = at("2026-11-26T23:00:00Z") + 100_000_000L;
            answered(answer, "00");
            assertEquals("00", posCompleted(hold, "000205"), "the void gave the hold back: completed again, on day 2");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day first = DayReader.read(config, DAY_1);
        assertEquals(List.of(), first.exceptions());
        final DayTransactions t = first.transactions();
        assertEquals(List.of(TransactionState.AUTHORIZED, TransactionState.APPROVED, TransactionState.APPROVED),
            List.of(t.state(0), t.state(1), t.state(2)), "the void, approved past the end, is day 1's and gave the hold back there");
        final DayReader.Day second = DayReader.read(config, DAY_2);
        assertEquals(List.of("IRREGULAR_COMPLETION not in the day's journal"), second.exceptions().stream()
            .map(e -> e.kind() + (e.detail().contains("not in the day's journal") ? " not in the day's journal" : " " + e.detail())).toList());
    }

    /**
     * A pre-authorization completed (0220), the completion reversed (0400 naming the 0220, approved), then the hold
     * completed again: the reversal gave the hold back, and the switch took the second completion; clearing reported it
     * as irregular, already completed.
     */
    @Test
    void completionReversedGivesItsHoldBackToASecondCompletion(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> held = approvedByIssuerA(Mti.AUTHORIZATION_REQUEST, card(0, 20), 20_000);
            final Map<Integer, String> completion = completionOf(held, 20_000);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.FINANCIAL_ADVICE, completion);
            assertEquals("00", output(0).getString(39), "completed");
            final Map<Integer, String> reversal = request(card(0, 20), 20_000);
            reversal.put(90, "0220" + completion.get(11) + completion.get(7) + "0".repeat(22));
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            assertEquals("00", output(0).getString(39), "the completion reversed");
            assertEquals("00", completed(held, 20_000), "the reversal gave the hold back: completed again");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(List.of(), day.exceptions(), "the second completion took a hold given back: nothing irregular");
        final DayTransactions t = day.transactions();
        assertEquals(List.of(TransactionState.COMPLETED, TransactionState.REVERSED, TransactionState.APPROVED),
            List.of(t.state(0), t.state(1), t.state(2)));
        assertEquals(20_000, net(Settlement.settle(config, DAY_1, t)));
    }

    /**
     * Holds completed twice with nothing that gave them back between: an ISO 8583:1987 one, and UnionPay POS ones whose
     * completion's void issuer-a declined, or whose completion's void was approved and then reversed (the completion
     * stands again). The switch, its history and kept holds too small to remember them, acknowledges the second
     * completions; each stays an irregular completion, already completed.
     */
    @Test
    void holdCompletedTwiceWithNothingGivingItBackBetweenStaysIrregular(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir, 8, 0);
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> held = approvedByIssuerA(Mti.AUTHORIZATION_REQUEST, card(0, 21), 20_000);
            complete(held, 20_000);
            posSignedOn("000201", 1);
            final Map<Integer, String> declined = posHold("000202");
            assertEquals("00", posCompleted(declined, "000203"), "completed");
            answered(posCompletionVoid("000204", "000203", "05"), "05");
            final Map<Integer, String> unvoided = posHold("000205");
            assertEquals("00", posCompleted(unvoided, "000206"), "completed");
            final Map<Integer, String> voided = posCompletionVoidFields("000207", "000206");
            answered(posCompletionVoid("000207", "000206", "00"), "00");
            putIn(cups(), POS_LINK, 1, Mti.REVERSAL_REQUEST, voided);
            assertEquals("00", output(0).getString(39), "the void reversed: the completion stands again");
            for (int i = 0; i < 16; i++)
            {
                approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 100 + i), 1_000);
            }
            complete(held, 20_000);
            assertEquals("00", posCompleted(declined, "000208"), "acknowledged by a switch that has forgotten the hold");
            assertEquals("00", posCompleted(unvoided, "000209"), "acknowledged by a switch that has forgotten the hold");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(List.of("20000 again", "5000 again", "5000 again"), day.exceptions().stream()
            .map(e -> e.kind() == ClearingExceptionItem.Kind.IRREGULAR_COMPLETION && e.detail().contains("already completed") ? e.amount() + " again" :
                e.kind() + " " + e.detail()).toList());
    }

    /** TERM0005's UnionPay POS pre-authorization (0100, 60.1 = 10) of 50.00 CNY under {@code stan}, approved by issuer-a. */
    private Map<Integer, String> posHold(final String stan)
    {
        final Map<Integer, String> hold = posSale(stan, "030000");
        hold.put(60, io.interchange.codec.cups.Field60.format(io.interchange.codec.cups.Field60.TYPE_PRE_AUTH, 1, 0).substring(0, 8));
        putIn(cups(), POS_LINK, 1, Mti.AUTHORIZATION_REQUEST, hold);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.AUTHORIZATION_RESPONSE, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39), "held");
        return hold;
    }

    /** A UnionPay POS completion asked for online (0200, 60.1 = 20) of {@code hold} under {@code stan}: the switch's answer. */
    private String posCompleted(final Map<Integer, String> hold, final String stan)
    {
        final Map<Integer, String> completion = posSale(stan, "000000");
        completion.put(38, "AB1234");
        completion.put(60, io.interchange.codec.cups.Field60.format(io.interchange.codec.cups.Field60.TYPE_COMPLETION, 1, 0).substring(0, 8));
        completion.put(61, "000001" + hold.get(11));
        putIn(cups(), POS_LINK, 1, Mti.FINANCIAL_REQUEST, completion);
        assertEquals(POS_LINK, event.outputLinkId(0), "answered by the switch");
        return output(0).getString(39);
    }

    /** A UnionPay POS completion void (0200, 60.1 = 21) under {@code stan} of the completion under {@code completion}, not sent. */
    private static Map<Integer, String> posCompletionVoidFields(final String stan, final String completion)
    {
        final Map<Integer, String> voided = posSale(stan, "200000");
        voided.put(60, io.interchange.codec.cups.Field60.format(io.interchange.codec.cups.Field60.TYPE_COMPLETION_VOID, 1, 0).substring(0, 8));
        voided.put(61, "000001" + completion);
        return voided;
    }

    /** Sends {@link #posCompletionVoidFields}, which the switch forwards to issuer-a; returns issuer-a's answer {@code code}, not sent. */
    private Map<Integer, String> posCompletionVoid(final String stan, final String completion, final String code)
    {
        putIn(cups(), POS_LINK, 1, Mti.FINANCIAL_REQUEST, posCompletionVoidFields(stan, completion));
        assertEquals(ISSUER_LINKS[0], event.outputLinkId(0), "the completion's void goes to issuer-a");
        return SwitchMessages.issuerAnswer(output(0), code);
    }

    /** Issuer-a's {@code answer} to a UnionPay POS request, relayed to the terminal with {@code code}. */
    private void answered(final Map<Integer, String> answer, final String code)
    {
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, Mti.FINANCIAL_RESPONSE, answer);
        assertEquals(code, output(0).getString(39));
    }

    /**
     * A UnionPay POS terminal settles batch 7 claiming a sale of 10.00 the switch never approved: 0510 with balance
     * flag 2, and the batch stays open for an upload (0320) that never comes (the terminal is switched off).
     */
    @Test
    void unionPayBatchOutOfBalanceWhoseUploadNeverEnds(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            settleUnionPayBatchOutOfBalance();
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(List.of(ClearingExceptionItem.Kind.OUT_OF_BALANCE_BATCH), day.exceptions().stream().map(ClearingExceptionItem::kind).toList(),
            "the batch 7 out of balance by 10.00 is in the day's exceptions");
        final ClearingExceptionItem batch = day.exceptions().get(0);
        assertEquals("TERM0005", batch.terminal());
        assertEquals("000102", batch.stan(), "the 0500's");
        assertTrue(batch.detail().startsWith("batch 7 out of balance at its 0500, and its upload"), batch.detail());
        assertTrue(batch.detail().contains("debits 1 / 1000"), batch.detail());
    }

    /** The same, and the terminal uploads its batch and ends the upload (60.3 = 202): one exception, the batch's close. */
    @Test
    void unionPayBatchOutOfBalanceWhoseUploadEndsIsCountedOnce(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        try
        {
            settleUnionPayBatchOutOfBalance();
            final Map<Integer, String> end = new java.util.HashMap<>();
            end.put(11, "000103");
            end.put(41, "TERM0005");
            end.put(42, "MERCHANT0000003");
            end.put(60, io.interchange.codec.cups.Field60.format(io.interchange.codec.cups.Field60.TYPE_MANAGEMENT, 7, 202));
            putIn(cups(), POS_LINK, 1, Mti.BATCH_UPLOAD, end);
            assertEquals("00", output(0).getString(39), "the upload's end closes the batch");
        }
        finally
        {
            writer.close();
        }
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(List.of(ClearingExceptionItem.Kind.OUT_OF_BALANCE_BATCH), day.exceptions().stream().map(ClearingExceptionItem::kind).toList(),
            "batch 7 once, closed out of balance");
        assertEquals("000103", day.exceptions().get(0).stan(), "said by the upload's end");
        assertTrue(day.exceptions().get(0).detail().startsWith("batch 7 closed out of balance"), day.exceptions().get(0).detail());
    }

    private int cups()
    {
        return setup.dialects().indexOf(io.interchange.codec.cups.UnionPayPos.DIALECT);
    }

    private void settleUnionPayBatchOutOfBalance()
    {
        now = at("2026-11-26T12:00:00Z");
        posSignedOn("000101", 7);
        final Map<Integer, String> settlement = new java.util.HashMap<>();
        settlement.put(11, "000102");
        settlement.put(41, "TERM0005");
        settlement.put(42, "MERCHANT0000003");
        settlement.put(48, new io.interchange.codec.cups.SettlementTotals(new io.interchange.codec.cups.SettlementTotals.Part(1_000, 1, 0, 0, 0),
            new io.interchange.codec.cups.SettlementTotals.Part(0, 0, 0, 0, 0)).toDigits());
        settlement.put(49, "156");
        settlement.put(60, io.interchange.codec.cups.Field60.format(io.interchange.codec.cups.Field60.TYPE_MANAGEMENT, 7,
            io.interchange.codec.cups.Field60.NETWORK_BATCH_SETTLEMENT));
        putIn(cups(), POS_LINK, 1, Mti.RECONCILIATION_REQUEST, settlement);
        assertEquals(io.interchange.codec.cups.SettlementTotals.OUT_OF_BALANCE,
            io.interchange.codec.cups.SettlementTotals.read(output(0)).domestic().balanceFlag(), "out of balance: upload awaited");
    }

    /** TERM0005's UnionPay POS link up and signed on in {@code batch}. */
    private void posSignedOn(final String stan, final int batch)
    {
        link(EventType.ACQUIRER_UP, POS_LINK, 1);
        final Map<Integer, String> signOn = new java.util.HashMap<>();
        signOn.put(11, stan);
        signOn.put(41, "TERM0005");
        signOn.put(42, "MERCHANT0000003");
        signOn.put(60, io.interchange.codec.cups.Field60.format(io.interchange.codec.cups.Field60.TYPE_MANAGEMENT, batch,
            io.interchange.codec.cups.Field60.NETWORK_SIGN_ON));
        putIn(cups(), POS_LINK, 1, Mti.NETWORK_MANAGEMENT_REQUEST, signOn);
        assertEquals("00", output(0).getString(39));
    }

    /** A UnionPay POS terminal's message on its link. */
    private void putIn(final int dialect, final int link, final int endpoint, final int mti, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        put(EventType.ACQUIRER_MESSAGE, link, endpoint, dialect, mti, fields);
    }

    /**
     * Day 1 at 22:59, an {@code mti} of {@code pan} approved by issuer-a; day 2 at 23:01, its terminal's reversal, after
     * {@code change}, answered 00; then the journal closed. Returns the original request; the advices the switch sent
     * after the reversal are in {@link #sentAfterReversal}.
     */
    private Map<Integer, String> approvedThenReversedNextDay(
        final int mti, final String pan, final long amount, final Consumer<Map<Integer, String>> change)
    {
        try
        {
            now = at("2026-11-26T22:59:00Z");
            final Map<Integer, String> original = approvedByIssuerA(mti, pan, amount);
            now = at("2026-11-26T23:01:00Z");
            final Map<Integer, String> reversal = reversalOf(original, pan, amount);
            change.accept(reversal);
            message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.REVERSAL_REQUEST, reversal);
            assertEquals("00", output(0).getString(39), "the switch knows the original: reversed");
            sentAfterReversal = advices();
            return original;
        }
        finally
        {
            writer.close();
        }
    }

    /** A reversal (0400) from the terminal of {@code pan}'s request {@code original}, naming it in field 90 as an 0200. */
    private Map<Integer, String> reversalOf(final Map<Integer, String> original, final String pan, final long amount)
    {
        final Map<Integer, String> reversal = request(pan, amount);
        reversal.put(90, "0200" + original.get(11) + original.get(7) + "0".repeat(22));
        return reversal;
    }

    private static long net(final Settlement.Result result)
    {
        return result.merchants().stream().mapToLong(Settlement.MerchantLine::netSales).sum();
    }

    // ---------------------------------------------------------------- harness (as AdvicesJournaledTest)

    private static long at(final String instant)
    {
        return Instant.parse(instant).getEpochSecond() * 1_000_000_000L;
    }

    private Map<Integer, String> approvedByIssuerA(final int mti, final String pan, final long amount)
    {
        final Map<Integer, String> request = request(pan, amount);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, mti, request);
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[0], 0, mti + 10, SwitchMessages.issuerAnswer(output(0), "00"));
        assertEquals("00", output(0).getString(39));
        return request;
    }

    private void send(final int mti, final Map<Integer, String> fields)
    {
        put(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, mti, fields);
    }

    private void sendIssuer(final int issuer, final int mti, final Map<Integer, String> fields)
    {
        put(EventType.ISSUER_MESSAGE, ISSUER_LINKS[issuer], issuer, mti, fields);
    }

    private List<MessageReader> signOn(final int issuer)
    {
        link(EventType.ISSUER_UP, ISSUER_LINKS[issuer], issuer);
        final MessageReader signOn = output(0);
        final Map<Integer, String> answer = Map.of(7, signOn.getString(7), 11, signOn.getString(11), 39, "00", 70, "001");
        final List<MessageReader> advices = new ArrayList<>(advices());
        message(EventType.ISSUER_MESSAGE, ISSUER_LINKS[issuer], issuer, Mti.NETWORK_MANAGEMENT_RESPONSE, answer);
        advices.addAll(advices());
        return advices;
    }

    private List<MessageReader> advices()
    {
        return SwitchMessages.advices(setup, event);
    }

    private void link(final int type, final int link, final int endpoint)
    {
        event.reset(type, now, link, endpoint, -1);
        handle();
    }

    private void message(final int type, final int link, final int endpoint, final int mti, final Map<Integer, String> fields)
    {
        now += 1_000_000L;
        put(type, link, endpoint, mti, fields);
    }

    private void put(final int type, final int link, final int endpoint, final int mti, final Map<Integer, String> fields)
    {
        put(type, link, endpoint, iso87b, mti, fields);
    }

    private void put(final int type, final int link, final int endpoint, final int dialect, final int mti, final Map<Integer, String> fields)
    {
        SwitchMessages.fill(setup, event, type, now, link, endpoint, dialect, mti, fields);
        handle();
    }

    private void handle()
    {
        event.sequence(sequence);
        handler.onEvent(event, sequence++, true);
        if (journalBeforeReversalsNamed && event.decisionLength() > Decision.LENGTH && event.decisionLength() < Decision.SETTLEMENT_LENGTH)
        {
            event.decisionLength(Decision.LENGTH);
        }
        if (writer != null && !event.isQuiet())
        {
            writer.append(event);
        }
    }

    private MessageReader output(final int i)
    {
        return SwitchMessages.output(setup, event, i);
    }

    private Map<Integer, String> request(final String pan, final long amount)
    {
        return SwitchMessages.request(pan, "000000", amount, now, ++stan);
    }

    private static String card(final int issuer, final int i)
    {
        return SwitchMessages.card(BINS[issuer], i);
    }
}
