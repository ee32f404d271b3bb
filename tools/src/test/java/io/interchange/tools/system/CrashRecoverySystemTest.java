package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.Pan;
import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.clearing.Clearing;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.switching.Decision;
import io.interchange.engine.switching.Outcome;
import io.interchange.journal.BusinessDay;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.Cli;
import io.interchange.tools.issuer.CardAccount;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.CardStatus;
import io.interchange.tools.issuer.IssuerCounter;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.issuer.Latency;
import io.interchange.tools.system.SwitchProcess.StartUp;

/**
 * DESIGN.md §8 under the worst stop there is: the switch, a JVM of its own, is killed with SIGKILL while terminals have
 * purchases in flight at it and at the issuers, then started again on the same journal. What it promises:
 * <ul>
 * <li>nothing appended is lost and nothing torn is read: the restarted switch takes up exactly the records a reader
 *     finds after the kill, every checksum holds, and its own records follow them with no gap;</li>
 * <li>what was in flight at the kill is undone at the issuer: each such request times out after the restart and is
 *     reversed (0420, repeated as 0421 until the 0430), as is any approval that reached the switch for a terminal that
 *     had gone; the switch then owes nothing, by its own count when an operator stops it;</li>
 * <li>the books agree: for each issuer, what its simulator took from its cards equals, to the minor unit and card by
 *     card, the approved purchases clearing reports for it; and every purchase a terminal saw approved before the
 *     kill is in clearing as approved (DESIGN.md §2: an answer leaves only after its record is appended).</li>
 * </ul>
 * Stand-in is off for both issuers, so every approval in clearing is one an issuer made itself: the comparison is of two
 * books, not of the switch with itself. The issuers answer after 1 to 30 ms, so that at the kill many requests have been
 * decided and debited at the issuer with their answers still on the way back.
 *
 * <p>What Chronicle Queue leaves of an append cut short by the kill is shown on its own, deterministically, by a
 * stand-in killed with a document open ({@link TornAppend}): a kill of the switch itself lands inside an append only
 * by chance.
 */
class CrashRecoverySystemTest
{
    /**
     * Over the embedded defaults: one listener, on a port picked once so that each restart binds the one its terminals
     * know, as a deployment's does (the defaults' fixed ports could be taken on a shared machine); the issuers at the
     * test's simulators with a short time-out and no stand-in; the journal in the test's temp dir.
     */
    private static final String SWITCH = """
        interchange {
          listeners = [ %s ]
          issuers = [
            { id = "issuer-a", institution-id = "20000001", links = [ { host = "127.0.0.1", port = %d } ], connections = 2,
              timeout = 500ms, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 1s },
              stand-in { enabled = false, floor-limit = 0 } }
            { id = "issuer-b", institution-id = "20000002", links = [ { host = "127.0.0.1", port = %d } ], connections = 2,
              timeout = 500ms, echo-interval = 30s, missed-echoes = 3, reconnect { initial = 100ms, max = 1s },
              stand-in { enabled = false, floor-limit = 0 } }
          ]
          journal.dir = "%s"
        }
        """;
    private static final int LINKS_PER_ISSUER = 2;
    private static final String ISSUER_A = "issuer-a";
    private static final String ISSUER_B = "issuer-b";
    private static final long SEED_A = 81;
    private static final long SEED_B = 82;
    private static final int CARDS = 1_200;
    /** The last cards of each book, kept for the probes that find the switch serving; the lanes take the rest. */
    private static final int PROBE_CARDS = 100;
    private static final Latency ISSUER_LATENCY = Latency.parse("1ms..30ms");
    private static final String[][] LANE_TERMINALS = {
        {"TERM0001", "MERCHANT0000001"}, {"TERM0002", "MERCHANT0000001"}, {"TERM0003", "MERCHANT0000002"}, {"TERM0004", "MERCHANT0000002"}};
    private static final String[] PROBE_TERMINAL = {"TERM0005", "MERCHANT0000003"};
    private static final int WINDOW = 16;
    private static final Duration TRAFFIC = Duration.ofSeconds(2);
    private static final int MIN_ANSWERS_BEFORE_KILL = 500;
    private static final int APPROVED_AFTER_RESTART = 10;
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Duration PROBE_ANSWER = Duration.ofSeconds(2);
    private static final DateTimeFormatter FIELD_7 = DateTimeFormatter.ofPattern("MMddHHmmss");
    private static final String NOTHING_LEFT = "0 in flight, 0 advices owed";

    private final List<SwitchProcess> processes = new ArrayList<>();
    private final List<Till> tills = new ArrayList<>();
    private IssuerSimulator issuerA;
    private IssuerSimulator issuerB;
    /** The issuers' books as they started, for what each took from its cards since. */
    private CardBook startA;
    private CardBook startB;
    private Path dir;
    private Path configFile;
    private SwitchConfig config;
    private int port;
    private Till probe;
    private Probe probeA;
    private Probe probeB;

    /** Kills every process the test started and left running, whatever failed, then stops the issuers. */
    @AfterEach
    void stopEverything() throws InterruptedException
    {
        try
        {
            SwitchProcess.killAll(processes);
        }
        finally
        {
            if (issuerA != null)
            {
                issuerA.close();
            }
            if (issuerB != null)
            {
                issuerB.close();
            }
        }
    }

