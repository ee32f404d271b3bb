package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.Pan;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.clearing.ClearingExceptionItem;
import io.interchange.engine.clearing.DayTransactions;
import io.interchange.engine.clearing.TransactionState;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.replay.Replayer;
import io.interchange.engine.switching.ResponseCode;
import io.interchange.engine.switching.SwitchHandler;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.BusinessDay;
import io.interchange.journal.JournalConfig;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.CardStatus;
import io.interchange.tools.issuer.Faults;
import io.interchange.tools.issuer.IssuerCounter;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.issuer.Latency;

/**
 * The books agree under issuer faults and the whole transaction mix, with no kill: what {@link CrashRecoverySystemTest}
 * proves across a SIGKILL, proved here across everything an issuer host and a terminal can do wrong while the switch
 * keeps running. Over real TCP on 127.0.0.1, a switch in process and two {@link IssuerSimulator}s that, as the seed
 * draws, drop answers, answer after the switch's time-out, hang up instead of answering, or answer with bytes that are
 * no message; four terminals meanwhile send, a window of requests in flight each, purchases, refunds,
 * pre-authorizations and their completions (0220 naming the 0100 by field 90, with its authorization code), reversals
 * of purchases (after their answer, while they are still with the issuer, after a 91, and after the terminal hung up
 * on them), exact retransmissions, and now and then hang up with requests outstanding and connect again.
 *
 * <p>Then everything is left to settle: the switch owes no advice and the issuers' books have stopped moving. The day
 * is cleared and three things must hold:
 * <ol>
 * <li>the books agree, card by card: what each simulator did to each card's balance equals what clearing settles for
 *     it (an approved purchase or completion debits, an approved refund credits, a reversed, timed-out or declined one
 *     does nothing), plus the holds of pre-authorizations clearing leaves authorized, which the simulator takes from
 *     the balance when it approves an 0100 and gives back only when a completion takes the hold over or a reversal
 *     undoes it;</li>
 * <li>every answer a terminal saw is clearing's word too: an approval it did not reverse is approved (a
 *     pre-authorization authorized, or completed once its completion was acknowledged), a request it reversed and got
 *     0410/00 for is reversed (or declined, or timed out, if that is what it got), a 91 timed out (or declined by the
 *     switch itself with 91 when the issuer had no link, or reversed), a decline declined with that code; and an exact
 *     retransmission was answered, if at all, as the original was;</li>
 * <li>the switch is still serving (each issuer approves a purchase after the chaos), it owes nothing and has nothing
 *     in flight (a switch recovering from the journal finds both zero), it logged no failure, no ring handler failed,
 *     and no card number stands in clear in the journal or the log.</li>
 * </ol>
 * Nothing is asserted of time: each judgement is made from what happened (which answer a terminal saw, and whether it
 * saw it before it sent the reversal, or hung up first), the waits are bounded and generous, and the settling is
 * observed (no advice owed, and the books unchanged for longer than a time-out takes), not slept on.
 *
 * <p>The second case turns stand-in on for issuer-a and gives it one link, which its disconnect faults take down now
 * and then: the switch approves what comes meanwhile under the floor limit, and advises the issuer once the link is
 * back, a purchase by a 0220 (a sale) and a pre-authorization by an 0120 (a hold, which its completion's 0220, naming
 * the 0120, takes over); the books must agree once each advice is acknowledged. The third case is a stood-in
 * pre-authorization and its completion alone: it once went to the issuer as a 0220, which the issuer booked as a sale,
 * and the completion charged the card a second time.
 *
 * <p>The run is drawn from its seed ({@code -Dinterchange.chaos.seed=N}), printed with every failure and with the
 * numbers of each run; the threads' timing still differs from run to run, which is why nothing is predicted, only judged.
 */
class ChaosBooksSystemTest
{
    private static final long SEED = Long.getLong("interchange.chaos.seed", 85_832_026L);
    /**
     * One listener; two issuers with a short time-out, link tests every second (so that a sign-on an issuer's fault
     * swallowed is sent again soon, not after the defaults' 30 s) and a quick reconnect. issuer-a's links and stand-in
     * are the case's. The duplicate history is sized for minutes of this traffic, not for a production rate.
     */
    private static final String SWITCH = """
        interchange {
          listeners = [
            { name = "pos-iso87", host = "127.0.0.1", port = 0, dialect = "iso87b", framing = "binary-2",
              acquirer-id = "10000001", allow = ["127.0.0.1/32"], idle-timeout = 60s, max-frame = 4096, mac = false }
          ]
          issuers = [
            { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = 9101 } ], connections = %d,
              timeout = 400ms, echo-interval = 1s, missed-echoes = 3, reconnect { initial = 50ms, max = 500ms },
              stand-in { enabled = %s, floor-limit = 50000, on-time-out = %<s } }
            { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = 9102 } ], connections = 2,
              timeout = 400ms, echo-interval = 1s, missed-echoes = 3, reconnect { initial = 50ms, max = 500ms },
              stand-in { enabled = false, floor-limit = 0 } }
          ]
          limits { in-flight = 4096, duplicate-history = 32768 }
        }
        """;
    private static final String ISSUER_A = "issuer-a";
    private static final String ISSUER_B = "issuer-b";
    private static final String BIN_A = "476173";
    private static final String BIN_B = "622848";
    private static final int CARDS = 640;
    /** The last cards of each book, kept for the probe that finds the switch serving after the chaos. */
    private static final int PROBE_CARDS = 40;
    private static final String[][] TERMINALS = {
        {"TERM0001", "MERCHANT0000001"}, {"TERM0003", "MERCHANT0000002"}, {"TERM0005", "MERCHANT0000003"}, {"TERM0007", "MERCHANT0000004"}};
    private static final String[] PROBE_TERMINAL = {"TERM0009", "MERCHANT0000005"};
    private static final Latency LATENCY = Latency.parse("2ms..40ms");
    /** Longer than the 400 ms time-out: a late answer always comes after the 91. */
    private static final Duration LATE_BY = Duration.ofMillis(700);
    private static final Faults FAULTS = Faults.NONE.withNoAnswer(0.02).withLate(0.02, LATE_BY).withDisconnect(0.004).withGarbage(0.01);
    /** For issuer-a with one link in the stand-in case: hang-ups often enough that the switch stands in now and then. */
    private static final Faults LINK_DROPPING_FAULTS = FAULTS.withDisconnect(0.006);
    private static final Duration TRAFFIC = Duration.ofSeconds(4);
    private static final int MAX_REQUESTS_PER_LANE = 2_000;
    /** Requests a terminal has sent and not had answered before it sends another. */
    private static final int WINDOW = 8;
    /** Below the switch's limit of 10 requests a card a minute; a pre-authorization counts two, for its completion. */
    private static final int MAX_USES_PER_CARD = 9;
    private static final int MAX_HANG_UPS_PER_LANE = 2;
    /** Every request is answered within the issuer time-out and a tick; this is for a machine that stalls. */
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(20);
    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** For the advices owed after the traffic to be sent and acknowledged over links the faults keep dropping. */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(60);
    /** The issuers' books and the switch's advices unchanged this long, after the last time-out could have come. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final long FINGERPRINT_EVERY_NANOS = 200_000_000L;
    private static final DateTimeFormatter FIELD_7 = DateTimeFormatter.ofPattern("MMddHHmmss");
    private static final DateTimeFormatter FIELD_12 = DateTimeFormatter.ofPattern("HHmmss");
    private static final DateTimeFormatter FIELD_13 = DateTimeFormatter.ofPattern("MMdd");
    private static final String TRACK_2_TAIL = "2011143804400000";
    private static final String INSTITUTIONS = "0".repeat(22);
    /**
     * What the switch logs, at WARN, when a peer resets a link: an issuer simulator's disconnect fault closes its end with
     * the switch's requests unread, and a terminal hanging up may close with answers unread. The faults this test
     * injects, not the switch's: excused, and counted. Anything else at WARN that says "failed", and anything at ERROR,
     * is not.
     */
    private static final Pattern PEER_RESET = Pattern.compile(
        "WARN io\\.interchange\\.engine\\.link\\.FrameHandler: [\\w#-]+: link \\d+ failed, closing: .*(Connection reset by peer|Broken pipe)");

