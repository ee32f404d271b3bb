package io.interchange.journal;

import static io.interchange.journal.Fixtures.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** A remembered sealed form is exactly what sealing writes, and a PAN is never answered with another card's. */
class SealedPansTest
{
    private final PanCipher cipher = new PanCipher(key(1), key(0x80));
    private final SealedPans pans = new SealedPans(new PanCipher(key(1), key(0x80)));

    @Test
    void shouldWriteWhatSealingWritesForEveryCardHitOrMiss()
    {
        // Far more cards than entries, drawn with repeats, so entries are hit, missed and replaced by collisions.
        final SplittableRandom random = new SplittableRandom(8583);
        final List<String> cards = new ArrayList<>();
        for (int i = 0; i < 3 * SealedPans.ENTRIES; i++)
        {
            final StringBuilder pan = new StringBuilder("476173");
            final int length = random.nextInt(13, 20);
            while (pan.length() < length)
            {
                pan.append((char)('0' + random.nextInt(10)));
            }
            cards.add(pan.toString());
        }
        for (int i = 0; i < 20 * SealedPans.ENTRIES; i++)
        {
            final String pan = cards.get(i % 7 == 0 ? random.nextInt(cards.size()) : random.nextInt(64));
            assertArrayEquals(sealedDirectly(pan), sealedThroughTheCache(pan), pan);
        }
        assertTrue(pans.hits() > 10 * SealedPans.ENTRIES, "hits: " + pans.hits());
    }

    @Test
    void shouldTellAPanFromTheSameDigitsWithALeadingZeroAndFromNonDigits()
    {
        for (final String pan : List.of("4761739001010119", "04761739001010119", "004761739001010119", "9999999999999999999",
            "0000000000000", "476173900101011X", "4761739001010119", "04761739001010119", "9999999999999999999", "476173900101011X"))
        {
            assertArrayEquals(sealedDirectly(pan), sealedThroughTheCache(pan), pan);
        }
        // The second round: every all-digit PAN from memory; the one with a letter sealed again, never remembered.
        assertEquals(3, pans.hits());
    }

    private byte[] sealedDirectly(final String pan)
    {
        final UnsafeBuffer digits = new UnsafeBuffer(pan.getBytes(StandardCharsets.US_ASCII));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[PanCipher.sealedLength(pan.length())]);
        cipher.seal(digits, 0, pan.length(), out, 0);
        return out.byteArray();
    }

    private byte[] sealedThroughTheCache(final String pan)
    {
        final UnsafeBuffer digits = new UnsafeBuffer(pan.getBytes(StandardCharsets.US_ASCII));
        // Written at an offset into a dirty buffer, to catch a copy of the wrong length or place.
        final byte[] out = new byte[PanCipher.sealedLength(pan.length()) + 8];
        Arrays.fill(out, (byte)0x5A);
        pans.seal(digits, pan.length(), new UnsafeBuffer(out), 3);
        final byte[] sealed = Arrays.copyOfRange(out, 3, 3 + PanCipher.sealedLength(pan.length()));
        assertEquals(0x5A, out[out.length - 1] & 0xFF, "nothing written past the sealed form");
        return sealed;
    }
}
