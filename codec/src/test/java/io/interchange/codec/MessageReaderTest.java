package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The bad-input table of DESIGN.md §5 at the codec level: each fault is a {@link DecodeError} with the field
 * and offset at fault, and what was read before it stays readable so a 30 can still be answered.
 */
class MessageReaderTest
{
    private final MessageReader binary = new MessageReader(Iso87.BINARY);
    private final MessageReader ascii = new MessageReader(Iso87.ASCII);

    private static DecodeError read(final MessageReader reader, final String hex)
    {
        final byte[] bytes = Hex.bytes(hex);
        return reader.wrap(bytes, 0, bytes.length);
    }

    private static DecodeError readAscii(final MessageReader reader, final String text)
    {
        final byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return reader.wrap(bytes, 0, bytes.length);
    }

    @Test
    void shouldReadFieldsAsPrimitives()
    {
        // 0200, fields 3, 4, 11: processing code 000000, amount 1000, STAN 123
        assertEquals(DecodeError.NONE, read(binary, "0200 3020000000000000 000000 000000001000 000123"));
        assertEquals(200, binary.mti());
        assertEquals(1000, binary.getLong(4));
        assertEquals(123, binary.getLong(11));
        assertEquals('0', binary.charAt(3, 5));
        assertFalse(binary.has(2));
        assertTrue(binary.has(11));
    }

    @Test
    void shouldGiveTheFieldsReadAsBitmapWords()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int length = new MessageWriter(Iso87.BINARY).wrap(buffer, 0).mti(200).putString(2, "4761739001010119").putString(3, "000000")
            .putString(64, "1122334455667788").putString(70, "001").putString(128, "8877665544332211").finish();
        assertEquals(DecodeError.NONE, binary.wrap(buffer, 0, length));
        assertEquals((Long.MIN_VALUE >>> 1) | (Long.MIN_VALUE >>> 2) | 1L, binary.decodedPrimary(), "2, 3 and 64; field 1's bit clear");
        assertEquals((Long.MIN_VALUE >>> 5) | 1L, binary.decodedSecondary(), "70 and 128");

