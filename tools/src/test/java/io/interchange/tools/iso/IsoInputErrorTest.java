package io.interchange.tools.iso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.interchange.tools.Cli;
import org.junit.jupiter.api.Test;

/** Every bad input ends in one line on stderr that says what is wrong, and exit code 2. */
class IsoInputErrorTest
{
    private static final String DECODE = "decode";
    private static final String ENCODE = "encode";

    private static Cli.Result decode(final String... args)
    {
        return iso(DECODE, args);
    }

    private static Cli.Result encode(final String... args)
    {
        return iso(ENCODE, args);
    }

    private static Cli.Result iso(final String command, final String... args)
    {
        final String[] all = new String[args.length + 2];
        all[0] = "iso";
        all[1] = command;
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.run(all).expectInputError();
    }

    @Test
    void shouldNameTheBadHexCharacterAndItsPosition()
    {
        final Cli.Result result = decode("--dialect", "iso87b", "0200 30G0");
        assertEquals("interchange iso decode: bad hex: 'G' at position 8 is not a hex digit", result.errLine());
        assertEquals("", result.out());
    }

    @Test
    void shouldRefuseOddHex()
    {
        final Cli.Result result = decode("--dialect", "iso87b", "02003");
        assertEquals("interchange iso decode: bad hex: odd number of hex digits (5); each byte takes two", result.errLine());
    }

    @Test
    void shouldRefuseEmptyStandardInput()
    {
        final Cli.Result result = Cli.runWithInput(" \n", "iso", "decode", "--dialect", "iso87b", "-").expectInputError();
        assertEquals("interchange iso decode: bad hex: no hex digits given", result.errLine());
    }

    @Test
    void shouldRefuseDashMixedWithHex()
    {
        final Cli.Result result = decode("--dialect", "iso87b", "-", "0200");
        assertTrue(result.errLine().contains("either '-' or hex"), result::toString);
    }

    @Test
    void shouldNameUnknownDialectAndTheKnownOnes()
    {
        for (final String command : new String[] {DECODE, ENCODE})
        {
            final Cli.Result result = iso(command, "--dialect", "iso93", "0=0200");
            assertEquals("interchange iso " + command + ": Invalid value for option '--dialect': unknown dialect 'iso93'; " +
                "known: iso87b, iso87a, cups (see 'interchange iso " + command + " --help')", result.errLine());
        }
    }

    @Test
    void shouldNameUnknownFraming()
    {
        final Cli.Result result = decode("--dialect", "cups", "--framing", "nac", "0200");
        assertTrue(result.errLine().contains("unknown framing 'nac'; known: none, binary-2, ascii-4, unionpay-pos"), result::toString);
    }

    @Test
    void shouldRequireDialect()
    {
        final Cli.Result result = decode("0200");
        assertTrue(result.errLine().contains("Missing required option: '--dialect=<dialect>'"), result::toString);
    }

    @Test
    void shouldReportTruncatedMessageWithFieldAndOffset()
    {
        final String hex = IsoRoundTripTest.encode("iso87b", new String[] {"0=0200", "2=" + Cards.PAN, "3=000000", "4=1000"});
        // MTI 2 + bitmap 8 + PAN 1 + 8 + processing code 3 = 22 bytes before field 4; keep 3 of its 6.
        final Cli.Result result = decode("--dialect", "iso87b", hex.substring(0, 2 * 25));
        assertEquals("interchange iso decode: cannot decode iso87b message: frame ends inside the element (TRUNCATED) " +
            "in field 4 (AMOUNT, TRANSACTION, n 12) at byte offset 22", result.errLine());
        // The fields read before the fault are listed, without values: a message that does not decode may hold
        // card data where its bitmap says another field is (MessageDump).
        final Dump dump = Dump.parse(result.out());
        assertEquals(MessageDump.NOT_SHOWN, dump.value(3));
        assertEquals(MessageDump.NOT_SHOWN, dump.value(2));
    }

