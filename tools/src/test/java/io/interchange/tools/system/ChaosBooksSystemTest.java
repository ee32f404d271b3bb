package io.interchange.tools.system;

import static io.interchange.tools.system.ChaosMix.BIN_A;
import static io.interchange.tools.system.ChaosMix.BIN_B;
import static io.interchange.tools.system.ChaosMix.FAULTS;
import static io.interchange.tools.system.ChaosMix.ISSUER_A;
import static io.interchange.tools.system.ChaosMix.ISSUER_B;
import static io.interchange.tools.system.ChaosMix.LATENCY;
import static io.interchange.tools.system.ChaosMix.LIMIT;
import static io.interchange.tools.system.ChaosMix.PROBE_TERMINAL;
import static io.interchange.tools.system.ChaosMix.TERMINALS;
import static io.interchange.tools.system.ChaosMix.balances;
import static io.interchange.tools.system.ChaosMix.judge;
import static io.interchange.tools.system.ChaosMix.laneCards;
import static io.interchange.tools.system.ChaosMix.recovered;
import static io.interchange.tools.system.ChaosMix.rows;
import static io.interchange.tools.system.ChaosMix.switchConfig;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.clearing.DayTransactions;
import io.interchange.engine.clearing.TransactionState;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.journal.BusinessDay;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.Faults;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.issuer.Latency;
import io.interchange.tools.system.ChaosMix.Books;
import io.interchange.tools.system.ChaosMix.Card;
import io.interchange.tools.system.ChaosMix.Lane;
import io.interchange.tools.system.ChaosMix.Recovered;
import io.interchange.tools.system.ChaosMix.Sent;
import io.interchange.tools.system.ChaosMix.Stats;

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
    private static final int CARDS = 640;
    /** The last cards of each book, kept for the probe that finds the switch serving after the chaos. */
    private static final int PROBE_CARDS = 40;
    /** For issuer-a with one link in the stand-in case: hang-ups often enough that the switch stands in now and then. */
    private static final Faults LINK_DROPPING_FAULTS = FAULTS.withDisconnect(0.006);
    private static final Duration TRAFFIC = Duration.ofSeconds(4);
    /** For the advices owed after the traffic to be sent and acknowledged over links the faults keep dropping. */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(60);
    /** The issuers' books and the switch's advices unchanged this long, after the last time-out could have come. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final long FINGERPRINT_EVERY_NANOS = 200_000_000L;
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
        final SwitchConfig config = SwitchConfig.parse(switchConfig(0, portA, 1, true, issuerB.port()) + FarCutoff.line(), "stand-in.conf")
            .withJournalDir(dir.resolve("journal"));
        node = SwitchNode.start(config);
        Awaiting.until(LIMIT, () -> node.signedOnLinks(ISSUER_B) == 2, "issuer-b signed on");
        final Card card = startA.cards().stream().map(account -> new Card(account, ISSUER_A)).filter(Card::payable).findFirst().orElseThrow();
        final Lane terminal = new Lane(TERMINALS[0][0], TERMINALS[0][1], List.of(card), node.port("pos-iso87"), SEED, System.nanoTime(), false);
        final Sent preAuth;
        final Sent completion;
        final long held;
        try
        {
            terminal.connect();
            assertTrue(terminal.preAuth(), "a pre-authorization sent");
            terminal.awaitPending(0);
            preAuth = terminal.preAuths().get(0);
            assertTrue("00".equals(preAuth.code()) && preAuth.authCode().startsWith("S"), "a pre-authorization stood in by the switch: " + preAuth);
            assertEquals(1, node.advicesOwed(), "its 0120 owed to issuer-a");
            down.close();
            issuerA = new IssuerSimulator(CardBook.generate(SEED, List.of(BIN_A), PROBE_CARDS), IssuerSimConfig.defaults().withPort(portA)).start();
            Awaiting.until(LIMIT, () -> node.signedOnLinks(ISSUER_A) == 1 && node.advicesOwed() == 0, "issuer-a up, the stand-in's 0120 acknowledged");
            held = card.account().balance() - issuerA.account(card.account().pan()).orElseThrow().balance();
            assertTrue(terminal.complete(preAuth), "a completion sent");
            terminal.awaitPending(0);
            completion = preAuth.completion();
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
        final List<String> disagreements = judge(List.of(terminal), cleared, new Stats());
        final String numbers = terminal.terminalId() + " " + preAuth + "; " + books.summary(ISSUER_A) + "; issuer-a held " + held + " on the 0120";
        System.out.println("stand-in for a pre-authorization, then its completion: " + numbers);
        final int preAuthRow = rows(cleared).get(terminal.terminalId() + "/" + preAuth.stan());
        assertAll(
            () -> assertEquals(preAuth.amount(), held, "the 0120 booked as a hold of the pre-authorization's amount: " + numbers),
            () -> assertEquals(List.of(), disagreements, "clearing: the 0100 completed, the completion approved; " + numbers),
            () -> assertEquals(TransactionState.COMPLETED, cleared.state(preAuthRow), numbers),
            () -> assertTrue(cleared.standIn(preAuthRow) && !cleared.awaitingAdvice(preAuthRow), "stood in, its 0120 acknowledged: " + numbers),
            () -> assertEquals(-completion.amount(), books.changeTotal(ISSUER_A), "issuer-a took the completion's amount from the card, once: " + numbers),
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
        final SwitchConfig config = SwitchConfig.parse(switchConfig(0, issuerA.port(), scenario.connectionsA, scenario.standInA, issuerB.port()) +
            FarCutoff.line(), "chaos.conf").withJournalDir(dir.resolve("journal"));
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
                lanes.add(new Lane(TERMINALS[i][0], TERMINALS[i][1], laneCards(startA, startB, i, TERMINALS.length, CARDS - PROBE_CARDS), port,
                    seed * 1_000 + i, deadline, false));
            }
            lanes.forEach(Thread::start);
            for (final Lane lane : lanes)
            {
                lane.join(TRAFFIC.plus(LIMIT).plus(LIMIT).toMillis());
                assertTrue(!lane.isAlive(), lane.terminalId() + " still sending long after its traffic ended");
                if (lane.failure() != null)
                {
                    throw new AssertionError(lane.terminalId() + ": " + lane.failure().getMessage(), lane.failure());
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
            stats.switchCounts("switch: " + node.advicesQueued() + " advices queued, " + node.advicesLost() + " lost, " + node.unmatchedAnswers() +
                " issuer answers matched nothing", issuerA, issuerB);
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
        final Books books = new Books(cleared);
        books.issuer(ISSUER_A, startA, issuerA);
        books.issuer(ISSUER_B, startB, issuerB);
        final List<String> disagreements = judge(lanes, cleared, stats);
        stats.clearing(cleared, run.day().exceptions());
        final String numbers = stats.report(seed, books, recovered, (System.nanoTime() - started) / 1_000_000);
        System.out.println("chaos books, " + scenario.name + ", seed " + SEED + ": " + numbers);

        assertAll(
            () -> books.assertAgree(ISSUER_A, numbers),
            () -> books.assertAgree(ISSUER_B, numbers),
            () -> assertEquals(List.of(), disagreements.subList(0, Math.min(10, disagreements.size())),
                disagreements.size() + " answers at the terminals that clearing does not bear out (the first ten shown); " + numbers),
            () -> assertEquals("0 in flight, 0 advices owed", recovered.inFlight() + " in flight, " + recovered.owed() + " advices owed",
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
        final Lane probe = new Lane(PROBE_TERMINAL[0], PROBE_TERMINAL[1], laneCards(startA, startB, CARDS - PROBE_CARDS, 1, CARDS), port,
            seed * 1_000 + TERMINALS.length, System.nanoTime(), false);
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
     * What {@code interchange journal verify} does: the journal's inputs replayed through a new switch handler, into a
     * journal of their own, must give its decisions and outputs byte for byte; the first differences, or none. Advices
     * are found in replay by what they are ({@code SwitchHandler.adviceIdentity}), and the chaos sends thousands with
     * one field 7 a second: an 0120 once passed there for a 0220.
     */
    private static List<String> replayDifferences(final SwitchConfig config, final Path dir)
    {
        Replays.replay(config, dir.resolve("replay"));
        return Replays.differences(config, dir.resolve("replay"), 3);
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
            final long current = balances(startA, issuerA) * 31 + balances(startB, issuerB) * 17 + node.advicesQueued();
            if (current != fingerprint || node.advicesOwed() != 0)
            {
                fingerprint = current;
                since = System.nanoTime();
                return false;
            }
            return now - since >= QUIET.toNanos();
        }

        @Override
        public String toString()
        {
            return node == null ? "" : node.advicesOwed() + " advices owed, " + node.advicesQueued() + " queued";
        }
    }
}
