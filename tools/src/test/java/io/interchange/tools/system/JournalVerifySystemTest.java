package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.journal.JournalConfig;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalRecord;
import io.interchange.tools.Cli;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.IssuerSimConfig;
import io.interchange.tools.issuer.IssuerSimulator;
import io.interchange.tools.load.LoadOptions;
import io.interchange.tools.load.LoadReport;
import io.interchange.tools.load.LoadRun;

/**
 * Issue 5, "what it must show" 3: {@code interchange journal verify} passes on the journal of a load run (the harness
 * against a switch node and two issuer simulators for two seconds, the default mix) and fails, naming the record, on a
 * copy of that journal with one byte flipped inside one record.
 */
class JournalVerifySystemTest
{
    private static final long SEED = 21;
    private static final List<String> BINS = List.of("476173", "622848");
    private static final int CARDS = 12_000;

    @Test
    void shouldPassOnALoadRunsJournalAndNameTheRecordWithAFlippedByte(@TempDir final Path dir) throws Exception
    {
        final Path journal = dir.resolve("journal");
        final LoadReport report;
        try (IssuerSimulator issuerA = new IssuerSimulator(CardBook.generate(SEED, BINS, CARDS), IssuerSimConfig.defaults().withSeed(1)).start();
             IssuerSimulator issuerB = new IssuerSimulator(CardBook.generate(SEED, BINS, CARDS), IssuerSimConfig.defaults().withSeed(2)).start())
        {
            try (SwitchNode node = started(config(issuerA, issuerB, journal)))
            {
                report = LoadRun.run(LoadOptions.defaults().withPort(node.port("pos-iso87")).withCards(SEED, BINS, CARDS).withConnections(2)
                    .withTerminals(8).withTimeout(Duration.ofSeconds(20)).open(300).withWarmup(Duration.ZERO).withDuration(Duration.ofSeconds(2)), p ->
                    {
                    });
            }
            assertTrue(report.passed(), report::text);
            replayToASecondSwitch(issuerA, issuerB, journal, dir.resolve("second"));
        }
        assertTrue(report.sent() >= 400, report::text);

        final Cli.Result verified = Cli.run("journal", "verify", "--journal", journal.toString());
        System.out.println(verified);
        verified.expectSuccess();
        assertTrue(verified.out().contains("outputs equal byte for byte"), verified::toString);

        // A copy, with one byte flipped in the middle of an acquirer's request record halfway through the run.
        final Path damaged = dir.resolve("damaged");
        DamagedJournal.copy(journal, damaged);
        final JournalConfig config = SwitchNode.journalConfig(SwitchConfig.defaults().withJournalDir(damaged));
        final long sequence;
        final long index;
        final byte[] bytes;
        try (JournalReader reader = new JournalReader(config))
        {
            final long half = report.sent() / 2;
            long requests = 0;
            while (reader.next() && !(reader.record().eventType() == EventType.ACQUIRER_MESSAGE && ++requests == half))
            {
                assertTrue(reader.record().checksumValid());
            }
            final JournalRecord record = reader.record();
            sequence = record.sequence();
            index = record.index();
            bytes = new byte[record.length()];
            record.buffer().getBytes(0, bytes);
        }
        DamagedJournal.flipByteInside(damaged, bytes, bytes.length / 2);

        final Cli.Result failed = Cli.run("journal", "verify", "--journal", damaged.toString());
        System.out.println(failed);
        assertEquals(1, failed.exitCode(), failed::toString);
        final String named = "corrupt record: record 0x" + Long.toHexString(index) + " seq " + sequence + " ";
        assertTrue(failed.out().contains(named), () -> named + " in " + failed);
        assertTrue(failed.out().contains("FAILED: 1 of "), failed::toString);
        assertFalse(failed.out().contains("OK"), failed::toString);
        // cat shows it, and says on stderr that what it read was not whole: exit 1, as verify.
        final Cli.Result cat = Cli.run("journal", "cat", "--journal", damaged.toString());
        assertEquals(1, cat.exitCode(), cat::toString);
        assertTrue(cat.out().contains("seq=" + sequence + " "), cat::toString);
        assertTrue(cat.out().contains(" CORRUPT record 0x" + Long.toHexString(index) + ": its checksum does not hold"), cat::toString);
        assertEquals("interchange journal cat: 1 record read is corrupt (checksum does not hold), the first at index 0x" + Long.toHexString(index),
            cat.errLine());

        // The original is untouched: the damage is the copy's alone.
        Cli.run("journal", "verify", "--journal", journal.toString(), "--checksums-only").expectSuccess();
    }

    /**
     * The load run's requests re-driven at four times their pace to a second switch in front of the same issuers: every
     * one sent is answered, and the run takes at least a quarter of the time the requests were spread over.
     */
    private static void replayToASecondSwitch(final IssuerSimulator issuerA, final IssuerSimulator issuerB, final Path journal, final Path second)
        throws Exception
    {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(SwitchConfig.defaults().withJournalDir(journal))))
        {
            while (reader.next())
            {
                if (reader.record().eventType() == EventType.ACQUIRER_MESSAGE)
                {
                    first = Math.min(first, reader.record().timestampNanos());
                    last = Math.max(last, reader.record().timestampNanos());
                }
            }
        }
        final Cli.Result replay;
        try (SwitchNode node = started(config(issuerA, issuerB, second)))
        {
            replay = Cli.run("journal", "replay", "--journal", journal.toString(), "--to", "127.0.0.1:" + node.port("pos-iso87"), "--speed", "4");
        }
        System.out.println(replay);
        replay.expectSuccess();
        final Matcher sent = Pattern.compile("replayed (\\d+) requests of listener pos-iso87 to \\S+ in (\\d+) ms: (\\d+) answered").matcher(replay.out());
        assertTrue(sent.find(), replay::toString);
        assertTrue(Long.parseLong(sent.group(1)) >= 400, replay::toString);
        assertEquals(sent.group(1), sent.group(3), replay::toString);
        final long pacedMillis = (last - first) / 4 / 1_000_000;
        assertTrue(Long.parseLong(sent.group(2)) >= pacedMillis - 50, () -> "paced over " + pacedMillis + " ms: " + replay);
    }

    private static SwitchConfig config(final IssuerSimulator issuerA, final IssuerSimulator issuerB, final Path journal)
    {
        return LoopbackConfig.of(SwitchConfig.defaults(), issuerA.port(), issuerB.port(), journal);
    }

    private static SwitchNode started(final SwitchConfig config) throws InterruptedException
    {
        final SwitchNode node = SwitchNode.start(config);
        Awaiting.until(Duration.ofSeconds(20), () -> node.signedOnLinks("issuer-a") == 2 && node.signedOnLinks("issuer-b") == 2,
            "issuer links signed on");
        return node;
    }
}
