package io.interchange.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * MessageReader reads variable fields with a BCD prefix through {@link FieldCodec#decodeVariable}, and the BCD MTI
 * through {@link FieldCodec#bcdValue}; both must accept exactly what the general way accepts, with the same result,
 * and leave every fault (truncated prefix or value, bad length, length over max, bad digit) to it. getLong reads BCD
 * numbers with {@link FieldCodec#bcdToLong}, which must sum the digits as a walk does.
 */
class VariableQuickPathTest
{
    private static final ValueEncoding[] ENCODINGS = ValueEncoding.values();
    private static final FieldType[] TYPES = {FieldType.N, FieldType.Z, FieldType.AN, FieldType.ANS, FieldType.B};

    private final Random random = new Random(35);

    /** Every variable spec the FieldSpec rules allow with a BCD, ASCII or binary prefix, over a few maximums. */
    private static List<FieldSpec> variableSpecs()
    {
        final List<FieldSpec> specs = new ArrayList<>();
        for (final FieldType type : TYPES)
        {
            for (final ValueEncoding encoding : ENCODINGS)
            {
                for (final LengthEncoding prefix : new LengthEncoding[] {LengthEncoding.BCD, LengthEncoding.ASCII, LengthEncoding.BINARY})
                {
                    for (int digits = 1; digits <= 4; digits++)
                    {
                        for (final int max : new int[] {1, 9, 19, 37, 99, 104, 255, 999, 9_999})
                        {
                            try
                            {
                                specs.add(FieldSpec.var(35, type, digits, prefix, max, encoding, "test"));
                            }
                            catch (final IllegalArgumentException notAllowed)
                            {
                                // not a spec a dialect can hold
                            }
                        }
                    }
                }
            }
        }
        return specs;
    }

    private static int referenceBcd(final int prefixLength, final UnsafeBuffer buffer, final int pos)
    {
        int value = 0;
        for (int i = 0; i < 2 * prefixLength; i++)
        {
            final int d = FieldCodec.nibble(buffer, pos, i);
            if (d > 9)
            {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    @Test
    void shouldReadEveryBcdNumberAsANibbleWalkDoes()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2]);
        for (int v = 0; v <= 0xFFFF; v++)
        {
            buffer.putShort(0, (short)v, ByteOrder.BIG_ENDIAN);
            assertEquals(referenceBcd(2, buffer, 0), FieldCodec.bcdValue(v), Integer.toHexString(v));
            if (v <= 0xFF)
            {
                buffer.putByte(0, (byte)v);
                assertEquals(referenceBcd(1, buffer, 0), FieldCodec.bcdValue(v), Integer.toHexString(v));
            }
        }
    }

    @Test
    void shouldConvertBcdWordsAsADigitByDigitWalkDoes()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Long.BYTES]);
        for (int trial = 0; trial < 300_000; trial++)
        {
            // Mostly digits; now and then any nibble, as the sum must match the walk's whatever they are.
            final long word = random.nextInt(4) == 0 ? random.nextLong() : randomBcd();
            buffer.putLong(0, word, ByteOrder.BIG_ENDIAN);
            for (final ValueEncoding encoding : new ValueEncoding[] {ValueEncoding.BCD_LEFT, ValueEncoding.BCD_RIGHT, ValueEncoding.BCD_RIGHT_F})
            {
                for (int digits = 0; digits <= 16; digits++)
                {
                    final int bytes = (digits + 1) >> 1;
                    final int pos = Long.BYTES - bytes;
                    long expected = 0;
                    final int shift = FieldCodec.nibbleShift(encoding, digits);
                    for (int i = 0; i < digits; i++)
                    {
                        expected = expected * 10 + FieldCodec.nibble(buffer, pos, i + shift);
                    }
                    assertEquals(expected, FieldCodec.bcdToLong(word, encoding, digits), encoding + " " + digits + " " + Long.toHexString(word));
                }
            }
        }
    }

    private long randomBcd()
    {
        long word = 0;
        for (int i = 0; i < 16; i++)
        {
            word = (word << 4) | random.nextInt(10);
        }
        return word;
    }

    @Test
    void shouldReadEveryBcdMtiAsANibbleWalkDoes()
    {
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[10]);
        for (int v = 0; v <= 0xFFFF; v++)
        {
            buffer.putShort(0, (short)v, ByteOrder.BIG_ENDIAN);
            final int expected = referenceBcd(2, buffer, 0);
            final DecodeError error = reader.wrap(buffer, 0, 10);
            assertEquals(expected < 0 ? DecodeError.BAD_MTI : DecodeError.NONE, error, Integer.toHexString(v));
            assertEquals(expected, reader.mti(), Integer.toHexString(v));
        }
    }

    @Test
    void shouldPlanOnlyTheFieldsItCanReadWithoutChecksOfItsOwn()
    {
        for (final FieldSpec spec : variableSpecs())
        {
            final int plan = FieldCodec.variablePlan(spec);
            final boolean plannable = spec.lengthEncoding() == LengthEncoding.BCD &&
                (spec.encoding() == ValueEncoding.ASCII && (spec.type() == FieldType.AN || spec.type() == FieldType.ANS) ||
                spec.encoding() == ValueEncoding.BINARY && spec.type() == FieldType.B ||
                spec.encoding().isBcd() && (spec.type() == FieldType.N || spec.type() == FieldType.Z));
            assertEquals(plannable, plan != 0, spec.toString());
        }
        assertEquals(0, FieldCodec.variablePlan(null));
        assertEquals(0, FieldCodec.variablePlan(FieldSpec.n(3, 6, ValueEncoding.BCD_LEFT, "fixed")));
    }

    @Test
    void shouldAcceptExactlyWhatTheGeneralWayAcceptsOnRandomFields()
    {
        final List<FieldSpec> specs = variableSpecs();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[20_100]);
        final int[] errors = new int[DecodeError.values().length];
        int accepted = 0;
        for (int trial = 0; trial < 400_000; trial++)
        {
            final FieldSpec spec = specs.get(random.nextInt(specs.size()));
            final int plan = FieldCodec.variablePlan(spec);
            if (plan == 0)
            {
                continue;
            }
            final int prefixLength = spec.prefixLength();
            // Mostly where fields are (after MTI and bitmap), sometimes at the start where the digit check goes short.
            final int pos = random.nextInt(4) == 0 ? random.nextInt(8) : 10 + random.nextInt(40);
            final int units = pickUnits(spec);
            fill(buffer, pos, 16 + spec.prefixLength() + spec.packedLength(units), spec);
            writeBcdPrefix(buffer, pos, prefixLength, units);
            final int fieldBytes = prefixLength + spec.packedLength(units);
            maybeCorrupt(buffer, pos, fieldBytes);
            // The frame ends at the field, around it or before its prefix is whole.
            final int end = Math.max(pos, Math.min(buffer.capacity(), pos + fieldBytes + random.nextInt(5) - 3 * random.nextInt(2)));

            final long general = FieldCodec.decodeField(spec, buffer, pos, end);
            final long quick = FieldCodec.decodeVariable(plan, spec.encoding(), buffer, pos, end);
            final String where = spec + " pos=" + pos + " end=" + end + " units=" + units;
            if (general >= 0)
            {
                accepted++;
                assertEquals(general, quick, where);
            }
            else
            {
                errors[(int)((-general) & 0xFF)]++;
                assertEquals(-1L, quick, where);
            }
        }
        assertTrue(accepted > 20_000, "accepted " + accepted);
        for (final DecodeError kind : new DecodeError[] {DecodeError.TRUNCATED, DecodeError.BAD_LENGTH, DecodeError.LENGTH_OVER_MAX,
            DecodeError.NOT_NUMERIC})
        {
            assertTrue(errors[kind.ordinal()] > 1_000, kind + " seen " + errors[kind.ordinal()] + " times");
        }
    }

    @Test
    void shouldAgreeOnEveryLengthOfEveryPlannedIso87bField()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2_100]);
        for (int field = 2; field <= FieldSpec.MAX_FIELD; field++)
        {
            final FieldSpec spec = Iso87.BINARY.field(field);
            final int plan = FieldCodec.variablePlan(spec);
            if (plan == 0)
            {
                continue;
            }
            final int prefixLength = spec.prefixLength();
            final int pos = 10;
            // Good value bytes all the way: every prefix, good, bad, over the maximum or past the frame, meets them.
            fill(buffer, pos, buffer.capacity(), spec);
            for (int prefix = 0; prefix < (prefixLength == 1 ? 0x100 : 0x10000); prefix++)
            {
                if (prefixLength == 1)
                {
                    buffer.putByte(pos, (byte)prefix);
                }
                else
                {
                    buffer.putShort(pos, (short)prefix, ByteOrder.BIG_ENDIAN);
                }
                final int end = buffer.capacity() - random.nextInt(1_100);
                final long general = FieldCodec.decodeField(spec, buffer, pos, end);
                final long quick = FieldCodec.decodeVariable(plan, spec.encoding(), buffer, pos, end);
                assertEquals(general < 0 ? -1L : general, quick, "field " + field + " prefix " + Integer.toHexString(prefix));
            }
        }
    }

    @Test
    void shouldReportFaultsInVariableFieldsAsTheGeneralWayDoes()
    {
        final Dialect dialect = Iso87.BINARY;
        final MessageReader reader = new MessageReader(dialect);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int header = dialect.mtiLength() + dialect.bitmapLength();
        for (int trial = 0; trial < 100_000; trial++)
        {
            // Field 2 (n ..19) then field 35 (z ..37), the PAN and track 2 of every card purchase.
            final MessageWriter writer = new MessageWriter(dialect).wrap(buffer, 0).mti(200);
            writer.putString(2, digits(1 + random.nextInt(19), false));
            writer.putString(35, digits(1 + random.nextInt(37), true));
            final int length = writer.finish();
            maybeCorrupt(buffer, header, length - header);
            final int frame = Math.max(0, length - (random.nextInt(4) == 0 ? random.nextInt(length) : 0));

            final DecodeError error = reader.wrap(buffer, 0, frame);
            final String where = "trial " + trial + " " + reader;
            if (frame < header || error == DecodeError.BAD_MTI)
            {
                continue;
            }
            final long first = FieldCodec.decodeField(dialect.field(2), buffer, header, frame);
            if (first < 0)
            {
                assertEquals(FieldCodec.errorOf(first), error, where);
                assertEquals(2, reader.errorField(), where);
                assertEquals(FieldCodec.errorOffsetOf(first), reader.errorOffset(), where);
                assertEquals(false, reader.has(2), where);
                continue;
            }
            assertTrue(reader.has(2), where);
            assertEquals((int)(first >>> 32), reader.units(2), where);
            assertEquals((int)first - header, reader.rawLength(2), where);
            final long second = FieldCodec.decodeField(dialect.field(35), buffer, (int)first, frame);
            if (second < 0)
            {
                assertEquals(FieldCodec.errorOf(second), error, where);
                assertEquals(35, reader.errorField(), where);
                assertEquals(FieldCodec.errorOffsetOf(second), reader.errorOffset(), where);
                assertEquals(false, reader.has(35), where);
                continue;
            }
            assertEquals((int)second == frame ? DecodeError.NONE : DecodeError.TRAILING_BYTES, error, where);
            assertEquals((int)(second >>> 32), reader.units(35), where);
            assertEquals((int)second - (int)first, reader.rawLength(35), where);
            assertEquals((int)first + 1, reader.valueOffset(35), where);
            assertEquals((int)second - (int)first - 1, reader.valueLength(35), where);
        }
    }

    private CharSequence digits(final int count, final boolean track)
    {
        final StringBuilder sb = new StringBuilder(count);
        for (int i = 0; i < count; i++)
        {
            sb.append(track && random.nextInt(10) == 0 ? '=' : (char)('0' + random.nextInt(10)));
        }
        return sb;
    }

    /** Good bytes for the spec from {@code pos} on: digits (and separators) for BCD, anything for text and bytes. */
    private void fill(final UnsafeBuffer buffer, final int pos, final int bytes, final FieldSpec spec)
    {
        final boolean track = spec.type() == FieldType.Z;
        for (int i = 0, n = Math.min(buffer.capacity(), pos + bytes); i < n; i++)
        {
            if (spec.encoding().isBcd())
            {
                final int hi = track && random.nextInt(8) == 0 ? 0x0D : random.nextInt(10);
                final int lo = track && random.nextInt(8) == 0 ? 0x0D : random.nextInt(10);
                buffer.putByte(i, (byte)((hi << 4) | lo));
            }
            else
            {
                buffer.putByte(i, (byte)random.nextInt(256));
            }
        }
    }

    /** A length mostly within the spec's maximum, sometimes at it or just above. */
    private int pickUnits(final FieldSpec spec)
    {
        final int max = spec.maxLength();
        switch (random.nextInt(6))
        {
            case 0:
                return max;
            case 1:
                return max + 1 + random.nextInt(3);
            case 2:
                return random.nextInt(3);
            default:
                return random.nextInt(Math.min(max, 200) + 1);
        }
    }

    private static void writeBcdPrefix(final UnsafeBuffer buffer, final int pos, final int prefixLength, final int units)
    {
        int v = units;
        for (int i = prefixLength - 1; i >= 0; i--)
        {
            final int lo = v % 10;
            v /= 10;
            final int hi = v % 10;
            v /= 10;
            buffer.putByte(pos + i, (byte)((hi << 4) | lo));
        }
    }

    /** Now and then one nibble above 9 (A to F) somewhere in the field, prefix included, or a random byte. */
    private void maybeCorrupt(final UnsafeBuffer buffer, final int pos, final int bytes)
    {
        if (bytes <= 0 || random.nextInt(3) != 0)
        {
            return;
        }
        final int at = pos + random.nextInt(bytes);
        if (at >= buffer.capacity())
        {
            return;
        }
        final int b = buffer.getByte(at) & 0xFF;
        final int bad = 0x0A + random.nextInt(6);
        switch (random.nextInt(3))
        {
            case 0:
                buffer.putByte(at, (byte)((b & 0x0F) | (bad << 4)));
                break;
            case 1:
                buffer.putByte(at, (byte)((b & 0xF0) | bad));
                break;
            default:
                buffer.putByte(at, (byte)random.nextInt(256));
                break;
        }
    }
}
