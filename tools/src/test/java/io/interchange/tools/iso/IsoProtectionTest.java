package io.interchange.tools.iso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.interchange.tools.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DESIGN.md §7: what the command line prints never holds a full PAN, track data, a PIN block or CVV data. */
class IsoProtectionTest
{
    private static void assertNothingSensitive(final Cli.Result result)
    {
        final String all = (result.out() + result.err()).toUpperCase();
        assertFalse(all.contains(Cards.PAN), () -> "full PAN printed\n" + result);
        assertFalse(all.contains(Cards.TRACK2_DISCRETIONARY), () -> "track 2 printed\n" + result);
        assertFalse(all.contains("=2512"), () -> "track 2 printed\n" + result);
        assertFalse(all.contains("D2512"), () -> "track 2 equivalent printed\n" + result);
        assertFalse(all.contains(Cards.PIN_BLOCK), () -> "PIN block printed\n" + result);
    }

    @ParameterizedTest
    @ValueSource(strings = {"iso87b", "iso87a"})
    void shouldMaskPanAndHideTrackAndPinInIso87(final String dialect)
    {
        final String hex = IsoRoundTripTest.encode(dialect, IsoRoundTripTest.ISO87_PURCHASE);
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", dialect, hex).expectSuccess();
        assertNothingSensitive(result);
        assertTrue(result.out().contains(Cards.MASKED_PAN), result::toString);
    }

    @Test
    void shouldMaskPanAndHideTrackPinAndChipTrackDataInUnionPay()
    {
        final String hex = IsoRoundTripTest.encode("cups", IsoRoundTripTest.CUPS_PURCHASE, "--framing", "cups");
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "cups", "--framing", "cups", hex).expectSuccess();
        assertNothingSensitive(result);
        assertFalse(result.out().contains(Cards.TAG57_VALUE), result::toString);
    }

    @Test
    void shouldHideTrack1AndTrack3()
    {
        final String track1 = "B4761739001010119^CARDHOLDER/TEST^2512201000000123000000";
        final String track3 = "011234567890123456789=724724000000000003000020200099010=1234567890==1=100000000000000000";
        final String hex = IsoRoundTripTest.encode("iso87a", new String[] {"0=0200", "36=" + track3, "45=" + track1});
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "iso87a", hex).expectSuccess();
        final Dump dump = Dump.parse(result.out());
        assertEquals("[protected, " + track3.length() + " characters]", dump.value(36));
        assertEquals("[protected, " + track1.length() + " characters]", dump.value(45));
        assertFalse(result.out().contains("CARDHOLDER"), result::toString);
        assertFalse(result.out().contains("724724"), result::toString);
    }

    @Test
    void shouldHideTrack3InUnionPayWhereItIsNumeric()
    {
        final String track3 = "996" + Cards.PAN + "=1561560000000000000003000000214000025120";
        final String hex = IsoRoundTripTest.encode("cups", new String[] {"0=0200", "36=" + track3});
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "cups", hex).expectSuccess();
        assertEquals("[protected, " + track3.length() + " digits]", Dump.parse(result.out()).value(36));
        assertNothingSensitive(result);
    }

    @Test
    void shouldProtectIccDataThatIsNotTlv()
    {
        final String hex = IsoRoundTripTest.encode("cups", new String[] {"0=0200", "55=5713" + Cards.TAG57_VALUE.substring(0, 20)});
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "cups", hex).expectSuccess();
        assertEquals("[protected, 12 bytes, not BER-TLV]", Dump.parse(result.out()).value(55));
    }

    @Test
    void shouldMaskShortPanWhole()
    {
        final String hex = IsoRoundTripTest.encode("iso87b", new String[] {"0=0200", "2=476173900101"});
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "iso87b", hex).expectSuccess();
        assertEquals("************", Dump.parse(result.out()).value(2));
    }

    @Test
    void shouldShowFieldsReadBeforeAFaultStillProtected()
    {
        // Cut inside field 52: the fields before it are shown, with track 2 still protected.
        final String hex = IsoRoundTripTest.encode("iso87b", IsoRoundTripTest.ISO87_PURCHASE);
        final String cut = hex.substring(0, hex.indexOf(Cards.PIN_BLOCK) + 6);
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "iso87b", cut).expectInputError();
        final Dump dump = Dump.parse(result.out());
        assertEquals("[protected, 37 digits]", dump.value(35));
        assertEquals(Cards.MASKED_PAN, dump.value(2));
        assertFalse(dump.fields().containsKey(52), result::toString);
        assertTrue(result.errLine().contains("field 52"), result::toString);
        assertNothingSensitive(result);
    }
}
