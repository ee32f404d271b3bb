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
import static io.interchange.tools.system.ChaosMix.switchConfig;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.clearing.DayTransactions;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.switching.Decision;
import io.interchange.engine.switching.Outcome;
import io.interchange.engine.switching.ResponseCode;
import io.interchange.journal.BusinessDay;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.Cli;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerCounter;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.system.ChaosMix.Books;
import io.interchange.tools.system.ChaosMix.Lane;
import io.interchange.tools.system.ChaosMix.Recovered;
import io.interchange.tools.system.ChaosMix.Stats;
import io.interchange.tools.system.SwitchProcess.StartUp;

/**
 * What {@link CrashRecoverySystemTest} proves of purchases, proved of the whole mix ({@link ChaosBooksSystemTest}'s):
 * the switch, a JVM of its own, is killed with SIGKILL twice in the middle of it, started again each time on the same
 * journal, and the books must still agree.
 *
 * <p>Four terminals send, a window of requests in flight each, purchases, refunds, pre-authorizations and their
 * completions, reversals before, after and instead of answers, exact retransmissions and hang-ups, to two issuer
 * simulators that now and then drop, delay or garble an answer or hang up; issuer-a has one link and stand-in (an
 * approval within the floor limit while it has no link, or when it does not answer in time, advised to it once it is
 * back: a purchase by a 0220, a pre-authorization by an 0120). Twice the switch is killed under that traffic and
 * started again at once; the terminals, whose connections died with it, connect again as soon as it listens and go
 * on, as terminals do with what they had no answer to: reversals and completions sent again until answered, some
 * purchases reversed and some sent again byte for byte. After the second restart the traffic runs a while longer and
 * stops, each issuer approves a purchase through the switch, and everything is left to settle: the issuers' books
 * stop moving and the journal, replayed, has nothing in flight and no advice owed. The switch is then stopped as an
 * operator stops it (SIGTERM), and:
 * <ol>
 * <li>the books agree: what each issuer simulator did to each card's balance and holds is what clearing settles and
 *     leaves authorized for it, to the minor unit ({@link Books});</li>
 * <li>the switch says at its stop that it leaves nothing in flight and owes no advice, and a switch recovering from the
 *     whole journal finds the same;</li>
 * <li>{@code journal verify}, checksums and full replay, passes on the journal that spans both kills;</li>
 * <li>every answer a terminal saw is clearing's word too ({@link ChaosMix#judge}); a request whose answer died with
 *     the switch may be anything clearing says, unless the terminal reversed it or sent it again and was answered:
 *     what was in flight at a kill the restarted switch finds in its journal, times out and reverses (0420, 39 = 68),
 *     and each such request is reversed by a later run, the issuer acknowledging it;</li>
 * <li>no card number stands in clear in the journal, nor in any log of the switch's runs (nor in this JVM's, nor in
 *     journal verify's output), and no run logged a failure but the peer resets the faults cause.</li>
 * </ol>
 * The run is drawn from its seed ({@code -Dinterchange.chaos.seed=N}), printed with every failure and with the run's
 * numbers; when the kills land is left to the threads' timing, which is why nothing is predicted, only judged.
 */
class CrashMixSystemTest
{
    private static final long SEED = Long.getLong("interchange.chaos.seed", 27_031_981L);
    private static final int CARDS = 1_000;
    /** The last cards of each book, for the probe that finds each switch serving. */
    private static final int PROBE_CARDS = 100;
    private static final int KILLS = 2;
    /**
     * Answers the terminals get from each run before it is killed (or, the last, before the traffic stops), drawn from
     * the seed between these, so that the kills land at other moments of the mix (a backlog of stand-in advices going
     * out, or long after) from seed to seed.
     */
    private static final int LEAST_ANSWERS_PER_RUN = 100;
    private static final int MOST_ANSWERS_PER_RUN = 700;
    /** And at the least this long of each run's traffic, drawn likewise up to {@link #MOST_TRAFFIC_MILLIS}. */
    private static final int LEAST_TRAFFIC_MILLIS = 300;
    private static final int MOST_TRAFFIC_MILLIS = 1_500;
    /** For a killed switch to start again, take up its journal and serve, and for the advices owed at the end to go, on a slow machine. */
    private static final Duration BACK_LIMIT = Duration.ofSeconds(60);
    /** The issuers' books unchanged this long, after the last time-out could have come, before the journal is replayed to see. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final long FINGERPRINT_EVERY_NANOS = 200_000_000L;
    /**
     * A line a switch logs at WARN when a peer resets a link: an issuer simulator's disconnect fault, or a terminal
     * hanging up with answers unread. The test's faults, not the switch's: excused. Anything else at ERROR, or that
     * says something failed, is not.
     */
    private static final Pattern PEER_RESET = Pattern.compile(
        ".* WARN +\\[[^]]+\\] FrameHandler: [\\w#-]+: link \\d+ failed, closing: .*(Connection reset by peer|Broken pipe)");
    private static final Pattern FAILURE = Pattern.compile(".* ERROR +\\[.*|.* failed.*");

