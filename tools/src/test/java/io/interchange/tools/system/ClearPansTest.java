package io.interchange.tools.system;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The log and journal checks are only as good as what {@link ClearPans} can find: each form a card number takes. */
class ClearPansTest
{
    private static final String PAN = "4761739001010119";
    private static final String ODD_PAN = "476173900101011";
    private final ClearPans pans = new ClearPans(List.of(PAN, ODD_PAN));

    @Test
    void shouldFindTheCardNumberAsDigits()
    {
        assertTrue(pans.in("declined " + PAN + " at TERM0001"));
        assertTrue(pans.in("card=" + ODD_PAN + "."));
    }

    @Test
    void shouldFindTheCardNumberAsBcdBytesMadeCharsOneForOne()
    {
        // How a field read from the wrong bytes prints: 47 61 73 90 01 01 01 19 as "4Gas" and control characters.
        final byte[] bcd = HexFormat.of().parseHex(PAN);
        final String shown = "41=" + new String(bcd, StandardCharsets.ISO_8859_1);
        assertTrue(pans.in(shown));
        assertTrue(new ClearPans(List.of(ODD_PAN)).in("x" + new String(HexFormat.of().parseHex(ODD_PAN + "f"), StandardCharsets.ISO_8859_1)));
    }

    @Test
    void shouldFindTheCardNumberInEscapedBytes()
    {
        assertTrue(pans.in("41  \"4Gas\\x90\\x01\\x01\\x01\\x19\""));
    }

    @Test
    void shouldFindTheCardNumberInAHexDump()
    {
        final String asciiHex = HexFormat.of().formatHex(PAN.getBytes(StandardCharsets.US_ASCII));
        assertTrue(pans.in("frame 0200" + asciiHex.toUpperCase() + "3030"));
        assertTrue(pans.in("frame 0" + asciiHex));
    }

    @Test
    void shouldNotFindMaskedOrOtherNumbers()
    {
        assertFalse(pans.in("card 476173******0119, STAN 000123, RRN 633012345678"));
        assertFalse(pans.in("5413339000001513 " + HexFormat.of().formatHex("5413339000001513".getBytes(StandardCharsets.US_ASCII))));
        assertFalse(pans.in("\\x47\\x61\\x73\\x90"));
    }
}