    @Test
    void shouldReportNonNumericDataWhereItIs()
    {
        // iso87a: "0200", hex bitmap naming field 3 only, then "00A000".
        final Cli.Result result = decode("--dialect", "iso87a", ascii("0200" + "2000000000000000" + "00A000"));
        assertEquals("interchange iso decode: cannot decode iso87a message: value holds a character its type does not allow " +
            "(NOT_NUMERIC) in field 3 (PROCESSING CODE, n 6) at byte offset 22", result.errLine());
    }

    @Test
    void shouldReportFieldTheDialectDoesNotDefine()
    {
        // cups: BCD MTI, bitmap naming field 5, which UnionPay POS does not define.
        final Cli.Result result = decode("--dialect", "cups", "0200" + "0800000000000000" + "000000001000");
        assertEquals("interchange iso decode: cannot decode cups message: bitmap names a field the dialect does not define " +
            "(UNDEFINED_FIELD) in field 5 (not defined in cups) at byte offset 10", result.errLine());
    }

    @Test
    void shouldReportBadMtiAndTrailingBytes()
    {
        assertEquals("interchange iso decode: cannot decode iso87b message: MTI is not four digits (BAD_MTI) in the MTI at byte offset 0",
            decode("--dialect", "iso87b", "0A000000000000000000").errLine());
        assertEquals("interchange iso decode: cannot decode iso87b message: bytes are left after the last field (TRAILING_BYTES) at byte offset 10",
            decode("--dialect", "iso87b", "0800" + "0000000000000000" + "FF").errLine());
    }

    @Test
    void shouldGiveOffsetInMessageAndInputWhenFramed()
    {
        final String hex = IsoRoundTripTest.encode("cups", new String[] {"0=0200", "3=000000"}, "--framing", "unionpay-pos");
        final String broken = hex.substring(0, hex.length() - 6) + "0A0000";
        final Cli.Result result = decode("--dialect", "cups", "--framing", "unionpay-pos", broken);
        assertEquals("interchange iso decode: cannot decode cups message: value holds a character its type does not allow " +
            "(NOT_NUMERIC) in field 3 (PROCESSING CODE, n 6) at byte offset 10 of the message, 23 of the input", result.errLine());
        assertTrue(result.out().contains("TPDU"), result::toString);
    }

    @Test
    void shouldReportTruncatedAndOverlongFrames()
    {
        final String hex = IsoRoundTripTest.encode("iso87b", new String[] {"0=0800", "70=301"}, "--framing", "binary-2");
        assertEquals("interchange iso decode: truncated frame: length header declares 20 bytes, 19 follow",
            decode("--dialect", "iso87b", "--framing", "binary-2", hex.substring(0, hex.length() - 2)).errLine());
        assertEquals("interchange iso decode: the input goes on for 1 byte after the 20-byte frame its length header declares",
            decode("--dialect", "iso87b", "--framing", "binary-2", hex + "00").errLine());
        assertEquals("interchange iso decode: length header declares 65535 bytes, above the maximum of 8192",
            decode("--dialect", "iso87b", "--framing", "binary-2", "FFFF0800").errLine());
        assertEquals("interchange iso decode: the input of 1 byte ends inside the 2-byte binary-2 length header",
            decode("--dialect", "iso87b", "--framing", "binary-2", "00").errLine());
        assertEquals("interchange iso decode: length header 3031324B is not a decimal length",
            decode("--dialect", "iso87a", "--framing", "ascii-4", ascii("012K0800")).errLine());
    }

    @Test
    void shouldPassOnTheWritersMessageForANonNumericValue()
    {
        final Cli.Result result = encode("--dialect", "iso87b", "0=0200", "4=10.00");
        assertEquals("interchange iso encode: cannot encode: field 4: '.' at 2 is not allowed in N; " +
            "field 4 is n 12 (AMOUNT, TRANSACTION)", result.errLine());
        assertEquals("", result.out());
    }