    /** Every switch the test started, the killed ones too, and the issuer simulators: stopped after the test. */
    private final List<SwitchProcess> processes = new ArrayList<>();
    private final List<IssuerSimulator> issuers = new ArrayList<>();
    /** Where the runs keep their settings, journal and logs. */
    private Path dir;
    private Path configFile;
    private SwitchConfig config;
    /** Each issuer's book as it started, beside its simulator. */
    private CardBook startA;
    private IssuerSimulator issuerA;
    private CardBook startB;
    private IssuerSimulator issuerB;
    /** The terminal that finds each switch serving. */
    private Lane probe;

    /** Kills every switch the test started and left running, whatever failed, then stops the issuers. */
    @AfterEach
    void stopEverything() throws InterruptedException
    {
        try
        {
            SwitchProcess.killAll(processes);
        }
        finally
        {
            issuers.forEach(IssuerSimulator::close);
        }
    }

    @Test
    void shouldKeepTheBooksWhenTheSwitchIsKilledTwiceInTheMiddleOfTheWholeMix(@TempDir final Path tempDir) throws Exception
    {
        try
        {
            run(tempDir);
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError("seed " + SEED + " (-Dinterchange.chaos.seed=" + SEED + "): " + ex.getMessage(), ex);
        }
    }

    private void run(final Path tempDir) throws Exception
    {
        try (CapturedLog log = new CapturedLog())
        {
            run(tempDir, log);
        }
    }