    @Test
    void shouldLoseNothingWhenKilledUnderLoadAndRestartedOnTheSameJournal(@TempDir final Path tempDir) throws Exception
    {
        final long testStart = System.nanoTime();
        issuersAndConfig(tempDir);
        final SwitchProcess first = started("switch-1");
        awaitServing(first);
        final Kill kill = killUnderLoad(first);

        final SwitchProcess second = started("switch-2");
        awaitServing(second);
        final long servingAgainMillis = (System.nanoTime() - kill.nanos) / 1_000_000;
        final StartUp recovered = recovery(second, kill.journal);
        assertTrue(recovered.inFlight() > 0, () -> "the journal had requests in flight at the kill\n" + second.tails());
        final Reversals reversals = awaitReversed(second, kill.lastIndex(), recovered.inFlight() + recovered.owed());
        assertEquals(NOTHING_LEFT, second.stopCleanly(), () -> "at the clean stop, by the switch's own count\n" + second.tails());

        final List<long[]> journal = records();
        assertContinues(kill.journal, journal);
        final Cli.Result checksums = Cli.run("journal", "verify", "--checksums-only", "--config", configFile.toString()).expectSuccess();
        assertTrue(checksums.out().contains("checksums: " + journal.size() + " records, all valid"), checksums::toString);

        final Books books = clear();
        final long approvedAtTerminals = assertTerminalsAgree(books.cleared);
        final List<String> caught = lockLines(second.stderr());
        final String numbers = String.format("%d purchases sent, %d answered at the terminals (%d when the kill was ordered), %d unanswered at the "
                + "kill; journal: %d records at the kill, %d in all, %d requests in flight and %d advices owed recovered; after the restart %s; "
                + "serving again %d ms after the kill; %d purchases in clearing, %d approved at their terminals; issuer-a debited %d / cleared %d, "
                + "issuer-b debited %d / cleared %d; the kill caught an append (the restart freed the dead writer's lock): %s; test took %d ms",
            sent(), answered(), kill.answeredWhenOrdered, kill.unanswered, kill.journal.size(), journal.size(), recovered.inFlight(), recovered.owed(),
            reversals, servingAgainMillis, books.cleared.size(), approvedAtTerminals, sum(books.debitedA), sum(books.clearedA), sum(books.debitedB),
            sum(books.clearedB), caught.isEmpty() ? "no" : "yes, " + caught, (System.nanoTime() - testStart) / 1_000_000);
        System.out.println("crash recovery: " + numbers);
        books.assertAgree(numbers);
    }

    /**
     * The switch after the restart stops cleanly owing nothing, and is started again: it must take up that same state.
     * The links of a killed switch never journaled going down, and the second switch reuses their link ids; only the
     * second run's {@code NODE_START} record tells a replay of the whole journal (the next start's recovery, {@code
     * journal verify}) where the first run's links went. Without it the second switch's events ran on the first
     * switch's links: time-outs it made with no answer to give were replayed as 91s to terminals long gone (at most 7 a
     * tick, so the rest stayed in flight), requests it answered 91 for want of a signed-on link as forwarded, and its
     * requests onto other issuer links than it used, so their answers matched nothing. The third start then believed
     * them in flight, timed them out and reversed them at the issuer, approvals its terminals got and clearing settles
     * among them.
     */
    @Test
    void shouldTakeUpAtTheNextStartWhatTheSwitchLeftAtItsCleanStopAfterAKill(@TempDir final Path tempDir) throws Exception
    {
        issuersAndConfig(tempDir);
        final SwitchProcess first = started("switch-1");
        awaitServing(first);
        final Kill kill = killUnderLoad(first);

        final SwitchProcess second = started("switch-2");
        awaitServing(second);
        final StartUp afterKill = recovery(second, kill.journal);
        assertTrue(afterKill.inFlight() > 0, () -> "the journal had requests in flight at the kill\n" + second.tails());
        awaitReversed(second, kill.lastIndex(), afterKill.inFlight() + afterKill.owed());
        // Purchases the second switch approves, which no later start may undo.
        final TestTerminal[] terminal = new TestTerminal[1];
        await(second, () -> (terminal[0] = signedOn(port, probe)) != null, "a sign-on answered 00");
        try
        {
            final int[] approved = new int[2];
            await(second, () -> (probeA.approved(terminal[0]) ? ++approved[0] : approved[0]) >= APPROVED_AFTER_RESTART, "approvals by " + ISSUER_A);
            await(second, () -> (probeB.approved(terminal[0]) ? ++approved[1] : approved[1]) >= APPROVED_AFTER_RESTART, "approvals by " + ISSUER_B);
        }
        finally
        {
            close(terminal[0]);
        }
        final String leftBySecond = second.stopCleanly();
        assertEquals(NOTHING_LEFT, leftBySecond, () -> "at the second switch's clean stop\n" + second.tails());
        final List<long[]> beforeThird = records();

        final SwitchProcess third = started("switch-3");
        awaitServing(third);
        final StartUp atThirdStart = recovery(third, beforeThird);
        // Whatever it believes it owes, it acts on: what that does to the issuers' books is part of the check.
        final Reversals byThird = awaitReversed(third, beforeThird.get(beforeThird.size() - 1)[0], atThirdStart.inFlight() + atThirdStart.owed());
        final String leftByThird = third.stopCleanly();

        final Books books = clear();
        final Cli.Result verify = Cli.run("journal", "verify", "--config", configFile.toString());
        final String numbers = String.format("first run killed with %d requests in flight, %d advices owed; the second stopped with %s; the third "
                + "started with %d requests in flight and %d advices owed, sent %s, and stopped with %s; issuer-a debited %d / cleared %d, issuer-b "
                + "debited %d / cleared %d", afterKill.inFlight(), afterKill.owed(), leftBySecond, atThirdStart.inFlight(), atThirdStart.owed(), byThird,
            leftByThird, sum(books.debitedA), sum(books.clearedA), sum(books.debitedB), sum(books.clearedB));
        System.out.println("next start after a crash recovery: " + numbers);
        assertAll("a journal that spans a kill, taken up again by the next start; " + numbers,
            () -> assertEquals("0 requests in flight, 0 advices owed",
                atThirdStart.inFlight() + " requests in flight, " + atThirdStart.owed() + " advices owed",
                "the third start takes up what the second left at its clean stop (" + leftBySecond + ")"),
            () -> books.assertAgree(numbers),
            () -> assertTerminalsAgree(books.cleared),
            () -> assertEquals(0, verify.exitCode(), () -> "journal verify on a journal that spans a kill and two restarts:\n" + verify));
    }

