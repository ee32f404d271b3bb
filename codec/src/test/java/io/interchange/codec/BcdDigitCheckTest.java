package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import java.util.Random;

import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The BCD digit check reads eight bytes at a time, and MessageReader accepts fixed fields on a quick path; both
 * must find exactly what a digit-by-digit walk finds, at the same offset.
 */
class BcdDigitCheckTest
{
    private static final ValueEncoding[] BCD = {ValueEncoding.BCD_LEFT, ValueEncoding.BCD_RIGHT, ValueEncoding.BCD_RIGHT_F};

    private final Random random = new Random(8583);

    /** The check as it was before it went eight bytes at a time. */
    private static int firstBadDigit(final FieldSpec spec, final UnsafeBuffer buffer, final int pos, final int digits)
    {
        final boolean track = spec.type() == FieldType.Z;
        final int shift = FieldCodec.nibbleShift(spec.encoding(), digits);
        for (int i = 0; i < digits; i++)
        {
            final int nibble = FieldCodec.nibble(buffer, pos, i + shift);
            if (nibble > 9 && !(track && nibble == 0x0D))
            {
                return pos + ((i + shift) >> 1);
            }
        }
        return -1;
    }

    private void fillWithDigits(final UnsafeBuffer buffer, final boolean track)
    {
        for (int i = 0; i < buffer.capacity(); i++)
        {
            final int hi = track && random.nextInt(8) == 0 ? 0x0D : random.nextInt(10);
            final int lo = track && random.nextInt(8) == 0 ? 0x0D : random.nextInt(10);
            buffer.putByte(i, (byte)((hi << 4) | lo));
        }
    }

