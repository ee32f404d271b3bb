package io.interchange.journal;

import static io.interchange.journal.Fixtures.CUPS;
import static io.interchange.journal.Fixtures.DIALECTS;
import static io.interchange.journal.Fixtures.ISO87A;
import static io.interchange.journal.Fixtures.ISO87B;
import static io.interchange.journal.Fixtures.PAN;
import static io.interchange.journal.Fixtures.PIN_BLOCK;
import static io.interchange.journal.Fixtures.TAG_57;
import static io.interchange.journal.Fixtures.TAG_9F6B;
import static io.interchange.journal.Fixtures.TRACK_1;
import static io.interchange.journal.Fixtures.TRACK_2;
import static io.interchange.journal.Fixtures.approval;
import static io.interchange.journal.Fixtures.config;
import static io.interchange.journal.Fixtures.hex;
import static io.interchange.journal.Fixtures.nanos;
import static io.interchange.journal.Fixtures.purchase;
import static io.interchange.journal.Fixtures.swipe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md §7 on the bytes themselves: after journaling purchases in every dialect (ASCII and BCD encodings), swipes
 * that carry the card number only in track 2, and a malformed one, no file of the queue holds the PAN, track 1 or 2,
 * the PIN block or the chip's track 2 equivalents, in any of the forms they take on the wire; while the journal still
 * gives the PAN back to its key holder, the swipes' too.
 */
class SensitiveDataOnDiskTest
{
    @TempDir
    Path dir;

    @Test
    void shouldHoldNoPanTrackDataPinBlockOrChipTrackDataOnDisk() throws IOException
    {
        final Map<String, byte[]> secrets = secrets();
        final List<byte[]> messages = new ArrayList<>();
        for (final int dialect : new int[] {ISO87B, ISO87A, CUPS})
        {
            messages.add(purchase(dialect, "000123", true));
        }
        // Swipes: the card number only in track 2, from which the journal seals it.
        for (final int dialect : new int[] {ISO87B, ISO87A, CUPS})
        {
            messages.add(swipe(dialect, "000125", true));
        }
        // Cut inside field 52: the PAN and track 2 before the cut parse, the rest does not.
        final byte[] whole = purchase(ISO87B, "000124", true);
        final byte[] malformed = Arrays.copyOf(whole, indexOf(whole, hex(PIN_BLOCK)) + 3);

        // The needles are right: each is found in the messages as the terminal sent them.
        for (final Map.Entry<String, byte[]> secret : secrets.entrySet())
        {
            assertTrue(messages.stream().anyMatch(m -> indexOf(m, secret.getValue()) >= 0) || indexOf(malformed, secret.getValue()) >= 0,
                secret.getKey() + " is not in the messages journaled, so its absence would prove nothing");
        }

        try (JournalWriter writer = new JournalWriter(config(dir)))
        {
            long t = nanos("2026-03-10T07:00:00Z");
            for (int i = 0; i < messages.size(); i++)
            {
                final int dialect = i % DIALECTS.size();
                writer.append(new TestEntry().sequence(i).timestampNanos(t++).input(1, dialect, messages.get(i))
                    .output(2, ISO87B, purchase(ISO87B, "900001", true)).output(1, dialect, approval(dialect, "000123")));
            }
            writer.append(new TestEntry().sequence(9).timestampNanos(t).input(1, ISO87B, malformed));
        }

        final List<Path> files;
        try (Stream<Path> walk = Files.walk(dir))
        {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".cq4")), files.toString());
        for (final Path file : files)
        {
            final byte[] content = Files.readAllBytes(file);
            for (final Map.Entry<String, byte[]> secret : secrets.entrySet())
            {
                final int at = indexOf(content, secret.getValue());
                if (at >= 0)
                {
                    fail(secret.getKey() + " found in " + file.getFileName() + " at " + at);
                }
            }
        }

        try (JournalReader reader = new JournalReader(config(dir)))
        {
            final UnsafeBuffer pan = new UnsafeBuffer(new byte[32]);
            for (int i = 0; i < messages.size(); i++)
            {
                assertTrue(reader.next());
                final int n = reader.record().decryptPan(JournalRecord.INPUT, pan, 0);
                assertEquals(PAN, pan.getStringWithoutLengthAscii(0, n));
            }
            assertTrue(reader.next());
            assertTrue(reader.record().isWithheld(JournalRecord.INPUT));
            assertFalse(reader.next());
        }
    }

    /** Every form a secret takes in the three dialects: ASCII digits, BCD nibbles (D for '='), raw and hex bytes. */
    private static Map<String, byte[]> secrets()
    {
        final Map<String, byte[]> secrets = new LinkedHashMap<>();
        secrets.put("PAN, ASCII", ascii(PAN));
        secrets.put("PAN, BCD", hex(PAN));
        secrets.put("track 2, ASCII", ascii(TRACK_2));
        secrets.put("track 2 after the PAN, ASCII", ascii(TRACK_2.substring(PAN.length())));
        secrets.put("track 2 after the PAN, BCD", hex(TRACK_2.substring(PAN.length()).replace('=', 'D')));
        secrets.put("track 1 after the PAN", ascii(TRACK_1.substring(1 + PAN.length())));
        secrets.put("PIN block, binary", hex(PIN_BLOCK));
        secrets.put("PIN block, hex", ascii(PIN_BLOCK));
        secrets.put("tag 57 value", hex(TAG_57));
        secrets.put("tag 57 after the PAN", hex(TAG_57.substring(PAN.length())));
        secrets.put("tag 9F6B after the PAN", hex(TAG_9F6B.substring(PAN.length())));
        return secrets;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
