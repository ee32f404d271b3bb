package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.Field60;
import io.interchange.codec.cups.SettlementTotals;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.replay.Replayer;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.BusinessDay;
import io.interchange.journal.JournalConfig;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.issuer.ResponseCode;

/**
 * Duplicates across a restart (DESIGN.md §4): the switch that comes back on the same journal still knows the
 * requests of the business day. A terminal that never got its answer sends the same bytes again, track 2 and PIN
 * block included, which the journal never held: it gets the original answer and the card is debited once; the same
 * key with other content gets 94, before the restart and after it.
 */
class RetransmissionSystemTest
{
    private static final byte[] CUPS_HEADER = HexFormat.of().parseHex("6000030000" + "603100310701");

    @Test
    void shouldAnswerACardPresentRetransmissionAfterARestartWithTheOriginalAnswerAndOtherContentWith94(@TempDir final Path journal)
        throws Exception
    {
        final CardBook book = CardBook.generate(61, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount card = cards.payer(4_200);
        final Map<Integer, String> purchase = cards.purchase(card, 4_200);
        final Map<Integer, String> otherAmount = new HashMap<>(purchase);
        otherAmount.put(4, "000000009999");
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(62, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            final SwitchConfig config = config(journal, issuerA, issuerB);
            final byte[] request;
            final MessageReader original;
            try (SwitchNode node = started(config);
                 TestTerminal terminal = signedOn(node.port("pos-iso87"), Iso87.BINARY, new byte[0], cards.network("001")))
            {
                request = terminal.encode(Mti.FINANCIAL_REQUEST, purchase);
                terminal.sendRaw(request);
                original = terminal.receive();
                assertEquals("00", original.getString(39));
                assertFalse(original.has(35) || original.has(52), "the answer echoes neither track 2 nor the PIN block");

                terminal.sendRaw(request);
                assertSameAnswer(original, terminal.receive(), "before the restart");
                assertEquals("94", terminal.exchange(Mti.FINANCIAL_REQUEST, otherAmount).getString(39), "same key, another amount, before the restart");
            }

            try (SwitchNode node = started(config);
                 TestTerminal terminal = signedOn(node.port("pos-iso87"), Iso87.BINARY, new byte[0], cards.network("001")))
            {
                terminal.sendRaw(request);
                assertSameAnswer(original, terminal.receive(), "after the restart");
                assertEquals(card.balance() - 4_200, issuerA.account(card.pan()).orElseThrow().balance(), "debited once");
                assertEquals("94", terminal.exchange(Mti.FINANCIAL_REQUEST, otherAmount).getString(39), "same key, another amount, after the restart");
            }
        }
    }

    @Test
    void shouldKnowASwipeThatCarriedOnlyTrack2AfterARestart(@TempDir final Path journal) throws Exception
    {
        final CardBook book = CardBook.generate(63, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount card = cards.payer(3_100);
        final Map<Integer, String> sale = Cardholders.swiped(cards.purchase(card, 3_100));
        // Same key (terminal, STAN, batch), same amount, another card: other content.
        final CardAccount otherCard = cards.payer(3_100);
        final Map<Integer, String> otherSale = Cardholders.swiped(cards.purchase(otherCard, 3_100));
        otherSale.put(11, sale.get(11));
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(64, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            final SwitchConfig config = config(journal, issuerA, issuerB);
            final byte[] request;
            final MessageReader original;
            try (SwitchNode node = started(config);
                 TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
            {
                request = pos.encode(Mti.FINANCIAL_REQUEST, sale);
                pos.sendRaw(request);
                original = pos.receive();
                assertEquals("00", original.getString(39));
                assertFalse(original.has(2), "a swipe's answer carries no card number: it had none");
                assertEquals("94", pos.exchange(Mti.FINANCIAL_REQUEST, otherSale).getString(39), "same key, another card, before the restart");
            }

            try (SwitchNode node = started(config);
                 TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
            {
                pos.sendRaw(request);
                assertSameAnswer(original, pos.receive(), "after the restart");
                assertEquals(card.balance() - 3_100, issuerA.account(card.pan()).orElseThrow().balance(), "debited once");
                assertEquals("94", pos.exchange(Mti.FINANCIAL_REQUEST, otherSale).getString(39), "same key, another card, after the restart");
                assertEquals(otherCard.balance(), issuerA.account(otherCard.pan()).orElseThrow().balance(), "the other card never reached its issuer");
            }
        }
    }

    /**
     * A terminal that sends an approved purchase again after the switch's duplicate history has forgotten it (here a
     * history of 1,024 requests, 1,100 after it) gets 94: the switch still knows its key, and the card is debited once.
     * Its reversal, now, gets 25 and never reaches the issuer; clearing finds the purchase in the day's journal and says
     * so, for an operator to settle.
     */
    @Test
    void shouldAnswer94ToARetransmissionOnceTheHistoryHasForgottenItsAnswerAndDebitOnce(@TempDir final Path dir) throws Exception
    {
        final Path journal = dir.resolve("journal");
        final CardBook book = CardBook.generate(65, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount card = cards.payer(2_900);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(66, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            final SwitchConfig small = SwitchConfig.parse("interchange.limits { duplicate-history = 1024, in-flight = 256 }\n" + FarCutoff.line(),
                "small-history.conf");
            final SwitchConfig config = LoopbackConfig.of(small, issuerA.port(), issuerB.port(), journal);
            try (SwitchNode node = started(config);
                 TestTerminal terminal = signedOn(node.port("pos-iso87"), Iso87.BINARY, new byte[0], cards.network("001")))
            {
                final Map<Integer, String> purchase = cards.purchase(card, 2_900);
                final byte[] request = terminal.encode(Mti.FINANCIAL_REQUEST, purchase);
                terminal.sendRaw(request);
                assertEquals("00", terminal.receive().getString(39));
                final CardAccount other = cards.payer(1_000);
                for (int i = 0; i < 1_100; i++)
                {
                    // Over the switch's maximum amount: declined by the switch itself, each a request the history remembers.
                    assertFalse("00".equals(terminal.exchange(Mti.FINANCIAL_REQUEST, cards.purchase(other, 100_000_001L)).getString(39)));
                }
                terminal.sendRaw(request);
                final MessageReader again = terminal.receive();
                assertEquals("94", again.getString(39), "known by its key, its answer forgotten: not forwarded again");
                assertEquals(card.balance() - 2_900, issuerA.account(card.pan()).orElseThrow().balance(), "debited once");
                assertEquals("25", terminal.exchange(Mti.REVERSAL_REQUEST, cards.reversalOf(purchase)).getString(39), "its reversal: forgotten");
            }
            final long lastEvent = System.currentTimeMillis() * 1_000_000L;
            final Clearing.ClearingRun run = Clearing.run(config, BusinessDay.businessDay(lastEvent, config.businessDay().cutoff(),
                config.businessDay().zone()), dir.resolve("out"));
            final String exceptions = Files.readString(run.file("exceptions.csv"));
            assertTrue(exceptions.contains(",orphan-reversal,") && exceptions.contains("that the switch's duplicate history had forgotten: answered 25"),
                exceptions);
        }
    }

    /**
     * A UnionPay POS key (terminal, STAN, batch) has no field 7, so the keys the history forgets with one
     * (limits.duplicate-keys) do not hold it; an approved sale is kept beyond the history all the same (limits.pos-sales)
     * while its batch is open. Sent again once a history of 1,024 has forgotten it (1,100 requests after it), the sale
     * gets its original answer, byte for byte, and never reaches its issuer a second time, where it was forwarded as new
     * and the card charged twice; another sale under its key gets 94 and reaches no issuer either. Replayed, the journal
     * gives the same outputs.
     */
    @Test
    void shouldAnswerAUnionPaySaleSentAgainOnceTheHistoryHasForgottenItWithItsOriginalAnswerNeverForwarded(@TempDir final Path dir)
        throws Exception
    {
        final CardBook book = CardBook.generate(67, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount first = cards.payer(1_500);
        final CardAccount other = cards.payer(1_700);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(68, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            final SwitchConfig config = smallHistory(dir, issuerA, issuerB);
            try (SwitchNode node = started(config);
                 TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
            {
                final Map<Integer, String> sale = Cardholders.swiped(cards.purchase(first, 1_500));
                final byte[] request = pos.encode(Mti.FINANCIAL_REQUEST, sale);
                pos.sendRaw(request);
                final byte[] answer = pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT);
                final MessageReader original = decode(answer);
                assertEquals("00", original.getString(39));
                assertTrue(original.has(37) && original.has(38), "the issuer's RRN and authorization code");
                final long approved = issuerA.answers(ResponseCode.APPROVED);
                forget(pos, cards);

                pos.sendRaw(request);
                assertArrayEquals(answer, pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT), "the original answer again, byte for byte");
                assertEquals(approved, issuerA.answers(ResponseCode.APPROVED), "the issuer saw the sale once");
                assertEquals(first.balance() - 1_500, issuerA.account(first.pan()).orElseThrow().balance(), "debited once");
                final Map<Integer, String> sameKey = Cardholders.swiped(cards.purchase(other, 1_700));
                sameKey.put(11, sale.get(11));
                assertEquals("94", pos.exchange(Mti.FINANCIAL_REQUEST, sameKey).getString(39), "the same STAN and batch, another sale");
                assertEquals(approved, issuerA.answers(ResponseCode.APPROVED));
                assertEquals(other.balance(), issuerA.account(other.pan()).orElseThrow().balance(), "the other sale never reached its issuer");
            }
            assertReplayedByteForByte(config, dir);
        }
    }

    /**
     * A UnionPay POS terminal reverses (0400) a sale whose answer it never got, only before its next transaction, once a
     * history of 1,024 has forgotten the sale (1,100 requests after it). The sale is kept beyond the history
     * (limits.pos-sales) while its batch is open, so the reversal finds it: 00, the issuer told by an 0420 naming the sale
     * as it got it, and the cardholder's balance restored; the repeat (0401) is 00 again and gives nothing back twice, a
     * void of the reversed sale is 12, the batch settles at zero and clearing books the sale reversed. The reversal was
     * answered 25 and never reached the issuer: the card stayed charged while the terminal took the sale for undone.
     * Replayed, the journal gives the same outputs.
     */
    @Test
    void shouldReverseAUnionPaySaleTheHistoryHasForgottenAtItsIssuerInItsBatchAndInClearing(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(71, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount card = cards.payer(2_500);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(72, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            final SwitchConfig config = smallHistory(dir, issuerA, issuerB);
            try (SwitchNode node = started(config);
                 TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
            {
                final Map<Integer, String> sale = Cardholders.swiped(cards.purchase(card, 2_500));
                assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, sale).getString(39));
                assertEquals(card.balance() - 2_500, issuerA.account(card.pan()).orElseThrow().balance(), "charged");
                forget(pos, cards);

                final Map<Integer, String> reversal = reversalOf(sale, card);
                assertEquals("00", pos.exchange(Mti.REVERSAL_REQUEST, reversal).getString(39), "the forgotten sale found, and reversed");
                Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == card.balance(),
                    () -> "the issuer gave the money back: balance " + issuerA.account(card.pan()).orElseThrow().balance() + ", started at " +
                        card.balance());
                assertEquals("00", pos.exchange(Mti.REVERSAL_REQUEST + 1, reversal).getString(39), "its repeat: 00 again");

                final Map<Integer, String> voided = Cardholders.swiped(cards.purchase(card, 2_500));
                voided.put(3, "200000");
                voided.put(60, "23" + "000001");
                voided.put(61, "000001" + sale.get(11));
                assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, voided).getString(39), "a void of the reversed sale");
                assertEquals(SettlementTotals.IN_BALANCE, settle(pos, cards, 1, 0, 0), "the batch holds nothing: the sale reversed out of it");
                assertEquals(card.balance(), issuerA.account(card.pan()).orElseThrow().balance(), "given back once");
            }
            assertEquals(List.of("0200,000000,2500,reversed", "0200,200000,2500,declined"), clearedToday(config, dir, "2500"),
                "the sale booked back, its void refused");
            assertReplayedByteForByte(config, dir);
        }
    }

    /**
     * A UnionPay POS terminal voids a sale (approved, the card paid back) but never gets the void's answer, and reverses
     * the void (0400 naming the void's own STAN and batch) only once a history of 1,024 has forgotten both. The void is
     * kept beyond the history with its sale while its batch is open: the void sent again first gets its original answer,
     * byte for byte, never refunded twice (it was 12, the terminal told the void failed while the card was paid back);
     * its reversal is 00, the issuer told by an 0420 naming the void as it got it, so the card is charged for the sale
     * again, the batch settles in balance with the sale and clearing settles the sale, the void undone. The reversal was
     * answered 25 and never reached the issuer: the cardholder kept the refund while the terminal's batch counted the sale.
     * Replayed, the journal gives the same outputs.
     */
    @Test
    void shouldReverseAUnionPayVoidTheHistoryHasForgottenAtItsIssuerInItsBatchAndInClearing(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(81, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount card = cards.payer(2_400);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(82, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            final SwitchConfig config = smallHistory(dir, issuerA, issuerB);
            try (SwitchNode node = started(config);
                 TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
            {
                final Map<Integer, String> sale = Cardholders.swiped(cards.purchase(card, 2_400));
                assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, sale).getString(39));
                final Map<Integer, String> voided = Cardholders.swiped(cards.purchase(card, 2_400));
                voided.put(3, "200000");
                voided.put(60, "23" + "000001");
                voided.put(61, "000001" + sale.get(11));
                final byte[] voidRequest = pos.encode(Mti.FINANCIAL_REQUEST, voided);
                pos.sendRaw(voidRequest);
                final byte[] voidAnswer = pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT);
                assertEquals("00", decode(voidAnswer).getString(39));
                assertEquals(card.balance(), issuerA.account(card.pan()).orElseThrow().balance(), "the sale voided: paid back");
                final long approved = issuerA.answers(ResponseCode.APPROVED);
                forget(pos, cards);

                pos.sendRaw(voidRequest);
                assertArrayEquals(voidAnswer, pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT), "the void sent again: its original answer, byte for byte");
                assertEquals(approved, issuerA.answers(ResponseCode.APPROVED), "the void never went to the issuer again");

                final Map<Integer, String> reversal = reversalOf(voided, card);
                assertEquals("00", pos.exchange(Mti.REVERSAL_REQUEST, reversal).getString(39), "the forgotten void found, and reversed");
                Awaiting.until(Duration.ofSeconds(10), () -> issuerA.account(card.pan()).orElseThrow().balance() == card.balance() - 2_400,
                    () -> "the issuer took the refund back: balance " + issuerA.account(card.pan()).orElseThrow().balance() + ", started at " +
                        card.balance());
                assertEquals("00", pos.exchange(Mti.REVERSAL_REQUEST + 1, reversal).getString(39), "its repeat: 00 again");
                assertEquals(SettlementTotals.IN_BALANCE, settle(pos, cards, 1, 2_400, 1), "the batch counts the sale again");
                assertEquals(card.balance() - 2_400, issuerA.account(card.pan()).orElseThrow().balance(), "charged once");
            }
            assertEquals(List.of("0200,000000,2400,approved", "0200,200000,2400,reversed"), clearedToday(config, dir, "2400"),
                "the sale settles, its void undone");
            assertReplayedByteForByte(config, dir);
        }
    }