    private void run(final Path tempDir, final CapturedLog log) throws Exception
    {
        final long started = System.nanoTime();
        dir = tempDir;
        final long seed = SEED * 31 + KILLS;
        startA = CardBook.generate(seed, List.of(BIN_A), CARDS);
        startB = CardBook.generate(seed + 1, List.of(BIN_B), CARDS);
        issuerA = new IssuerSimulator(CardBook.generate(seed, List.of(BIN_A), CARDS),
            IssuerSimConfig.defaults().withSeed(seed + 2).withLatency(LATENCY).withFaults(FAULTS)).start();
        issuers.add(issuerA);
        issuerB = new IssuerSimulator(CardBook.generate(seed + 1, List.of(BIN_B), CARDS),
            IssuerSimConfig.defaults().withSeed(seed + 3).withLatency(LATENCY).withFaults(FAULTS)).start();
        issuers.add(issuerB);
        final int port = LoopbackConfig.freePort();
        configFile = dir.resolve("switch.conf");
        Files.writeString(configFile, switchConfig(port, issuerA.port(), 1, true, issuerB.port()) +
            "interchange.journal.dir = \"" + dir.resolve("journal") + "\"\n" + FarCutoff.line());
        config = SwitchConfig.load(configFile);
        probe = new Lane(PROBE_TERMINAL[0], PROBE_TERMINAL[1], laneCards(startA, startB, CARDS - PROBE_CARDS, 1, CARDS), port,
            seed * 1_000 + TERMINALS.length, System.nanoTime(), false);
        final List<String> pans = new ArrayList<>();
        startA.cards().forEach(card -> pans.add(card.pan()));
        startB.cards().forEach(card -> pans.add(card.pan()));
        final ClearPans clear = new ClearPans(pans);

        // Run 1 serves, and the terminals start; each kill comes amid their traffic, and the next run starts at once.
        SwitchProcess child = started(1);
        awaitServing(child);
        final List<Lane> lanes = new ArrayList<>();
        for (int i = 0; i < TERMINALS.length; i++)
        {
            lanes.add(new Lane(TERMINALS[i][0], TERMINALS[i][1], laneCards(startA, startB, i, TERMINALS.length, CARDS - PROBE_CARDS), port,
                seed * 1_000 + i, Long.MAX_VALUE, true));
        }
        lanes.forEach(Thread::start);
        final List<StartUp> recoveries = new ArrayList<>();
        final SplittableRandom draws = new SplittableRandom(seed + 4);
        for (int kill = 1; kill <= KILLS; kill++)
        {
            awaitTraffic(child, lanes, draws);
            child.kill();
            child = started(kill + 1);
            recoveries.add(recovery(child));
        }
        awaitTraffic(child, lanes, draws);
        final long stopping = System.nanoTime();
        lanes.forEach(lane -> lane.stopBy(stopping));
        for (final Lane lane : lanes)
        {
            lane.join(LIMIT.plus(LIMIT).toMillis());
            assertTrue(!lane.isAlive(), lane.terminalId() + " still sending long after its traffic ended");
            failed(lane, child);
        }
        // The chaos over, each issuer still approves through the switch; the probe's requests are judged with the rest.
        awaitServing(child);
        lanes.add(probe);
        final Settling settling = new Settling();
        child.await(BACK_LIMIT, settling::settled, () -> "the issuers' books unchanged for " + QUIET + " and nothing in flight or owed in the " +
            "journal (last replay: " + settling.last + ")");
        final String stoppedWith = child.stopCleanly();

        final Recovered recovered = recovered(config);
        final Cli.Result verify = Cli.run("journal", "verify", "--config", configFile.toString());
        final Runs runs = Runs.of(config);
        final LocalDate day = BusinessDay.businessDay(System.currentTimeMillis() * 1_000_000L, config.businessDay().cutoff(), config.businessDay().zone());
        final Clearing.ClearingRun run = Clearing.run(config, day, dir.resolve("clearing"));
        final DayTransactions cleared = run.day().transactions();
        final Books books = new Books(cleared);
        books.issuer(ISSUER_A, startA, issuerA);
        books.issuer(ISSUER_B, startB, issuerB);
        final Stats stats = new Stats();
        final List<String> disagreements = judge(lanes, cleared, stats);
        stats.clearing(cleared, run.day().exceptions());
        final Logged logged = logged(clear, log, verify);
        final String numbers = report(stats, seed, books, recovered, runs, recoveries, stoppedWith, logged, lanes, started);
        final List<String> unreversed = runs.unreversed(recoveries);
        assertAll(
            () -> books.assertAgree(ISSUER_A, numbers),
            () -> books.assertAgree(ISSUER_B, numbers),
            () -> assertEquals("0 in flight, 0 advices owed", stoppedWith,
                "what the last run says it left at its clean stop; " + numbers),
            () -> assertEquals("0 in flight, 0 advices owed", recovered.inFlight() + " in flight, " + recovered.owed() + " advices owed",
                "what a switch recovering from the whole journal finds; " + numbers),
            () -> assertEquals(0, verify.exitCode(), () -> "journal verify on a journal that spans " + KILLS + " kills:\n" + verify + "\n" + numbers),
            () -> assertEquals(List.of(), disagreements.subList(0, Math.min(10, disagreements.size())),
                disagreements.size() + " answers at the terminals that clearing does not bear out (the first ten shown); " + numbers),
            () -> assertTrue(recoveries.stream().mapToInt(StartUp::inFlight).sum() > 0, "the kills found requests in flight; " + numbers),
            () -> assertEquals(List.of(), unreversed, "what was in flight at each kill, reversed (0420, 39=68) by a later run; " + numbers),
            () -> assertEquals(Set.of(), runs.unacknowledged(), "reversal advices the issuers never acknowledged; " + numbers),
            () -> assertEquals(0, stats.count("unanswered in clearing"), "requests clearing finds neither answered nor timed out; " + numbers),
            () -> assertEquals(List.of(), logged.lines.subList(0, Math.min(10, logged.lines.size())),
                logged.lines.size() + " log lines of the switch's runs that say something failed or hold a card number in clear; " + numbers),
            () -> JournalScan.of(config, clear).assertNoCardNumberInClear(numbers),
            () -> assertTrue(stats.count("approved 0200/000000") > 0 && stats.count("approved 0200/200000") > 0 && stats.count("completed 0100") > 0,
                "the mix reached clearing approved: purchases, refunds and completed pre-authorizations; " + numbers));
    }

