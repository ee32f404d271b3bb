package io.interchange.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.SwitchEvent;
import io.interchange.journal.DamagedJournal;
import io.interchange.journal.JournalDamagedException;
import io.interchange.journal.JournalReader;
import io.interchange.journal.JournalWriter;

/**
 * A switch does not start on a journal whose Chronicle Queue headers are damaged: recovery would have read it short, as
 * if the records after the damage had never been, and the node would have appended its NODE_START where no reader gets
 * to it. Nor on a record whose checksum does not hold, which recovery cannot replay. It starts, as after any crash, on a
 * journal whose last append a crash interrupted.
 */
class DamagedJournalStartTest
{
    private static final long DAY = Instant.parse("2026-03-10T07:00:00Z").getEpochSecond() * 1_000_000_000L;
    private static final int RECORDS = 5;
    // Where a record's event time is, after its checksum, length, version, type, flags, output count and sequence.
    private static final int TIMESTAMP_IN_RECORD = 20;

    @TempDir
    Path dir;

    @Test
    void shouldRefuseToStartOnADamagedJournalAndWriteNothingToIt() throws Exception
    {
        final SwitchConfig config = config();
        final long[] indexes = journal(config);
        final DamagedJournal.Header header = DamagedJournal.headerOf(journal(), indexes[2]);
        DamagedJournal.overwrite(header, 0);
        final Map<String, String> before = files();

        final JournalDamagedException damaged = assertThrows(JournalDamagedException.class, () -> SwitchNode.start(config).close());
        assertEquals("the journal is damaged: " + header.file() + " at byte " + header.position() + ", record 0x" + Long.toHexString(indexes[2]) +
            ": its header (0x00000000) is zero, yet the writer completed records up to the one at byte " +
            DamagedJournal.headerOf(journal(), indexes[RECORDS - 1]).position() + ": read as the end, the journal would leave them out", damaged.getMessage());
        assertEquals(before, files(), "no NODE_START, nor anything else, written to the journal");
    }

    @Test
    void shouldRefuseToStartOnARecordWhoseChecksumDoesNotHold() throws Exception
    {
        // Recovered without it, the switch would not know what it decided there: an approval it relayed would be a request
        // still in flight, to time out and be reversed at its issuer while its terminal holds it approved.
        final SwitchConfig config = config();
        final long[] indexes = journal(config);
        final DamagedJournal.Header header = DamagedJournal.headerOf(journal(), indexes[2]);
        try (RandomAccessFile file = new RandomAccessFile(header.file(), "rw"))
        {
            // A byte of the record's timestamp, inside what its checksum covers; the Chronicle Queue header before it stays whole.
            final long at = header.position() + Integer.BYTES + TIMESTAMP_IN_RECORD;
            file.seek(at);
            final int was = file.read();
            file.seek(at);
            file.write(was ^ 0x04);
        }
        final Map<String, String> before = files();

        final JournalDamagedException damaged = assertThrows(JournalDamagedException.class, () -> SwitchNode.start(config).close());
        assertEquals("the journal is damaged: " + header.file() + " at byte " + header.position() + ", record 0x" + Long.toHexString(indexes[2]) +
            ": its checksum does not hold, and what it held cannot be known", damaged.getMessage());
        assertEquals(before, files(), "no NODE_START, nor anything else, written to the journal");
    }

    @Test
    void shouldStartOnAJournalWhoseLastAppendACrashInterrupted() throws Exception
    {
        final SwitchConfig config = config();
        final long[] indexes = journal(config);
        DamagedJournal.interruptAppend(journal(), 0);

        SwitchNode.start(config).close();
        final long[] after = DamagedJournal.indexes(journal());
        assertEquals(RECORDS + 1, after.length, "the records, then the run's NODE_START where the interrupted one was");
        assertArrayEquals(indexes, Arrays.copyOf(after, RECORDS));
        try (JournalReader reader = new JournalReader(SwitchNode.journalConfig(config)))
        {
            assertTrue(reader.toIndex(after[RECORDS]) && reader.next());
            assertEquals(EventType.NODE_START, reader.record().eventType());
        }
    }

    private SwitchConfig config()
    {
        // Port 0: a node that started after all must not need a free port.
        return SwitchConfig.defaults().withListenerPort("pos-iso87", 0).withListenerPort("pos-cups", 0).withJournalDir(journal());
    }

    private Path journal()
    {
        return dir.resolve("journal");
    }

    /** A run's journal: its NODE_START and some ticks; the records' queue indexes. */
    private long[] journal(final SwitchConfig config)
    {
        final SwitchEvent event = new SwitchEvent(1_024, 4_096, Dialects.all());
        try (JournalWriter writer = new JournalWriter(SwitchNode.journalConfig(config)))
        {
            for (int i = 0; i < RECORDS; i++)
            {
                event.reset(i == 0 ? EventType.NODE_START : EventType.TICK, DAY + i * 10_000_000L, -1, -1, -1);
                event.sequence(i);
                writer.append(event);
            }
        }
        final long[] indexes = DamagedJournal.indexes(journal());
        assertEquals(RECORDS, indexes.length);
        return indexes;
    }

    /** Every file of the journal by name, with the SHA-256 of its bytes. */
    private Map<String, String> files() throws IOException
    {
        final Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(journal()))
        {
            for (final Path file : list.filter(f -> f.toString().endsWith(".cq4")).toList())
            {
                files.put(file.getFileName().toString(), sha256(file));
            }
        }
        return files;
    }

    private static String sha256(final Path file)
    {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256")))
        {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream)in).getMessageDigest().digest());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
