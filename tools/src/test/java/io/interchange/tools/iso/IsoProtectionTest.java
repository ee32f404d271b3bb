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
        final String hex = IsoRoundTripTest.encode("cups", IsoRoundTripTest.CUPS_PURCHASE, "--framing", "unionpay-pos");
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "cups", "--framing", "unionpay-pos", hex).expectSuccess();
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

    /**
     * A UnionPay POS batch upload (0320) from a magnetic-stripe terminal lists its transactions in field 48 (count n2,
     * then scheme n2, STAN n6, card number n20, amount n12 for each): decode masks each card number as it masks field
     * 2, where it printed them as they came.
     */
    @Test
    void shouldMaskTheCardNumbersOfABatchUpload()
    {
        final String other = "6228480000000015";
        final String hex = IsoRoundTripTest.encode("cups", new String[] {"0=0320", "11=000002", "41=TERM0006",
            "48=02" + "00000101" + Cards.PAN + "0000000000005000" + "00000102" + other + "0000000000001000", "60=00000001201"});
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "cups", hex).expectSuccess();
        assertEquals("02: 00 000101 " + Cards.PAN.substring(0, 6) + "**********0000 000000005000; 00 000102 622848**********0000 000000001000",
            Dump.parse(result.out()).value(48));
        assertNothingSensitive(result);
        assertFalse(result.out().contains(other), result::toString);
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
    void shouldListTheFieldsReadBeforeAFaultWithoutTheirValues()
    {
        // Cut inside field 52: the fields before it are listed, none with its value.
        final String hex = IsoRoundTripTest.encode("iso87b", IsoRoundTripTest.ISO87_PURCHASE);
        final String cut = hex.substring(0, hex.indexOf(Cards.PIN_BLOCK) + 6);
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "iso87b", cut).expectInputError();
        final Dump dump = Dump.parse(result.out());
        assertEquals(MessageDump.NOT_SHOWN, dump.value(2));
        assertEquals(MessageDump.NOT_SHOWN, dump.value(35));
        assertEquals(MessageDump.NOT_SHOWN, dump.value(41));
        assertFalse(dump.fields().containsKey(52), result::toString);
        assertTrue(result.errLine().contains("field 52"), result::toString);
        assertNothingSensitive(result);
    }

    @Test
    void shouldNotShowTrack2ThatAWrongBitmapBitPutsInAnotherField()
    {
        // Field 35's bit cleared: its bytes are read as fields 41 and 49, which no rule protects (the BCD card number
        // 47 61 73 90 ... reads "4Gas" and control bytes). A message that does not decode shows no value at all.
        final String hex = IsoRoundTripTest.encode("iso87b", new String[] {
            "0=0200", "2=" + Cards.PAN, "3=000000", "4=1000", "11=1", "35=" + Cards.TRACK2, "41=TERM0001", "49=840", "52=" + Cards.PIN_BLOCK});
        assertTrue(hex.startsWith("0200"), hex);
        final int bitmapByte5 = 4 + 2 * 4;
        final int cleared = Integer.parseInt(hex.substring(bitmapByte5, bitmapByte5 + 2), 16) & ~0x20;
        final String flipped = hex.substring(0, bitmapByte5) + String.format("%02X", cleared) + hex.substring(bitmapByte5 + 2);
        final Cli.Result result = Cli.run("iso", "decode", "--dialect", "iso87b", flipped).expectInputError();
        final Dump dump = Dump.parse(result.out());
        assertFalse(dump.fields().containsKey(35), result::toString);
        assertEquals(MessageDump.NOT_SHOWN, dump.value(41));
        assertFalse(result.out().contains("Gas"), result::toString);
        assertFalse(result.out().contains("\\x90"), result::toString);
        assertNothingSensitive(result);
    }
}
