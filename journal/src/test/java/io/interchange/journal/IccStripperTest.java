package io.interchange.journal;

import static io.interchange.journal.Fixtures.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class IccStripperTest
{
    @Test
    void shouldRemoveSensitiveTagsAndKeepTheRestByteForByte()
    {
        assertStripped("9F2608112233445566778895050000008000", "9F260811223344556677885A0847617390010101195711476173900101011" +
            "9D2512201555000123095050000008000");
        assertStripped("", "5A0847617390010101199F6B104761739001010119D25122019876543F");
        assertStripped("5F3401019F1001AA", "9F1F0331323399020123" + "5F340101" + "9F200145" + "560141" + "9F1001AA");
    }

    @Test
    void shouldRewriteTheLengthOfAConstructedObjectWhoseContentShrinks()
    {
        // 70 { 57 (17 bytes), 5F20 "TEST" } becomes 70 { 5F20 "TEST" }; 77 { 70 { 57 } 9F27 } likewise, one level down.
        assertStripped("70075F200454455354", "701A5711476173900101011" + "9D25122015550001230" + "5F200454455354");
        assertStripped("7706" + "7000" + "9F270180", "77" + "19" + "7013" + "5711" + "4761739001010119D25122015550001230" + "9F270180");
    }

    @Test
    void shouldWriteLengthsInTheShortestForm()
    {
        // A template of 133 bytes (81 85) holding 130 of tag 57: 3 bytes are left, so its length takes one byte.
        final String track = "57" + "817F" + "00".repeat(0x7F);
        assertStripped("7003820139", "70" + "8185" + track + "820139");
        assertStripped("9F02060000000010009F0306000000000000", "FF" + "9F0206000000001000" + "00" + "9F0306000000000000" + "FFFF");
    }

    @Test
    void shouldRefuseWhatIsNotBerTlv()
    {
        assertNotTlv("9F26");
        assertNotTlv("9F2608112233");
        assertNotTlv("5A83000001FF");
        assertNotTlv("9FFFFFFF0100");
        assertNotTlv("70035A02");
    }

    private static void assertStripped(final String expected, final String icc)
    {
        final byte[] in = hex(icc);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[2 * in.length + 16]);
        final int n = IccStripper.strip(new UnsafeBuffer(in), 0, in.length, out, 0);
        assertEquals(expected, hex(Arrays.copyOf(out.byteArray(), n)), icc);
    }

    private static void assertNotTlv(final String icc)
    {
        final byte[] in = hex(icc);
        assertEquals(IccStripper.NOT_TLV, IccStripper.strip(new UnsafeBuffer(in), 0, in.length, new UnsafeBuffer(new byte[64]), 0), icc);
    }
}
