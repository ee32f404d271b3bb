package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.tools.Cli;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.load.LoadOptions;
import io.interchange.tools.load.LoadProgress;
import io.interchange.tools.load.LoadReport;
import io.interchange.tools.load.LoadRun;
import io.interchange.tools.load.SettlementResult;
import io.interchange.tools.load.TerminalBatch;
import io.interchange.tools.load.TransactionCase;

/**
 * The load harness against the real thing (issue 4, "what it must show" 5): a switch node on the embedded defaults
 * (free ports, the journal in a temp dir), two issuer simulators holding the card book the harness picks from, and
 * a few seconds of the default mix, open loop and then closed loop. Every answer must be the one its case expects
 * and none may be lost; throughput is not asserted. Every run ends settling each terminal id's batch (issue 5), so each
 * starts from empty batches at the switch, and after each, every terminal id must be in balance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadSystemTest
{
    private static final long SEED = 20;
    private static final List<String> BINS = List.of("476173", "622848");
    private static final int CARDS = 60_000;
    /** Generous: a loaded two-core machine may stall the switch for seconds, and a lost answer fails the test. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private IssuerSimulator issuerA;
    private IssuerSimulator issuerB;
    private SwitchNode node;
    private LoadOptions options;

    @BeforeAll
    void start(@TempDir final Path journal) throws Exception
    {
        // Each simulator holds the whole book (its own copy) and is asked only about its BIN's cards.
        issuerA = new IssuerSimulator(CardBook.generate(SEED, BINS, CARDS), IssuerSimConfig.defaults().withSeed(1)).start();
        issuerB = new IssuerSimulator(CardBook.generate(SEED, BINS, CARDS), IssuerSimConfig.defaults().withSeed(2)).start();
        final SwitchConfig config = LoopbackConfig.of(SwitchConfig.defaults(), issuerA.port(), issuerB.port(), journal);
        node = SwitchNode.start(config);
        Awaiting.until(Duration.ofSeconds(20), () -> node.signedOnLinks("issuer-a") == 2 && node.signedOnLinks("issuer-b") == 2,
            "issuer links signed on");
        options = LoadOptions.defaults()
            .withPort(node.port("pos-iso87"))
            .withCards(SEED, BINS, CARDS)
            .withConnections(2)
            .withTerminals(8)
            .withTimeout(TIMEOUT)
            .withSettle(true);
    }

    @AfterAll
    void stop()
    {
        if (node != null)
        {
            node.close();
        }
        issuerA.close();
        issuerB.close();
    }

    @Test
    void shouldAnswerEveryCaseOfTheDefaultMixAsExpectedAtAFixedRate(@TempDir final Path reports) throws Exception
    {
        final List<LoadProgress> progress = new ArrayList<>();
        final long advicesBefore = node.advicesQueued();
        final LoadReport report = LoadRun.run(options.open(400).withWarmup(Duration.ofSeconds(1)).withDuration(Duration.ofSeconds(4)), progress::add);

        assertPassed(report);
        for (final LoadReport.CaseResult c : report.cases())
        {
            assertTrue(c.passed(), () -> c + " in\n" + report.text());
        }
        assertFalse(progress.isEmpty(), "progress once a second");
        assertTrue(progress.stream().anyMatch(p -> p.phase() == LoadProgress.Phase.MEASURE), "progress while measuring");
        assertEquals(report.measuredSent(), report.measuredAnswered());
        assertTrue(report.latency().getTotalCount() > 0);
        assertAdvicesDelivered(advicesBefore);

        // The terminals' batches: debits, credits and voids of approved purchases counted where they were answered.
        final long debits = report.batches().stream().mapToLong(TerminalBatch::debitCount).sum();
        final long credits = report.batches().stream().mapToLong(TerminalBatch::creditCount).sum();
        final long reversals = report.batches().stream().mapToLong(TerminalBatch::debitReversalCount).sum();
        assertEquals(caseOk(report, TransactionCase.PURCHASE) + caseOk(report, TransactionCase.COMPLETION), debits);
        assertEquals(caseOk(report, TransactionCase.REFUND), credits);
        assertEquals(caseOk(report, TransactionCase.VOID), reversals);

        // Each terminal id settled what it counted, and the switch had the same: 00 for every one.
        assertEquals(report.batches().size(), report.settlements().size(), report::text);
        assertTrue(report.settlements().size() >= 4, report::text);
        for (final SettlementResult settled : report.settlements())
        {
            assertTrue(settled.balanced(), () -> settled + " in\n" + report.text());
        }
        assertEquals(0, report.unbalanced());

        final LoadReport.ReportFiles files = report.write(reports);
        final String summary = Files.readString(files.json(), StandardCharsets.UTF_8);
        assertTrue(summary.contains("\"passed\": true"), summary);
        assertTrue(summary.contains("\"mismatches\": 0"), summary);
        assertTrue(summary.contains("\"unbalanced\": 0"), summary);
        assertTrue(summary.contains("\"settled\": " + report.settlements().size()), summary);
        assertTrue(Files.readString(files.histogram(), StandardCharsets.UTF_8).contains("Percentile"));
        assertTrue(Files.readString(files.html(), StandardCharsets.UTF_8).contains("<svg"));
        assertTrue(Files.readString(files.text(), StandardCharsets.UTF_8).contains("Result: PASSED"));
        assertTrue(Files.readString(files.text(), StandardCharsets.UTF_8).contains("Batch settlement by terminal id"));
    }

    @Test
    void shouldAnswerEveryRequestAsExpectedWithAWindowInFlight() throws Exception
    {
        final long advicesBefore = node.advicesQueued();
        final LoadReport report = LoadRun.run(options.closed(8).withWarmup(Duration.ofMillis(500)).withDuration(Duration.ofSeconds(2)), p ->
        {
        });

        assertPassed(report);
        assertFalse(report.settlements().isEmpty(), report::text);
        assertTrue(report.settlements().stream().allMatch(SettlementResult::balanced), report::text);
        assertTrue(report.measuredAnswered() > 0, report::text);
        assertEquals(report.measuredSent(), report.measuredAnswered());
        assertAdvicesDelivered(advicesBefore);
    }

    /** The run's completions and voids owed the issuers advices: none lost to a full queue, each acknowledged. */
    private void assertAdvicesDelivered(final long queuedBefore)
    {
        assertTrue(node.advicesQueued() > queuedBefore, "the run queued advices");
        assertEquals(0, node.advicesLost(), "advices lost to a full queue");
        Awaiting.until(Duration.ofSeconds(10), () -> node.advicesOwed() == 0,
            "every advice acknowledged by its issuer; still owed: " + node.advicesOwed() + " of " + node.advicesQueued());
    }

    @Test
    void shouldRunFromTheCommandLineAndWriteItsReport(@TempDir final Path reports) throws Exception
    {
        final Cli.Result run = Cli.run("load", "--port", Integer.toString(options.port()), "--seed", Long.toString(SEED), "--cards",
            Integer.toString(CARDS), "--connections", "2", "--terminals", "4", "--rate", "200", "--warmup", "0", "--duration", "1s", "--timeout",
            TIMEOUT.toSeconds() + "s", "--report-dir", reports.toString(), "--quiet", "--settle");
        System.out.println(run);
        run.expectSuccess();
        assertTrue(run.out().contains("Result: PASSED"), run::toString);
        assertTrue(run.out().contains("report: " + reports.resolve("report.txt")), run::toString);
        for (final String file : List.of("report.txt", "latency.hgrm", "report.html", "summary.json"))
        {
            assertTrue(Files.size(reports.resolve(file)) > 0, file);
        }
        assertTrue(Files.readString(reports.resolve("summary.json"), StandardCharsets.UTF_8).contains("\"unbalanced\": 0"), run::toString);
    }

    // Last, out of the others' way: its purchase outside the harness makes TERM0001's batch differ from the harness's count.
    @Test
    @Order(Integer.MAX_VALUE)
    void shouldFailARunWhoseTerminalTheSwitchCountsOtherwiseAndShowTheSwitchsFigures() throws Exception
    {
        // A purchase at TERM0001 the harness's terminals never made: the switch's batch for the id holds one debit more.
        final Cardholders cards = new Cardholders(CardBook.generate(SEED, BINS, CARDS));
        try (TestTerminal outsider = new TestTerminal(options.port(), Iso87.BINARY))
        {
            assertEquals("00", outsider.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, cards.network("001")).getString(39));
            final Map<Integer, String> purchase = cards.purchase(cards.payer(777), 777);
            assertEquals("00", outsider.exchange(Mti.FINANCIAL_REQUEST, purchase).getString(39));
        }
        // The same terminals and connections as the other runs: their STAN lanes stay apart (see the README).
        final LoadReport report = LoadRun.run(options.open(200).withWarmup(Duration.ZERO).withDuration(Duration.ofSeconds(1)), p ->
            {
            });
        System.out.println(report.text());

        assertEquals(0, report.mismatches(), report::text);
        final SettlementResult term0001 = report.settlements().stream().filter(r -> r.sent().terminalId().equals("TERM0001")).findFirst()
            .orElseThrow(() -> new AssertionError("TERM0001 not settled:\n" + report.text()));
        assertEquals("95", term0001.responseCode(), report::text);
        assertFalse(term0001.balanced());
        assertEquals(term0001.sent().debitCount() + 1, term0001.switchFigures().debitCount(), "the switch's own figures, with the outsider's debit");
        assertEquals(term0001.sent().debitAmount() + 777, term0001.switchFigures().debitAmount());
        assertEquals(1, report.unbalanced(), report::text);
        assertFalse(report.passed(), "a batch out of balance fails the run");
        assertTrue(report.verdict().contains("1 batches out of balance"), report.verdict());
        assertTrue(report.text().contains("out of balance: the switch has debits " + term0001.switchFigures().debitCount()), report::text);
    }

    private static void assertPassed(final LoadReport report)
    {
        // The whole report in the test's output file, for whoever reads a failure or wonders what ran.
        System.out.println(report.text());
        assertEquals(0, report.mismatches(), report::text);
        assertEquals(0, report.timeouts(), report::text);
        assertEquals(0, report.errors(), report::text);
        assertEquals(report.sent(), report.answered(), report::text);
        assertTrue(report.passed(), report::text);
    }

    private static long caseOk(final LoadReport report, final TransactionCase c)
    {
        return report.cases().get(c.ordinal()).asExpected();
    }
}