    private SwitchNode node;
    private IssuerSimulator issuerA;
    private IssuerSimulator issuerB;

    @AfterEach
    void stop()
    {
        if (node != null)
        {
            node.close();
        }
        if (issuerA != null)
        {
            issuerA.close();
        }
        if (issuerB != null)
        {
            issuerB.close();
        }
    }

    @Test
    void shouldKeepTheIssuersBooksEqualToClearingsUnderIssuerFaultsAndTheWholeMix(@TempDir final Path dir) throws Exception
    {
        withSeed(new Scenario("faults, no stand-in", 2, false, LATENCY, FAULTS, FAULTS), dir);
    }

    @Test
    void shouldKeepTheBooksEqualWhenTheSwitchStandsInForAnIssuerWhoseLinkDrops(@TempDir final Path dir) throws Exception
    {
        withSeed(new Scenario("stand-in for issuer-a on one dropping link", 1, true, LATENCY, LINK_DROPPING_FAULTS, FAULTS), dir);
    }

    /**
     * What the second case once found, on its own and with nothing left to chance. The switch stood in for a
     * pre-authorization (0100) as for a purchase and told the issuer by a 0220, which the issuer booked as a sale; the
     * completion then charged the card a second time. Now, with issuer-a unreachable, the pre-authorization is stood in
     * (an S authorization code) and advised by an 0120; issuer-a comes up, acknowledges it and holds its amount; the
     * terminal completes it for less, and the completion's 0220 takes the hold over. Clearing has the pre-authorization
     * completed and settles the completion, and issuer-a took exactly the completion's amount from the card, once.
     */
    @Test
    void shouldStandInForAPreAuthorizationThatTheIssuerHoldsAndItsCompletionTakesOver(@TempDir final Path dir) throws Exception
    {
        final ReservedPort down = ReservedPort.take();
        final int portA = down.port();
        final CardBook startA = CardBook.generate(SEED, List.of(BIN_A), PROBE_CARDS);
        issuerB = new IssuerSimulator(CardBook.generate(SEED + 1, List.of(BIN_B), PROBE_CARDS), IssuerSimConfig.defaults()).start();
        final SwitchConfig config = SwitchConfig.parse(String.format(SWITCH, 1, true) + FarCutoff.line(), "stand-in.conf")
            .withIssuerPort(ISSUER_A, portA).withIssuerPort(ISSUER_B, issuerB.port()).withJournalDir(dir.resolve("journal"));
        node = SwitchNode.start(config);
        Awaiting.until(LIMIT, () -> node.signedOnLinks(ISSUER_B) == 2, "issuer-b signed on");
        final Card card = startA.cards().stream().map(account -> new Card(account, ISSUER_A)).filter(Card::payable).findFirst().orElseThrow();
        final Lane terminal = new Lane(TERMINALS[0][0], TERMINALS[0][1], List.of(card), node.port("pos-iso87"), SEED, System.nanoTime());
        final Sent preAuth;
        final Sent completion;
        final long held;
        try
        {
            terminal.connect();
            assertTrue(terminal.preAuth(), "a pre-authorization sent");
            terminal.awaitPending(0);
            preAuth = terminal.preAuths.get(0);
            assertTrue("00".equals(preAuth.code()) && preAuth.authCodes.get(0).startsWith("S"), "a pre-authorization stood in by the switch: " + preAuth);
            assertEquals(1, node.advicesOwed(), "its 0120 owed to issuer-a");
            down.close();
            issuerA = new IssuerSimulator(CardBook.generate(SEED, List.of(BIN_A), PROBE_CARDS), IssuerSimConfig.defaults().withPort(portA)).start();
            Awaiting.until(LIMIT, () -> node.signedOnLinks(ISSUER_A) == 1 && node.advicesOwed() == 0, "issuer-a up, the stand-in's 0120 acknowledged");
            held = card.account().balance() - issuerA.account(card.account().pan()).orElseThrow().balance();
            assertTrue(terminal.complete(preAuth), "a completion sent");
            terminal.awaitPending(0);
            completion = preAuth.completion;
            assertEquals("00", completion.code(), "the completion acknowledged: " + completion);
            Awaiting.until(LIMIT, () -> node.advicesOwed() == 0, "the completion's 0220 acknowledged by issuer-a");
        }
        finally
        {
            terminal.hangUp();
        }
        final long lastEvent = System.currentTimeMillis() * 1_000_000L;
        node.close();
        node = null;

        final LocalDate day = BusinessDay.businessDay(lastEvent, config.businessDay().cutoff(), config.businessDay().zone());
        final DayTransactions cleared = Clearing.run(config, day, dir.resolve("clearing")).day().transactions();
        final Books books = new Books(cleared);
        books.issuer(ISSUER_A, startA, issuerA);
        final List<String> disagreements = new ArrayList<>();
        terminal.judge(cleared, rows(cleared), new Stats(), disagreements);
        final String numbers = terminal.terminalId + " " + preAuth + "; " + books.summary(ISSUER_A) + "; issuer-a held " + held + " on the 0120";
        System.out.println("stand-in for a pre-authorization, then its completion: " + numbers);
        final int preAuthRow = rows(cleared).get(terminal.terminalId + "/" + preAuth.stan);
        assertAll(
            () -> assertEquals(preAuth.amount, held, "the 0120 booked as a hold of the pre-authorization's amount: " + numbers),
            () -> assertEquals(List.of(), disagreements, "clearing: the 0100 completed, the completion approved; " + numbers),
            () -> assertEquals(TransactionState.COMPLETED, cleared.state(preAuthRow), numbers),
            () -> assertTrue(cleared.standIn(preAuthRow) && !cleared.awaitingAdvice(preAuthRow), "stood in, its 0120 acknowledged: " + numbers),
            () -> assertEquals(-completion.amount, books.changeTotal(ISSUER_A), "issuer-a took the completion's amount from the card, once: " + numbers),
            () -> books.assertAgree(ISSUER_A, numbers));
    }

    /** Every failure says the seed, so that the run's draws can be had again. */
    private void withSeed(final Scenario scenario, final Path dir) throws Exception
    {
        try
        {
            run(scenario, dir);
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError("seed " + SEED + " (-Dinterchange.chaos.seed=" + SEED + "), " + scenario.name + ": " + ex.getMessage(), ex);
        }
    }

