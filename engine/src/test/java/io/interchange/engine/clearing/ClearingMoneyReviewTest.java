package io.interchange.engine.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
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
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalWriter;

/**
 * Review of clearing's money logic: scenarios driven through the switch handler with event time, journaled, then cleared.
 * Business day 26 Nov 2026 closes at 23:00 UTC (the default cutoff).
 */
class ClearingMoneyReviewTest
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

    private SwitchConfig start(final Path dir)
    {
        return start(dir, setup.historyCapacity());
    }

    /** With a duplicate history of {@code history} requests: a small one forgets what a test needs forgotten. */
    private SwitchConfig start(final Path dir, final int history)
    {
        final SwitchConfig config = SwitchConfig.defaults().withJournalDir(dir.resolve("journal"));
        final SwitchSetup s = setup;
        handler = SwitchNode.handler(config, new SwitchSetup(s.dialects(), s.issuerDialect(), s.acquirers(), s.issuers(), s.bins(), s.acceptors(),
            s.limits(), s.zone(), s.cutoff(), s.inFlightCapacity(), s.inFlightMaxFrame(), history, s.forgottenKeys(), s.adviceCapacity(),
            s.preAuthorizations()));
        writer = new JournalWriter(SwitchNode.journalConfig(config));
        link(EventType.ACQUIRER_UP, ACQUIRER_LINK, 0);
        message(EventType.ACQUIRER_MESSAGE, ACQUIRER_LINK, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, "1126225800", 11, "000001", 70, "001"));
        signOn(0);
        return config;
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
            final Map<Integer, String> garbled = new java.util.HashMap<>(purchase);
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
        final DayReader.Day day = DayReader.read(config, DAY_1);
        assertEquals(TransactionState.REVERSED, day.transactions().state(0), "the purchase was reversed at issuer-a");
        assertEquals(0, net(Settlement.settle(config, DAY_1, day.transactions())), "nothing settles");
    }

    /**
     * The same on an acquirer host's link: a purchase approved on its link; the host reconnects and, before it has
     * signed on again, sends the purchase again (91 before the duplicate check: not signed on); signed on, it reverses
     * the purchase (0400), which the switch finds approved, answers 00 and reverses at issuer-a. Clearing settles it.
     */
    @Test
    void reversalAfterARetransmissionRefusedBeforeSignOnIsNetted(@TempDir final Path dir)
    {
        final SwitchConfig config = start(dir);
        final int newLink = 8;
        try
        {
            now = at("2026-11-26T12:00:00Z");
            final Map<Integer, String> purchase = approvedByIssuerA(Mti.FINANCIAL_REQUEST, card(0, 32), 10_000);
            link(EventType.ACQUIRER_DOWN, ACQUIRER_LINK, 0);
            link(EventType.ACQUIRER_UP, newLink, 0);
            message(EventType.ACQUIRER_MESSAGE, newLink, 0, Mti.FINANCIAL_REQUEST, purchase);
            assertEquals("91", output(0).getString(39), "not signed on");
            message(EventType.ACQUIRER_MESSAGE, newLink, 0, Mti.NETWORK_MANAGEMENT_REQUEST, Map.of(7, purchase.get(7), 11, "000002", 70, "001"));
            assertEquals("00", output(0).getString(39), "signed on");
            message(EventType.ACQUIRER_MESSAGE, newLink, 0, Mti.REVERSAL_REQUEST, reversalOf(purchase, card(0, 32), 10_000));
            assertEquals("00", output(0).getString(39), "the switch reverses the purchase");
        }
        finally
        {
            writer.close();
        }
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

    private int cups()
    {
        return setup.dialects().indexOf(io.interchange.codec.cups.UnionPayPos.DIALECT);
    }

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