    @Test
    void shouldFindTheSameBadNibbleAsADigitByDigitWalk()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        for (final ValueEncoding encoding : BCD)
        {
            for (final FieldType type : new FieldType[] {FieldType.N, FieldType.Z})
            {
                final FieldSpec spec = FieldSpec.var(35, type, 2, LengthEncoding.BCD, 99, encoding, "test");
                for (int digits = 0; digits <= 40; digits++)
                {
                    // pos 10 is where the widened read applies; pos 0 and 3 take the short way.
                    for (final int pos : new int[] {0, 3, 10, 11})
                    {
                        final int bytes = (digits + 1) >> 1;
                        for (int nibble = -1; nibble < 2 * bytes; nibble++)
                        {
                            for (final int bad : new int[] {0x0A, 0x0D, 0x0F})
                            {
                                fillWithDigits(buffer, type == FieldType.Z);
                                if (nibble >= 0)
                                {
                                    final int at = pos + (nibble >> 1);
                                    final int b = buffer.getByte(at) & 0xFF;
                                    buffer.putByte(at, (byte)((nibble & 1) == 0 ? (b & 0x0F) | (bad << 4) : (b & 0xF0) | bad));
                                }
                                assertEquals(firstBadDigit(spec, buffer, pos, digits), FieldCodec.firstInvalid(spec, buffer, pos, digits),
                                    encoding + " " + type + " digits=" + digits + " pos=" + pos + " nibble=" + nibble);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldAgreeWithADigitByDigitWalkOnRandomBytes()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        for (int trial = 0; trial < 200_000; trial++)
        {
            final ValueEncoding encoding = BCD[random.nextInt(BCD.length)];
            final FieldType type = random.nextBoolean() ? FieldType.N : FieldType.Z;
            final FieldSpec spec = FieldSpec.var(35, type, 2, LengthEncoding.BCD, 99, encoding, "test");
            fillWithDigits(buffer, type == FieldType.Z);
            // Mostly digits, with a few arbitrary bytes: the interesting cases are one bad nibble among good ones.
            for (int k = random.nextInt(3); k > 0; k--)
            {
                buffer.putByte(random.nextInt(64), (byte)random.nextInt(256));
            }
            final int digits = random.nextInt(41);
            final int pos = random.nextInt(64 - ((digits + 1) >> 1) + 1);
            assertEquals(firstBadDigit(spec, buffer, pos, digits), FieldCodec.firstInvalid(spec, buffer, pos, digits),
                encoding + " " + type + " digits=" + digits + " pos=" + pos);
        }
    }

    @Test
    void shouldReadFixedFieldsOnTheQuickPathAsFieldCodecDoes()
    {
        for (final Dialect dialect : new Dialect[] {Iso87.BINARY, Iso87.ASCII})
        {
            final MessageReader reader = new MessageReader(dialect);
            final int header = dialect.mtiLength() + dialect.bitmapLength();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[header + 64]);
            for (int field = 2; field <= 64; field++)
            {
                final FieldSpec spec = dialect.field(field);
                if (spec == null || !spec.isFixed())
                {
                    continue;
                }
                for (int trial = 0; trial < 300; trial++)
                {
                    // The MTI and a bitmap naming only this field, then bytes that are mostly right for it.
                    final int length = header + random.nextInt(spec.packedLength(spec.maxLength()) + 2);
                    new MessageWriter(dialect).wrap(buffer, 0).mti(200).finish();
                    for (int i = header; i < buffer.capacity(); i++)
                    {
                        // ASCII digits are good BCD pairs as well; now and then a byte that may be neither.
                        buffer.putByte(i, (byte)(random.nextInt(100) < 97 ? '0' + random.nextInt(10) : random.nextInt(256)));
                    }
                    writeBitmap(dialect, buffer, field);

                    final DecodeError error = reader.wrap(buffer, 0, length);
                    final long expected = FieldCodec.decodeField(spec, buffer, header, length);
                    if (expected < 0)
                    {
                        assertEquals(FieldCodec.errorOf(expected), error, dialect + " field " + field);
                        assertEquals(field, reader.errorField(), dialect + " field " + field);
                        assertEquals(FieldCodec.errorOffsetOf(expected), reader.errorOffset(), dialect + " field " + field);
                    }
                    else if ((int)expected == length)
                    {
                        assertEquals(DecodeError.NONE, error, dialect + " field " + field);
                        assertEquals((int)(expected >>> 32), reader.units(field));
                        assertEquals(header, reader.valueOffset(field));
                        assertEquals(length - header, reader.rawLength(field));
                    }
                    else
                    {
                        assertEquals(DecodeError.TRAILING_BYTES, error, dialect + " field " + field);
                    }
                }
            }
        }
    }

    private static void writeBitmap(final Dialect dialect, final UnsafeBuffer buffer, final int field)
    {
        final long bitmap = Long.MIN_VALUE >>> (field - 1);
        final int at = dialect.mtiLength();
        if (dialect.bitmapEncoding() == ValueEncoding.BINARY)
        {
            buffer.putLong(at, bitmap, ByteOrder.BIG_ENDIAN);
            return;
        }
        for (int i = 0; i < 16; i++)
        {
            buffer.putByte(at + i, FieldCodec.HEX_DIGITS[(int)(bitmap >>> (60 - 4 * i)) & 0x0F]);
        }
    }

    @Test
    void shouldReadNumbersAsTheirDigitsSay()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final int[] numeric = {2, 3, 4, 7, 11, 22, 23, 28, 32, 33, 74, 97, 99};
        for (final Dialect dialect : new Dialect[] {Iso87.BINARY, Iso87.ASCII})
        {
            final MessageReader reader = new MessageReader(dialect);
            for (int trial = 0; trial < 2_000; trial++)
            {
                final MessageWriter writer = new MessageWriter(dialect).wrap(buffer, 0).mti(200);
                for (final int field : numeric)
                {
                    final FieldSpec spec = dialect.field(field);
                    final int digits = spec.isFixed() ? spec.maxLength() : 1 + random.nextInt(Math.min(18, spec.maxLength()));
                    final StringBuilder value = new StringBuilder();
                    if (spec.type() == FieldType.XN)
                    {
                        value.append(random.nextBoolean() ? 'C' : 'D');
                    }
                    while (value.length() < digits)
                    {
                        value.append((char)('0' + random.nextInt(10)));
                    }
                    writer.putString(field, value);
                }
                assertEquals(DecodeError.NONE, reader.wrap(buffer, 0, writer.finish()));
                for (final int field : numeric)
                {
                    final String text = reader.getString(field);
                    final String digits = reader.spec(field).type() == FieldType.XN ? text.substring(1) : text;
                    assertEquals(Long.parseLong(digits), reader.getLong(field), dialect + " field " + field + " " + text);
                }
            }
        }
    }
}