    /**
     * A kill halfway through an append, made on purpose: {@link TornAppend} opens a document after the last record,
     * writes part of it and is killed, Chronicle's write lock held. A reader then finds exactly the records before it,
     * every checksum holding: Chronicle hands out no document whose header is still marked incomplete. The restarted
     * switch opens the queue, where Chronicle frees the write lock of the dead process at once (a warning, no wait),
     * and its first append takes the torn document's index and writes over its bytes: nothing of them is ever read.
     */
    @Test
    void shouldReadNoTornRecordAndAppendOverItAfterAKillHalfwayThroughAnAppend(@TempDir final Path tempDir) throws Exception
    {
        issuersAndConfig(tempDir);
        final SwitchProcess first = started("switch-1");
        awaitServing(first);
        assertEquals(NOTHING_LEFT, first.stopCleanly(), () -> "at the first switch's clean stop\n" + first.tails());
        final List<long[]> complete = records();

        final Path journal = config.journal().dir();
        final SwitchProcess torn = SwitchProcess.start("torn-append", dir, List.of(), TornAppend.class.getName(), List.of(journal.toString()));
        processes.add(torn);
        await(torn, () -> torn.stdout().contains(TornAppend.OPEN), "a document open on the journal");
        final Matcher open = Pattern.compile(Pattern.quote(TornAppend.OPEN) + "([0-9a-f]+)").matcher(torn.stdout());
        assertTrue(open.find(), torn::tails);
        final long tornIndex = Long.parseLong(open.group(1), 16);
        torn.kill();

        assertEquals(complete.get(complete.size() - 1)[0] + 1, tornIndex, "the torn document comes right after the last complete record");
        assertTrue(holds(journal, TornAppend.MARKER), "the torn document's bytes are in the queue's file");
        assertSameRecords(complete, records(), "what a reader finds after the kill");

        final long restart = System.nanoTime();
        final SwitchProcess second = started("switch-2");
        awaitServing(second);
        final long servingAfterMillis = (System.nanoTime() - restart) / 1_000_000;
        final StartUp recovered = recovery(second, complete);
        assertEquals(NOTHING_LEFT, second.stopCleanly(), () -> "at the second switch's clean stop\n" + second.tails());
        final List<long[]> all = records();
        assertContinues(complete, all);
        assertEquals(tornIndex, all.get(complete.size())[0], "the restart's first record takes the torn document's place");
        assertTrue(!holds(journal, TornAppend.MARKER), "the torn document's bytes written over");
        System.out.println("torn append: " + complete.size() + " complete records, a torn document at index 0x" + Long.toHexString(tornIndex) +
            "; the restart replayed " + recovered.replayed() + ", served " + servingAfterMillis + " ms after it began, and appended " +
            (all.size() - complete.size()) + " records from that index on; Chronicle: " + lockLines(second.stderr()));
    }

    // ------------------------------------------------------------------------------------------------ the runs