    private void run(final Scenario scenario, final Path dir) throws Exception
    {
        final long started = System.nanoTime();
        final long seed = SEED * 31 + scenario.connectionsA;
        final CardBook startA = CardBook.generate(seed, List.of(BIN_A), CARDS);
        final CardBook startB = CardBook.generate(seed + 1, List.of(BIN_B), CARDS);
        issuerA = new IssuerSimulator(CardBook.generate(seed, List.of(BIN_A), CARDS),
            IssuerSimConfig.defaults().withSeed(seed + 2).withLatency(scenario.latencyA).withFaults(scenario.faultsA)).start();
        issuerB = new IssuerSimulator(CardBook.generate(seed + 1, List.of(BIN_B), CARDS),
            IssuerSimConfig.defaults().withSeed(seed + 3).withLatency(LATENCY).withFaults(scenario.faultsB)).start();
        final SwitchConfig config = SwitchConfig.parse(String.format(SWITCH, scenario.connectionsA, scenario.standInA) + FarCutoff.line(), "chaos.conf")
            .withIssuerPort(ISSUER_A, issuerA.port()).withIssuerPort(ISSUER_B, issuerB.port()).withJournalDir(dir.resolve("journal"));
        final List<String> pans = new ArrayList<>();
        startA.cards().forEach(card -> pans.add(card.pan()));
        startB.cards().forEach(card -> pans.add(card.pan()));
        final ClearPans clear = new ClearPans(pans);

        final List<Lane> lanes = new ArrayList<>();
        final Stats stats = new Stats();
        final List<String> logged;
        final long handlerFailures;
        final Recovered recovered;
        final long lastEvent;
        try (CapturedLog log = new CapturedLog())
        {
            node = SwitchNode.start(config);
            final int port = node.port("pos-iso87");
            Awaiting.until(LIMIT, () -> node.signedOnLinks(ISSUER_A) == scenario.connectionsA && node.signedOnLinks(ISSUER_B) == 2,
                "every issuer link signed on");

            final long deadline = System.nanoTime() + TRAFFIC.toNanos();
            for (int i = 0; i < TERMINALS.length; i++)
            {
                final List<Card> cards = new ArrayList<>();
                for (int c = i; c < CARDS - PROBE_CARDS; c += TERMINALS.length)
                {
                    cards.add(new Card(startA.card(c), ISSUER_A));
                    cards.add(new Card(startB.card(c), ISSUER_B));
                }
                lanes.add(new Lane(TERMINALS[i][0], TERMINALS[i][1], cards, port, seed * 1_000 + i, deadline));
            }
            lanes.forEach(Thread::start);
            for (final Lane lane : lanes)
            {
                lane.join(TRAFFIC.plus(LIMIT).plus(LIMIT).toMillis());
                assertTrue(!lane.isAlive(), lane.terminalId + " still sending long after its traffic ended");
                if (lane.failure != null)
                {
                    throw new AssertionError(lane.terminalId + ": " + lane.failure.getMessage(), lane.failure);
                }
            }

            // The chaos over, each issuer still approves through the switch; the probe's requests are judged with the rest.
            final Lane probe = probe(startA, startB, port, seed);
            lanes.add(probe);

            final Quiet quiet = new Quiet(startA, startB);
            try
            {
                Awaiting.until(SETTLE_LIMIT, quiet::settled, "no advice owed and the issuers' books unchanged for " + QUIET);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(ex.getMessage() + ": " + quiet, ex);
            }
            stats.switchCounts(node, issuerA, issuerB);
            handlerFailures = node.ring().handlerFailures();
            lastEvent = System.currentTimeMillis() * 1_000_000L;
            node.close();
            node = null;
            recovered = recovered(config);
            final List<String> lines = log.failuresAndCardNumbers(clear);
            logged = lines.stream().filter(line -> !PEER_RESET.matcher(line).matches() || clear.in(line)).toList();
            stats.peerResets(lines.size() - logged.size());
        }
        final List<String> replayDifferences = replayDifferences(config, dir);

        final LocalDate day = BusinessDay.businessDay(lastEvent, config.businessDay().cutoff(), config.businessDay().zone());
        final Clearing.ClearingRun run = Clearing.run(config, day, dir.resolve("clearing"));
        final DayTransactions cleared = run.day().transactions();
        final Map<String, Integer> rows = rows(cleared);
        final Books books = new Books(cleared);
        books.issuer(ISSUER_A, startA, issuerA);
        books.issuer(ISSUER_B, startB, issuerB);
        final List<String> disagreements = new ArrayList<>();
        for (final Lane lane : lanes)
        {
            lane.judge(cleared, rows, stats, disagreements);
        }
        final Set<String> sent = new HashSet<>();
        lanes.forEach(lane -> lane.byStan.keySet().forEach(stan -> sent.add(lane.terminalId + "/" + stan)));
        for (final String key : rows.keySet())
        {
            if (!sent.contains(key))
            {
                disagreements.add("clearing has a request no terminal sent: " + key);
            }
        }
        stats.clearing(cleared, run.day().exceptions());
        final String numbers = stats.report(seed, books, recovered, (System.nanoTime() - started) / 1_000_000);
        System.out.println("chaos books, " + scenario.name + ", seed " + SEED + ": " + numbers);

        assertAll(
            () -> books.assertAgree(ISSUER_A, numbers),
            () -> books.assertAgree(ISSUER_B, numbers),
            () -> assertEquals(List.of(), disagreements.subList(0, Math.min(10, disagreements.size())),
                disagreements.size() + " answers at the terminals that clearing does not bear out (the first ten shown); " + numbers),
            () -> assertEquals("0 in flight, 0 advices owed", recovered.inFlight + " in flight, " + recovered.owed + " advices owed",
                "what a switch recovering from the journal finds; " + numbers),
            () -> assertEquals(List.of(), replayDifferences, "journal verify: the inputs replayed give the journal's outputs byte for byte; " + numbers),
            () -> assertEquals(0, stats.count("unanswered in clearing"), "requests clearing finds neither answered nor timed out; " + numbers),
            () -> assertEquals(0, handlerFailures, "ring handler failures; " + numbers),
            () -> assertEquals(List.of(), logged, "the switch logged no failure and no card number in clear; " + numbers),
            () -> JournalScan.of(config, clear).assertNoCardNumberInClear(numbers),
            () -> assertTrue(!scenario.standInA || stats.count("stood in on time-out") > 0,
                "issuer-a's stand-in covers time-outs, and some request its faults left unanswered was stood in for; " + numbers),
            () -> assertTrue(stats.count("approved 0200/000000") > 0 && stats.count("approved 0200/200000") > 0 && stats.count("completed 0100") > 0,
                "the mix reached clearing approved: purchases, refunds and completed pre-authorizations; " + numbers));
    }

    /** A terminal of its own that buys on each issuer's probe cards until each approves one (a fault may take a few). */
    private static Lane probe(final CardBook startA, final CardBook startB, final int port, final long seed) throws IOException
    {
        final List<Card> cards = new ArrayList<>();
        for (int c = CARDS - PROBE_CARDS; c < CARDS; c++)
        {
            cards.add(new Card(startA.card(c), ISSUER_A));
            cards.add(new Card(startB.card(c), ISSUER_B));
        }
        final Lane probe = new Lane(PROBE_TERMINAL[0], PROBE_TERMINAL[1], cards, port, seed * 1_000 + TERMINALS.length, System.nanoTime());
        try
        {
            probe.connect();
            Awaiting.until(LIMIT, () -> probe.approvedBy(ISSUER_A), "a purchase approved by " + ISSUER_A + " after the chaos");
            Awaiting.until(LIMIT, () -> probe.approvedBy(ISSUER_B), "a purchase approved by " + ISSUER_B + " after the chaos");
        }
        finally
        {
            probe.hangUp();
        }
        return probe;
    }

