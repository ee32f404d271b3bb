package io.interchange.tools.iso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.interchange.tools.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoRoundTripTest
{
    /** A purchase with something of each kind: n, z, x+n, an, ans with padding, b, LL/LLL, a secondary bitmap. */
    static final String[] ISO87_PURCHASE = {
        "0=0200",
        "2=" + Cards.PAN,
        "3=000000",
        "4=1000",
        "7=1126050912",
        "11=123",
        "14=2512",
        "22=051",
        "28=C150",
        "35=" + Cards.TRACK2,
        "37=123456789012",
        "41=TERM0001",
        "42=MERCHANT0000001",
        "43=ACME STORES, SHANGHAI",
        "49=840",
        "52=" + Cards.PIN_BLOCK,
        "64=1122334455667788",
        "70=301",
        "97=D1234",
    };

    static final String[] CUPS_PURCHASE = {
        "0=0200",
        "2=" + Cards.PAN,
        "3=000000",
        "4=1000",
        "11=123",
        "14=2512",
        "22=051",
        "25=00",
        "26=12",
        "35=" + Cards.TRACK2,
        "41=TERM0001",
        "42=MERCHANT0000001",
        "49=156",
        "52=" + Cards.PIN_BLOCK,
        "53=2600000000000000",
        "55=" + Cards.ICC,
        "60=22000001000",
        "64=1122334455667788",
    };

    static String[] encodeArgs(final String dialect, final String[] fields, final String... options)
    {
        final List<String> args = new ArrayList<>(List.of("iso", "encode", "--dialect", dialect));
        args.addAll(List.of(options));
        args.addAll(List.of(fields));
        return args.toArray(String[]::new);
    }

    static String encode(final String dialect, final String[] fields, final String... options)
    {
        final Cli.Result result = Cli.run(encodeArgs(dialect, fields, options)).expectSuccess();
        final String hex = result.out().strip();
        assertTrue(hex.matches("[0-9A-F]+"), result::toString);
        return hex;
    }

    static Dump decode(final String dialect, final String hex, final String... options)
    {
        final List<String> args = new ArrayList<>(List.of("iso", "decode", "--dialect", dialect));
        args.addAll(List.of(options));
        args.add(hex);
        final Cli.Result result = Cli.run(args.toArray(String[]::new)).expectSuccess();
        return Dump.parse(result.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iso87b", "iso87a"})
    void shouldDecodeWhatItEncodesInIso87(final String dialect)
    {
        final String hex = encode(dialect, ISO87_PURCHASE);
        final Dump dump = decode(dialect, hex);

        assertEquals(dialect + ", " + hex.length() / 2 + " bytes", dump.header("message"));
        assertEquals("0200", dump.header("MTI"));
        // Primary: 1 (secondary), 2, 3, 4, 7, 11, 14, 22, 28, 35, 37, 41, 42, 43, 49, 52, 64; secondary: 70, 97.
        assertEquals("F224041028E09001 | 0400000080000000  secondary", dump.header("bitmap"));
        assertEquals(List.of(2, 3, 4, 7, 11, 14, 22, 28, 35, 37, 41, 42, 43, 49, 52, 64, 70, 97), List.copyOf(dump.fields().keySet()));

        assertEquals(Cards.MASKED_PAN, dump.value(2));
        assertEquals("000000001000", dump.value(4));
        assertEquals(new Dump.Line(4, "AMOUNT, TRANSACTION", "n 12", 12, "000000001000"), dump.fields().get(4));
        assertEquals("000123", dump.value(11));
        assertEquals("C00000150", dump.value(28));
        assertEquals("[protected, 37 digits]", dump.value(35));
        assertEquals("\"123456789012\"", dump.value(37));
        assertEquals("\"TERM0001\"", dump.value(41));
        assertEquals("\"ACME STORES, SHANGHAI                   \"", dump.value(43));
        assertEquals(new Dump.Line(43, "CARD ACCEPTOR NAME/LOCATION", "ans 40", 40, dump.value(43)), dump.fields().get(43));
        assertEquals("[protected, 8 bytes]", dump.value(52));
        assertEquals("1122334455667788", dump.value(64));
        assertEquals("301", dump.value(70));
        assertEquals("D0000000000001234", dump.value(97));
        assertEquals(new Dump.Line(97, "AMOUNT, NET SETTLEMENT", "x+n 16", 17, "D0000000000001234"), dump.fields().get(97));
    }

    @Test
    void shouldDecodeWhatItEncodesInUnionPayPos()
    {
        final String hex = encode("cups", CUPS_PURCHASE);
        final Dump dump = decode("cups", hex);

        assertEquals("0200", dump.header("MTI"));
        assertEquals(new Dump.Line(2, "PRIMARY ACCOUNT NUMBER", "n ..19", 16, Cards.MASKED_PAN), dump.fields().get(2));
        assertEquals("[protected, 37 digits]", dump.value(35));
        assertEquals("[protected, 8 bytes]", dump.value(52));
        assertEquals("9F26=AABBCCDDEEFF0011 57=[protected, 19 bytes] 5A=" + Cards.MASKED_PAN + " 9F1A=0840", dump.value(55));
        assertEquals("22000001000", dump.value(60));
        assertEquals("1122334455667788", dump.value(64));
    }

    @Test
    void shouldSortFieldsGivenInAnyOrder()
    {
        final List<String> shuffled = new ArrayList<>(List.of(ISO87_PURCHASE));
        Collections.reverse(shuffled);
        assertEquals(encode("iso87b", ISO87_PURCHASE), encode("iso87b", shuffled.toArray(String[]::new)));
    }

    @Test
    void shouldAcceptHexWithSpacesAndInSeveralArguments()
    {
        final String hex = encode("iso87b", ISO87_PURCHASE);
        final String spaced = hex.replaceAll("(.{8})", "$1 ").toLowerCase();
        final Cli.Result one = Cli.run("iso", "decode", "--dialect", "iso87b", spaced).expectSuccess();
        final List<String> args = new ArrayList<>(List.of("iso", "decode", "--dialect", "iso87b"));
        args.addAll(List.of(spaced.split(" ")));
        final Cli.Result many = Cli.run(args.toArray(String[]::new)).expectSuccess();
        assertEquals(Cli.run("iso", "decode", "--dialect", "iso87b", hex).out(), one.out());
        assertEquals(one.out(), many.out());
    }

    @Test
    void shouldReadHexFromStandardInputForDash()
    {
        final String hex = encode("iso87a", ISO87_PURCHASE);
        final String stdin = hex.substring(0, 30) + "\n" + hex.substring(30) + "\n";
        final Cli.Result result = Cli.runWithInput(stdin, "iso", "decode", "--dialect", "iso87a", "-").expectSuccess();
        assertEquals(Cli.run("iso", "decode", "--dialect", "iso87a", hex).out(), result.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iso87b", "iso87a"})
    void shouldCarryBytesInTextFieldsThroughEscapes(final String dialect)
    {
        final String escaped = Cards.ICC.replaceAll("(..)", "\\\\x$1");
        final String hex = encode(dialect, new String[] {"0=0100", "55=" + escaped, "63=a \\\\ and a \\\" x"});
        final Dump dump = decode(dialect, hex);
        assertEquals("9F26=AABBCCDDEEFF0011 57=[protected, 19 bytes] 5A=" + Cards.MASKED_PAN + " 9F1A=0840", dump.value(55));
        assertEquals("\"a \\\\ and a \\\" x\"", dump.value(63));
    }

    @Test
    void shouldFrameWithBinaryLength()
    {
        final String message = encode("iso87b", ISO87_PURCHASE);
        final String framed = encode("iso87b", ISO87_PURCHASE, "--framing", "binary-2");
        assertEquals(String.format("%04X", message.length() / 2) + message, framed);

        final Dump dump = decode("iso87b", framed, "--framing", "binary-2");
        assertEquals(String.format("%04X", message.length() / 2) + "           " + message.length() / 2 + " bytes follow", dump.header("length"));
        assertEquals(Cards.MASKED_PAN, dump.value(2));
    }

    @Test
    void shouldFrameWithAsciiLength()
    {
        final String message = encode("iso87a", ISO87_PURCHASE);
        final String framed = encode("iso87a", ISO87_PURCHASE, "--framing", "ascii-4");
        final String digits = String.format("%04d", message.length() / 2);
        final StringBuilder header = new StringBuilder();
        for (final char c : digits.toCharArray())
        {
            header.append(String.format("%02X", (int)c));
        }
        assertEquals(header + message, framed);
        assertTrue(decode("iso87a", framed, "--framing", "ascii-4").header("length").endsWith(message.length() / 2 + " bytes follow"));
    }

    @Test
    void shouldFrameForUnionPayWithTpduAndApplicationHeader()
    {
        final String message = encode("cups", CUPS_PURCHASE);
        final String framed = encode("cups", CUPS_PURCHASE, "--framing", "unionpay-pos", "--tpdu", "6000030000", "--app-header", "603100000000");
        assertEquals(String.format("%04X", message.length() / 2 + 11) + "6000030000" + "603100000000" + message, framed);

        final Dump dump = decode("cups", framed, "--framing", "unionpay-pos");
        assertEquals("6000030000     id 60, destination 0003, source 0000", dump.header("TPDU"));
        assertEquals("603100000000", dump.header("header"));
        assertEquals(Cards.MASKED_PAN, dump.value(2));

        final String defaults = encode("cups", CUPS_PURCHASE, "--framing", "unionpay-pos");
        assertEquals("6000020000603100310701", defaults.substring(4, 26));
    }
}
