package io.interchange.journal;

import static io.interchange.journal.Fixtures.CUPS;
import static io.interchange.journal.Fixtures.build;
import static io.interchange.journal.Fixtures.config;
import static io.interchange.journal.Fixtures.nanos;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.interchange.codec.Mti;

/**
 * A UnionPay POS batch upload may list card numbers in field 48: the journal keeps no field 48 of an 0320, nor of its
 * repeat, 0321 (which the switch answers 12, but journals as it does any input), where it kept the 0321's in clear.
 */
class UploadCardsTest
{
    private static final String CARD = "6228480000000015";

    @TempDir
    Path dir;

    @Test
    void shouldKeepNoCardNumberOfARepeatedBatchUpload() throws Exception
    {
        final String cards = "01" + "00" + "000101" + CARD + "0000" + "000000005000";
        final byte[] upload = build(CUPS, Mti.BATCH_UPLOAD, w -> w.putString(11, "000002").putString(41, "TERM0006")
            .putString(42, "MERCHANT0000003").putString(48, cards).putString(60, "00000001201"));
        final byte[] repeat = build(CUPS, Mti.BATCH_UPLOAD + 1, w -> w.putString(11, "000002").putString(41, "TERM0006")
            .putString(42, "MERCHANT0000003").putString(48, cards).putString(60, "00000001201"));
        final Path first = dir.resolve("a");
        final Path second = dir.resolve("b");
        try (JournalWriter writer = new JournalWriter(config(first)))
        {
            writer.append(new TestEntry().sequence(0).timestampNanos(nanos("2026-03-10T07:00:00Z")).input(1, CUPS, upload));
        }
        try (JournalWriter writer = new JournalWriter(config(second)))
        {
            writer.append(new TestEntry().sequence(0).timestampNanos(nanos("2026-03-10T07:00:00Z")).input(1, CUPS, repeat));
        }
        assertFalse(holdsCard(first), "0320: field 48 left out");
        assertFalse(holdsCard(second), "0321 with the same field 48: no card number on disk either");
    }

    private static boolean holdsCard(final Path directory) throws Exception
    {
        final byte[] needle = hex(CARD);
        final byte[] ascii = CARD.getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> walk = Files.walk(directory))
        {
            for (final Path file : (Iterable<Path>)walk.filter(Files::isRegularFile)::iterator)
            {
                final byte[] content = Files.readAllBytes(file);
                if (indexOf(content, needle) >= 0 || indexOf(content, ascii) >= 0)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static byte[] hex(final String digits)
    {
        return HexFormat.of().parseHex(digits);
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++)
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