    /** The run's numbers, printed, and told with every failure. */
    private String report(final Stats stats, final long seed, final Books books, final Recovered recovered, final Runs runs,
        final List<StartUp> recoveries, final String stoppedWith, final Logged logged, final List<Lane> lanes, final long started)
    {
        final StringBuilder switchSide = new StringBuilder("switch: ").append(KILLS).append(" kills, ")
            .append(lanes.stream().mapToInt(Lane::connectionsLost).sum()).append(" terminal connections lost with them; ");
        for (int i = 0; i < recoveries.size(); i++)
        {
            switchSide.append("run ").append(i + 2).append(" recovered ").append(recoveries.get(i)).append("; ");
        }
        switchSide.append(runs).append("; run ").append(KILLS + 1).append(" stopped with ").append(stoppedWith).append("; ").append(logged.peerResets)
            .append(" peer resets logged");
        stats.switchCounts(switchSide.toString(), issuerA, issuerB);
        final String numbers = stats.report(seed, books, recovered, (System.nanoTime() - started) / 1_000_000);
        System.out.println("crash mix, seed " + SEED + ": " + numbers);
        return numbers;
    }

    /**
     * The lines the switch's runs logged that say something failed (a peer's reset excused) or hold a card number in
     * clear, and the lines of this JVM's log (the issuers', clearing's, the replays') and of journal verify's output that
     * hold one.
     */
    private Logged logged(final ClearPans clear, final CapturedLog log, final Cli.Result verify)
    {
        final List<String> lines = new ArrayList<>();
        long peerResets = 0;
        for (final SwitchProcess process : processes)
        {
            for (final String line : (process.stdout() + process.stderr()).lines().toList())
            {
                final boolean reset = PEER_RESET.matcher(line).matches();
                if (clear.in(line) || FAILURE.matcher(line).matches() && !reset)
                {
                    lines.add(process + ": " + line);
                }
                peerResets += reset ? 1 : 0;
            }
        }
        log.failuresAndCardNumbers(clear).stream().filter(clear::in).forEach(line -> lines.add("this JVM: " + line));
        (verify.out() + verify.err()).lines().filter(clear::in).forEach(line -> lines.add("journal verify: " + line));
        return new Logged(lines, peerResets);
    }

    // ------------------------------------------------------------------------------------------------ the runs

    private SwitchProcess started(final int run) throws IOException
    {
        final SwitchProcess child = SwitchProcess.startSwitch("switch-" + run, configFile, dir);
        processes.add(child);
        return child;
    }

    /**
     * The switch serving: it answers the probe's sign-on, its links to both issuers are up, and each issuer approves a
     * purchase through it (not the switch standing in for issuer-a).
     */
    private void awaitServing(final SwitchProcess child)
    {
        child.await(BACK_LIMIT, probe::tryConnect, () -> "a sign-on answered 00");
        try
        {
            child.await(LIMIT, () -> linksUp(issuerA, 1) && linksUp(issuerB, 2), () -> "the issuers' links connected");
            child.await(LIMIT, () -> probe.approvedBy(ISSUER_A), () -> "a purchase approved by " + ISSUER_A);
            child.await(LIMIT, () -> probe.approvedBy(ISSUER_B), () -> "a purchase approved by " + ISSUER_B);
        }
        finally
        {
            probe.hangUp();
        }
    }

    private static boolean linksUp(final IssuerSimulator issuer, final int links)
    {
        return issuer.counter(IssuerCounter.CONNECTIONS_OPENED) - issuer.counter(IssuerCounter.CONNECTIONS_CLOSED) == links;
    }