    /**
     * Replays the journal into a new switch handler, as a restart would: what it then holds in flight and owes is what
     * the switch left at its stop.
     */
    private static Recovered recovered(final SwitchConfig config)
    {
        final SwitchSetup setup = SwitchNode.setup(config, Dialects.all());
        final SwitchHandler handler = SwitchNode.handler(config, setup);
        final Replayer.Report report = Replayer.recover(handler, setup, SwitchNode.journalConfig(config));
        return new Recovered(report.records(), handler.inFlight(), handler.advicesPending());
    }

    /**
     * What {@code interchange journal verify} does: the journal's inputs replayed through a new switch handler, into a
     * journal of their own, must give its decisions and outputs byte for byte; the first differences, or none. Advices
     * are found in replay by what they are ({@code SwitchHandler.adviceIdentity}), and the chaos sends thousands with
     * one field 7 a second: an 0120 once passed there for a 0220.
     */
    private static List<String> replayDifferences(final SwitchConfig config, final Path dir)
    {
        final SwitchSetup setup = SwitchNode.setup(config, Dialects.all());
        final JournalConfig journal = SwitchNode.journalConfig(config);
        final JournalConfig replayed = new JournalConfig(dir.resolve("replay"), journal.durability(), journal.cutoff(), journal.zone(),
            journal.panEncryptionKey(), journal.panHashKey(), journal.dialects());
        Replayer.replay(SwitchNode.handler(config, setup), setup, journal, replayed);
        return Replayer.differences(journal, replayed, 3);
    }

    /** transactions.csv's rows by terminal and STAN (the terminals' STANs are unique in a run). */
    private static Map<String, Integer> rows(final DayTransactions cleared)
    {
        final Map<String, Integer> rows = new HashMap<>();
        for (int row = 0; row < cleared.size(); row++)
        {
            final Integer before = rows.put(cleared.terminal(row) + "/" + cleared.stan(row), row);
            assertEquals(null, before, "one row per terminal and STAN: " + cleared.terminal(row) + "/" + cleared.stan(row));
        }
        return rows;
    }

    private static String row(final DayTransactions t, final int row)
    {
        return Mti.toString(t.mti(row)) + "/" + t.processingCode(row) + " " + t.terminal(row) + "/" + t.stan(row) + " " + t.maskedPan(row) + " " +
            t.amount(row) + " " + t.issuer(row) + " " + t.responseCode(row) + " " + t.authCode(row) + " " + t.state(row).label();
    }

    // ------------------------------------------------------------------------------------------------ values

    /**
     * What a case changes: issuer-a's links, its stand-in, its latency, and each issuer's faults.
     *
     * @param connectionsA issuer-a's links; with one, each of its hang-ups leaves the switch without a link for a while.
     * @param latencyA     issuer-a's answers' latency. With one link that drops often, an answer still waiting out its
     *                     latency when the simulator hangs up is lost; the switch then owes hundreds of stand-in
     *                     advices after each outage, and its advice window (64) keeps it from sending them all at once.
     */
    private record Scenario(String name, int connectionsA, boolean standInA, Latency latencyA, Faults faultsA, Faults faultsB)
    {
    }

    /** What a switch recovering from the journal found: records read, requests in flight, advices owed. */
    private record Recovered(long records, int inFlight, int owed)
    {
    }

    /** A card of a simulator's book and the issuer its BIN routes to. */
    private record Card(CardAccount account, String issuer)
    {
        String masked()
        {
            return Pan.mask(account.pan());
        }

        boolean payable()
        {
            return account.status() == CardStatus.ACTIVE && !account.expiredAt(Cardholders.currentYearMonth());
        }
    }

    private enum Kind
    {
        SIGN_ON,
        PURCHASE,
        REFUND,
        PRE_AUTH,
        COMPLETION,
        REVERSAL
    }

    /**
     * One message a terminal sent and the answers it got to it (more than one when it was sent again and answered
     * again); guarded by its lane's lock while the lane runs. Holds the card number, which it never shows.
     */
    private static final class Sent
    {
        private final Kind kind;
        private final int mti;
        private final String stan;
        private final Map<Integer, String> fields;
        private final byte[] bytes;
        private final Card card;
        private final long amount;
        private final int connection;
        /** For a reversal or a completion: the request it names. */
        private final Sent original;
        private final List<String> codes = new ArrayList<>();
        private final List<String> authCodes = new ArrayList<>();
        private int retransmissions;
        /** The terminal hung up before an answer came. */
        private boolean hungUp;
        /** For an original: the reversal that names it; for a pre-authorization: its completion. */
        private Sent reversal;
        private Sent completion;
        /** For a reversal: the original's answer had come when it was sent. */
        private boolean originalAnswered;
        private boolean afterHangUp;
        /** For a pre-authorization: the terminal means to complete it once approved. */
        private boolean toComplete;

        Sent(final Kind kind, final int mti, final Map<Integer, String> fields, final byte[] bytes, final Card card, final long amount,
            final int connection, final Sent original)
        {
            this.kind = kind;
            this.mti = mti;
            this.stan = fields.get(11);
            this.fields = fields;
            this.bytes = bytes;
            this.card = card;
            this.amount = amount;
            this.connection = connection;
            this.original = original;
        }

        /** The first answer's response code, or null. */
        String code()
        {
            return codes.isEmpty() ? null : codes.get(0);
        }

        boolean reversed()
        {
            return reversal != null && "00".equals(reversal.code());
        }

        /** No card number: the masked one. */
        @Override
        public String toString()
        {
            return kind + " " + Mti.toString(mti) + " STAN " + stan + (card == null ? "" : " " + card.masked() + " " + amount) + " answered " + codes +
                (authCodes.isEmpty() ? "" : " auth " + authCodes) + (retransmissions > 0 ? ", sent again " + retransmissions + "x" : "") +
                " on connection " + connection + (hungUp ? ", hung up on" : "") +
                (reversal == null ? "" : ", reversed by " + reversal.stan + " answered " + reversal.codes) +
                (completion == null ? "" : ", completed by " + completion.stan + " answered " + completion.codes);
        }
    }

    /**
     * A terminal: a thread that sends the mix over a connection of its own while another reads the answers as they come
     * (a retransmission is answered once or not at all, so answers are never counted on). Each message it sent and each
     * answer it got is in {@link #byStan}; its STANs are unique for the run, across its connections.
     */
    private static final class Lane extends Thread
    {
        private final String terminalId;
        private final String merchant;
        private final List<Card> cards;
        private final int[] uses;
        private final SplittableRandom random;
        private final int port;
        private final long deadlineNanos;
        private final Object lock = new Object();
        private final Map<String, Sent> byStan = new LinkedHashMap<>();
        /** Sent on the current connection and not answered; identity set. */
        private final Set<Sent> pending = new LinkedHashSet<>();
        private final List<Sent> purchases = new ArrayList<>();
        private final List<Sent> preAuths = new ArrayList<>();
        /** Requests of the current connection that may be sent again. */
        private final List<Sent> retransmittable = new ArrayList<>();
        private TestTerminal terminal;
        private Thread reader;
        private int connection;
        private int stan;
        private int nextCard;
        private int requests;
        private int hangUps;
        private volatile AssertionError failure;