        // Cut inside field 64: what came before it was read, 64 was not.
        assertEquals(DecodeError.TRUNCATED, binary.wrap(buffer, 0, length - 14));
        assertEquals((Long.MIN_VALUE >>> 1) | (Long.MIN_VALUE >>> 2), binary.decodedPrimary());
        assertEquals(0, binary.decodedSecondary());
    }

    @Test
    void shouldNameTheFieldOfAnLlLengthAboveItsMaximum()
    {
        // field 2 declares 20 digits; its maximum is 19
        assertEquals(DecodeError.LENGTH_OVER_MAX, read(binary, "0200 7000000000000000 20 41111111111111111111 000000"));
        assertEquals(2, binary.errorField());
        assertEquals(10, binary.errorOffset());
        assertEquals(200, binary.mti(), "the MTI stays readable for a 30 answer");
    }

    @Test
    void shouldRefuseNonDigitAndNegativeLengths()
    {
        assertEquals(DecodeError.BAD_LENGTH, readAscii(ascii, "02004000000000000000-34111111111111"));
        assertEquals(2, ascii.errorField());
        assertEquals(20, ascii.errorOffset());
        assertEquals(DecodeError.BAD_LENGTH, read(binary, "0200 4000000000000000 1A 4111111111111111"));
    }

    @Test
    void shouldSurviveTheMoovIoCrashInput()
    {
        // moov-io/iso8583 fuzz crash input. Under ISO 87 ASCII its bitmap names fields 15, 16, 18, 19, 31 and 32;
        // field 31 (x+n) has no C/D sign, so reading stops there.
        assertEquals(DecodeError.NOT_NUMERIC, readAscii(ascii, "0000000360030000000000000000000000000000000-3"));
        assertEquals(31, ascii.errorField());
        assertEquals(35, ascii.errorOffset());
    }

    @Test
    void shouldRefuseNonNumericDataInANumericField()
    {
        assertEquals(DecodeError.NOT_NUMERIC, read(binary, "0200 2000000000000000 0A0000"));
        assertEquals(3, binary.errorField());
        assertEquals(10, binary.errorOffset());
        assertEquals(DecodeError.NOT_NUMERIC, readAscii(ascii, "02002000000000000000 00000"));
    }

    @Test
    void shouldRefuseAFieldTheDialectDoesNotDefine()
    {
        final Dialect narrow = Dialect.builder("narrow").mti(ValueEncoding.ASCII).bitmap(ValueEncoding.HEX)
            .field(FieldSpec.n(3, 6, ValueEncoding.ASCII, "PROCESSING CODE")).build();
        final MessageReader reader = new MessageReader(narrow);
        assertEquals(DecodeError.UNDEFINED_FIELD, readAscii(reader, "02003000000000000000000000123456"));
        assertEquals(4, reader.errorField());
        assertTrue(reader.has(3), "fields before the fault are readable");
        assertEquals(DecodeError.TRUNCATED, readAscii(reader, "08008000000000000000"), "bit 1 with no secondary bitmap is truncated, not undefined");
    }

    @Test
    void shouldReportAMissingSecondaryBitmapAsTruncated()
    {
        assertEquals(DecodeError.TRUNCATED, read(binary, "0800 8000000000000000"));
        assertEquals(1, binary.errorField());
        assertEquals(10, binary.errorOffset());
    }

    @Test
    void shouldRefuseABadHexBitmapAndBadMti()
    {
        assertEquals(DecodeError.BAD_BITMAP, readAscii(ascii, "0200G000000000000000"));
        assertEquals(1, ascii.errorField());
        assertEquals(DecodeError.BAD_MTI, readAscii(ascii, "02X0"));
        assertEquals(0, ascii.errorField());
        assertEquals(-1, ascii.mti());
        assertEquals(DecodeError.BAD_MTI, read(binary, "0A00 0000000000000000"));
    }

    @Test
    void shouldStopAtTheEndOfTheFrameNotTheBuffer()
    {
        // The buffer holds the whole message but the frame is one byte shorter: no reading past the frame.
        final byte[] bytes = Hex.bytes("0200 2000000000000000 000000");
        assertEquals(DecodeError.TRUNCATED, binary.wrap(new UnsafeBuffer(bytes), 0, bytes.length - 1));
        assertEquals(3, binary.errorField());
        assertEquals(DecodeError.TRUNCATED, read(binary, "02"));
        assertEquals(DecodeError.TRUNCATED, read(binary, ""));
    }

    @Test
    void shouldRefuseTrailingBytes()
    {
        assertEquals(DecodeError.TRAILING_BYTES, read(binary, "0200 2000000000000000 000000 FF"));
        assertEquals(-1, binary.errorField());
        assertEquals(13, binary.errorOffset());
    }

    @Test
    void shouldReadTrack2WithItsSeparator()
    {
        // field 35, 21 digits "4111111111111111=2512": BCD right padded, D nibble for '='
        assertEquals(DecodeError.NONE, read(binary, "0200 0000000020000000 21 4111111111111111D25120"));
        assertEquals("4111111111111111=2512", binary.getString(35));
    }

    @Test
    void shouldMaskPanAndHideSensitiveFieldsInToString()
    {
        assertEquals(DecodeError.NONE, read(binary, "0200 4000000020000000 16 4111111111111111 21 4111111111111111D25120"));
        final String text = binary.toString();
        assertTrue(text.contains("2=411111******1111"), text);
        assertTrue(text.contains("35=[protected, 21 digits]"), text);
        assertFalse(text.contains("4111111111111111"), text);
    }

    @Test
    void shouldHideTrack1Track3PinExtendedPanAndChipTrackDataInToString()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final int length = new MessageWriter(Iso87.BINARY).wrap(buffer, 0).mti(200)
            .putString(34, "5413339000001513000")
            .putString(36, "0115413339000001513=251212345")
            .putString(45, "B5413339000001513^TEST/CARD^2512101")
            .putString(52, "0123456789ABCDEF")
            .putString(55, "\u0057\u0005\u0054\u0013\u0033\u0090\u0000")
            .finish();
        assertEquals(DecodeError.NONE, binary.wrap(buffer, 0, length));
        final String text = binary.toString();
        assertTrue(text.contains("34=541333*********3000"), text);
        assertTrue(text.contains("36=[protected, 29 characters]"), text);
        assertTrue(text.contains("45=[protected, 35 characters]"), text);
        assertTrue(text.contains("52=[protected, 8 bytes]"), text);
        assertTrue(text.contains("55=57=[protected, 5 bytes]"), text);
        assertFalse(text.contains("5413339000001513"), text);
        assertFalse(text.contains("0123456789ABCDEF"), text);
    }

    @Test
    void shouldShowNoValueOfAMessageThatDoesNotDecode()
    {
        // Field 35's bitmap bit cleared: the track's BCD bytes read as fields 41 and 49, where no rule would hide them.
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final int length = new MessageWriter(Iso87.BINARY).wrap(buffer, 0).mti(200)
            .putString(2, "4761739001010119").putString(3, "000000").putString(4, "1000").putString(11, "1")
            .putString(35, "4761739001010119=25122011234567890").putString(41, "TERM0001").putString(49, "840")
            .putBytes(52, new byte[] {1, 0x23, 0x45, 0x67, (byte)0x89, (byte)0xAB, (byte)0xCD, (byte)0xEF}).finish();
        buffer.putByte(2 + 4, (byte)(buffer.getByte(2 + 4) & ~0x20));
        assertTrue(binary.wrap(buffer, 0, length) != DecodeError.NONE);
        assertTrue(binary.has(41));
        final String text = binary.toString();
        assertTrue(text.startsWith("iso87b 0200 2 3 4 11 41"), text);
        assertTrue(text.contains("(values not shown: the message does not decode)"), text);
        assertFalse(text.contains(" 2=") || text.contains(" 41="), text);
        assertFalse(text.contains("Gas"), text);
    }

    @Test
    void shouldNameNoCharacterOfCardDataThatCannotBeWritten()
    {
        // A forward built from bad bytes fails with this message, which the switch logs: it names where, not what.
        final MessageWriter writer = new MessageWriter(Iso87.BINARY).wrap(new UnsafeBuffer(new byte[256]), 0).mti(200);
        final IllegalArgumentException track = assertThrows(IllegalArgumentException.class,
            () -> writer.putString(35, "4761739001010119=2512X011"));
        assertEquals("field 35: a character at 21 is not allowed in Z", track.getMessage());
        final IllegalArgumentException amount = assertThrows(IllegalArgumentException.class,
            () -> writer.putString(4, "12.5"));
        assertEquals("field 4: '.' at 2 is not allowed in N", amount.getMessage());
    }
}