    /**
     * A UnionPay POS refund (0220 coded 20, 60.1 = 25) sent again by its terminal once a history of 1,024 has forgotten
     * it gets its original answer, byte for byte, and the card is credited once: it was forwarded as new, and the
     * cardholder paid back twice. Kept beyond the history as a sale is, it is no sale to void: a void naming it is 12.
     */
    @Test
    void shouldAnswerAUnionPayRefundSentAgainOnceTheHistoryHasForgottenItWithItsOriginalAnswerCreditedOnce(@TempDir final Path dir)
        throws Exception
    {
        final CardBook book = CardBook.generate(73, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount card = cards.payer(1_200);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(74, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            final SwitchConfig config = smallHistory(dir, issuerA, issuerB);
            try (SwitchNode node = started(config);
                 TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
            {
                final Map<Integer, String> refund = Cardholders.swiped(cards.purchase(card, 1_200));
                refund.put(3, "200000");
                refund.put(60, "25" + "000001");
                final byte[] request = pos.encode(Mti.FINANCIAL_ADVICE, refund);
                pos.sendRaw(request);
                final byte[] answer = pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT);
                assertEquals("00", decode(answer).getString(39));
                assertEquals(card.balance() + 1_200, issuerA.account(card.pan()).orElseThrow().balance(), "credited");
                final long approved = issuerA.answers(ResponseCode.APPROVED);
                forget(pos, cards);

                pos.sendRaw(request);
                assertArrayEquals(answer, pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT), "the original answer again, byte for byte");
                assertEquals(approved, issuerA.answers(ResponseCode.APPROVED), "the issuer saw the refund once");
                assertEquals(card.balance() + 1_200, issuerA.account(card.pan()).orElseThrow().balance(), "credited once");

                final Map<Integer, String> voided = Cardholders.swiped(cards.purchase(card, 1_200));
                voided.put(3, "200000");
                voided.put(60, "23" + "000001");
                voided.put(61, "000001" + refund.get(11));
                assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, voided).getString(39), "a void naming the refund");
                assertEquals(card.balance() + 1_200, issuerA.account(card.pan()).orElseThrow().balance(), "credited once");
            }
            assertReplayedByteForByte(config, dir);
        }
    }

    /**
     * A UnionPay POS pre-authorization (0100 coded 03, 60.1 = 10), the first of its terminal's batch, sent again once a
     * history of 1,024 has forgotten it (1,100 requests after it), and after a sale has taken its batch up: the hold is
     * kept beyond the history (limits.pre-authorizations) with its answer while its terminal's batch is open, so the
     * pre-authorization gets its original answer, byte for byte, and never reaches its issuer a second time, where it
     * was forwarded as new and a second hold put on the cardholder's funds; the same card under its key for another
     * amount gets 94 and reaches no issuer either. Replayed, the journal gives the same outputs.
     */
    @Test
    void shouldAnswerAUnionPayPreAuthorizationSentAgainOnceTheHistoryHasForgottenItWithItsOriginalAnswerHeldOnce(@TempDir final Path dir)
        throws Exception
    {
        final CardBook book = CardBook.generate(75, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount guest = cards.payer(5_000);
        final CardAccount shopper = cards.payer(1_300);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(76, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            final SwitchConfig config = smallHistory(dir, issuerA, issuerB);
            try (SwitchNode node = started(config);
                 TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
            {
                final Map<Integer, String> hold = preAuthorization(cards, guest, 5_000);
                final byte[] request = pos.encode(Mti.AUTHORIZATION_REQUEST, hold);
                pos.sendRaw(request);
                final byte[] answer = pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT);
                final MessageReader original = decode(answer);
                assertEquals("00", original.getString(39));
                assertTrue(original.has(38), "the issuer's authorization code, which the completion carries");
                assertEquals(guest.balance() - 5_000, issuerA.account(guest.pan()).orElseThrow().balance(), "held");
                assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, Cardholders.swiped(cards.purchase(shopper, 1_300))).getString(39),
                    "a sale takes batch 1 up after the pre-authorization");
                final long approved = issuerA.answers(ResponseCode.APPROVED);
                forget(pos, cards);

                pos.sendRaw(request);
                assertArrayEquals(answer, pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT), "the original answer again, byte for byte");
                assertEquals(approved, issuerA.answers(ResponseCode.APPROVED), "the issuer saw the pre-authorization once");
                assertEquals(guest.balance() - 5_000, issuerA.account(guest.pan()).orElseThrow().balance(), "held once");
                final Map<Integer, String> otherAmount = preAuthorization(cards, guest, 4_000);
                otherAmount.put(11, hold.get(11));
                assertEquals("94", pos.exchange(Mti.AUTHORIZATION_REQUEST, otherAmount).getString(39), "the same STAN, batch and card, another amount");
                assertEquals(approved, issuerA.answers(ResponseCode.APPROVED));
                assertEquals(guest.balance() - 5_000, issuerA.account(guest.pan()).orElseThrow().balance(), "held once");
            }
            assertReplayedByteForByte(config, dir);
        }
    }

    /**
     * A UnionPay POS pre-authorization that opens its terminal's batch 2 while batch 1, which has a sale, is neither
     * settled nor left behind yet (no sale counted in batch 2 yet), sent again once the history has forgotten it: before
     * and after a sale takes batch 2 up (leaving batch 1 behind), the original answer byte for byte, held once. The hold
     * was kept with its batch closed from the start, and the pre-authorization sent again went to its issuer as new, a
     * second hold on the cardholder's funds. Replayed, the journal gives the same outputs.
     */
    @Test
    void shouldAnswerAUnionPayPreAuthorizationThatOpensABatchSentAgainOnceForgottenWithItsOriginalAnswer(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(81, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount guest = cards.payer(5_000);
        final CardAccount shopper = cards.payer(2_600);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(82, List.of("622848"), 10), IssuerSimConfig.defaults()).start())
        {
            final SwitchConfig config = smallHistory(dir, issuerA, issuerB);
            try (SwitchNode node = started(config);
                 TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
            {
                assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, Cardholders.swiped(cards.purchase(shopper, 1_300))).getString(39),
                    "a sale in batch 1");
                final Map<Integer, String> hold = preAuthorization(cards, guest, 5_000);
                hold.put(60, "10" + "000002");
                final byte[] request = pos.encode(Mti.AUTHORIZATION_REQUEST, hold);
                pos.sendRaw(request);
                final byte[] answer = pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT);
                assertEquals("00", decode(answer).getString(39));
                final long approved = issuerA.answers(ResponseCode.APPROVED);
                forget(pos, cards, 2);

                pos.sendRaw(request);
                assertArrayEquals(answer, pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT), "the original answer again, byte for byte");
                assertEquals(approved, issuerA.answers(ResponseCode.APPROVED), "the issuer saw the pre-authorization once");
                assertEquals(guest.balance() - 5_000, issuerA.account(guest.pan()).orElseThrow().balance(), "held once");

                final Map<Integer, String> sale = Cardholders.swiped(cards.purchase(shopper, 1_300));
                sale.put(60, "22" + "000002");
                assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, sale).getString(39), "a sale takes batch 2 up, batch 1 left behind");
                pos.sendRaw(request);
                assertArrayEquals(answer, pos.receiveRaw(TestTerminal.ANSWER_TIMEOUT), "batch 2 still open: the original answer again");
                assertEquals(approved + 1, issuerA.answers(ResponseCode.APPROVED), "the sale alone reached the issuer");
                assertEquals(guest.balance() - 5_000, issuerA.account(guest.pan()).orElseThrow().balance(), "held once");
            }
            assertReplayedByteForByte(config, dir);
        }
    }

    /**
     * The pre-authorizations kept beyond the history answer for their keys only while their terminal's batch is open, as
     * the sales do, though a hold counts in no batch: sent again before its batch settles, the pre-authorization is not
     * forwarded; once batch 1 has settled, its key comes again (a terminal set up again, from its first batch and STANs)
     * as a new pre-authorization, approved and held at its issuer, as is another card's under the key of a hold still
     * kept (a terminal sending a request again sends the same card).
     */
    @Test
    void shouldTakeAUnionPayPreAuthorizationKeyOfASettledBatchOrAnotherCardAsANewPreAuthorization(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(77, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount guest = cards.payer(5_000);
        final CardAccount other = cards.payer(4_500);
        final CardAccount next = cards.payer(3_000);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(78, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = started(smallHistory(dir, issuerA, issuerB));
             TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
        {
            final Map<Integer, String> hold = preAuthorization(cards, guest, 5_000);
            final Map<Integer, String> kept = preAuthorization(cards, other, 4_500);
            assertEquals("00", pos.exchange(Mti.AUTHORIZATION_REQUEST, hold).getString(39));
            assertEquals("00", pos.exchange(Mti.AUTHORIZATION_REQUEST, kept).getString(39));
            final long approved = issuerA.answers(ResponseCode.APPROVED);
            forget(pos, cards);
            assertEquals("00", pos.exchange(Mti.AUTHORIZATION_REQUEST, hold).getString(39));
            assertEquals(approved, issuerA.answers(ResponseCode.APPROVED), "batch 1 open: its pre-authorization sent again is not forwarded");
            assertEquals(guest.balance() - 5_000, issuerA.account(guest.pan()).orElseThrow().balance(), "held once");

            final Map<Integer, String> anotherCard = preAuthorization(cards, next, 1_000);
            anotherCard.put(11, kept.get(11));
            assertEquals("00", pos.exchange(Mti.AUTHORIZATION_REQUEST, anotherCard).getString(39), "another card under a kept hold's key: new");
            assertEquals(next.balance() - 1_000, issuerA.account(next.pan()).orElseThrow().balance(), "held");
            assertEquals(SettlementTotals.IN_BALANCE, settle(pos, cards, 1, 0, 0), "batch 1 settled: a hold counts in no batch");

            final Map<Integer, String> again = preAuthorization(cards, guest, 2_000);
            again.put(11, hold.get(11));
            assertEquals("00", pos.exchange(Mti.AUTHORIZATION_REQUEST, again).getString(39), "batch 1 again, its STAN again: a new pre-authorization");
            assertEquals(guest.balance() - 7_000, issuerA.account(guest.pan()).orElseThrow().balance(), "a second hold, asked for");
            assertEquals(other.balance() - 4_500, issuerA.account(other.pan()).orElseThrow().balance(), "held once");
        }
    }

    /**
     * A UnionPay POS void (60.1 = 23) naming a sale the history has forgotten, from the terminal set up again once the
     * sale's batch 1 has settled (batch 1 again, taken up by a new sale): the kept sale is of the batch 1 that closed,
     * not the open one, so the void is 12 and the card is not paid back. The void's batch number matched the kept sale's
     * and went to the issuer, which paid back a sale its settled batch had counted, and the open batch was out of balance.
     */
    @Test
    void shouldAnswer12ToAUnionPayVoidOfAKeptSaleOfABatch1ThatHasClosed(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(79, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount card = cards.payer(2_200);
        final CardAccount shopper = cards.payer(1_100);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(80, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = started(smallHistory(dir, issuerA, issuerB));
             TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
        {
            final Map<Integer, String> sale = Cardholders.swiped(cards.purchase(card, 2_200));
            assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, sale).getString(39));
            forget(pos, cards);
            assertEquals(SettlementTotals.IN_BALANCE, settle(pos, cards, 1, 2_200, 1), "batch 1 settled with the sale");
            assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, Cardholders.swiped(cards.purchase(shopper, 1_100))).getString(39),
                "set up again: batch 1 again");

            final Map<Integer, String> voided = Cardholders.swiped(cards.purchase(card, 2_200));
            voided.put(3, "200000");
            voided.put(60, "23" + "000001");
            voided.put(61, "000001" + sale.get(11));
            assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, voided).getString(39), "a void of the batch 1 that closed");
            assertEquals(card.balance() - 2_200, issuerA.account(card.pan()).orElseThrow().balance(), "not paid back");
            assertEquals(SettlementTotals.IN_BALANCE, settle(pos, cards, 1, 1_100, 1), "the open batch 1 holds its own sale alone");
        }
    }

    /** A UnionPay POS pre-authorization (0100 coded 03, 60.1 = 10) in batch 1, swiped; not sent. */
    private static Map<Integer, String> preAuthorization(final Cardholders cards, final CardAccount card, final long amount)
    {
        final Map<Integer, String> hold = Cardholders.swiped(cards.purchase(card, amount));
        hold.put(3, "030000");
        hold.put(60, "10" + "000001");
        return hold;
    }

    /** A POS reversal of {@code original}: named by its own STAN and batch, with its card number rather than its track 2 and PIN. */
    private static Map<Integer, String> reversalOf(final Map<Integer, String> original, final CardAccount card)
    {
        final Map<Integer, String> reversal = new HashMap<>(original);
        reversal.remove(35);
        reversal.remove(52);
        reversal.put(2, card.pan());
        return reversal;
    }

    /** Today's clearing: its transactions of this amount (MTI, processing code, amount, state), asserting no orphan reversal. */
    private static List<String> clearedToday(final SwitchConfig config, final Path dir, final String amount) throws Exception
    {
        final Clearing.ClearingRun run = Clearing.run(config, BusinessDay.businessDay(System.currentTimeMillis() * 1_000_000L,
            config.businessDay().cutoff(), config.businessDay().zone()), dir.resolve("out"));
        final String exceptions = Files.readString(run.file("exceptions.csv"));
        assertFalse(exceptions.contains(",orphan-reversal,"), exceptions);
        return Files.readAllLines(run.file("transactions.csv")).stream().map(line -> line.split(",")).filter(f -> f.length > 4 && amount.equals(f[4]))
            .map(f -> f[1] + "," + f[2] + "," + f[4] + "," + f[f.length - 1]).toList();
    }

    private static void assertReplayedByteForByte(final SwitchConfig config, final Path dir) throws Exception
    {
        final JournalConfig written = SwitchNode.journalConfig(config);
        final JournalConfig replayed = new JournalConfig(dir.resolve("replay"), written.durability(), written.cutoff(), written.zone(),
            written.panEncryptionKey(), written.panHashKey(), written.dialects());
        final SwitchSetup setup = SwitchNode.setup(config, Dialects.all());
        Replayer.replay(SwitchNode.handler(config, setup), setup, written, replayed);
        assertEquals(List.of(), Replayer.differences(written, replayed, 10), "replayed byte for byte");
    }

    /**
     * The sales kept beyond the history answer for their keys only while their batch is open: once it has settled, a
     * terminal's STAN comes again in its next batch, and even in a batch 1 again (a terminal set up again, starting
     * from its first batch and STANs), as a new sale, approved. Before that, the kept sale sent again is not forwarded.
     */
    @Test
    void shouldTakeAUnionPayKeyOfASettledBatchAsANewSale(@TempDir final Path dir) throws Exception
    {
        final CardBook book = CardBook.generate(69, List.of("476173"), 50);
        final Cardholders cards = new Cardholders(book);
        final CardAccount first = cards.payer(1_500);
        final CardAccount second = cards.payer(1_600);
        final CardAccount next = cards.payer(1_700);
        final CardAccount again = cards.payer(1_800);
        try (IssuerSimulator issuerA = new IssuerSimulator(book, IssuerSimConfig.defaults()).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(70, List.of("622848"), 10), IssuerSimConfig.defaults()).start();
             SwitchNode node = started(smallHistory(dir, issuerA, issuerB));
             TestTerminal pos = signedOn(node.port("pos-cups"), UnionPayPos.DIALECT, CUPS_HEADER, cupsSignOn(cards)))
        {
            final List<Map<Integer, String>> sales = List.of(Cardholders.swiped(cards.purchase(first, 1_500)),
                Cardholders.swiped(cards.purchase(second, 1_600)));
            for (final Map<Integer, String> sale : sales)
            {
                assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, sale).getString(39));
            }
            final long approved = issuerA.answers(ResponseCode.APPROVED);
            forget(pos, cards);
            assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, sales.get(0)).getString(39));
            assertEquals(approved, issuerA.answers(ResponseCode.APPROVED), "batch 1 open: its sale sent again is not forwarded");
            assertEquals(SettlementTotals.IN_BALANCE, settle(pos, cards, 1, 3_100, 2), "batch 1 settled");

            final Map<Integer, String> nextBatch = Cardholders.swiped(cards.purchase(next, 1_700));
            nextBatch.put(11, sales.get(0).get(11));
            nextBatch.put(60, "22" + "000002");
            assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, nextBatch).getString(39), "batch 1's STAN again in batch 2: a new sale");
            assertEquals(SettlementTotals.IN_BALANCE, settle(pos, cards, 2, 1_700, 1), "batch 2 settled");
            for (final Map<Integer, String> settled : sales)
            {
                final Map<Integer, String> reused = Cardholders.swiped(cards.purchase(again, 900));
                reused.put(11, settled.get(11));
                assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, reused).getString(39), "batch 1 again, its STANs again: a new sale");
            }
            assertEquals(next.balance() - 1_700, issuerA.account(next.pan()).orElseThrow().balance());
            assertEquals(again.balance() - 1_800, issuerA.account(again.pan()).orElseThrow().balance());
            assertEquals(first.balance() - 1_500, issuerA.account(first.pan()).orElseThrow().balance(), "debited once");
        }
    }

    private static SwitchConfig smallHistory(final Path dir, final IssuerSimulator issuerA, final IssuerSimulator issuerB)
    {
        final SwitchConfig small = SwitchConfig.parse("interchange.limits { duplicate-history = 1024, in-flight = 256 }\n" + FarCutoff.line(),
            "small-history.conf");
        return LoopbackConfig.of(small, issuerA.port(), issuerB.port(), dir.resolve("journal"));
    }

    /** A UnionPay POS 0500 of the terminal's batch with these domestic debits: the balance flag of its answer's domestic part. */
    private static int settle(final TestTerminal pos, final Cardholders cards, final int batch, final long debits, final int count) throws Exception
    {
        final Map<Integer, String> m = new HashMap<>();
        m.put(11, cards.nextStan());
        m.put(41, "TERM0001");
        m.put(42, "MERCHANT0000001");
        m.put(48, new SettlementTotals(new SettlementTotals.Part(debits, count, 0, 0, 0), new SettlementTotals.Part(0, 0, 0, 0, 0)).toDigits());
        m.put(49, "156");
        m.put(60, Field60.format(Field60.TYPE_MANAGEMENT, batch, Field60.NETWORK_BATCH_SETTLEMENT));
        return SettlementTotals.read(pos.exchange(Mti.RECONCILIATION_REQUEST, m)).domestic().balanceFlag();
    }

    /** 1,100 requests the switch declines itself (over its maximum amount), each one the history remembers: it forgets what came before. */
    private static void forget(final TestTerminal pos, final Cardholders cards) throws Exception
    {
        forget(pos, cards, 1);
    }

    /** Makes a history of 1,024 forget what came before: 1,100 sales of batch {@code batch} declined over the amount limit. */
    private static void forget(final TestTerminal pos, final Cardholders cards, final int batch) throws Exception
    {
        final CardAccount filler = cards.payer(1_000);
        for (int i = 0; i < 1_100; i++)
        {
            final Map<Integer, String> sale = Cardholders.swiped(cards.purchase(filler, 100_000_001L));
            sale.put(60, "22" + String.format("%06d", batch));
            assertFalse("00".equals(pos.exchange(Mti.FINANCIAL_REQUEST, sale).getString(39)));
        }
    }

    private static MessageReader decode(final byte[] message)
    {
        final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
        reader.wrap(message, 0, message.length);
        return reader;
    }

    private static SwitchConfig config(final Path journal, final IssuerSimulator issuerA, final IssuerSimulator issuerB)
    {
        return LoopbackConfig.of(SwitchConfig.defaults(), issuerA.port(), issuerB.port(), journal);
    }

    private static SwitchNode started(final SwitchConfig config) throws InterruptedException
    {
        final SwitchNode node = SwitchNode.start(config);
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer-a signed on");
        return node;
    }

    /** A terminal on a new connection, signed on: links do not outlive a restart. */
    private static TestTerminal signedOn(final int port, final Dialect dialect, final byte[] header, final Map<Integer, String> signOn)
        throws Exception
    {
        final TestTerminal terminal = new TestTerminal(port, dialect, header);
        assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn).getString(39));
        return terminal;
    }

    private static Map<Integer, String> cupsSignOn(final Cardholders cards)
    {
        final Map<Integer, String> signOn = new HashMap<>();
        signOn.put(11, cards.nextStan());
        signOn.put(41, "TERM0001");
        signOn.put(42, "MERCHANT0000001");
        signOn.put(60, "00" + "000001" + "004");
        return signOn;
    }

    private static void assertSameAnswer(final MessageReader original, final MessageReader again, final String when)
    {
        assertEquals(original.getString(39), again.getString(39), when);
        assertEquals(original.getString(38), again.getString(38), "the original authorization code, not a second one, " + when);
        assertEquals(original.getString(37), again.getString(37), "the original RRN, " + when);
        assertEquals(original.getString(11), again.getString(11), when);
    }
}