    private void issuersAndConfig(final Path tempDir) throws IOException
    {
        dir = tempDir;
        startA = CardBook.generate(SEED_A, List.of("476173"), CARDS);
        startB = CardBook.generate(SEED_B, List.of("622848"), CARDS);
        issuerA = new IssuerSimulator(CardBook.generate(SEED_A, List.of("476173"), CARDS), IssuerSimConfig.defaults().withLatency(ISSUER_LATENCY)).start();
        issuerB = new IssuerSimulator(CardBook.generate(SEED_B, List.of("622848"), CARDS), IssuerSimConfig.defaults().withLatency(ISSUER_LATENCY)).start();
        port = LoopbackConfig.freePort();
        configFile = dir.resolve("switch.conf");
        Files.writeString(configFile,
            String.format(SWITCH, LoopbackConfig.posListener(port), issuerA.port(), issuerB.port(), dir.resolve("journal")) + FarCutoff.line());
        config = SwitchConfig.load(configFile);
        probe = new Till(PROBE_TERMINAL[0], PROBE_TERMINAL[1]);
        tills.add(probe);
        probeA = new Probe(probe, issuerA, ISSUER_A, cards(startA, CARDS - PROBE_CARDS, CARDS));
        probeB = new Probe(probe, issuerB, ISSUER_B, cards(startB, CARDS - PROBE_CARDS, CARDS));
    }

    private SwitchProcess started(final String name) throws IOException
    {
        final SwitchProcess child = SwitchProcess.startSwitch(name, configFile, dir);
        processes.add(child);
        return child;
    }

    /**
     * Waits until the switch answers a sign-on, has both issuers' links, and has an approval from each issuer; a switch
     * that exits meanwhile fails the test at once with its logs.
     */
    private void awaitServing(final SwitchProcess child)
    {
        final long openedA = issuerA.counter(IssuerCounter.CONNECTIONS_OPENED);
        final long openedB = issuerB.counter(IssuerCounter.CONNECTIONS_OPENED);
        final TestTerminal[] terminal = new TestTerminal[1];
        await(child, () -> (terminal[0] = signedOn(port, probe)) != null, "a sign-on answered 00");
        try
        {
            await(child, () -> probeA.linksUp(openedA), ISSUER_A + "'s " + LINKS_PER_ISSUER + " links connected");
            await(child, () -> probeB.linksUp(openedB), ISSUER_B + "'s " + LINKS_PER_ISSUER + " links connected");
            await(child, () -> probeA.approved(terminal[0]), "a purchase approved by " + ISSUER_A);
            await(child, () -> probeB.approved(terminal[0]), "a purchase approved by " + ISSUER_B);
        }
        finally
        {
            close(terminal[0]);
        }
    }

    /** Four terminals, a window of 16 purchases in flight at each, for two seconds; then SIGKILL. */
    private Kill killUnderLoad(final SwitchProcess child) throws InterruptedException
    {
        final AtomicLong answers = new AtomicLong();
        final List<Lane> lanes = new ArrayList<>();
        for (int i = 0; i < LANE_TERMINALS.length; i++)
        {
            final List<Card> laneCards = new ArrayList<>();
            for (int c = i; c < CARDS - PROBE_CARDS; c += LANE_TERMINALS.length)
            {
                laneCards.add(new Card(startA.card(c), ISSUER_A));
                laneCards.add(new Card(startB.card(c), ISSUER_B));
            }
            final Till till = new Till(LANE_TERMINALS[i][0], LANE_TERMINALS[i][1]);
            tills.add(till);
            lanes.add(new Lane(till, laneCards, port, answers));
        }
        lanes.forEach(Thread::start);
        final long trafficStart = System.nanoTime();
        await(child, () -> lanes.stream().anyMatch(Lane::failed) ||
            answers.get() >= MIN_ANSWERS_BEFORE_KILL && System.nanoTime() - trafficStart >= TRAFFIC.toNanos(), "traffic under way");
        for (final Lane lane : lanes)
        {
            assertEquals(null, lane.failure, () -> lane.till.terminalId + " before the kill\n" + child.tails());
        }
        final long answeredWhenOrdered = answers.get();
        child.kill();
        final long killedAt = System.nanoTime();
        long sent = 0;
        long answered = 0;
        for (final Lane lane : lanes)
        {
            // Each reads what answers the kernel still held for it, then meets the end of its connection.
            lane.join(LIMIT.toMillis());
            assertTrue(!lane.isAlive(), lane.till.terminalId + " still running " + LIMIT + " after the kill");
            assertEquals(null, lane.failure, () -> lane.till.terminalId + " after the kill\n" + child.tails());
            sent += lane.till.sent.size();
            answered += lane.till.answers.size();
        }
        assertTrue(sent > answered, "the kill found purchases in flight: " + sent + " sent, " + answered + " answered");
        // What a reader finds after the kill: the records the restarted switch must take up.
        final List<long[]> journal = records();
        assertTrue(!journal.isEmpty(), "the first run journaled");
        return new Kill(sent - answered, answeredWhenOrdered, journal, killedAt);
    }

    /** What the switch says it recovered at start-up; checks it took up exactly the records {@code found} before it started. */
    private static StartUp recovery(final SwitchProcess child, final List<long[]> found)
    {
        final StartUp recovery = child.startUp();
        assertNotNull(recovery, () -> "the switch says what it recovered\n" + child.tails());
        assertEquals(0, recovery.corrupt(), () -> "corrupt records at the start\n" + child.tails());
        assertEquals(found.size(), recovery.replayed() + recovery.withheld(), "the switch took up exactly the records a reader found before it started");
        return recovery;
    }