        Lane(final String terminalId, final String merchant, final List<Card> cards, final int port, final long seed, final long deadlineNanos)
        {
            super("chaos-" + terminalId);
            setDaemon(true);
            this.terminalId = terminalId;
            this.merchant = merchant;
            this.cards = cards;
            this.uses = new int[cards.size()];
            this.random = new SplittableRandom(seed);
            this.port = port;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void run()
        {
            try
            {
                connect();
                while (System.nanoTime() < deadlineNanos && requests < MAX_REQUESTS_PER_LANE && failure == null)
                {
                    awaitPending(WINDOW - 1);
                    if (!step())
                    {
                        break;
                    }
                }
                awaitPending(0);
                // The pre-authorizations it meant to complete and that were approved: completed now, at the latest.
                for (final Sent preAuth : preAuths)
                {
                    if (toComplete(preAuth))
                    {
                        awaitPending(WINDOW - 1);
                        complete(preAuth);
                    }
                }
                awaitPending(0);
            }
            catch (final IOException ex)
            {
                fail(new AssertionError(terminalId + ": the connection failed: " + ex, ex));
            }
            catch (final AssertionError ex)
            {
                fail(ex);
            }
            finally
            {
                try
                {
                    hangUp();
                }
                catch (final AssertionError ex)
                {
                    fail(ex);
                }
            }
        }

        private void fail(final AssertionError ex)
        {
            if (failure == null)
            {
                failure = ex;
            }
        }

        /**
         * One draw of the mix: 40 % purchases, 10 % refunds, 10 % pre-authorizations, 10 % completions of approved ones,
         * 6 % purchases reversed at once (most often still with the issuer), 6 % reversals of a purchase answered
         * otherwise than 91, 3 % of one answered 91, 8 % exact retransmissions of a request of this connection, and now
         * and then a hang-up with requests outstanding; a purchase where the draw finds nothing to act on. False when
         * the terminal has no card left to use.
         */
        private boolean step() throws IOException
        {
            final double draw = random.nextDouble();
            if (draw < 0.40)
            {
                return purchase() != null;
            }
            if (draw < 0.50)
            {
                return refund();
            }
            if (draw < 0.60)
            {
                return preAuth();
            }
            if (draw < 0.70)
            {
                final Sent preAuth = firstToComplete();
                return preAuth == null ? purchase() != null : complete(preAuth);
            }
            if (draw < 0.76)
            {
                // A reversal right behind its purchase: most often the purchase is still with the issuer.
                final Sent purchase = purchase();
                if (purchase != null)
                {
                    reverse(purchase, false);
                }
                return purchase != null;
            }
            if (draw < 0.82)
            {
                return reverse(answered(false)) || purchase() != null;
            }
            if (draw < 0.85)
            {
                return reverse(answered(true)) || purchase() != null;
            }
            if (draw < 0.93)
            {
                return retransmit() || purchase() != null;
            }
            if (draw < 0.935 && hangUps < MAX_HANG_UPS_PER_LANE)
            {
                return hangUpWithRequestsOutstanding();
            }
            return purchase() != null;
        }

        /** Connects, signs on, and waits for the sign-on's 00. */
        void connect() throws IOException
        {
            connection++;
            synchronized (lock)
            {
                retransmittable.clear();
            }
            final TestTerminal opened = new TestTerminal(port, Iso87.BINARY);
            terminal = opened;
            reader = new Thread(() -> read(opened), "chaos-reader-" + terminalId + "-" + connection);
            reader.setDaemon(true);
            reader.start();
            final Map<Integer, String> m = new HashMap<>();
            m.put(7, ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7));
            m.put(11, nextStan());
            m.put(70, "001");
            final Sent signOn = send(Kind.SIGN_ON, Mti.NETWORK_MANAGEMENT_REQUEST, m, null, 0, null);
            awaitPending(0);
            synchronized (lock)
            {
                assertEquals("00", signOn.code(), terminalId + ": sign-on on connection " + connection);
            }
        }

