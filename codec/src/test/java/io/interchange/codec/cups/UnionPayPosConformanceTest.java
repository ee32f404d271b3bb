package io.interchange.codec.cups;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Hex;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.IFB_BITMAP;
import org.jpos.iso.IFB_LLLBINARY;
import org.jpos.iso.IFB_LLLCHAR;
import org.jpos.iso.IFB_LLLNUM;
import org.jpos.iso.IFB_NUMERIC;
import org.jpos.iso.IF_CHAR;
import org.jpos.iso.ISOBasePackager;
import org.jpos.iso.ISOFieldPackager;
import org.jpos.iso.ISOMsg;
import org.junit.jupiter.api.Test;

/**
 * The length prefixes of the UnionPay POS LLLVAR fields against jPOS 2.1.10, as a jPOS-built CUPS host packs them: two BCD
 * bytes counting bytes for the binary fields (55 chip data, 62 working keys: IFB_LLLBINARY) and characters for the text one
 * (63: IFB_LLLCHAR), digits for the numeric ones (60, 61: IFB_LLLNUM, left aligned). A terminal that read 62's prefix as
 * hex digits would take half the keys; one the switch wrote so would make it read past them. Each message is laid out by
 * hand, then compared with our writer's bytes and with jPOS's, so that a prefix counted the wrong way fails here, where a
 * round trip through our own reader and writer would agree with itself.
 */
class UnionPayPosConformanceTest
{
    private static final byte[] PIN_KEY = Hex.bytes("1111111111111111 3333333333333333");
    private static final byte[] MAC_KEY = Hex.bytes("2222222222222222");
    private static final byte[] PIN_CHECK = Hex.bytes("AAAAAAAA");
    private static final byte[] MAC_CHECK = Hex.bytes("BBBBBBBB");

    /** 0810, bitmap of 11, 39, 41, 42, 60 and 62, STAN 000001, approved, terminal and merchant, 60 = 00 000001 004. */
    private static final String SIGN_ON_ANSWER_HEAD =
        "0810" + "0020000002C00014" + "000001" + "3030" + "3132333435363738" + "313233343536373839303132333435" +
        "0011" + "000000010040";

    /** CUPS fields as jPOS packs them: a CUPS host's packager, written out as jPOS users do for this network. */
    private static final class CupsPosPackager extends ISOBasePackager
    {
        CupsPosPackager()
        {
            final ISOFieldPackager[] fields = new ISOFieldPackager[65];
            fields[0] = new IFB_NUMERIC(4, "MESSAGE TYPE INDICATOR", true);
            fields[1] = new IFB_BITMAP(8, "BIT MAP");
            fields[11] = new IFB_NUMERIC(6, "SYSTEM TRACE AUDIT NUMBER", true);
            fields[39] = new IF_CHAR(2, "RESPONSE CODE");
            fields[41] = new IF_CHAR(8, "CARD ACCEPTOR TERMINAL IDENTIFICATION");
            fields[42] = new IF_CHAR(15, "CARD ACCEPTOR IDENTIFICATION CODE");
            fields[55] = new IFB_LLLBINARY(255, "ICC SYSTEM RELATED DATA");
            fields[60] = new IFB_LLLNUM(17, "RESERVED PRIVATE (TYPE, BATCH, NETWORK CODE)", false);
            fields[61] = new IFB_LLLNUM(29, "ORIGINAL MESSAGE", false);
            fields[62] = new IFB_LLLBINARY(512, "RESERVED PRIVATE (KEYS)");
            fields[63] = new IFB_LLLCHAR(163, "RESERVED PRIVATE");
            setFieldPackager(fields);
        }
    }

    private static final CupsPosPackager JPOS = new CupsPosPackager();