    @Test
    void shouldPassOnTheWritersMessageForAValueTooLong()
    {
        final Cli.Result result = encode("--dialect", "cups", "0=0200", "2=47617390010101191234");
        assertEquals("interchange iso encode: cannot encode: field 2: length 20 above 19; " +
            "field 2 is n ..19 (PRIMARY ACCOUNT NUMBER)", result.errLine());
    }

    @Test
    void shouldRefuseFieldNotInDialect()
    {
        final Cli.Result result = encode("--dialect", "cups", "0=0200", "5=1000");
        assertEquals("interchange iso encode: cannot encode: field 5 is not defined in cups", result.errLine());
    }

    @Test
    void shouldRefuseBadBinaryValue()
    {
        assertTrue(encode("--dialect", "iso87b", "0=0200", "52=0123").errLine().contains("field 52: fixed length 8, got 2"));
        assertTrue(encode("--dialect", "iso87b", "0=0200", "52=0123456789ABCDEG").errLine().contains("field 52: not hex"));
    }

    @Test
    void shouldRefuseMalformedAssignments()
    {
        assertEquals("interchange iso encode: argument 2 is not field=value, e.g. 4=1000",
            encode("--dialect", "iso87b", "0=0200", "2").errLine());
        assertEquals("interchange iso encode: argument 2 does not start with a field number from 0 to 128 and '='",
            encode("--dialect", "iso87b", "0=0200", "x2=1").errLine());
        assertEquals("interchange iso encode: argument 3 does not start with a field number from 0 to 128 and '='",
            encode("--dialect", "iso87b", "0=0200", "3=000000", "129=1").errLine());
        assertEquals("interchange iso encode: field 3 is given twice",
            encode("--dialect", "iso87b", "0=0200", "3=000000", "3=010000").errLine());
        assertEquals("interchange iso encode: field 1 is the secondary bitmap; it is set from the fields given",
            encode("--dialect", "iso87b", "0=0200", "1=00").errLine());
        assertEquals("interchange iso encode: no MTI: give the message type as 0=<MTI>, e.g. 0=0200",
            encode("--dialect", "iso87b", "3=000000").errLine());
        assertEquals("interchange iso encode: the MTI (field 0) must be four digits, e.g. 0=0200",
            encode("--dialect", "iso87b", "0=200").errLine());
        assertEquals("interchange iso encode: field 43: bad escape at 3; use \\xNN for a byte, \\\\ for a backslash",
            encode("--dialect", "iso87b", "0=0200", "43=abc\\q").errLine());
    }

    @Test
    void shouldNotEchoACardNumberGivenWithoutItsFieldNumber()
    {
        final Cli.Result result = encode("--dialect", "iso87b", "0=0200", Cards.PAN);
        assertEquals("interchange iso encode: argument 2 is not field=value, e.g. 4=1000", result.errLine());
        final Cli.Result swapped = encode("--dialect", "iso87b", "0=0200", Cards.PAN + "=2");
        assertTrue(!swapped.err().contains(Cards.PAN), swapped::toString);
    }

    @Test
    void shouldRefuseCupsHeadersWithoutCupsFraming()
    {
        assertEquals("interchange iso encode: --tpdu and --app-header go with --framing unionpay-pos",
            encode("--dialect", "cups", "--tpdu", "6000020000", "0=0800").errLine());
        assertEquals("interchange iso encode: --tpdu must be 5 bytes, not 4",
            encode("--dialect", "cups", "--framing", "unionpay-pos", "--tpdu", "60000200", "0=0800").errLine());
    }

    private static String ascii(final String text)
    {
        final StringBuilder sb = new StringBuilder();
        for (final char c : text.toCharArray())
        {
            sb.append(String.format("%02X", (int)c));
        }
        return sb.toString();
    }
}
