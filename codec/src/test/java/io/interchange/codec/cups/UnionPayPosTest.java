package io.interchange.codec.cups;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Hex;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.dialect.Iso87;
import io.interchange.codec.frame.Framing;
import io.interchange.codec.frame.Tpdu;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.packager.ISO87BPackager;
import org.junit.jupiter.api.Test;

class UnionPayPosTest
{
    /**
     * A terminal sign-on (0800 with 60.3 = 003: double-length working keys, as 004 asks for them with a track key too) laid out by hand from the CUPS
     * POS field table: length, TPDU 60 0003 0000, header 60 31 00 00 00 00, then MTI 0800 in BCD, a bitmap of
     * fields 11, 41, 42, 60 and 63, STAN 000001, terminal and merchant ids, field 60 as LLL BCD 0011 with 11
     * digits left aligned (00 000001 003, trailing zero nibble), and field 63 operator "001" as LLL ans.
     */
    private static final String SIGN_ON =
        "003C" + "6000030000" + "603100000000" +
        "0800" + "0020000000C00012" + "000001" +
        "3132333435363738" + "313233343536373839303132333435" +
        "0011" + "000000010030" + "0003" + "303031";

    @Test
    void shouldReadASignOnLaidOutFromTheSpec()
    {
        final byte[] frame = Hex.bytes(SIGN_ON);
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final Framing framing = Framing.UNIONPAY_POS;
        final int frameLength = framing.frameLength(buffer, 0, frame.length);
        assertEquals(frame.length, frameLength);
        assertEquals(Tpdu.ID, frame[2]);

        final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
        assertEquals(DecodeError.NONE, reader.wrap(buffer, framing.messageOffset(0), framing.messageLength(frameLength)), reader.toString());
        assertEquals(800, reader.mti());
        assertEquals(1, reader.getLong(11));
        assertEquals("12345678", reader.getString(41));
        assertEquals("123456789012345", reader.getString(42));
        assertEquals(Field60.TYPE_MANAGEMENT, Field60.transactionType(reader));
        assertEquals(1, Field60.batchNumber(reader));
        assertEquals(3, Field60.networkCode(reader));
        assertEquals("001", reader.getString(63));
    }

