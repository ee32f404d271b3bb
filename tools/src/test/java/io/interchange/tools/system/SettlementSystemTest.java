package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.cups.Field60;
import io.interchange.codec.cups.SettlementTotals;
import io.interchange.codec.cups.UnionPayPos;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.switching.BatchTotals;
import io.interchange.engine.switching.Decision;
import io.interchange.engine.switching.Outcome;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;

/**
 * Terminal batch settlement over TCP (DESIGN.md §4): a real node on the embedded defaults, an issuer simulator, and
 * terminals that buy, refund and reverse, then settle their batch with an 0500, in balance and out of it, on the ISO
 * 8583:1987 listener (fields 74-77, 86-89, 97) and the UnionPay POS one (field 48, and the 0320 batch upload). Each
 * test uses terminals of its own, so that their batches are theirs alone. The issuer's book holds domestic cards
 * and, under a BIN the switch is told is foreign, foreign ones: a UnionPay batch totals the two apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SettlementSystemTest
{
    private static final long SEED = 21;
    private static final String DOMESTIC_BIN = "476173";
    /** Routed to issuer-a like the domestic cards; only its origin differs. */
    private static final String FOREIGN_BIN = "455951";
    private static final byte[] TPDU_AND_HEADER = HexFormat.of().parseHex("6000030000" + "603100310701");

    private IssuerSimulator issuer;
    private SwitchNode node;
    private SwitchConfig config;
    private Cardholders cards;

    @BeforeAll
    void start(@TempDir final Path journal) throws Exception
    {
        final List<CardAccount> both = new ArrayList<>(CardBook.generate(SEED, List.of(DOMESTIC_BIN), 200).cards());
        both.addAll(CardBook.generate(SEED + 1, List.of(FOREIGN_BIN), 20).cards());
        final CardBook book = CardBook.of(both);
        issuer = new IssuerSimulator(book, IssuerSimConfig.defaults().withSeed(SEED)).start();
        cards = new Cardholders(book);
        config = LoopbackConfig.of(SwitchConfig.parse("""
            interchange.ring.threads = one
            interchange.bin-table += { low = "%s", high = "%s", issuer = "issuer-a", origin = foreign }
            interchange.terminals += { id = "TERM0101", merchant = "MERCHANT0000003", status = active, master-key = "486F3F2B369BF895E0188D97FB93DFBE" }
            interchange.merchants += { id = "MERCHANT0000101", name = "Demo Hotel Two", mcc = 7011, status = active }
            interchange.terminals += { id = "TERM0106", merchant = "MERCHANT0000101", status = active, master-key = "486F3F2B369BF895E0188D97FB93DFBE" }
            interchange.merchants += { id = "MERCHANT0000008", name = "Void Test Shop", mcc = 5411, status = active }
            interchange.terminals += { id = "TERM0102", merchant = "MERCHANT0000008", status = active, master-key = "486F3F2B369BF895E0188D97FB93DFBE" }
            interchange.terminals += { id = "TERM0103", merchant = "MERCHANT0000008", status = active, master-key = "486F3F2B369BF895E0188D97FB93DFBE" }
            interchange.terminals += { id = "TERM0104", merchant = "MERCHANT0000008", status = active, master-key = "486F3F2B369BF895E0188D97FB93DFBE" }
            interchange.terminals += { id = "TERM0105", merchant = "MERCHANT0000008", status = active, master-key = "486F3F2B369BF895E0188D97FB93DFBE" }
            interchange.terminals += { id = "TERM0107", merchant = "MERCHANT0000008", status = active, master-key = "486F3F2B369BF895E0188D97FB93DFBE" }
            interchange.terminals += { id = "TERM0108", merchant = "MERCHANT0000008", status = active, master-key = "486F3F2B369BF895E0188D97FB93DFBE" }
            interchange.terminals += { id = "TERM0109", merchant = "MERCHANT0000101", status = active, master-key = "486F3F2B369BF895E0188D97FB93DFBE" }
            """.formatted(FOREIGN_BIN, FOREIGN_BIN) + FarCutoff.line(), "one-thread.conf"), issuer.port(), issuer.port(), journal);
        node = SwitchNode.start(config);
        Awaiting.until(Duration.ofSeconds(10), () -> node.signedOnLinks("issuer-a") == 2, "issuer links signed on");
    }

    @AfterAll
    void stop()
    {
        final long failures = node == null ? 0 : node.handlerFailures();
        if (node != null)
        {
            node.close();
        }
        issuer.close();
        assertEquals(0, failures, "the switch handler failed on an event: see the log");
    }

    @Test
    void shouldAnswer00ToAnIso87BatchThatAddsUpAndStartTheNextFromZero() throws IOException
    {
        try (TestTerminal terminal = isoSignedOn())
        {
            final Map<Integer, String> first = buy(terminal, "TERM0003", "MERCHANT0000002", "000000", 1_000);
            buy(terminal, "TERM0003", "MERCHANT0000002", "000000", 2_500);
            buy(terminal, "TERM0003", "MERCHANT0000002", "200000", 700);
            final Map<Integer, String> reversal = cards.reversalOf(first);
            assertEquals("00", terminal.exchange(Mti.REVERSAL_REQUEST, reversal).getString(39));

            // Credits 1 (700), debits 2 (3,500), one debit reversed (1,000): the merchant is owed 1,800.
            final MessageReader settled = terminal.exchange(Mti.RECONCILIATION_REQUEST,
                reconciliation("TERM0003", "MERCHANT0000002", 1, 0, 2, 1, 700, 0, 3_500, 1_000, "C1800"));
            assertEquals(Mti.RECONCILIATION_RESPONSE, settled.mti());
            assertEquals("00", settled.getString(39));
            assertEquals("TERM0003", settled.getString(41));
            assertFalse(settled.has(88), "in balance: the switch's figures are not sent back");

            final MessageReader empty = terminal.exchange(Mti.RECONCILIATION_REQUEST,
                reconciliation("TERM0003", "MERCHANT0000002", 0, 0, 0, 0, 0, 0, 0, 0, "C0"));
            assertEquals("00", empty.getString(39), "the settled batch closed: the next one starts from zero");
        }
    }

    @Test
    void shouldAnswer95WithTheSwitchsFiguresToAnIso87BatchThatDoesNotAddUpAndCloseItAllTheSame() throws IOException
    {
        try (TestTerminal terminal = isoSignedOn())
        {
            buy(terminal, "TERM0004", "MERCHANT0000002", "000000", 4_200);
            // The terminal lost 200 of it.
            final Map<Integer, String> request = reconciliation("TERM0004", "MERCHANT0000002", 0, 0, 1, 0, 0, 0, 4_000, 0, "C4000");
            final MessageReader answer = terminal.exchange(Mti.RECONCILIATION_REQUEST, request);
            assertEquals(Mti.RECONCILIATION_RESPONSE, answer.mti());
            assertEquals("95", answer.getString(39));
            assertEquals(0, answer.getLong(74));
            assertEquals(0, answer.getLong(75));
            assertEquals(1, answer.getLong(76));
            assertEquals(0, answer.getLong(77));
            assertEquals(0, answer.getLong(86));
            assertEquals(0, answer.getLong(87));
            assertEquals(4_200, answer.getLong(88), "the switch's debits");
            assertEquals(0, answer.getLong(89));
            assertEquals("C0000000000004200", answer.getString(97));

            // Its answer lost, the terminal sends the same 0500 again: the same answer, not a second settlement of the
            // new, empty batch (which would be 95 with nothing in 88).
            final MessageReader again = terminal.exchange(Mti.RECONCILIATION_REQUEST, request);
            assertEquals("95", again.getString(39));
            assertEquals(4_200, again.getLong(88));

            assertEquals("00", terminal.exchange(Mti.RECONCILIATION_REQUEST,
                reconciliation("TERM0004", "MERCHANT0000002", 0, 0, 0, 0, 0, 0, 0, 0, "C0")).getString(39), "closed out of balance too");
        }
        final List<String> settlements = settlements("TERM0004");
        assertEquals(List.of("SETTLED 95 batch 1 out debits 0/-200", "SETTLED 00 batch 2 in debits 0/0"), settlements);
    }

    @Test
    void shouldAnswer95ToAnIso87BatchOfTwoCurrenciesOrInAnotherCurrencyThanItsOwn() throws IOException
    {
        try (TestTerminal terminal = isoSignedOn())
        {
            // 100.00 USD and 100.00 EUR are not 200.00 of anything: out of balance however the terminal adds them up.
            buy(terminal, "TERM0008", "MERCHANT0000004", "000000", 10_000, "840");
            buy(terminal, "TERM0008", "MERCHANT0000004", "000000", 10_000, "978");
            final Map<Integer, String> mixed = reconciliation("TERM0008", "MERCHANT0000004", 0, 0, 2, 0, 0, 0, 20_000, 0, "C20000");
            mixed.put(49, "840");
            assertEquals("95", terminal.exchange(Mti.RECONCILIATION_REQUEST, mixed).getString(39));

            // A batch of euros settled as dollars: 95 too.
            buy(terminal, "TERM0008", "MERCHANT0000004", "000000", 5_000, "978");
            final Map<Integer, String> dollars = reconciliation("TERM0008", "MERCHANT0000004", 0, 0, 1, 0, 0, 0, 5_000, 0, "C5000");
            dollars.put(49, "840");
            assertEquals("95", terminal.exchange(Mti.RECONCILIATION_REQUEST, dollars).getString(39));

            // The same batch's figures in its own currency, or without field 49, balance.
            buy(terminal, "TERM0008", "MERCHANT0000004", "000000", 5_000, "978");
            final Map<Integer, String> euros = reconciliation("TERM0008", "MERCHANT0000004", 0, 0, 1, 0, 0, 0, 5_000, 0, "C5000");
            euros.put(49, "978");
            assertEquals("00", terminal.exchange(Mti.RECONCILIATION_REQUEST, euros).getString(39));
            buy(terminal, "TERM0008", "MERCHANT0000004", "000000", 2_000, "840");
            assertEquals("00", terminal.exchange(Mti.RECONCILIATION_REQUEST,
                reconciliation("TERM0008", "MERCHANT0000004", 0, 0, 1, 0, 0, 0, 2_000, 0, "C2000")).getString(39));
        }
    }

    /**
     * A UnionPay POS batch of yuan and dollars reconciles nothing, whatever its 0500 says: both parts are flagged out
     * of balance and the batch waits for its upload, as an ISO 8583:1987 batch of two currencies is answered 95. It
     * was flagged in balance when the amounts added up.
     */
    @Test
    void shouldHaveAUnionPayBatchOfTwoCurrenciesUploadedHoweverItsTotalsAddUp() throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0009", "MERCHANT0000005"))
        {
            sell(pos, "TERM0009", "MERCHANT0000005", 3, 1_000, DOMESTIC_BIN, "156");
            sell(pos, "TERM0009", "MERCHANT0000005", 3, 1_000, DOMESTIC_BIN, "840");
            final MessageReader answer = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0009", "MERCHANT0000005", 3, debits(2_000, 2, 0, 0)));
            assertEquals("00", answer.getString(39));
            final SettlementTotals flagged = SettlementTotals.read(answer);
            assertEquals(SettlementTotals.OUT_OF_BALANCE, flagged.domestic().balanceFlag(), "1,000 yuan and 1,000 dollar cents are not 2,000 of anything");
            assertEquals(SettlementTotals.OUT_OF_BALANCE, flagged.foreign().balanceFlag());
            assertEquals("00", pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0009", "MERCHANT0000005", 3, 202, -1, null)).getString(39),
                "the batch waits for its upload");
        }
        assertEquals(List.of("UPLOAD_AWAITED 00 batch 3 out domestic foreign debits 0/0", "SETTLED 00 batch 3 out domestic foreign debits 0/0"),
            settlements("TERM0009"));
    }

    /**
     * A UnionPay POS terminal leaves a voided sale and its void (60.1 = 23) out of its batch: the switch does too, where
     * it once counted the void as a credit beside the sale and sent the batch to an upload. A void that is itself
     * reversed (an 0400 with the void's STAN and batch) puts its sale back.
     */
    @Test
    void shouldLeaveAVoidedUnionPaySaleAndItsVoidOutOfTheBatchAndPutTheSaleBackWhenTheVoidIsReversed() throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0001", "MERCHANT0000001"))
        {
            voidOf(pos, sale(pos, "TERM0001", "MERCHANT0000001", 1, 3_000, DOMESTIC_BIN, "156"));
            final MessageReader first = pos.exchange(Mti.RECONCILIATION_REQUEST, posSettlement("TERM0001", "MERCHANT0000001", 1, debits(0, 0, 0, 0)));
            assertEquals("00", first.getString(39));
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(first).domestic().balanceFlag(), "nothing in the batch: the sale was voided");

            final Map<Integer, String> voided = voidOf(pos, sale(pos, "TERM0001", "MERCHANT0000001", 2, 2_000, DOMESTIC_BIN, "156"));
            assertEquals("00", pos.exchange(Mti.REVERSAL_REQUEST, voided).getString(39), "the void reversed");
            final MessageReader second = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0001", "MERCHANT0000001", 2, debits(2_000, 1, 0, 0)));
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(second).domestic().balanceFlag(), "the sale stands, its void undone");
        }
        assertEquals(List.of("SETTLED 00 batch 1 in debits 0/0", "SETTLED 00 batch 2 in debits 0/0"), settlements("TERM0001"));
    }

    @Test
    void shouldFlagBothPartsOfAUnionPayBatchOfDomesticAndForeignCardsInBalanceAndMoveToTheNextBatchNumber() throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0005", "MERCHANT0000003"))
        {
            sell(pos, "TERM0005", "MERCHANT0000003", 1, 3_300, DOMESTIC_BIN);
            sell(pos, "TERM0005", "MERCHANT0000003", 1, 1_200, FOREIGN_BIN);
            final MessageReader answer = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0005", "MERCHANT0000003", 1, debits(3_300, 1, 1_200, 1)));
            assertEquals(Mti.RECONCILIATION_RESPONSE, answer.mti());
            assertEquals("00", answer.getString(39));
            final SettlementTotals flagged = SettlementTotals.read(answer);
            assertEquals(SettlementTotals.IN_BALANCE, flagged.domestic().balanceFlag());
            assertEquals(SettlementTotals.IN_BALANCE, flagged.foreign().balanceFlag());
            assertEquals(3_300, flagged.domestic().debitAmount(), "the terminal's own totals come back, flagged");
            assertEquals(1_200, flagged.foreign().debitAmount(), "the terminal's own totals come back, flagged");
            assertEquals("12", pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0005", "MERCHANT0000003", 1, 202, -1, null)).getString(39),
                "in balance: no upload is awaited");

            sell(pos, "TERM0005", "MERCHANT0000003", 2, 900);
            final MessageReader next = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0005", "MERCHANT0000003", 2, debits(900, 1, 0, 0)));
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(next).domestic().balanceFlag(), "batch 2 holds only what came after");
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(next).foreign().balanceFlag(), "batch 2 holds only what came after");
        }
        assertEquals(List.of("SETTLED 00 batch 1 in debits 0/0", "SETTLED 00 batch 2 in debits 0/0"), settlements("TERM0005"));
    }

    @Test
    void shouldHaveAUnionPayBatchOutOfBalanceUploadedAndCloseItWithItsDifferences(@TempDir final Path clearingDir) throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0006", "MERCHANT0000003"))
        {
            final String saleStan = sell(pos, "TERM0006", "MERCHANT0000003", 7, 5_000);
            // The terminal also counts a sale of 1,000 the switch never approved.
            final MessageReader answer = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0006", "MERCHANT0000003", 7, debits(6_000, 2, 0, 0)));
            assertEquals("00", answer.getString(39));
            assertEquals(SettlementTotals.OUT_OF_BALANCE, SettlementTotals.read(answer).domestic().balanceFlag());
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(answer).foreign().balanceFlag(), "no foreign card, none counted");

            final MessageReader known = pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0006", "MERCHANT0000003", 7, 201, 5_000, saleStan));
            assertEquals(Mti.BATCH_UPLOAD_RESPONSE, known.mti());
            assertEquals("00", known.getString(39));
            assertEquals("00", pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0006", "MERCHANT0000003", 7, 201, 1_000, "999998")).getString(39));
            final MessageReader end = pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0006", "MERCHANT0000003", 7, 202, -1, null));
            assertEquals(Mti.BATCH_UPLOAD_RESPONSE, end.mti());
            assertEquals("00", end.getString(39));
            assertEquals("12", pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0006", "MERCHANT0000003", 8, 202, -1, null)).getString(39),
                "no upload is awaited once the batch closed");

            final MessageReader next = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0006", "MERCHANT0000003", 8, debits(0, 0, 0, 0)));
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(next).domestic().balanceFlag(), "the upload's end closed batch 7");
        }
        assertEquals(List.of("UPLOAD_AWAITED 00 batch 7 out domestic debits 1/1000", "UPLOADED matched", "UPLOADED unmatched",
            "SETTLED 00 batch 7 out domestic debits 1/1000", "SETTLED 00 batch 8 in debits 0/0"), settlements("TERM0006"));

        // Clearing lists the upload the switch had no approval for, beside the batch closed out of balance.
        final List<String> exceptions = Files.readAllLines(Clearing.run(config, lastBusinessDay(), clearingDir).folder().resolve("exceptions.csv"));
        assertEquals(1, exceptions.stream()
            .filter(line -> line.contains(",unmatched-upload,TERM0006,MERCHANT0000003,") && line.contains(",1000,")).count(),
            () -> String.join("\n", exceptions));
        assertEquals(1, exceptions.stream().filter(line -> line.contains(",out-of-balance-batch,TERM0006,")).count(), () -> String.join("\n", exceptions));
    }

    @Test
    void shouldHaveAUnionPayBatchWhoseDomesticAndForeignTotalsAreSwappedUploadedThoughTheirSumAgrees(@TempDir final Path clearingDir)
        throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0007", "MERCHANT0000004"))
        {
            final String domesticStan = sell(pos, "TERM0007", "MERCHANT0000004", 5, 2_000, DOMESTIC_BIN);
            final String foreignStan = sell(pos, "TERM0007", "MERCHANT0000004", 5, 3_000, FOREIGN_BIN);
            // The terminal counted the foreign sale as domestic and the domestic one as foreign: 5,000 in 2 either way.
            final MessageReader answer = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0007", "MERCHANT0000004", 5, debits(3_000, 1, 2_000, 1)));
            assertEquals(Mti.RECONCILIATION_RESPONSE, answer.mti());
            assertEquals("00", answer.getString(39));
            final SettlementTotals flagged = SettlementTotals.read(answer);
            assertEquals(SettlementTotals.OUT_OF_BALANCE, flagged.domestic().balanceFlag(), "the switch approved 2,000 of domestic cards");
            assertEquals(SettlementTotals.OUT_OF_BALANCE, flagged.foreign().balanceFlag(), "the switch approved 3,000 of foreign cards");

            // The batch stays open while the terminal uploads it.
            assertEquals("00", pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0007", "MERCHANT0000004", 5, 201, 2_000, domesticStan)).getString(39));
            assertEquals("00", pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0007", "MERCHANT0000004", 5, 201, 3_000, foreignStan)).getString(39));
            assertEquals("00", pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0007", "MERCHANT0000004", 5, 202, -1, null)).getString(39));
        }
        assertEquals(List.of("UPLOAD_AWAITED 00 batch 5 out domestic foreign debits 0/0", "UPLOADED matched", "UPLOADED matched",
            "SETTLED 00 batch 5 out domestic foreign debits 0/0"), settlements("TERM0007"));

        // The differences over both parts are nothing; clearing says which parts were out all the same.
        final List<String> exceptions = Files.readAllLines(Clearing.run(config, lastBusinessDay(), clearingDir).folder().resolve("exceptions.csv"));
        assertEquals(1, exceptions.stream()
            .filter(line -> line.contains(",out-of-balance-batch,TERM0007,") && line.contains("out of balance: domestic and foreign cards")).count(),
            () -> String.join("\n", exceptions));
    }

    /**
     * A UnionPay POS terminal whose batch 4 is out of balance goes on to batch 5 without uploading it (a reboot, an
     * operator who cleared the batch): batch 5's 0500 is reconciled against batch 5 alone and is in balance, where the
     * switch had summed both batches and put every later batch out of balance too. Batch 4 stays as its 0500 left it.
     */
    @Test
    void shouldReconcileTheNextUnionPayBatchOnItsOwnWhenTheTerminalLeftAnUploadUndone(@TempDir final Path clearingDir) throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0010", "MERCHANT0000005"))
        {
            sell(pos, "TERM0010", "MERCHANT0000005", 4, 5_000);
            final MessageReader out = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0010", "MERCHANT0000005", 4, debits(6_000, 2, 0, 0)));
            assertEquals(SettlementTotals.OUT_OF_BALANCE, SettlementTotals.read(out).domestic().balanceFlag());

            sell(pos, "TERM0010", "MERCHANT0000005", 5, 700);
            final MessageReader next = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0010", "MERCHANT0000005", 5, debits(700, 1, 0, 0)));
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(next).domestic().balanceFlag(), "batch 5 is batch 5's sale alone");
            assertEquals("12", pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0010", "MERCHANT0000005", 4, 202, -1, null)).getString(39),
                "batch 4's upload is no longer awaited");
        }
        assertEquals(List.of("UPLOAD_AWAITED 00 batch 4 out domestic debits 1/1000", "SETTLED 00 batch 5 in debits 0/0"),
            settlements("TERM0010"));
        final List<String> exceptions = Files.readAllLines(Clearing.run(config, lastBusinessDay(), clearingDir).folder().resolve("exceptions.csv"));
        assertEquals(1, exceptions.stream().filter(line -> line.contains(",out-of-balance-batch,TERM0010,")).count(),
            () -> "batch 4, out of balance at its 0500, in the day's exceptions once:\n" + String.join("\n", exceptions));
    }

    /**
     * A UnionPay POS terminal sends batch 3's 0500 again in place of its upload (its first answer lost, with another
     * STAN, so not a retransmission byte for byte), now with the right totals: reconciled against batch 3's sales,
     * set aside at the first 0500 while the upload was awaited, and in balance.
     */
    @Test
    void shouldReconcileAUnionPayBatchsSecond0500AgainstTheBatchItsFirstSetAside() throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0002", "MERCHANT0000001"))
        {
            sell(pos, "TERM0002", "MERCHANT0000001", 3, 2_500);
            final MessageReader out = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0002", "MERCHANT0000001", 3, debits(2_000, 1, 0, 0)));
            assertEquals(SettlementTotals.OUT_OF_BALANCE, SettlementTotals.read(out).domestic().balanceFlag());
            final MessageReader again = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0002", "MERCHANT0000001", 3, debits(2_500, 1, 0, 0)));
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(again).domestic().balanceFlag());
        }
        assertEquals(List.of("UPLOAD_AWAITED 00 batch 3 out domestic debits 0/-500", "SETTLED 00 batch 3 in debits 0/0"),
            settlements("TERM0002"));
    }

    /**
     * A UnionPay POS terminal goes on to batch 4 with batch 3 out of balance and its upload undone, then sends batch 3's
     * 0500 again: reconciled against batch 3's sale, set aside at its first 0500, and closed in balance, while batch 4's
     * sale stays batch 4's. The 0500 of batch 3 took the totals back to batch 3, and batch 4's 0500 came out of balance,
     * short of its sale.
     */
    @Test
    void shouldReconcileAnOlderUnionPayBatchsSecond0500AgainstItsOwnSalesAndKeepTheNewerBatchWhole() throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0107", "MERCHANT0000008"))
        {
            sell(pos, "TERM0107", "MERCHANT0000008", 3, 2_500);
            assertEquals(SettlementTotals.OUT_OF_BALANCE, domesticFlag(pos, "TERM0107", 3, debits(2_000, 1, 0, 0)));
            sell(pos, "TERM0107", "MERCHANT0000008", 4, 800);
            assertEquals(SettlementTotals.IN_BALANCE, domesticFlag(pos, "TERM0107", 3, debits(2_500, 1, 0, 0)), "batch 3's own sale");
            assertEquals(SettlementTotals.IN_BALANCE, domesticFlag(pos, "TERM0107", 4, debits(800, 1, 0, 0)), "batch 4's sale, kept whole");
        }
        assertEquals(List.of("UPLOAD_AWAITED 00 batch 3 out domestic debits 0/-500", "SETTLED 00 batch 3 in debits 0/0",
            "SETTLED 00 batch 4 in debits 0/0"), settlements("TERM0107"));
    }

    /**
     * A UnionPay POS terminal left batch 1 unsettled, went on to batch 2, and then sends batch 1's 0500: the switch let
     * batch 1's figures go when the terminal went on, so it cannot vouch for them and flags both parts out of balance,
     * and the terminal uploads batch 1; batch 2's sale stays batch 2's, and its 0500 is in balance. The 0500 of batch 1
     * wiped batch 2's totals, and batch 2 came out of balance, short of its sale.
     */
    @Test
    void shouldHaveAnOlderUnionPayBatchWhoseFiguresAreGoneUploadedAndKeepTheNewerBatchWhole() throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0108", "MERCHANT0000008"))
        {
            final String left = sell(pos, "TERM0108", "MERCHANT0000008", 1, 1_000);
            sell(pos, "TERM0108", "MERCHANT0000008", 2, 700);
            final SettlementTotals older = SettlementTotals.read(pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0108", "MERCHANT0000008", 1, debits(1_000, 1, 0, 0))));
            assertEquals(SettlementTotals.OUT_OF_BALANCE, older.domestic().balanceFlag(), "batch 1's figures are gone");
            assertEquals(SettlementTotals.OUT_OF_BALANCE, older.foreign().balanceFlag(), "batch 1's figures are gone");
            assertEquals("00", pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0108", "MERCHANT0000008", 1, 201, 1_000, left)).getString(39));
            assertEquals("00", pos.exchange(Mti.BATCH_UPLOAD, upload("TERM0108", "MERCHANT0000008", 1, 202, -1, null)).getString(39));
            assertEquals(SettlementTotals.IN_BALANCE, domesticFlag(pos, "TERM0108", 2, debits(700, 1, 0, 0)), "batch 2's sale, kept whole");
        }
        assertEquals(List.of("UPLOAD_AWAITED 00 batch 1 out domestic foreign debits 1/1000", "UPLOADED matched",
            "SETTLED 00 batch 1 out domestic foreign debits 1/1000", "SETTLED 00 batch 2 in debits 0/0"), settlements("TERM0108"));
    }

    /**
     * A UnionPay POS terminal numbers its batches itself (60.2), and one that goes on to batch 2 without settling batch
     * 1 settles batch 2 alone: where the switch kept one running total per terminal, batch 1's sale was counted in and
     * batch 2 went out of balance. A reversal of batch 1's sale, sent during batch 3, leaves batch 3 as it is; and an
     * 0500 naming a batch the switch has no approval in (batch 5, after a sale in batch 4) is in balance at zero.
     */
    @Test
    void shouldReconcileEachUnionPayBatchByItsOwnNumberWhenTheTerminalWentOnWithoutSettling() throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0101", "MERCHANT0000003"))
        {
            final Map<Integer, String> left = sale(pos, "TERM0101", "MERCHANT0000003", 1, 4_000, DOMESTIC_BIN, "156");
            sell(pos, "TERM0101", "MERCHANT0000003", 2, 900);
            final MessageReader second = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0101", "MERCHANT0000003", 2, debits(900, 1, 0, 0)));
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(second).domestic().balanceFlag(), "batch 2 is its own sale alone");

            sell(pos, "TERM0101", "MERCHANT0000003", 3, 600);
            assertEquals("00", pos.exchange(Mti.REVERSAL_REQUEST, left).getString(39), "batch 1's sale reversed");
            final MessageReader third = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0101", "MERCHANT0000003", 3, debits(600, 1, 0, 0)));
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(third).domestic().balanceFlag(), "batch 1's reversal is not batch 3's");

            sell(pos, "TERM0101", "MERCHANT0000003", 4, 300);
            final MessageReader fifth = pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement("TERM0101", "MERCHANT0000003", 5, debits(0, 0, 0, 0)));
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(fifth).domestic().balanceFlag(), "batch 5 holds nothing");
        }
        assertEquals(List.of("SETTLED 00 batch 2 in debits 0/0", "SETTLED 00 batch 3 in debits 0/0", "SETTLED 00 batch 5 in debits 0/0"),
            settlements("TERM0101"));
    }

    /**
     * The UnionPay POS codes for a hotel's pre-authorization (0100 coded 03, 60.1 = 10), its void (0100 coded 20, 60.1 =
     * 11), a completion asked for online (0200, 60.1 = 20) and a refund (0220 coded 20, 60.1 = 25), as the POS spec
     * has them, where the switch answered 12 to the pre-authorization and the refund and took the completion for a
     * second sale: the issuer holds, releases, completes and credits each card as it should, the batch counts the
     * completion and the sale as debits and the refund as a credit, and clearing settles just those.
     */
    @Test
    void shouldHoldReleaseCompleteAndRefundAsAUnionPayTerminalCodesThem(@TempDir final Path clearingDir) throws IOException
    {
        final String terminal = "TERM0106";
        final String merchant = "MERCHANT0000101";
        final CardAccount guest = cards.payer(10_000, DOMESTIC_BIN);
        final CardAccount leaving = cards.payer(10_000, DOMESTIC_BIN);
        final CardAccount shopper = cards.payer(10_000, DOMESTIC_BIN);
        try (TestTerminal pos = cupsSignedOn(terminal, merchant))
        {
            final Map<Integer, String> hold = pos(terminal, merchant, guest, 5_000, "030000", Field60.TYPE_PRE_AUTH, null);
            final MessageReader held = approved(pos, Mti.AUTHORIZATION_REQUEST, hold, "a pre-authorization coded 03");
            assertEquals(guest.balance() - 5_000, balance(guest), "held at the issuer");
            approved(pos, Mti.FINANCIAL_REQUEST, completionOf(terminal, merchant, guest, 4_500, hold, held), "a completion asked for online");
            Awaiting.until(Duration.ofSeconds(10), () -> balance(guest) == guest.balance() - 4_500,
                "the hold completed for 4,500, not a second sale beside it");

            final Map<Integer, String> released = pos(terminal, merchant, leaving, 4_000, "030000", Field60.TYPE_PRE_AUTH, null);
            approved(pos, Mti.AUTHORIZATION_REQUEST, released, "a pre-authorization coded 03");
            approved(pos, Mti.AUTHORIZATION_REQUEST, pos(terminal, merchant, leaving, 4_000, "200000", Field60.TYPE_PRE_AUTH_VOID, released),
                "a pre-authorization void");
            Awaiting.until(Duration.ofSeconds(10), () -> balance(leaving) == leaving.balance(), "the hold released");

            final Map<Integer, String> sale = pos(terminal, merchant, shopper, 3_000, "000000", Field60.TYPE_SALE, null);
            approved(pos, Mti.FINANCIAL_REQUEST, sale, "a sale");
            approved(pos, Mti.FINANCIAL_ADVICE, pos(terminal, merchant, shopper, 1_200, "200000", Field60.TYPE_REFUND, sale),
                "a refund, decided by its issuer");
            assertEquals(shopper.balance() - 3_000 + 1_200, balance(shopper));

            final MessageReader settled = pos.exchange(Mti.RECONCILIATION_REQUEST, posSettlement(terminal, merchant, 6,
                new SettlementTotals(new SettlementTotals.Part(7_500, 2, 1_200, 1, 0), new SettlementTotals.Part(0, 0, 0, 0, 0)).toDigits()));
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(settled).domestic().balanceFlag(),
                "debits: the completion and the sale; credits: the refund");
        }
        final Path folder = Clearing.run(config, lastBusinessDay(), clearingDir).folder();
        final List<String> merchants = Files.readAllLines(folder.resolve("merchant-settlement.csv"));
        assertTrue(merchants.stream().anyMatch(line -> line.startsWith(merchant + ",") && line.contains(",156,3,7500,1200,")),
            () -> "two sales of 7,500 and a refund of 1,200, no hold:\n" + String.join("\n", merchants));
        assertEquals(List.of("0100,030000,5000,completed", "0200,000000,4500,approved", "0100,030000,4000,reversed", "0200,000000,3000,approved",
            "0220,200000,1200,approved"), Files.readAllLines(folder.resolve("transactions.csv")).stream().filter(line -> line.contains("," + terminal + ","))
            .map(line -> line.split(",")).map(f -> f[1] + "," + f[2] + "," + f[4] + "," + f[f.length - 1]).toList());
    }

    /**
     * A UnionPay POS sale's void (60.1 = 23) that names a completion, and a completion void (21) that names a sale, are
     * answered 12 and not forwarded: neither card is paid back, the hold stays completed, and each can still be voided
     * as its kind is. Both went to the issuer, which paid the card back, and the sale's void of the completion gave its
     * hold back to be completed a second time.
     */
    @Test
    void shouldAnswer12ToAUnionPayVoidThatNamesTheOtherKindOfOriginal(@TempDir final Path clearingDir) throws IOException
    {
        final String terminal = "TERM0109";
        final String merchant = "MERCHANT0000101";
        final CardAccount guest = cards.payer(10_000, DOMESTIC_BIN);
        final CardAccount shopper = cards.payer(10_000, DOMESTIC_BIN);
        try (TestTerminal pos = cupsSignedOn(terminal, merchant))
        {
            final Map<Integer, String> hold = pos(terminal, merchant, guest, 5_000, "030000", Field60.TYPE_PRE_AUTH, null);
            final MessageReader held = approved(pos, Mti.AUTHORIZATION_REQUEST, hold, "a pre-authorization");
            final Map<Integer, String> completion = completionOf(terminal, merchant, guest, 4_500, hold, held);
            approved(pos, Mti.FINANCIAL_REQUEST, completion, "a completion");
            Awaiting.until(Duration.ofSeconds(10), () -> balance(guest) == guest.balance() - 4_500, "the hold completed for 4,500");
            final Map<Integer, String> sale = pos(terminal, merchant, shopper, 3_000, "000000", Field60.TYPE_SALE, null);
            approved(pos, Mti.FINANCIAL_REQUEST, sale, "a sale");

            assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, pos(terminal, merchant, guest, 4_500, "200000", Field60.TYPE_VOID, completion))
                .getString(39), "a sale's void naming a completion");
            assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST,
                pos(terminal, merchant, shopper, 3_000, "200000", Field60.TYPE_COMPLETION_VOID, sale)).getString(39), "a completion void naming a sale");
            assertEquals(guest.balance() - 4_500, balance(guest), "nothing paid back");
            assertEquals(shopper.balance() - 3_000, balance(shopper), "nothing paid back");
            assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, completionOf(terminal, merchant, guest, 4_000, hold, held)).getString(39),
                "the hold is still completed");

            approved(pos, Mti.FINANCIAL_REQUEST, pos(terminal, merchant, guest, 4_500, "200000", Field60.TYPE_COMPLETION_VOID, completion),
                "the completion's own void");
            approved(pos, Mti.FINANCIAL_REQUEST, pos(terminal, merchant, shopper, 3_000, "200000", Field60.TYPE_VOID, sale), "the sale's own void");
            assertEquals(SettlementTotals.IN_BALANCE, SettlementTotals.read(pos.exchange(Mti.RECONCILIATION_REQUEST,
                posSettlement(terminal, merchant, 6, debits(0, 0, 0, 0)))).domestic().balanceFlag(), "both voided once");
        }
        assertEquals(List.of("200000 12 declined", "200000 12 declined", "200000 00 approved", "200000 00 approved"),
            clearedVoids(terminal, clearingDir));
    }

    /** A UnionPay POS completion asked for online (0200, 60.1 = 20) in batch 6 of {@code hold}, whose approval was {@code held}; not sent. */
    private Map<Integer, String> completionOf(
        final String terminalId, final String merchantId, final CardAccount card, final long amount, final Map<Integer, String> hold,
        final MessageReader held)
    {
        final Map<Integer, String> completion = pos(terminalId, merchantId, card, amount, "000000", Field60.TYPE_COMPLETION, hold);
        completion.put(38, held.getString(38));
        return completion;
    }

    /** A UnionPay POS request in batch 6, swiped: 61 names {@code original} (its batch and STAN) where not null. */
    private Map<Integer, String> pos(
        final String terminalId, final String merchantId, final CardAccount card, final long amount, final String processing, final int type,
        final Map<Integer, String> original)
    {
        final Map<Integer, String> m = cards.purchase(card, amount);
        m.remove(2);
        m.remove(7);
        m.put(3, processing);
        m.put(22, "021");
        m.put(41, terminalId);
        m.put(42, merchantId);
        m.put(49, "156");
        m.put(60, Field60.format(type, 6, 0).substring(0, 8));
        if (original != null)
        {
            m.put(61, original.get(60).substring(2, 8) + original.get(11));
        }
        return m;
    }

    /** Sends {@code request} and takes its answer, which must be the answer to it, approved. */
    private static MessageReader approved(final TestTerminal pos, final int mti, final Map<Integer, String> request, final String what)
        throws IOException
    {
        final MessageReader answer = pos.exchange(mti, request);
        assertEquals(Mti.responseTo(mti), answer.mti(), what);
        assertEquals("00", answer.getString(39), what);
        return answer;
    }

    private long balance(final CardAccount card)
    {
        return issuer.account(card.pan()).orElseThrow().balance();
    }

    /**
     * A UnionPay POS void (60.1 = 23) names its sale in 61 (batch and STAN): one that names no sale of its terminal,
     * whether nothing at all or another terminal's sale, is answered 25 and one without a 61 30, none forwarded. The
     * switch forwarded each as a refund that named nothing, its issuer approved it (the card paid back money it never
     * spent), the batch totals took a sale out that the batch never held, and clearing settled it as a refund.
     */
    @Test
    void shouldAnswer25ToAUnionPayVoidThatNamesNoSaleOfItsTerminal(@TempDir final Path clearingDir) throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0102", "MERCHANT0000008");
             TestTerminal other = cupsSignedOn("TERM0103", "MERCHANT0000008"))
        {
            final Map<Integer, String> own = sale(pos, "TERM0102", "MERCHANT0000008", 1, 2_500, DOMESTIC_BIN, "156");
            final Map<Integer, String> others = sale(other, "TERM0103", "MERCHANT0000008", 1, 1_800, DOMESTIC_BIN, "156");
            final long othersBalance = balance(others);

            final Map<Integer, String> ofNothing = voidFor(own);
            ofNothing.put(61, "000001" + cards.nextStan());
            assertEquals("25", pos.exchange(Mti.FINANCIAL_REQUEST, ofNothing).getString(39), "61 names no sale");
            final Map<Integer, String> ofAnotherTerminal = voidFor(others);
            ofAnotherTerminal.put(41, "TERM0102");
            assertEquals("25", pos.exchange(Mti.FINANCIAL_REQUEST, ofAnotherTerminal).getString(39), "61 names TERM0103's sale");
            final Map<Integer, String> unnamed = voidFor(own);
            unnamed.remove(61);
            assertEquals("30", pos.exchange(Mti.FINANCIAL_REQUEST, unnamed).getString(39), "a void must name its sale");
            assertEquals(othersBalance, balance(others), "TERM0103's card was not paid back");

            assertEquals(SettlementTotals.IN_BALANCE, domesticFlag(pos, "TERM0102", 1, debits(2_500, 1, 0, 0)), "the sale stands, nothing voided");
            assertEquals(SettlementTotals.IN_BALANCE, domesticFlag(other, "TERM0103", 1, debits(1_800, 1, 0, 0)));
        }
        assertEquals(List.of("200000 25 declined", "200000 25 declined", "200000 30 declined"), clearedVoids("TERM0102", clearingDir));
    }

    /**
     * A UnionPay POS void of a sale that does not stand in its terminal's open batch is answered 12, not forwarded: one
     * the issuer declined, one reversed, one voided already (until that void is itself reversed), one of a batch settled
     * since. The switch forwarded each, the issuer paid the card back what it had not been charged (or paid it twice),
     * and the batch totals took the sale out again, putting the terminal's 0500 out of balance.
     */
    @Test
    void shouldAnswer12ToAUnionPayVoidOfASaleDeclinedReversedVoidedOrSettled(@TempDir final Path clearingDir) throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0104", "MERCHANT0000008"))
        {
            final Map<Integer, String> kept = sale(pos, "TERM0104", "MERCHANT0000008", 1, 1_200, DOMESTIC_BIN, "156");
            final Map<Integer, String> firstVoid = voidOf(pos, kept);
            assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, voidFor(kept)).getString(39), "voided already");
            final Map<Integer, String> undone = new HashMap<>(firstVoid);
            undone.remove(35);
            undone.remove(52);
            assertEquals("00", pos.exchange(Mti.REVERSAL_REQUEST, undone).getString(39), "the void reversed: the sale stands again");
            voidOf(pos, kept);

            // More than any card in the book holds: the issuer declines it.
            final Map<Integer, String> declined = posSale(cards.payer(1, DOMESTIC_BIN), "TERM0104", "MERCHANT0000008", 1, 5_000_000, "156");
            assertFalse("00".equals(pos.exchange(Mti.FINANCIAL_REQUEST, declined).getString(39)), "declined by its issuer");
            final long declinedBalance = balance(declined);
            assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, voidFor(declined)).getString(39), "a declined sale");
            assertEquals(declinedBalance, balance(declined), "nothing paid back to a card never charged");

            final Map<Integer, String> reversed = sale(pos, "TERM0104", "MERCHANT0000008", 1, 900, DOMESTIC_BIN, "156");
            final Map<Integer, String> reversal = new HashMap<>(reversed);
            reversal.remove(35);
            reversal.remove(52);
            assertEquals("00", pos.exchange(Mti.REVERSAL_REQUEST, reversal).getString(39));
            assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, voidFor(reversed)).getString(39), "a reversed sale");

            final Map<Integer, String> settled = sale(pos, "TERM0104", "MERCHANT0000008", 1, 700, DOMESTIC_BIN, "156");
            assertEquals(SettlementTotals.IN_BALANCE, domesticFlag(pos, "TERM0104", 1, debits(700, 1, 0, 0)),
                "the voided, declined and reversed sales are out of it");
            final Map<Integer, String> late = voidFor(settled);
            late.put(60, Field60.TYPE_VOID + "000002");
            assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, late).getString(39), "a sale of batch 1, settled");
            assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, voidFor(settled)).getString(39), "batch 1 is settled whatever 60.2 says");
            assertEquals(SettlementTotals.IN_BALANCE, domesticFlag(pos, "TERM0104", 2, debits(0, 0, 0, 0)), "batch 2 holds nothing");
        }
        assertEquals(List.of("SETTLED 00 batch 1 in debits 0/0", "SETTLED 00 batch 2 in debits 0/0"), settlements("TERM0104"));
        assertEquals(List.of("200000 00 reversed", "200000 12 declined", "200000 00 approved", "200000 12 declined", "200000 12 declined",
            "200000 12 declined", "200000 12 declined"), clearedVoids("TERM0104", clearingDir));
    }

    /**
     * A UnionPay POS void takes back the whole sale its 61 names, with the sale's card: one for another amount or
     * currency is answered 13, one with another card 12, and the sale can still be voided. The switch forwarded them,
     * and each paid its card back money the sale had not taken from it. A reversal of the sale once voided is 12 too,
     * where it was passed on and the card paid back twice (the batch then short of a sale it never held).
     */
    @Test
    void shouldAnswer13ToAUnionPayVoidForAnotherAmountThanItsSale(@TempDir final Path clearingDir) throws IOException
    {
        try (TestTerminal pos = cupsSignedOn("TERM0105", "MERCHANT0000008"))
        {
            final Map<Integer, String> sale = sale(pos, "TERM0105", "MERCHANT0000008", 1, 3_000, DOMESTIC_BIN, "156");
            final long charged = balance(sale);
            final Map<Integer, String> less = voidFor(sale);
            less.put(4, String.format("%012d", 2_000));
            assertEquals("13", pos.exchange(Mti.FINANCIAL_REQUEST, less).getString(39), "not the sale's amount");
            final Map<Integer, String> dollars = voidFor(sale);
            dollars.put(49, "840");
            assertEquals("13", pos.exchange(Mti.FINANCIAL_REQUEST, dollars).getString(39), "not the sale's currency");
            final Map<Integer, String> anotherCard = voidFor(posSale(cards.payer(3_000, DOMESTIC_BIN), "TERM0105", "MERCHANT0000008", 1, 3_000, "156"));
            anotherCard.put(61, sale.get(60).substring(2, 8) + sale.get(11));
            final long anotherBalance = balance(anotherCard);
            assertEquals("12", pos.exchange(Mti.FINANCIAL_REQUEST, anotherCard).getString(39), "not the sale's card");
            assertEquals(anotherBalance, balance(anotherCard));
            assertEquals(charged, balance(sale), "nothing paid back yet");
            voidOf(pos, sale);
            assertEquals(charged + 3_000, balance(sale), "the void paid back the sale");
            final Map<Integer, String> saleReversal = new HashMap<>(sale);
            saleReversal.remove(35);
            saleReversal.remove(52);
            assertEquals("12", pos.exchange(Mti.REVERSAL_REQUEST, saleReversal).getString(39),
                "a reversal of the voided sale: the card would get its money back twice");

            assertEquals(SettlementTotals.IN_BALANCE, domesticFlag(pos, "TERM0105", 1, debits(0, 0, 0, 0)), "the sale voided once");
        }
        assertEquals(List.of("200000 13 declined", "200000 13 declined", "200000 12 declined", "200000 00 approved"),
            clearedVoids("TERM0105", clearingDir));
    }

    /** The business day of the journal's last record: the day these tests ran in. */
    private LocalDate lastBusinessDay()
    {
        LocalDate day = null;
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            while (reader.next())
            {
                day = reader.record().businessDay();
            }
        }
        return day;
    }

    private TestTerminal isoSignedOn() throws IOException
    {
        final TestTerminal terminal = new TestTerminal(node.port("pos-iso87"), Iso87.BINARY);
        assertEquals("00", terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39));
        return terminal;
    }

    private TestTerminal cupsSignedOn(final String terminalId, final String merchantId) throws IOException
    {
        final TestTerminal pos = new TestTerminal(node.port("pos-cups"), UnionPayPos.DIALECT, TPDU_AND_HEADER);
        final Map<Integer, String> signOn = new HashMap<>();
        signOn.put(11, cards.nextStan());
        signOn.put(41, terminalId);
        signOn.put(42, merchantId);
        signOn.put(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_SIGN_ON));
        assertEquals("00", pos.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, signOn).getString(39));
        return pos;
    }

    /** An approved ISO 8583:1987 0200 of {@code processing} (000000 purchase, 200000 refund) at the terminal. */
    private Map<Integer, String> buy(
        final TestTerminal terminal, final String terminalId, final String merchantId, final String processing, final long amount) throws IOException
    {
        return buy(terminal, terminalId, merchantId, processing, amount, null);
    }

    /** As {@link #buy(TestTerminal, String, String, String, long)}, in {@code currency} (field 49) where not null. */
    private Map<Integer, String> buy(
        final TestTerminal terminal, final String terminalId, final String merchantId, final String processing, final long amount,
        final String currency) throws IOException
    {
        final CardAccount card = cards.payer(amount, DOMESTIC_BIN);
        final Map<Integer, String> request = cards.purchase(card, amount);
        if (currency != null)
        {
            request.put(49, currency);
        }
        request.put(3, processing);
        request.put(41, terminalId);
        request.put(42, merchantId);
        assertEquals("00", terminal.exchange(Mti.FINANCIAL_REQUEST, request).getString(39));
        return request;
    }

    /** An approved UnionPay POS sale (a swipe, 60.1 = 22) with a domestic card in {@code batch}; returns its STAN. */
    private String sell(final TestTerminal pos, final String terminalId, final String merchantId, final int batch, final long amount) throws IOException
    {
        return sell(pos, terminalId, merchantId, batch, amount, DOMESTIC_BIN);
    }

    /** As {@link #sell(TestTerminal, String, String, int, long)}, with a card under {@code bin}. */
    private String sell(
        final TestTerminal pos, final String terminalId, final String merchantId, final int batch, final long amount, final String bin) throws IOException
    {
        return sell(pos, terminalId, merchantId, batch, amount, bin, "156");
    }

    /** The balance the issuer holds now for the card of {@code request}, a swipe. */
    private long balance(final Map<Integer, String> request)
    {
        final String pan = request.get(35).substring(0, request.get(35).indexOf('='));
        return issuer.account(pan).orElseThrow().balance();
    }

    /**
     * How clearing took the terminal's voids (processing 20) of the day: processing code, response code and state,
     * in the order they came.
     */
    private List<String> clearedVoids(final String terminalId, final Path clearingDir) throws IOException
    {
        final List<String> rows = Files.readAllLines(Clearing.run(config, lastBusinessDay(), clearingDir).folder().resolve("transactions.csv"));
        final List<String> header = List.of(rows.get(0).split(","));
        final List<String> voids = new ArrayList<>();
        for (final String row : rows.subList(1, rows.size()))
        {
            final String[] cells = row.split(",", -1);
            final String processing = cells[header.indexOf("processing_code")];
            if (terminalId.equals(cells[header.indexOf("terminal")]) && processing.startsWith("20"))
            {
                voids.add(processing + " " + cells[header.indexOf("response_code")] + " " + cells[header.indexOf("state")]);
            }
        }
        return voids;
    }

    /** As {@link #sell(TestTerminal, String, String, int, long, String)}, in {@code currency} (field 49). */
    private String sell(
        final TestTerminal pos, final String terminalId, final String merchantId, final int batch, final long amount, final String bin,
        final String currency) throws IOException
    {
        return sale(pos, terminalId, merchantId, batch, amount, bin, currency).get(11);
    }

    /** As {@link #sell(TestTerminal, String, String, int, long, String, String)}; returns the sale's fields. */
    private Map<Integer, String> sale(
        final TestTerminal pos, final String terminalId, final String merchantId, final int batch, final long amount, final String bin,
        final String currency) throws IOException
    {
        final Map<Integer, String> sale = posSale(cards.payer(amount, bin), terminalId, merchantId, batch, amount, currency);
        assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, sale).getString(39));
        return sale;
    }

    /** A UnionPay POS sale (a swipe, 60.1 = 22) with {@code card} in {@code batch}, not sent. */
    private Map<Integer, String> posSale(
        final CardAccount card, final String terminalId, final String merchantId, final int batch, final long amount, final String currency)
    {
        final Map<Integer, String> sale = cards.purchase(card, amount);
        sale.remove(2);
        sale.remove(7);
        sale.put(22, "021");
        sale.put(41, terminalId);
        sale.put(42, merchantId);
        sale.put(49, currency);
        sale.put(60, Field60.format(Field60.TYPE_SALE, batch, 0).substring(0, 8));
        return sale;
    }

    /** An approved UnionPay POS void of {@code sale}; returns its fields. */
    private Map<Integer, String> voidOf(final TestTerminal pos, final Map<Integer, String> sale) throws IOException
    {
        final Map<Integer, String> voided = voidFor(sale);
        assertEquals("00", pos.exchange(Mti.FINANCIAL_REQUEST, voided).getString(39));
        return voided;
    }

    /**
     * A UnionPay POS void of {@code sale}, not sent: 0200, processing 20, 60.1 = 23, 61 the sale's batch and STAN, the
     * sale's card and amount, a STAN of its own.
     */
    private Map<Integer, String> voidFor(final Map<Integer, String> sale)
    {
        final Map<Integer, String> voided = new HashMap<>(sale);
        voided.put(3, "200000");
        voided.put(11, cards.nextStan());
        voided.put(60, Field60.TYPE_VOID + sale.get(60).substring(2));
        voided.put(61, sale.get(60).substring(2, 8) + sale.get(11));
        return voided;
    }

    private Map<Integer, String> reconciliation(
        final String terminalId, final String merchantId, final long credits, final long creditReversals, final long debits,
        final long debitReversals, final long creditAmount, final long creditReversalAmount, final long debitAmount,
        final long debitReversalAmount, final String net)
    {
        final Map<Integer, String> m = cards.network("000");
        m.remove(70);
        m.put(41, terminalId);
        m.put(42, merchantId);
        m.put(74, String.format("%010d", credits));
        m.put(75, String.format("%010d", creditReversals));
        m.put(76, String.format("%010d", debits));
        m.put(77, String.format("%010d", debitReversals));
        m.put(86, String.format("%016d", creditAmount));
        m.put(87, String.format("%016d", creditReversalAmount));
        m.put(88, String.format("%016d", debitAmount));
        m.put(89, String.format("%016d", debitReversalAmount));
        m.put(97, net.charAt(0) + String.format("%016d", Long.parseLong(net.substring(1))));
        return m;
    }

    private Map<Integer, String> posSettlement(final String terminalId, final String merchantId, final int batch, final String totals)
    {
        final Map<Integer, String> m = new HashMap<>();
        m.put(11, cards.nextStan());
        m.put(41, terminalId);
        m.put(42, merchantId);
        m.put(48, totals);
        m.put(49, "156");
        m.put(60, Field60.format(Field60.TYPE_MANAGEMENT, batch, Field60.NETWORK_BATCH_SETTLEMENT));
        return m;
    }

    /** One 0320: a transaction of the batch (its amount, and 61: its batch and STAN), or with amount -1 the upload's end. */
    private Map<Integer, String> upload(
        final String terminalId, final String merchantId, final int batch, final int networkCode, final long amount, final String stan)
    {
        final Map<Integer, String> m = new HashMap<>();
        if (amount >= 0)
        {
            m.put(4, String.format("%012d", amount));
            m.put(61, String.format("%06d", batch) + stan);
        }
        m.put(11, cards.nextStan());
        m.put(41, terminalId);
        m.put(42, merchantId);
        m.put(60, Field60.format(Field60.TYPE_MANAGEMENT, batch, networkCode));
        return m;
    }

    /** The balance flag the switch gives the domestic cards of the terminal's UnionPay 0500 for {@code batch} (merchant 8's). */
    private int domesticFlag(final TestTerminal pos, final String terminalId, final int batch, final String totals) throws IOException
    {
        return SettlementTotals.read(pos.exchange(Mti.RECONCILIATION_REQUEST, posSettlement(terminalId, "MERCHANT0000008", batch, totals)))
            .domestic().balanceFlag();
    }

    /** Field 48 of a UnionPay 0500 with debits only: domestic cards', then foreign cards'; the flags 0 for the answer to fill. */
    private static String debits(final long domesticAmount, final int domesticCount, final long foreignAmount, final int foreignCount)
    {
        return new SettlementTotals(new SettlementTotals.Part(domesticAmount, domesticCount, 0, 0, 0),
            new SettlementTotals.Part(foreignAmount, foreignCount, 0, 0, 0)).toDigits();
    }

    /**
     * What the journal's decisions say of a terminal's settlements, in order: as clearing will read them. A UnionPay
     * batch out of balance names its parts that were out, domestic or foreign cards.
     */
    private List<String> settlements(final String terminalId)
    {
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final List<String> seen = new ArrayList<>();
        try (JournalReader reader = new JournalReader(journal))
        {
            final MessageReader input = new MessageReader(Iso87.BINARY);
            final MessageReader posInput = new MessageReader(UnionPayPos.DIALECT);
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                assertTrue(record.checksumValid());
                final int at = record.decisionOffset();
                final Outcome outcome = Decision.outcome(record.buffer(), at);
                if (outcome != Outcome.SETTLED && outcome != Outcome.UPLOAD_AWAITED && outcome != Outcome.UPLOADED)
                {
                    continue;
                }
                final MessageReader request = journal.dialects().get(record.dialectId(JournalRecord.INPUT)) == UnionPayPos.DIALECT ? posInput : input;
                request.wrap(record.buffer(), record.messageOffset(JournalRecord.INPUT), record.messageLength(JournalRecord.INPUT));
                if (!terminalId.equals(request.getString(41)))
                {
                    continue;
                }
                if (outcome == Outcome.UPLOADED)
                {
                    seen.add(outcome + (Decision.uploadUnmatched(record.buffer(), at) ? " unmatched" : " matched"));
                    continue;
                }
                assertEquals(Decision.SETTLEMENT_LENGTH, record.decisionLength());
                seen.add(outcome + " " + Decision.responseCode(record.buffer(), at) + " batch " + Decision.batchNumber(record.buffer(), at)
                    + (Decision.outOfBalance(record.buffer(), at) ? " out" : " in")
                    + (Decision.domesticOutOfBalance(record.buffer(), at) ? " domestic" : "")
                    + (Decision.foreignOutOfBalance(record.buffer(), at) ? " foreign" : "") + " debits "
                    + Decision.countDifference(record.buffer(), at, BatchTotals.DEBITS) + "/"
                    + Decision.amountDifference(record.buffer(), at, BatchTotals.DEBITS));
            }
        }
        return seen;
    }
}