    /**
     * Waits for more answers at the terminals from the switch now running, and for some time of its traffic, as many
     * and as long as {@code draws} says: the terminals, back on it after a kill, are sending.
     */
    private void awaitTraffic(final SwitchProcess child, final List<Lane> lanes, final SplittableRandom draws)
    {
        final int answers = draws.nextInt(LEAST_ANSWERS_PER_RUN, MOST_ANSWERS_PER_RUN + 1);
        final long nanos = draws.nextInt(LEAST_TRAFFIC_MILLIS, MOST_TRAFFIC_MILLIS + 1) * 1_000_000L;
        final long answersBefore = answers(lanes);
        final long since = System.nanoTime();
        child.await(BACK_LIMIT, () -> lanes.stream().anyMatch(lane -> lane.failure() != null) ||
            answers(lanes) - answersBefore >= answers && System.nanoTime() - since >= nanos,
            () -> "traffic on " + child + ": " + (answers(lanes) - answersBefore) + " answers of " + answers);
        for (final Lane lane : lanes)
        {
            failed(lane, child);
            assertTrue(lane.isAlive(), lane.terminalId() + " still sending on " + child);
        }
    }

    private static long answers(final List<Lane> lanes)
    {
        long answers = 0;
        for (final Lane lane : lanes)
        {
            answers += lane.answers();
        }
        return answers;
    }

    private static void failed(final Lane lane, final SwitchProcess child)
    {
        if (lane.failure() != null)
        {
            throw new AssertionError(lane.terminalId() + ": " + lane.failure().getMessage() + "\n" + child.tails(), lane.failure());
        }
    }

    /** What the switch says it recovered at start-up, once it has said it; no record may be corrupt. */
    private static StartUp recovery(final SwitchProcess child)
    {
        child.await(BACK_LIMIT, () -> child.startUp() != null, () -> "the switch says what it recovered");
        final StartUp recovery = child.startUp();
        assertEquals(0, recovery.corrupt(), () -> "corrupt records at the start\n" + child.tails());
        return recovery;
    }

    // ------------------------------------------------------------------------------------------------ values

    /** What the switch's runs logged that they must not have, and the peer resets excused. */
    private record Logged(List<String> lines, long peerResets)
    {
    }

    /**
     * The settling the test waits for: the issuers' books unchanged for {@link #QUIET} (longer than a time-out, so a
     * request still in flight would have timed out and queued its reversal), and then the journal, replayed as a
     * restart would, with nothing in flight and no advice owed (the switch runs in another JVM: its journal is what
     * the test can ask). Not settled, it waits another {@link #QUIET} before replaying again.
     */
    private final class Settling
    {
        private long fingerprint;
        private long since = System.nanoTime();
        private long lastRead;
        private Recovered last;

        boolean settled()
        {
            final long now = System.nanoTime();
            if (now - lastRead < FINGERPRINT_EVERY_NANOS)
            {
                return false;
            }
            lastRead = now;
            final long current = balances(startA, issuerA) * 31 + balances(startB, issuerB);
            if (current != fingerprint)
            {
                fingerprint = current;
                since = now;
                return false;
            }
            if (now - since < QUIET.toNanos())
            {
                return false;
            }
            last = recovered(config);
            if (last.inFlight() == 0 && last.owed() == 0)
            {
                return true;
            }
            since = System.nanoTime();
            return false;
        }
    }

    /**
     * The journal read run by run (each begins at its {@link EventType#NODE_START}): the run each request went to its
     * issuer in, by what a reversal advice's field 90 names it with (MTI, switch STAN, field 7 as sent); the originals
     * each run's reversal advices for a time-out (0420 or 0421, 39 = 68) named; and those the issuers acknowledged
     * (0430, field 90 echoed). Advices sent are counted by message type.
     */
    private static final class Runs
    {
        private final Map<String, Integer> forwardedIn = new HashMap<>();
        private final Map<Integer, Set<String>> reversedLater = new TreeMap<>();
        private final Set<String> reversed = new HashSet<>();
        private final Set<String> acknowledged = new HashSet<>();
        private final Map<String, Long> advices = new TreeMap<>();
        private int runs;

        static Runs of(final SwitchConfig config)
        {
            final List<Dialect> dialects = Dialects.all();
            final Runs runs = new Runs();
            try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
            {
                while (reader.next())
                {
                    runs.onRecord(reader.record(), dialects);
                }
            }
            return runs;
        }