    @Test
    void shouldWriteTheSameBytes()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final int headerLength = 2 + Framing.UNIONPAY_POS.headerLength();
        out.putBytes(2, Hex.bytes("6000030000603100000000"));
        final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, headerLength).mti(800)
            .putLong(11, 1)
            .putString(41, "12345678")
            .putString(42, "123456789012345")
            .putString(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, 3))
            .putString(63, "001")
            .finish();
        Framing.UNIONPAY_POS.writeLength(out, 0, length);
        assertEquals(SIGN_ON, Hex.of(out.byteArray(), 0, headerLength + length));
    }

    /**
     * The CUPS POS field table packs field 22 (n3, point-of-service entry mode) left aligned with a trailing zero nibble,
     * unlike field 23 (n3, card sequence number), which is right aligned: entry mode 021 (magnetic stripe, PIN) goes as
     * 02 10, card sequence 001 as 00 01.
     */
    @Test
    void shouldPackEntryModeLeftAlignedAndCardSequenceRightAligned()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(200)
            .putString(22, "021")
            .putString(23, "001")
            .finish();
        assertEquals("0200" + "0000060000000000" + "0210" + "0001", Hex.of(out.byteArray(), 0, length));

        final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
        assertEquals(DecodeError.NONE, reader.wrap(Hex.bytes("0200" + "0000040000000000" + "0510"), 0, 12), reader.toString());
        assertEquals("051", reader.getString(22));
        assertEquals(51, reader.getLong(22));
    }

    /**
     * A terminal's chip data (55, b ...255 here) forwarded to an ISO 8583:1987 issuer, whose field 55 is ans ...999 and
     * carries the same BER-TLV bytes (jPOS ISO87BPackager packs it as LLLCHAR), must reach it byte for byte; and an ISO
     * 1987 field 55 copied into this dialect's binary one likewise. Not their hex text, nor a refusal of bytes that are
     * not hex digits.
     */
    @Test
    void shouldCopyChipDataBetweenBinaryAndTextFieldsByteForByte() throws Exception
    {
        final byte[] icc = Hex.bytes("9F2608A1B2C3D4E5F607189F2701809F10120110A00003220000000000000000000000FF9F3602001C8202"
            + "7C00" + "5A0847617390010101195F340101");
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final int cupsLength = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(200).putLong(11, 7).putBytes(55, icc).finish();
        final MessageReader cups = new MessageReader(UnionPayPos.DIALECT);
        assertEquals(DecodeError.NONE, cups.wrap(out, 0, cupsLength));

        final UnsafeBuffer forward = new UnsafeBuffer(new byte[512]);
        final int length = new MessageWriter(Iso87.BINARY).wrap(forward, 0).mti(200).copy(cups, 11).copy(cups, 55).finish();
        final ISOMsg jpos = new ISOMsg();
        jpos.setPackager(new ISO87BPackager());
        jpos.unpack(Hex.bytes(Hex.of(forward.byteArray(), 0, length)));
        assertArrayEquals(icc, jpos.getBytes(55), "field 55 as the issuer reads it");

        final MessageReader iso = new MessageReader(Iso87.BINARY);
        assertEquals(DecodeError.NONE, iso.wrap(forward, 0, length));
        final UnsafeBuffer back = new UnsafeBuffer(new byte[256]);
        final int backLength = new MessageWriter(UnionPayPos.DIALECT).wrap(back, 0).mti(210).copy(iso, 55).finish();
        assertEquals(DecodeError.NONE, cups.wrap(back, 0, backLength));
        assertArrayEquals(icc, cups.getBytes(55));
    }

    @Test
    void shouldCarrySettlementTotalsInField48()
    {
        final SettlementTotals totals = new SettlementTotals(
            new SettlementTotals.Part(123_456L, 7, 2_000L, 1, 0),
            new SettlementTotals.Part(0, 0, 0, 0, 0));
        assertEquals(62, totals.toDigits().length());
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(500)
            .putLong(11, 42)
            .putString(48, totals.toDigits())
            .putString(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, Field60.NETWORK_BATCH_SETTLEMENT))
            .finish();
        final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
        assertEquals(DecodeError.NONE, reader.wrap(out, 0, length));
        assertEquals(totals, SettlementTotals.read(reader));
        assertTrue(totals.domestic().sameTotals(SettlementTotals.read(reader).domestic().withFlag(SettlementTotals.IN_BALANCE)));
        assertEquals(Field60.NETWORK_BATCH_SETTLEMENT, Field60.networkCode(reader));
    }

    /**
     * A magnetic-stripe terminal's batch upload (0320) lists its transactions in field 48, card numbers in clear: the
     * message's log form masks them as it masks field 2, where it printed field 48 as it came. The 0500's field 48, its
     * totals, is shown as it is.
     */
    @Test
    void shouldMaskTheCardNumbersABatchUploadListsInItsLogForm()
    {
        final String card = "6228480000000015";
        final String listed = "01" + "00" + "000101" + card + "0000" + "000000005000";
        final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
        for (final int mti : new int[] {320, 321})
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
            final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(mti).putLong(11, 2).putString(41, "TERM0006")
                .putString(48, listed).putString(60, Field60.format(Field60.TYPE_MANAGEMENT, 1, 201)).finish();
            assertEquals(DecodeError.NONE, reader.wrap(out, 0, length));
            assertEquals(listed, reader.getString(48), "the card number is in the message, so its absence below means something");
            assertFalse(reader.toString().contains(card), reader.toString());
            assertTrue(reader.toString().contains(" 48=01: 00 000101 622848**********0000 000000005000 "), reader.toString());
        }

        final String notTheLayout = "02" + "00" + "000101" + card + "0000" + "000000005000";
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        int length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(320).putLong(11, 2).putString(48, notTheLayout).finish();
        assertEquals(DecodeError.NONE, reader.wrap(out, 0, length));
        assertTrue(reader.toString().endsWith(" 48=[protected, 42 digits]"), "a count the digits do not fit: no telling the card: " + reader);

        final String totals = "0".repeat(62);
        length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(500).putLong(11, 3).putString(48, totals).finish();
        assertEquals(DecodeError.NONE, reader.wrap(out, 0, length));
        assertTrue(reader.toString().endsWith(" 48=" + totals), reader.toString());
    }

    @Test
    void shouldCarryWorkingKeysInField62()
    {
        final WorkingKeys single = new WorkingKeys(Hex.bytes("1111111111111111"), Hex.bytes("AAAAAAAA"), Hex.bytes("2222222222222222"), Hex.bytes("BBBBBBBB"));
        assertEquals("1111111111111111AAAAAAAA2222222222222222BBBBBBBB", Hex.of(single.toBytes(), 0, 24));
        final WorkingKeys pair = new WorkingKeys(Hex.bytes("11111111111111113333333333333333"), Hex.bytes("AAAAAAAA"),
            Hex.bytes("2222222222222222"), Hex.bytes("BBBBBBBB"));
        assertEquals("11111111111111113333333333333333AAAAAAAA22222222222222220000000000000000BBBBBBBB", Hex.of(pair.toBytes(), 0, 40));
        final WorkingKeys withTrackKey = new WorkingKeys(Hex.bytes("11111111111111113333333333333333"), Hex.bytes("AAAAAAAA"),
            Hex.bytes("2222222222222222"), Hex.bytes("BBBBBBBB"), Hex.bytes("44444444444444445555555555555555"), Hex.bytes("CCCCCCCC"));
        assertEquals("11111111111111113333333333333333AAAAAAAA22222222222222220000000000000000BBBBBBBB" +
            "44444444444444445555555555555555CCCCCCCC", Hex.of(withTrackKey.toBytes(), 0, 60), "004: the 40 bytes of 003, then TDK and its check value");
        assertEquals(WorkingKeys.SINGLE_LENGTH, WorkingKeys.layoutFor(1));
        assertEquals(WorkingKeys.DOUBLE_LENGTH, WorkingKeys.layoutFor(3));
        assertEquals(WorkingKeys.WITH_TRACK_KEY, WorkingKeys.layoutFor(4));
        for (final WorkingKeys keys : new WorkingKeys[] {single, pair, withTrackKey})
        {
            final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
            final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(810).putLong(11, 1).putString(39, "00")
                .putBytes(62, keys.toBytes()).finish();
            final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
            assertEquals(DecodeError.NONE, reader.wrap(out, 0, length));
            assertEquals(keys, WorkingKeys.read(reader));
            assertFalse(keys.toString().contains("1111"));
        }
    }

    /**
     * Track 2 with a block enciphered as a terminal with a track key sends it: the decoder takes the nibbles no track
     * holds (ISO 8583:1987's z field still refuses them), TrackBlock finds the 8 bytes before the last, and says the
     * track is not readable until they are deciphered.
     */
    @Test
    void shouldTakeAnEncipheredTrackAndFindItsBlock()
    {
        final String clear = "6228480012345678901=2512101123456789";
        final String enciphered = clear.substring(0, 18) + "A7F3C2B1E0D49586" + clear.substring(34);
        assertEquals(clear.length(), enciphered.length());
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
        for (final String track : new String[] {clear, enciphered})
        {
            final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(200).putLong(11, 1).putString(35, track)
                .putString(53, "1610000000000000").finish();
            assertEquals(DecodeError.NONE, reader.wrap(out, 0, length), reader.toString());
            assertTrue(TrackBlock.enciphered(reader));
            assertEquals(track == clear, TrackBlock.readable(reader, 35));
            // 36 characters, 18 bytes: the block is bytes 9 to 16, characters 18 to 33, the last byte (34, 35) clear.
            assertEquals(reader.valueOffset(35) + 9, TrackBlock.offset(reader, 35));
            assertEquals(track.replace('=', 'D').substring(18, 34), Hex.of(out.byteArray(), TrackBlock.offset(reader, 35), 8));
        }
        final int iso87 = new MessageWriter(Iso87.BINARY).wrap(out, 0).mti(200).putString(7, "1129103000").putLong(11, 1).putString(35, clear).finish();
        out.putByte(iso87 - 2, (byte)0xA7);
        assertEquals(DecodeError.NOT_NUMERIC, new MessageReader(Iso87.BINARY).wrap(out, 0, iso87), "a z field takes digits and the separator only");
        final int noFlag = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(200).putLong(11, 1).putString(35, "6228480012=2512").finish();
        assertEquals(DecodeError.NONE, reader.wrap(out, 0, noFlag));
        assertFalse(TrackBlock.enciphered(reader));
        assertEquals(-1, TrackBlock.offset(reader, 35), "15 characters, 8 bytes: too short to hold a block and a last byte");
    }

    @Test
    void shouldSayNothingOfAbsentPrivateFields()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[64]);
        final int length = new MessageWriter(UnionPayPos.DIALECT).wrap(out, 0).mti(800).putLong(11, 1).finish();
        final MessageReader reader = new MessageReader(UnionPayPos.DIALECT);
        reader.wrap(out, 0, length);
        assertEquals(-1, Field60.networkCode(reader));
        assertNull(SettlementTotals.read(reader));
        assertNull(WorkingKeys.read(reader));
    }
}