    private static byte[] signOnAnswer(final byte[] field62)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[1024]);
        final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(810)
            .putLong(11, 1)
            .putString(39, "00")
            .putString(41, "12345678")
            .putString(42, "123456789012345")
            .putString(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_SIGN_ON))
            .putBytes(62, field62)
            .finish();
        return Arrays.copyOf(out.byteArray(), length);
    }

    private static byte[] jposSignOnAnswer(final byte[] field62) throws Exception
    {
        final ISOMsg m = new ISOMsg("0810");
        m.setPackager(JPOS);
        m.set(11, "000001");
        m.set(39, "00");
        m.set(41, "12345678");
        m.set(42, "123456789012345");
        m.set(60, "00000001004");
        m.set(62, field62);
        return m.pack();
    }

    private static ISOMsg jposUnpack(final byte[] bytes) throws Exception
    {
        final ISOMsg m = new ISOMsg();
        m.setPackager(JPOS);
        m.unpack(bytes);
        return m;
    }

    @Test
    void shouldCountTheSignOnAnswersWorkingKeysInBytesAsJposLllBinaryDoes() throws Exception
    {
        final WorkingKeys single = new WorkingKeys(Arrays.copyOf(PIN_KEY, 8), PIN_CHECK, MAC_KEY, MAC_CHECK);
        final WorkingKeys pair = new WorkingKeys(PIN_KEY, PIN_CHECK, MAC_KEY, MAC_CHECK);
        // 24 bytes go behind 00 24, 40 behind 00 40: bytes, not the 48 or 80 hex digits they print as.
        final String singleLayout = "0024" + "1111111111111111" + "AAAAAAAA" + "2222222222222222" + "BBBBBBBB";
        final String pairLayout = "0040" + "11111111111111113333333333333333" + "AAAAAAAA" + "2222222222222222" + "0000000000000000" + "BBBBBBBB";
        for (final Object[] c : new Object[][] {{single, singleLayout}, {pair, pairLayout}})
        {
            final WorkingKeys keys = (WorkingKeys)c[0];
            final byte[] ours = signOnAnswer(keys.toBytes());
            assertEquals(SIGN_ON_ANSWER_HEAD + c[1], Hex.of(ours, 0, ours.length), keys.toString());
            assertArrayEquals(jposSignOnAnswer(keys.toBytes()), ours, "as jPOS packs it");
            assertArrayEquals(keys.toBytes(), jposUnpack(ours).getBytes(62), "as jPOS reads it");

            final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
            final byte[] theirs = jposSignOnAnswer(keys.toBytes());
            assertEquals(DecodeError.NONE, reader.wrap(theirs, 0, theirs.length), reader.toString());
            assertEquals(keys, WorkingKeys.read(reader));
        }
    }

    @Test
    void shouldTakeField62UpTo512BytesAndRefuseMore() throws Exception
    {
        final byte[] most = new byte[512];
        Arrays.fill(most, (byte)0x5A);
        final byte[] ours = signOnAnswer(most);
        final int prefixAt = SIGN_ON_ANSWER_HEAD.length() / 2;
        assertEquals("0512", Hex.of(ours, prefixAt, 2));
        assertArrayEquals(jposSignOnAnswer(most), ours);

        assertThrows(IllegalArgumentException.class, () -> signOnAnswer(new byte[513]));
        final byte[] over = Arrays.copyOf(ours, ours.length + 1);
        over[prefixAt] = 0x05;
        over[prefixAt + 1] = 0x13;
        final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
        assertEquals(DecodeError.LENGTH_OVER_MAX, reader.wrap(over, 0, over.length));
        assertEquals(62, reader.errorField());
    }

    /**
     * A sale's chip data (55, 36 bytes) and the numeric and text private fields beside it: 55 behind 00 36 (bytes), 60
     * behind 00 13 and 61 behind 00 16 (digits, 13 of them left aligned in 7 bytes), 63 behind 00 03 (characters).
     */
    @Test
    void shouldCountChipDataInBytesAndPrivateNumbersInDigitsAsJposDoes() throws Exception
    {
        final byte[] icc = Hex.bytes("9F2608A1B2C3D4E5F60718 9F270180 9F10120110A00003220000000000000000000000FF");
        assertEquals(36, icc.length);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(200)
            .putLong(11, 7)
            .putBytes(55, icc)
            .putString(60, "2200000100050")
            .putString(61, "0000010000060315")
            .putString(63, "CUP")
            .finish();
        final byte[] ours = Arrays.copyOf(out.byteArray(), length);
        assertEquals("0200" + "002000000000021A" + "000007" +
            "0036" + Hex.of(icc, 0, icc.length) +
            "0013" + "22000001000500" +
            "0016" + "0000010000060315" +
            "0003" + "435550", Hex.of(ours, 0, ours.length));

        final ISOMsg m = new ISOMsg("0200");
        m.setPackager(JPOS);
        m.set(11, "000007");
        m.set(55, icc);
        m.set(60, "2200000100050");
        m.set(61, "0000010000060315");
        m.set(63, "CUP");
        assertArrayEquals(m.pack(), ours, "as jPOS packs it");
        assertArrayEquals(icc, jposUnpack(ours).getBytes(55), "as jPOS reads it");
    }
}