        /** Closes the connection, however many requests are outstanding on it, and waits for its reader to end. */
        void hangUp()
        {
            if (terminal == null)
            {
                return;
            }
            try
            {
                terminal.close();
                reader.join(LIMIT.toMillis());
            }
            catch (final IOException ex)
            {
                // Closing anyway.
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            assertTrue(!reader.isAlive(), terminalId + ": the reader of a closed connection still running");
            terminal = null;
            synchronized (lock)
            {
                pending.forEach(sent -> sent.hungUp = true);
                pending.clear();
            }
        }

        /**
         * Two purchases, and the line dropped at once; then a new connection, on which the terminal reverses some of
         * the purchases it had no answer to, as a terminal that cannot know their fate does.
         */
        private boolean hangUpWithRequestsOutstanding() throws IOException
        {
            hangUps++;
            if (purchase() == null || purchase() == null)
            {
                return false;
            }
            final List<Sent> unanswered = new ArrayList<>();
            synchronized (lock)
            {
                pending.stream().filter(sent -> sent.kind == Kind.PURCHASE).forEach(unanswered::add);
            }
            hangUp();
            connect();
            for (final Sent purchase : unanswered)
            {
                if (random.nextBoolean())
                {
                    awaitPending(WINDOW - 1);
                    reverse(purchase, true);
                }
            }
            return true;
        }

        private void read(final TestTerminal from)
        {
            try
            {
                while (true)
                {
                    final byte[] message = from.receiveRaw(LIMIT);
                    if (message != null)
                    {
                        onAnswer(message);
                    }
                }
            }
            catch (final IOException ex)
            {
                // Hung up: by this terminal, or by the switch (which the lane then finds out about).
            }
            catch (final AssertionError ex)
            {
                fail(ex);
            }
            finally
            {
                synchronized (lock)
                {
                    lock.notifyAll();
                }
            }
        }

        private void onAnswer(final byte[] message)
        {
            final MessageReader answer = new MessageReader(Iso87.BINARY);
            final DecodeError error = answer.wrap(message, 0, message.length);
            synchronized (lock)
            {
                final Sent sent = error == DecodeError.NONE && answer.has(11) ? byStan.get(answer.getString(11)) : null;
                if (sent == null || Mti.responseTo(sent.mti) != answer.mti())
                {
                    fail(new AssertionError(terminalId + ": an answer to nothing it sent (" + error + ", MTI " + Mti.toString(answer.mti()) + ")"));
                }
                else
                {
                    sent.codes.add(answer.has(39) ? answer.getString(39) : "");
                    sent.authCodes.add(answer.has(38) ? answer.getString(38) : "");
                    pending.remove(sent);
                }
                lock.notifyAll();
            }
        }

        /** Waits until at most {@code most} requests of this connection are unanswered; fails after {@link #ANSWER_LIMIT}. */
        private void awaitPending(final int most)
        {
            final long deadline = System.nanoTime() + ANSWER_LIMIT.toNanos();
            synchronized (lock)
            {
                while (pending.size() > most && failure == null)
                {
                    final long left = deadline - System.nanoTime();
                    if (left <= 0)
                    {
                        throw new AssertionError(terminalId + ": no answer within " + ANSWER_LIMIT + " to " + pending);
                    }
                    try
                    {
                        lock.wait(Math.max(1, left / 1_000_000));
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        throw new AssertionError(terminalId + ": interrupted", ex);
                    }
                }
                if (failure != null)
                {
                    throw failure;
                }
            }
        }

        private Sent send(final Kind kind, final int mti, final Map<Integer, String> fields, final Card card, final long amount, final Sent original)
            throws IOException
        {
            final byte[] bytes = terminal.encode(mti, fields);
            final Sent sent = new Sent(kind, mti, fields, bytes, card, amount, connection, original);
            synchronized (lock)
            {
                byStan.put(sent.stan, sent);
                pending.add(sent);
                if (kind != Kind.SIGN_ON && kind != Kind.REVERSAL)
                {
                    retransmittable.add(sent);
                    requests++;
                }
            }
            terminal.sendRaw(bytes);
            return sent;
        }

        /** The next card (round robin) with {@code cost} uses to spare, or null when none has. */
        private Card card(final int cost, final String issuer)
        {
            for (int tried = 0; tried < cards.size(); tried++)
            {
                final int i = nextCard++ % cards.size();
                final Card card = cards.get(i);
                if (uses[i] + cost <= MAX_USES_PER_CARD && (issuer == null || issuer.equals(card.issuer) && card.payable()))
                {
                    uses[i] += cost;
                    return card;
                }
            }
            return null;
        }

        Sent purchase() throws IOException
        {
            final Card card = card(1, null);
            if (card == null)
            {
                return null;
            }
            final long amount = 100 + random.nextInt(2_000);
            final Sent purchase = send(Kind.PURCHASE, Mti.FINANCIAL_REQUEST, financial(card, "000000", amount, true), card, amount, null);
            purchases.add(purchase);
            return purchase;
        }

        private boolean refund() throws IOException
        {
            final Card card = card(1, null);
            if (card == null)
            {
                return false;
            }
            final long amount = 100 + random.nextInt(900);
            send(Kind.REFUND, Mti.FINANCIAL_REQUEST, financial(card, "200000", amount, false), card, amount, null);
            return true;
        }

        private boolean preAuth() throws IOException
        {
            final Card card = card(2, null);
            if (card == null)
            {
                return false;
            }
            final long amount = 1_000 + random.nextInt(1_000);
            final Sent preAuth = send(Kind.PRE_AUTH, Mti.AUTHORIZATION_REQUEST, financial(card, "000000", amount, true), card, amount, null);
            // Most are completed; the rest stay authorized, a hold at the issuer that clearing does not settle.
            preAuth.toComplete = random.nextInt(5) > 0;
            preAuths.add(preAuth);
            return true;
        }

        private Sent firstToComplete()
        {
            for (final Sent preAuth : preAuths)
            {
                if (toComplete(preAuth))
                {
                    return preAuth;
                }
            }
            return null;
        }

        private boolean toComplete(final Sent preAuth)
        {
            synchronized (lock)
            {
                return preAuth.toComplete && preAuth.completion == null && "00".equals(preAuth.code());
            }
        }

        /** The 0220 completion of an approved 0100: field 90 names it, 38 carries its authorization code; at most its amount. */
        private boolean complete(final Sent preAuth) throws IOException
        {
            final String authCode;
            synchronized (lock)
            {
                authCode = preAuth.authCodes.get(0);
            }
            final long amount = Math.max(1, preAuth.amount * (80 + random.nextInt(21)) / 100);
            final ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            final Map<Integer, String> m = new HashMap<>();
            m.put(2, preAuth.card.account().pan());
            m.put(3, "000000");
            m.put(4, String.format("%012d", amount));
            m.put(7, now.format(FIELD_7));
            m.put(11, nextStan());
            m.put(12, now.format(FIELD_12));
            m.put(13, now.format(FIELD_13));
            m.put(14, String.format("%04d", preAuth.card.account().expiry()));
            m.put(22, "012");
            m.put(25, "00");
            m.put(38, authCode);
            m.put(41, terminalId);
            m.put(42, merchant);
            m.put(49, "840");
            m.put(90, Mti.toString(preAuth.mti) + preAuth.stan + preAuth.fields.get(7) + INSTITUTIONS);
            final Sent completion = send(Kind.COMPLETION, Mti.FINANCIAL_ADVICE, m, preAuth.card, amount, preAuth);
            synchronized (lock)
            {
                preAuth.completion = completion;
            }
            return true;
        }

        /**
         * A purchase, answered and not reversed, from the latest few: one answered 91 when {@code timedOut}, else one
         * answered otherwise; or null.
         */
        private Sent answered(final boolean timedOut)
        {
            final List<Sent> candidates = new ArrayList<>();
            synchronized (lock)
            {
                for (int i = Math.max(0, purchases.size() - 64); i < purchases.size(); i++)
                {
                    final Sent purchase = purchases.get(i);
                    if (purchase.reversal == null && purchase.code() != null && "91".equals(purchase.code()) == timedOut)
                    {
                        candidates.add(purchase);
                    }
                }
            }
            return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
        }

        private boolean reverse(final Sent purchase) throws IOException
        {
            if (purchase == null)
            {
                return false;
            }
            reverse(purchase, false);
            return true;
        }

        /** An 0400 naming the purchase by its STAN and field 7 (90), without its track data or PIN block. */
        private void reverse(final Sent purchase, final boolean afterHangUp) throws IOException
        {
            final Map<Integer, String> m = new HashMap<>(purchase.fields);
            for (final int field : new int[] {12, 13, 14, 22, 35, 52})
            {
                m.remove(field);
            }
            m.put(7, ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7));
            m.put(11, nextStan());
            m.put(90, Mti.toString(purchase.mti) + purchase.stan + purchase.fields.get(7) + INSTITUTIONS);
            final boolean answeredFirst;
            synchronized (lock)
            {
                answeredFirst = purchase.code() != null;
            }
            final Sent reversal = send(Kind.REVERSAL, Mti.REVERSAL_REQUEST, m, purchase.card, purchase.amount, purchase);
            synchronized (lock)
            {
                reversal.originalAnswered = answeredFirst;
                reversal.afterHangUp = afterHangUp;
                purchase.reversal = reversal;
            }
        }

        /** One of this connection's latest requests sent again, byte for byte. */
        private boolean retransmit() throws IOException
        {
            final Sent again;
            synchronized (lock)
            {
                if (retransmittable.isEmpty())
                {
                    return false;
                }
                again = retransmittable.get(Math.max(0, retransmittable.size() - 1 - random.nextInt(32)));
                again.retransmissions++;
            }
            terminal.sendRaw(again.bytes);
            return true;
        }

        /** The probe: a purchase on the next payable card of {@code issuer}; true when the issuer itself approved it (not a stand-in). */
        boolean approvedBy(final String issuer)
        {
            try
            {
                final Card card = card(1, issuer);
                assertTrue(card != null, terminalId + ": no probe card of " + issuer + " left");
                final long amount = 1_000 + random.nextInt(1_000);
                final Sent purchase = send(Kind.PURCHASE, Mti.FINANCIAL_REQUEST, financial(card, "000000", amount, true), card, amount, null);
                awaitPending(0);
                synchronized (lock)
                {
                    return "00".equals(purchase.code()) && !purchase.authCodes.get(0).startsWith("S");
                }
            }
            catch (final IOException ex)
            {
                throw new AssertionError(terminalId + ": the probe's connection failed", ex);
            }
        }

