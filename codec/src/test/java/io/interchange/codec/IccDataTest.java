package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IccDataTest
{
    private static String render(final String hex)
    {
        return IccData.render(Hex.bytes(hex));
    }

    @Test
    void shouldShowEachDataObjectAsTagEqualsValue()
    {
        assertEquals("9F26=1122334455667788 82=5C00 9F36=0001", render("9F26081122334455667788" + "82025C00" + "9F36020001"));
    }

    @Test
    void shouldHideTrackDataDiscretionaryDataAndPinTags()
    {
        assertEquals("57=[protected, 3 bytes] 56=[protected, 2 bytes] 9F1F=[protected, 1 bytes] 9F20=[protected, 1 bytes] " +
            "9F6B=[protected, 2 bytes] 99=[protected, 2 bytes]",
            render("5703476173" + "56024142" + "9F1F0131" + "9F200132" + "9F6B024761" + "99021234"));
    }

    @Test
    void shouldMaskPanWithoutItsPadding()
    {
        assertEquals("5A=476173******0119", render("5A084761739001010119"));
        assertEquals("5A=476173*********9012", render("5A0A4761739001010119012F"));
    }

    @Test
    void shouldLookInsideConstructedTemplates()
    {
        assertEquals("70{57=[protected, 2 bytes] 5F24=251231}", render("700A" + "57024761" + "5F2403251231"));
    }

    @Test
    void shouldSkipPaddingBetweenDataObjects()
    {
        assertEquals("82=5C00 95=0000000000", render("00" + "82025C00" + "0000" + "95050000000000" + "FF"));
    }

    @Test
    void shouldReadLongLengths()
    {
        final StringBuilder value = new StringBuilder();
        for (int i = 0; i < 200; i++)
        {
            value.append("AB");
        }
        assertEquals("9F10=" + value, render("9F1081C8" + value));
        assertEquals("9F10=" + value, render("9F108200C8" + value));
    }

    @Test
    void shouldProtectWholeWhatDoesNotParse()
    {
        assertEquals("[protected, 4 bytes, not BER-TLV]", render("57054761"));
        assertEquals("[protected, 2 bytes, not BER-TLV]", render("9F26"));
        assertEquals("[protected, 3 bytes, not BER-TLV]", render("9F2683"));
        assertEquals("[protected, 5 bytes, not BER-TLV]", render("9FFFFFFF01"));
        assertEquals("[protected, 7 bytes, not BER-TLV]", render("70045703476173"));
    }
}