    /**
     * Waits until the switch has sent a reversal advice for at least {@code expected} originals since the journal's record
     * {@code lastIndex}, and had each acknowledged: the requests it recovered in flight, timed out, and the advices it
     * recovered owed, sent again.
     */
    private Reversals awaitReversed(final SwitchProcess child, final long lastIndex, final int expected)
    {
        await(child, () -> reversalsAfter(lastIndex).settled(expected), "a reversal advice acknowledged for each of " + expected + " originals");
        return reversalsAfter(lastIndex);
    }

    /** Waits for {@code condition} while the process runs; a failure shows its logs as they are then. */
    private static void await(final SwitchProcess child, final BooleanSupplier condition, final String what)
    {
        child.await(LIMIT, condition, () -> what);
    }

    /** A connection whose sign-on got 00, or null while the switch is not yet listening or not yet answering. */
    private static TestTerminal signedOn(final int port, final Till till)
    {
        TestTerminal terminal = null;
        try
        {
            terminal = new TestTerminal(port, Iso87.BINARY);
            terminal.send(Mti.NETWORK_MANAGEMENT_REQUEST, till.signOn());
            final byte[] answer = terminal.receiveRaw(PROBE_ANSWER);
            if (answer != null && "00".equals(decode(answer).getString(39)))
            {
                return terminal;
            }
        }
        catch (final IOException ex)
        {
            // Not listening yet: the next poll tries again.
        }
        close(terminal);
        return null;
    }

    private static void close(final TestTerminal terminal)
    {
        if (terminal == null)
        {
            return;
        }
        try
        {
            terminal.close();
        }
        catch (final IOException ex)
        {
            // A connection that is going anyway.
        }
    }

    private static MessageReader decode(final byte[] message)
    {
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        final DecodeError error = reader.wrap(message, 0, message.length);
        if (error != DecodeError.NONE)
        {
            throw new AssertionError("an answer that does not decode: " + error + " at field " + reader.errorField());
        }
        return reader;
    }

    // ------------------------------------------------------------------------------------------------ the journal