        /** A card-present request in US dollars: track 2, and a PIN block when {@code pin}. */
        private Map<Integer, String> financial(final Card card, final String processing, final long amount, final boolean pin)
        {
            final ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            final String pan = card.account().pan();
            final String yymm = String.format("%04d", card.account().expiry());
            final Map<Integer, String> m = new HashMap<>();
            m.put(2, pan);
            m.put(3, processing);
            m.put(4, String.format("%012d", amount));
            m.put(7, now.format(FIELD_7));
            m.put(11, nextStan());
            m.put(12, now.format(FIELD_12));
            m.put(13, now.format(FIELD_13));
            m.put(14, yymm);
            m.put(22, "051");
            m.put(25, "00");
            m.put(35, pan + "=" + yymm + TRACK_2_TAIL);
            m.put(41, terminalId);
            m.put(42, merchant);
            m.put(49, "840");
            if (pin)
            {
                m.put(52, Cardholders.PIN_BLOCK);
            }
            return m;
        }

        private String nextStan()
        {
            stan++;
            return String.format("%06d", stan);
        }

        /**
         * Each request against clearing's row for it, after the run (one thread): what the terminal saw must be what
         * clearing says became of it. Disagreements are added to {@code out}; what happened is counted in {@code stats}.
         */
        void judge(final DayTransactions cleared, final Map<String, Integer> rows, final Stats stats, final List<String> out)
        {
            for (final Sent sent : byStan.values())
            {
                if (sent.kind == Kind.SIGN_ON)
                {
                    continue;
                }
                final String what = terminalId + " " + sent;
                final Set<String> answers = new HashSet<>();
                for (int i = 0; i < sent.codes.size(); i++)
                {
                    answers.add(sent.codes.get(i) + "/" + sent.authCodes.get(i));
                }
                if (answers.size() > 1)
                {
                    out.add("answered differently to the same request sent again: " + what);
                }
                stats.sent(sent);
                if (sent.kind == Kind.REVERSAL)
                {
                    continue;
                }
                final Integer row = rows.get(terminalId + "/" + sent.stan);
                if (row == null)
                {
                    if (sent.code() != null)
                    {
                        out.add("answered and not in clearing: " + what);
                    }
                    continue;
                }
                final String expected = Mti.toString(sent.mti) + " " + sent.fields.get(3) + " " + sent.amount + " " + sent.card.masked();
                final String found = Mti.toString(cleared.mti(row)) + " " + cleared.processingCode(row) + " " + cleared.amount(row) + " " +
                    cleared.maskedPan(row);
                if (!expected.equals(found) || !cleared.issuer(row).isEmpty() && !cleared.issuer(row).equals(sent.card.issuer))
                {
                    out.add("clearing's row is not the request: " + what + " / " + row(cleared, row));
                }
                final TransactionState state = cleared.state(row);
                if (sent.code() == null || "91".equals(sent.code()) || sent.reversal != null)
                {
                    stats.add(sent.kind.name().toLowerCase(Locale.ROOT) + (sent.reversal == null ? "" : " reversed") + " answered " +
                        (sent.code() == null ? "never" : sent.code()) + ", in clearing " + state.label());
                }
                final Set<TransactionState> allowed = allowed(sent);
                if (allowed != null && !allowed.contains(state) ||
                    state == TransactionState.DECLINED && sent.code() != null && !sent.code().equals(cleared.responseCode(row)))
                {
                    out.add(what + " is " + row(cleared, row) + " in clearing, not " + allowed);
                }
            }
        }

        /** What clearing may say of a request, from what its terminal saw; null for anything (no answer, not reversed). */
        private static Set<TransactionState> allowed(final Sent sent)
        {
            final String code = sent.code();
            if (code == null)
            {
                return sent.reversed() ? Set.of(TransactionState.REVERSED, TransactionState.DECLINED, TransactionState.TIMED_OUT) : null;
            }
            if ("91".equals(code))
            {
                // Timed out at the switch; or answered by the switch itself (declined, 91) when the issuer had no link.
                return Set.of(TransactionState.TIMED_OUT, TransactionState.DECLINED, TransactionState.REVERSED);
            }
            if (!"00".equals(code))
            {
                return Set.of(TransactionState.DECLINED);
            }
            if (sent.reversed())
            {
                return Set.of(TransactionState.REVERSED);
            }
            if (sent.kind != Kind.PRE_AUTH)
            {
                // A reversal whose answer the terminal hung up on may or may not have reached the switch.
                return sent.reversal != null && sent.reversal.code() == null ? Set.of(TransactionState.APPROVED, TransactionState.REVERSED) :
                    Set.of(TransactionState.APPROVED);
            }
            if (sent.completion == null || sent.completion.code() != null && !"00".equals(sent.completion.code()))
            {
                return Set.of(TransactionState.AUTHORIZED);
            }
            return "00".equals(sent.completion.code()) ? Set.of(TransactionState.COMPLETED) :
                Set.of(TransactionState.AUTHORIZED, TransactionState.COMPLETED);
        }
    }

    /**
     * The settling the test waits for: no advice owed, and the issuers' books and the switch's count of advices queued
     * unchanged for {@link #QUIET} (longer than the time-out, so a request still in flight would have timed out and
     * queued its reversal advice). The books are read on the simulators' threads, a few times a second.
     */
    private final class Quiet
    {
        private final CardBook startA;
        private final CardBook startB;
        private long fingerprint;
        private long since = System.nanoTime();
        private long lastRead;

        Quiet(final CardBook startA, final CardBook startB)
        {
            this.startA = startA;
            this.startB = startB;
        }

        boolean settled()
        {
            final long now = System.nanoTime();
            if (node.advicesOwed() != 0)
            {
                since = now;
                return false;
            }
            if (now - lastRead < FINGERPRINT_EVERY_NANOS)
            {
                return false;
            }
            lastRead = now;
            final long current = fingerprint(startA, issuerA) * 31 + fingerprint(startB, issuerB) * 17 + node.advicesQueued();
            if (current != fingerprint || node.advicesOwed() != 0)
            {
                fingerprint = current;
                since = System.nanoTime();
                return false;
            }
            return now - since >= QUIET.toNanos();
        }

        private long fingerprint(final CardBook start, final IssuerSimulator issuer)
        {
            long h = 0;
            for (int i = 0; i < start.size(); i++)
            {
                h = h * 1_000_003 + issuer.account(start.card(i).pan()).orElseThrow().balance();
            }
            return h;
        }

        @Override
        public String toString()
        {
            return node == null ? "" : node.advicesOwed() + " advices owed, " + node.advicesQueued() + " queued";
        }
    }

    /**
     * Each issuer's book against clearing's, by masked card number (what clearing keeps; two cards of a book that mask
     * alike are compared together): what the simulator did to the balance, and what clearing settles for the card (−
     * debits + credits) less the holds of the pre-authorizations it leaves authorized.
     */
    private static final class Books
    {
        private final DayTransactions cleared;
        private final Map<String, Map<String, Long>> changed = new TreeMap<>();
        private final Map<String, Map<String, long[]>> clearedByCard = new TreeMap<>();

        Books(final DayTransactions cleared)
        {
            this.cleared = cleared;
        }