        private void onRecord(final JournalRecord record, final List<Dialect> dialects)
        {
            if (record.eventType() == EventType.NODE_START)
            {
                runs++;
                return;
            }
            final Outcome outcome = record.decisionLength() >= Decision.LENGTH ? Decision.outcome(record.buffer(), record.decisionOffset()) : null;
            if (record.eventType() == EventType.ACQUIRER_MESSAGE && outcome == Outcome.FORWARDED && record.outputCount() > 0)
            {
                final MessageReader forwarded = message(record, JournalRecord.output(0), dialects);
                if (forwarded != null && forwarded.has(11) && forwarded.has(7))
                {
                    forwardedIn.put(Mti.toString(forwarded.mti()) + forwarded.getString(11) + forwarded.getString(7), runs);
                }
            }
            if (record.eventType() == EventType.ISSUER_MESSAGE && outcome == Outcome.ACKNOWLEDGED)
            {
                final MessageReader acknowledgement = message(record, JournalRecord.INPUT, dialects);
                if (acknowledgement != null && acknowledgement.mti() == Mti.REVERSAL_ADVICE_RESPONSE && acknowledgement.has(90))
                {
                    acknowledged.add(original(acknowledgement));
                }
            }
            for (int i = 0; i < record.outputCount(); i++)
            {
                final MessageReader out = message(record, JournalRecord.output(i), dialects);
                final int kind = out == null ? 0 : out.mti() - out.mti() % 10;
                if (kind != Mti.REVERSAL_ADVICE && kind != Mti.FINANCIAL_ADVICE && kind != Mti.AUTHORIZATION_ADVICE)
                {
                    continue;
                }
                advices.merge(Mti.toString(out.mti()), 1L, Long::sum);
                if (kind == Mti.REVERSAL_ADVICE && out.has(90) && out.has(39) && ResponseCode.RESPONSE_TOO_LATE.equals(out.getString(39)))
                {
                    final String original = original(out);
                    reversed.add(original);
                    final Integer forwarded = forwardedIn.get(original);
                    if (forwarded != null && forwarded < runs)
                    {
                        reversedLater.computeIfAbsent(forwarded, k -> new HashSet<>()).add(original);
                    }
                }
            }
        }

        /** Requests that went to their issuer in run {@code run} (from 1) and that a later run reversed for a time-out. */
        int reversedLater(final int run)
        {
            return reversedLater.getOrDefault(run, Set.of()).size();
        }

        /**
         * The runs whose requests in flight at their kill, as the next run found them ({@code recoveries}, run 2's
         * first), were not all reversed for a time-out by a later run; each said as "run N left ...".
         */
        List<String> unreversed(final List<StartUp> recoveries)
        {
            final List<String> unreversed = new ArrayList<>();
            for (int run = 1; run <= recoveries.size(); run++)
            {
                final int inFlight = recoveries.get(run - 1).inFlight();
                if (reversedLater(run) < inFlight)
                {
                    unreversed.add("run " + run + " left " + inFlight + " requests in flight and later runs reversed " + reversedLater(run) +
                        " of its requests");
                }
            }
            return unreversed;
        }

        /** Originals of reversal advices for a time-out that no issuer acknowledged. */
        Set<String> unacknowledged()
        {
            final Set<String> left = new HashSet<>(reversed);
            left.removeAll(acknowledged);
            return left;
        }

        /** Field 90's first 20 digits: the original's MTI, switch STAN and field 7. */
        private static String original(final MessageReader message)
        {
            final String data = message.getString(90);
            return data.length() >= 20 ? data.substring(0, 20) : data;
        }

        /** A message of the record as the journal keeps it (no card number: the fields read here are in clear), or null. */
        private static MessageReader message(final JournalRecord record, final int part, final List<Dialect> dialects)
        {
            if (part == JournalRecord.INPUT && !record.hasInput() || record.isWithheld(part))
            {
                return null;
            }
            final MessageReader message = new MessageReader(dialects.get(record.dialectId(part)));
            return message.wrap(record.buffer(), record.messageOffset(part), record.messageLength(part)) == DecodeError.NONE ? message : null;
        }

        @Override
        public String toString()
        {
            final StringBuilder text = new StringBuilder().append(runs).append(" runs in the journal; requests reversed for a time-out by a " +
                "later run, by the run they went to the issuer in: ").append(reversedLater.isEmpty() ? "none, " : "");
            reversedLater.forEach((run, originals) -> text.append("run ").append(run).append(' ').append(originals.size()).append(", "));
            return text.append(reversed.size()).append(" time-outs reversed in all, ").append(unacknowledged().size())
                .append(" never acknowledged; advices sent ").append(advices).toString();
        }
    }
}