    /** Each record's index and a CRC-32C of its bytes, in journal order; fails on a record whose checksum does not hold. */
    private List<long[]> records()
    {
        final List<long[]> records = new ArrayList<>();
        final CRC32C crc = new CRC32C();
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                assertTrue(record.checksumValid(), "checksum of " + record);
                final byte[] bytes = new byte[record.length()];
                record.buffer().getBytes(0, bytes);
                crc.reset();
                crc.update(bytes);
                records.add(new long[] {record.index(), crc.getValue()});
            }
            assertEquals(0, reader.corruptRecords(), "corrupt records");
        }
        return records;
    }

    private static void assertSameRecords(final List<long[]> expected, final List<long[]> actual, final String what)
    {
        assertEquals(expected.size(), actual.size(), what + ": records");
        assertContinues(expected, actual);
    }

    /** {@code later} starts with the records of {@code earlier}, same index and bytes, and no index is skipped anywhere. */
    private static void assertContinues(final List<long[]> earlier, final List<long[]> later)
    {
        for (int i = 0; i < earlier.size(); i++)
        {
            assertEquals(earlier.get(i)[0], later.get(i)[0], "index of record " + i);
            assertEquals(earlier.get(i)[1], later.get(i)[1], "bytes of record " + i + " (index 0x" + Long.toHexString(earlier.get(i)[0]) + ")");
        }
        for (int i = 1; i < later.size(); i++)
        {
            // One business day, so one queue cycle: consecutive indexes.
            assertEquals(later.get(i - 1)[0] + 1, later.get(i)[0], "the record after index 0x" + Long.toHexString(later.get(i - 1)[0]));
        }
    }

    /** Whether any of the journal's queue files holds {@code bytes}. */
    private static boolean holds(final Path journal, final byte[] bytes) throws IOException
    {
        try (Stream<Path> files = Files.list(journal))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".cq4")).toList())
            {
                final byte[] content = Files.readAllBytes(file);
                for (int i = 0; i <= content.length - bytes.length; i++)
                {
                    if (content[i] == bytes[0] && Arrays.equals(content, i, i + bytes.length, bytes, 0, bytes.length))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** What Chronicle logged of a write lock held by a dead process, or of an incomplete header it found. */
    private static List<String> lockLines(final String log)
    {
        return log.lines().filter(line -> line.contains("chronicle.write.lock") || line.contains("Incomplete header")).map(String::strip).toList();
    }

    /** The reversal advices the switch sent issuers in the records after {@code lastIndex}, and the issuers' acknowledgements. */
    private Reversals reversalsAfter(final long lastIndex)
    {
        final List<Dialect> dialects = Dialects.all();
        final Reversals reversals = new Reversals();
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                if (record.index() <= lastIndex)
                {
                    continue;
                }
                for (int i = 0; i < record.outputCount(); i++)
                {
                    final MessageReader advice = message(record, JournalRecord.output(i), dialects);
                    if (advice != null && (advice.mti() == Mti.REVERSAL_ADVICE || advice.mti() == Mti.REVERSAL_ADVICE_REPEAT))
                    {
                        reversals.advices++;
                        reversals.repeats += advice.mti() == Mti.REVERSAL_ADVICE_REPEAT ? 1 : 0;
                        reversals.originals.add(advice.getString(90));
                    }
                }
                if (record.decisionLength() >= Decision.LENGTH && Decision.outcome(record.buffer(), record.decisionOffset()) == Outcome.ACKNOWLEDGED)
                {
                    final MessageReader acknowledgement = message(record, JournalRecord.INPUT, dialects);
                    if (acknowledgement != null && acknowledgement.mti() == Mti.REVERSAL_ADVICE_RESPONSE && acknowledgement.has(90))
                    {
                        reversals.acknowledged.add(acknowledgement.getString(90));
                    }
                }
            }
        }
        return reversals;
    }

    /** A message of the record as the journal keeps it (no card number: field 90 and the MTI are all this test reads), or null. */
    private static MessageReader message(final JournalRecord record, final int part, final List<Dialect> dialects)
    {
        if (part == JournalRecord.INPUT && !record.hasInput() || record.isWithheld(part))
        {
            return null;
        }
        final MessageReader message = new MessageReader(dialects.get(record.dialectId(part)));
        return message.wrap(record.buffer(), record.messageOffset(part), record.messageLength(part)) == DecodeError.NONE ? message : null;
    }

    // ------------------------------------------------------------------------------------------------ the books

    /** Clears the day in this JVM over the journal the runs wrote, and reads what each issuer took from its cards. */
    private Books clear()
    {
        final LocalDate day = BusinessDay.businessDay(System.currentTimeMillis() * 1_000_000L, config.businessDay().cutoff(), config.businessDay().zone());
        final Clearing.ClearingRun run = Clearing.run(config, day, dir.resolve("clearing"));
        final Map<String, Row> cleared;
        try
        {
            cleared = rows(Files.readAllLines(run.file("transactions.csv")));
        }
        catch (final IOException ex)
        {
            throw new AssertionError("transactions.csv of " + day, ex);
        }
        return new Books(cleared, debited(startA, issuerA), debited(startB, issuerB), approved(cleared, ISSUER_A), approved(cleared, ISSUER_B));
    }

    /**
     * Each purchase a terminal sent against clearing: one approved at its terminal is approved there, one answered
     * otherwise is not, and clearing has no purchase that no terminal sent. Returns the purchases approved at terminals.
     */
    private long assertTerminalsAgree(final Map<String, Row> cleared)
    {
        final Set<String> sent = new HashSet<>();
        long approved = 0;
        for (final Till till : tills)
        {
            for (final Map.Entry<String, Purchase> entry : till.sent.entrySet())
            {
                final Purchase purchase = entry.getValue();
                sent.add(purchase.key());
                final String code = till.answers.get(entry.getKey());
                final Row row = cleared.get(purchase.key());
                if (row != null)
                {
                    // A purchase the switch declines before routing it (an expired card: 54) has no issuer in clearing.
                    assertEquals(purchase.amount + " " + purchase.maskedPan + " " + (row.issuer.isEmpty() ? "" : purchase.issuer),
                        row.amount + " " + row.maskedPan + " " + row.issuer, purchase.key() + " in clearing");
                }
                if ("00".equals(code))
                {
                    approved++;
                    assertNotNull(row, purchase.key() + " was approved at its terminal and is not in clearing");
                    assertEquals("approved", row.state, purchase.key() + " was approved at its terminal");
                }
                else if (code != null)
                {
                    assertTrue(row == null || !"approved".equals(row.state), purchase.key() + " was answered " + code + " and is cleared approved");
                }
            }
        }
        for (final String key : cleared.keySet())
        {
            assertTrue(sent.contains(key), "clearing has a purchase no terminal sent: " + key);
        }
        return approved;
    }

    private long sent()
    {
        return tills.stream().mapToLong(till -> till.sent.size()).sum();
    }

    private long answered()
    {
        return tills.stream().mapToLong(till -> till.answers.size()).sum();
    }

    /** transactions.csv by terminal and STAN. */
    private static Map<String, Row> rows(final List<String> lines)
    {
        final List<String> header = List.of(lines.get(0).split(","));
        final Map<String, Row> rows = new HashMap<>();
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] cells = line.split(",", -1);
            final Row row = new Row(cells[header.indexOf("terminal")], cells[header.indexOf("stan")], cells[header.indexOf("masked_pan")],
                cells[header.indexOf("issuer")], Long.parseLong(cells[header.indexOf("amount")]), cells[header.indexOf("state")]);
            assertEquals(null, rows.put(row.terminal + "/" + row.stan, row), "one row per terminal and STAN: " + line);
        }
        return rows;
    }

    /** What the issuer took from each card (start balance less balance now), by masked card number; cards it left alone are not listed. */
    private static Map<String, Long> debited(final CardBook start, final IssuerSimulator issuer)
    {
        final Map<String, Long> debited = new TreeMap<>();
        for (int i = 0; i < start.size(); i++)
        {
            final CardAccount before = start.card(i);
            final long taken = before.balance() - issuer.account(before.pan()).orElseThrow().balance();
            if (taken != 0)
            {
                debited.merge(before.maskedPan(), taken, Long::sum);
            }
        }
        return debited;
    }

    /** The approved purchases clearing reports for {@code issuer}, summed by masked card number. */
    private static Map<String, Long> approved(final Map<String, Row> rows, final String issuer)
    {
        final Map<String, Long> approved = new TreeMap<>();
        for (final Row row : rows.values())
        {
            if (row.issuer.equals(issuer) && "approved".equals(row.state))
            {
                approved.merge(row.maskedPan, row.amount, Long::sum);
            }
        }
        return approved;
    }

    private static long sum(final Map<String, Long> amounts)
    {
        return amounts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<Card> cards(final CardBook book, final int from, final int to)
    {
        final List<Card> cards = new ArrayList<>();
        for (int i = from; i < to; i++)
        {
            cards.add(new Card(book.card(i), null));
        }
        return cards;
    }

    // ------------------------------------------------------------------------------------------------ values

    /**
     * What the terminals and the journal showed at the kill.
     *
     * @param unanswered purchases the terminals sent and got no answer to.
     * @param journal    the records a reader found after the kill ({@link #records()}).
     * @param nanos      when the kill was done (System.nanoTime).
     */
    private record Kill(long unanswered, long answeredWhenOrdered, List<long[]> journal, long nanos)
    {
        long lastIndex()
        {
            return journal.get(journal.size() - 1)[0];
        }
    }

    /** A card and the issuer its BIN routes to. */
    private record Card(CardAccount account, String issuer)
    {
    }

    /** A purchase as its terminal sent it; {@link #key} finds it in transactions.csv. */
    private record Purchase(String terminal, String stan, String maskedPan, String issuer, long amount)
    {
        String key()
        {
            return terminal + "/" + stan;
        }
    }

    /** A row of transactions.csv, the columns this test compares. */
    private record Row(String terminal, String stan, String maskedPan, String issuer, long amount, String state)
    {
    }

    /**
     * The two books: clearing's rows, and by masked card number what each issuer took from its cards and what clearing
     * approved for it.
     */
    private record Books(Map<String, Row> cleared, Map<String, Long> debitedA, Map<String, Long> debitedB, Map<String, Long> clearedA,
        Map<String, Long> clearedB)
    {
        void assertAgree(final String numbers)
        {
            assertEquals(Map.of(), differences(debitedA, clearedA), "issuer-a, by card: debited at the issuer / approved in clearing; " + numbers);
            assertEquals(Map.of(), differences(debitedB, clearedB), "issuer-b, by card: debited at the issuer / approved in clearing; " + numbers);
            assertEquals(sum(debitedA), sum(clearedA), "issuer-a debited / cleared; " + numbers);
            assertEquals(sum(debitedB), sum(clearedB), "issuer-b debited / cleared; " + numbers);
            assertTrue(sum(clearedA) > 0 && sum(clearedB) > 0, "approvals from both issuers; " + numbers);
        }

        /** Masked card number → "debited / cleared" where the two differ. */
        private static Map<String, String> differences(final Map<String, Long> debited, final Map<String, Long> cleared)
        {
            final Map<String, String> differences = new TreeMap<>();
            final Set<String> cards = new HashSet<>(debited.keySet());
            cards.addAll(cleared.keySet());
            for (final String card : cards)
            {
                final long d = debited.getOrDefault(card, 0L);
                final long c = cleared.getOrDefault(card, 0L);
                if (d != c)
                {
                    differences.put(card, d + " / " + c);
                }
            }
            return differences;
        }
    }

    /**
     * What the switch sent issuers as reversal advices in a stretch of the journal, and what the issuers acknowledged,
     * each known by the original it reverses (field 90, which the issuer's 0430 echoes).
     */
    private static final class Reversals
    {
        private final Set<String> originals = new HashSet<>();
        private final Set<String> acknowledged = new HashSet<>();
        private long advices;
        private long repeats;

        /** At least {@code expected} originals reversed, and every one acknowledged. */
        boolean settled(final int expected)
        {
            return originals.size() >= expected && acknowledged.containsAll(originals);
        }

        @Override
        public String toString()
        {
            return advices + " reversal advices (" + repeats + " repeats) for " + originals.size() + " originals, " + acknowledged.size() + " acknowledged";
        }
    }

    /**
     * One terminal's purchases and the answers it got, by its STAN; one thread at a time (a lane's, then the test's
     * after joining it).
     */
    private static final class Till
    {
        private final String terminalId;
        private final String merchant;
        private final Map<String, Purchase> sent = new LinkedHashMap<>();
        private final Map<String, String> answers = new HashMap<>();
        private int stan;

        Till(final String terminalId, final String merchant)
        {
            this.terminalId = terminalId;
            this.merchant = merchant;
        }

        private String nextStan()
        {
            stan++;
            return String.format("%06d", stan);
        }

        Map<Integer, String> signOn()
        {
            final Map<Integer, String> m = new HashMap<>();
            m.put(7, ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7));
            m.put(11, nextStan());
            m.put(70, "001");
            return m;
        }

        /** A card-present purchase in US dollars (track 2 and a PIN block, which the journal never keeps), recorded as sent. */
        Map<Integer, String> purchase(final Card card, final long amount)
        {
            final String pan = card.account().pan();
            final Map<Integer, String> m = Cardholders.cardPresent(pan, card.account().expiry(), amount, nextStan(), terminalId, merchant);
            sent.put(m.get(11), new Purchase(terminalId, m.get(11), Pan.mask(pan), card.issuer(), amount));
            return m;
        }

        /** Records an answer; false for one that answers nothing this terminal sent, or answers it again. */
        boolean answered(final MessageReader answer)
        {
            final String answerStan = answer.getString(11);
            return answer.mti() == Mti.FINANCIAL_RESPONSE && sent.containsKey(answerStan) && answers.put(answerStan, answer.getString(39)) == null;
        }
    }

    /** Finds an issuer serving through the switch: its links connected, then a purchase it approves. */
    private static final class Probe
    {
        private final Till till;
        private final IssuerSimulator simulator;
        private final String id;
        private final List<Card> cards;
        private int next;

        Probe(final Till till, final IssuerSimulator simulator, final String id, final List<Card> cards)
        {
            this.till = till;
            this.simulator = simulator;
            this.id = id;
            this.cards = cards;
        }

        /** The switch's links to this issuer are connected: as many open as configured, opened since {@code openedBefore}. */
        boolean linksUp(final long openedBefore)
        {
            final long opened = simulator.counter(IssuerCounter.CONNECTIONS_OPENED);
            return opened - openedBefore >= LINKS_PER_ISSUER && opened - simulator.counter(IssuerCounter.CONNECTIONS_CLOSED) == LINKS_PER_ISSUER;
        }

        /**
         * One purchase on an active card of this issuer; true when approved. A link not yet signed on gets it 91, and
         * the next poll tries again.
         */
        boolean approved(final TestTerminal terminal)
        {
            Card card;
            do
            {
                card = new Card(cards.get(next++ % cards.size()).account(), id);
            }
            while (!payable(card.account()));
            try
            {
                final MessageReader answer = terminal.exchange(Mti.FINANCIAL_REQUEST, till.purchase(card, 1_000 + next));
                assertTrue(till.answered(answer), "an answer to the probe's purchase");
                return "00".equals(answer.getString(39));
            }
            catch (final IOException ex)
            {
                throw new AssertionError("the switch closed the probe's signed-on connection", ex);
            }
        }

        private static boolean payable(final CardAccount card)
        {
            return card.status() == CardStatus.ACTIVE && !card.expiredAt(Cardholders.currentYearMonth());
        }
    }

    /**
     * A terminal on a thread of its own: sends a window of purchases as one write, reads their answers, and again,
     * until the switch is killed under it and its connection ends. Every purchase and answer is in its {@link Till}.
     */
    private static final class Lane extends Thread
    {
        private final Till till;
        private final List<Card> cards;
        private final int port;
        private final AtomicLong answered;
        private volatile AssertionError failure;
        private int next;

        Lane(final Till till, final List<Card> cards, final int port, final AtomicLong answered)
        {
            super("lane-" + till.terminalId);
            setDaemon(true);
            this.till = till;
            this.cards = cards;
            this.port = port;
            this.answered = answered;
        }

        boolean failed()
        {
            return failure != null;
        }

        @Override
        public void run()
        {
            try (TestTerminal terminal = new TestTerminal(port, Iso87.BINARY))
            {
                final MessageReader signOn = terminal.exchange(Mti.NETWORK_MANAGEMENT_REQUEST, till.signOn());
                if (!"00".equals(signOn.getString(39)))
                {
                    failure = new AssertionError(till.terminalId + ": sign-on answered " + signOn.getString(39));
                    return;
                }
                while (true)
                {
                    final ByteArrayOutputStream frames = new ByteArrayOutputStream();
                    for (int i = 0; i < WINDOW; i++)
                    {
                        final Card card = cards.get(next % cards.size());
                        // Amounts from 1.00 to 20.99 that differ from one purchase to the next, so that a lost or doubled one shows in the sums.
                        final long amount = 100 + (next * 7_919L) % 2_000;
                        next++;
                        final byte[] message = terminal.encode(Mti.FINANCIAL_REQUEST, till.purchase(card, amount));
                        frames.write(message.length >>> 8);
                        frames.write(message.length);
                        frames.write(message);
                    }
                    terminal.sendBytes(frames.toByteArray());
                    for (int i = 0; i < WINDOW; i++)
                    {
                        final byte[] answer = terminal.receiveRaw(TestTerminal.ANSWER_TIMEOUT);
                        if (answer == null)
                        {
                            failure = new AssertionError(till.terminalId + ": no answer within " + TestTerminal.ANSWER_TIMEOUT);
                            return;
                        }
                        if (!till.answered(decode(answer)))
                        {
                            failure = new AssertionError(till.terminalId + ": an answer to nothing it sent, or a second one");
                            return;
                        }
                        answered.incrementAndGet();
                    }
                }
            }
            catch (final IOException ex)
            {
                // The switch was killed: its end of the connection is gone. What was sent and answered is in the till.
            }
            catch (final AssertionError ex)
            {
                failure = ex;
            }
        }
    }
}