        void issuer(final String id, final CardBook start, final IssuerSimulator simulator)
        {
            final Map<String, Long> change = new TreeMap<>();
            for (int i = 0; i < start.size(); i++)
            {
                final CardAccount before = start.card(i);
                final long delta = simulator.account(before.pan()).orElseThrow().balance() - before.balance();
                if (delta != 0)
                {
                    change.merge(before.maskedPan(), delta, Long::sum);
                }
            }
            changed.put(id, change);
            // Per card: debits, credits, holds.
            final Map<String, long[]> byCard = new TreeMap<>();
            for (int row = 0; row < cleared.size(); row++)
            {
                if (!id.equals(cleared.issuer(row)))
                {
                    continue;
                }
                final long[] sums = byCard.computeIfAbsent(cleared.maskedPan(row), k -> new long[3]);
                if (cleared.settles(row))
                {
                    sums[cleared.isCredit(row) ? 1 : 0] += cleared.amount(row);
                }
                else if (cleared.state(row) == TransactionState.AUTHORIZED)
                {
                    sums[2] += cleared.amount(row);
                }
            }
            clearedByCard.put(id, byCard);
        }

        long changeTotal(final String id)
        {
            return changed.get(id).values().stream().mapToLong(Long::longValue).sum();
        }

        long clearedTotal(final String id, final int column)
        {
            return clearedByCard.get(id).values().stream().mapToLong(sums -> sums[column]).sum();
        }

        long clearedChange(final String id)
        {
            return clearedTotal(id, 1) - clearedTotal(id, 0) - clearedTotal(id, 2);
        }

        String summary(final String id)
        {
            return id + ": balances moved " + changeTotal(id) + " over " + changed.get(id).size() + " cards; clearing settles debits " +
                clearedTotal(id, 0) + ", credits " + clearedTotal(id, 1) + ", holds of authorized pre-authorizations " + clearedTotal(id, 2) +
                " (net " + clearedChange(id) + ") over " + clearedByCard.get(id).size() + " cards";
        }

        void assertAgree(final String id, final String numbers)
        {
            final Set<String> cards = new HashSet<>(changed.get(id).keySet());
            cards.addAll(clearedByCard.get(id).keySet());
            final Map<String, String> differences = new TreeMap<>();
            for (final String card : cards)
            {
                final long change = changed.get(id).getOrDefault(card, 0L);
                final long[] sums = clearedByCard.get(id).getOrDefault(card, new long[3]);
                final long expected = sums[1] - sums[0] - sums[2];
                if (change != expected)
                {
                    final StringBuilder detail = new StringBuilder().append(change).append(" at the issuer / ").append(expected)
                        .append(" in clearing (debits ").append(sums[0]).append(", credits ").append(sums[1]).append(", holds ").append(sums[2]).append("):");
                    for (int row = 0; row < cleared.size(); row++)
                    {
                        if (card.equals(cleared.maskedPan(row)))
                        {
                            detail.append(" [").append(row(cleared, row)).append(']');
                        }
                    }
                    differences.put(card, detail.toString());
                }
            }
            final Map<String, String> shown = new TreeMap<>();
            differences.entrySet().stream().limit(5).forEach(e -> shown.put(e.getKey(), e.getValue()));
            assertEquals(Map.of(), shown, id + ", by card: the balance change at the issuer / clearing's; " + differences.size() +
                " cards differ (five shown); " + numbers);
            assertEquals(changeTotal(id), clearedChange(id), id + ": balance changes at the issuer / clearing's; " + numbers);
        }
    }

    /** What the run did, for the report: counts by name. */
    private static final class Stats
    {
        private final Map<String, Long> counts = new TreeMap<>();
        private final StringBuilder switchSide = new StringBuilder();

        long count(final String name)
        {
            return counts.getOrDefault(name, 0L);
        }

        void add(final String name)
        {
            counts.merge(name, 1L, Long::sum);
        }

        void sent(final Sent sent)
        {
            final String kind = sent.kind.name().toLowerCase(Locale.ROOT);
            add("sent " + kind);
            add(kind + " answered " + (sent.code() == null ? "never" : sent.code()));
            if (sent.retransmissions > 0)
            {
                add("retransmissions");
                add("retransmissions answered again " + (sent.codes.size() > 1 ? "yes" : "no"));
            }
            if (sent.hungUp)
            {
                add("hung up on");
            }
            if (sent.kind == Kind.REVERSAL)
            {
                final String original = sent.original.code() == null ? "unanswered" : "91".equals(sent.original.code()) ? "91" :
                    "00".equals(sent.original.code()) ? "00" : "declined";
                add("reversal " + (sent.afterHangUp ? "after a hang-up" : sent.originalAnswered ? "after the answer" : "before the answer") +
                    " of a purchase answered " + original);
            }
            if ("00".equals(sent.code()) && sent.authCodes.get(0).startsWith("S"))
            {
                add("stand-in approvals seen " + kind);
            }
        }

        void switchCounts(final SwitchNode switchNode, final IssuerSimulator a, final IssuerSimulator b)
        {
            switchSide.append("switch: ").append(switchNode.advicesQueued()).append(" advices queued, ").append(switchNode.advicesLost())
                .append(" lost, ").append(switchNode.unmatchedAnswers()).append(" issuer answers matched nothing; ");
            issuer(ISSUER_A, a);
            issuer(ISSUER_B, b);
        }

        private void issuer(final String id, final IssuerSimulator issuer)
        {
            switchSide.append(id).append(": ").append(issuer.counter(IssuerCounter.FRAMES_RECEIVED)).append(" frames, faults ")
                .append(issuer.counter(IssuerCounter.FAULT_NO_ANSWER)).append(" no answer / ").append(issuer.counter(IssuerCounter.FAULT_LATE))
                .append(" late / ").append(issuer.counter(IssuerCounter.FAULT_DISCONNECT)).append(" disconnect / ")
                .append(issuer.counter(IssuerCounter.FAULT_GARBAGE)).append(" garbage, ").append(issuer.counter(IssuerCounter.REPEATS_ACKNOWLEDGED))
                .append(" repeats acknowledged, ").append(issuer.counter(IssuerCounter.CONNECTIONS_OPENED)).append(" connections; ");
        }

        void peerResets(final int lines)
        {
            counts.put("peer resets logged at WARN", (long)lines);
        }

        void clearing(final DayTransactions cleared, final List<ClearingExceptionItem> exceptions)
        {
            for (final ClearingExceptionItem exception : exceptions)
            {
                if (exception.kind() == ClearingExceptionItem.Kind.TIME_OUT && ResponseCode.APPROVED.equals(exception.responseCode()))
                {
                    add("stood in on time-out");
                }
            }
            for (int row = 0; row < cleared.size(); row++)
            {
                add(cleared.state(row).label() + " " + Mti.toString(cleared.mti(row)) + (cleared.mti(row) == Mti.AUTHORIZATION_REQUEST ? "" :
                    "/" + cleared.processingCode(row)));
                if (cleared.state(row) == TransactionState.UNANSWERED)
                {
                    add("unanswered in clearing");
                }
                if (cleared.standIn(row))
                {
                    add("stand-in in clearing");
                    add("stand-in " + cleared.state(row).label() + " " + Mti.toString(cleared.mti(row)));
                }
            }
        }

        String report(final long seed, final Books books, final Recovered recovered, final long millis)
        {
            return "run seed " + seed + "; " + counts + "; " + switchSide + "recovery from the journal: " + recovered.records + " records, " +
                recovered.inFlight + " in flight, " + recovered.owed + " advices owed; " + books.summary(ISSUER_A) + "; " + books.summary(ISSUER_B) +
                "; took " + millis + " ms";
        }
    }
}
