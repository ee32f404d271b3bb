package io.interchange.codec;

import java.util.SplittableRandom;

import io.interchange.codec.dialect.Dialects;
import org.agrona.concurrent.UnsafeBuffer;
import org.jpos.iso.ISOBasePackager;
import org.jpos.iso.ISOException;
import org.jpos.iso.ISOFieldPackager;
import org.jpos.iso.ISOMsg;

/**
 * Random but valid ISO 8583 messages for the conformance and fuzz tests. A field's shape is taken either from
 * jPOS's own packager (so the conformance test does not generate from the table it is checking) or from one of
 * our dialects (for dialects jPOS does not ship). Everything is drawn from the caller's {@link SplittableRandom},
 * so a seed reproduces a message exactly.
 */
final class RandomMessages
{
    /** MTIs the switch sees (DESIGN.md §4); the rest of the time any four digits. */
    private static final String[] COMMON_MTIS = {
        "0100", "0110", "0120", "0130", "0200", "0210", "0220", "0230", "0320", "0330",
        "0400", "0410", "0420", "0421", "0430", "0500", "0510", "0800", "0810", "0820", "0830"};

    /** Fraction of defined fields a message carries: from almost none to all of them. */
    private static final double[] DENSITIES = {0.0, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0};

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** What a field may hold, as far as generating values goes. */
    enum Kind
    {
        NUMERIC,
        TRACK,
        AMOUNT,
        CHAR,
        BINARY
    }

    /**
     * @param id    field number.
     * @param kind  what it holds.
     * @param max   fixed length or maximum, in characters, digits (sign included for amounts) or bytes.
     * @param fixed true for a fixed-length field.
     */
    record Shape(int id, Kind kind, int max, boolean fixed)
    {
    }

    /**
     * One message: MTI and the text form of each present field (upper-case hex for binary), as set, before any
     * padding a packer applies.
     */
    record Sample(String mti, int[] fields, String[] values)
    {
        boolean has(final int field)
        {
            return values[field] != null;
        }
    }

    private RandomMessages()
    {
    }

    /** The shapes of fields 2..128 as jPOS's packager defines them; null where it defines none. */
    static Shape[] shapes(final ISOBasePackager packager)
    {
        final Shape[] shapes = new Shape[FieldSpec.MAX_FIELD + 1];
        for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
        {
            final ISOFieldPackager fp = packager.getFieldPackager(f);
            if (fp == null)
            {
                continue;
            }
            final int len = fp.getLength();
            final String kind = fp.getClass().getSimpleName();
            switch (kind)
            {
                case "IFA_NUMERIC":
                case "IFB_NUMERIC":
                    shapes[f] = new Shape(f, Kind.NUMERIC, len, true);
                    break;
                case "IFA_LLNUM":
                case "IFB_LLNUM":
                    // jPOS has no track-2 type: field 35 is an LLNUM whose BCD nibble D unpacks as '='.
                    shapes[f] = new Shape(f, f == 35 ? Kind.TRACK : Kind.NUMERIC, len, false);
                    break;
                case "IFA_AMOUNT":
                case "IFB_AMOUNT":
                    shapes[f] = new Shape(f, Kind.AMOUNT, len, true);
                    break;
                case "IF_CHAR":
                    shapes[f] = new Shape(f, Kind.CHAR, len, true);
                    break;
                case "IFA_LLCHAR":
                case "IFB_LLCHAR":
                case "IFA_LLLCHAR":
                case "IFB_LLLCHAR":
                    shapes[f] = new Shape(f, Kind.CHAR, len, false);
                    break;
                case "IFA_BINARY":
                case "IFB_BINARY":
                    shapes[f] = new Shape(f, Kind.BINARY, len, true);
                    break;
                default:
                    throw new IllegalStateException("field " + f + ": no generator for jPOS " + kind);
            }
        }
        return shapes;
    }

    /** The shapes of a dialect's fields; null where it defines none. */
    static Shape[] shapes(final Dialect dialect)
    {
        final Shape[] shapes = new Shape[FieldSpec.MAX_FIELD + 1];
        for (final FieldSpec spec : dialect.fields())
        {
            final Kind kind;
            switch (spec.type())
            {
                case N:
                    kind = Kind.NUMERIC;
                    break;
                case Z:
                case ZE:
                    kind = Kind.TRACK;
                    break;
                case XN:
                    kind = Kind.AMOUNT;
                    break;
                case B:
                    kind = Kind.BINARY;
                    break;
                default:
                    kind = Kind.CHAR;
                    break;
            }
            shapes[spec.id()] = new Shape(spec.id(), kind, spec.maxLength(), spec.isFixed());
        }
        return shapes;
    }

    static Sample sample(final SplittableRandom random, final Shape[] shapes)
    {
        final String mti = random.nextBoolean() ?
            COMMON_MTIS[random.nextInt(COMMON_MTIS.length)] : digits(random, 4);
        final double density = DENSITIES[random.nextInt(DENSITIES.length)];
        // Now and then a message with only secondary-bitmap fields, or only primary ones.
        final int mode = random.nextInt(8);
        final int from = mode == 0 ? 65 : 2;
        final int to = mode == 1 ? 64 : FieldSpec.MAX_FIELD;
        final String[] values = new String[FieldSpec.MAX_FIELD + 1];
        int count = 0;
        for (int f = from; f <= to; f++)
        {
            if (shapes[f] != null && random.nextDouble() < density)
            {
                values[f] = value(random, shapes[f]);
                count++;
            }
        }
        if (count == 0)
        {
            // jPOS packs a message without fields with no bitmap at all, and cannot unpack that itself; the
            // standard has no such message, so every sample carries at least one field.
            int f;
            do
            {
                f = 2 + random.nextInt(FieldSpec.MAX_FIELD - 1);
            }
            while (shapes[f] == null);
            values[f] = value(random, shapes[f]);
            count = 1;
        }
        final int[] fields = new int[count];
        for (int f = 2, i = 0; f <= FieldSpec.MAX_FIELD; f++)
        {
            if (values[f] != null)
            {
                fields[i++] = f;
            }
        }
        return new Sample(mti, fields, values);
    }

    /** A valid value in text form; fixed text and numbers may be short, which packers pad. */
    static String value(final SplittableRandom random, final Shape shape)
    {
        final int max = shape.max();
        switch (shape.kind())
        {
            case NUMERIC:
                return digits(random, length(random, shape, max));
            case TRACK:
                return track(random, length(random, shape, max));
            case AMOUNT:
                return (random.nextBoolean() ? "C" : "D") + digits(random, length(random, shape, max - 1));
            case CHAR:
                return printable(random, length(random, shape, max));
            default:
                return hex(bytes(random, shape.fixed() ? max : varLength(random, max)));
        }
    }

    /** A fixed field's value is full length three times in four, else short; a variable one is 0..max. */
    private static int length(final SplittableRandom random, final Shape shape, final int max)
    {
        if (!shape.fixed())
        {
            return varLength(random, max);
        }
        return random.nextInt(4) != 0 || max == 0 ? max : random.nextInt(max);
    }

    /** Biased to the edges, where length bugs live: empty, full, short, then anything. */
    private static int varLength(final SplittableRandom random, final int max)
    {
        switch (random.nextInt(8))
        {
            case 0:
                return 0;
            case 1:
                return max;
            case 2:
            case 3:
                return 1 + random.nextInt(Math.min(max, 8));
            default:
                return random.nextInt(max + 1);
        }
    }

    static String digits(final SplittableRandom random, final int n)
    {
        final char[] c = new char[n];
        for (int i = 0; i < n; i++)
        {
            c[i] = (char)('0' + random.nextInt(10));
        }
        return new String(c);
    }

    private static String track(final SplittableRandom random, final int n)
    {
        final char[] c = new char[n];
        for (int i = 0; i < n; i++)
        {
            c[i] = random.nextInt(8) == 0 ? '=' : (char)('0' + random.nextInt(10));
        }
        return new String(c);
    }

    private static String printable(final SplittableRandom random, final int n)
    {
        final char[] c = new char[n];
        for (int i = 0; i < n; i++)
        {
            c[i] = (char)(0x20 + random.nextInt(0x7F - 0x20));
        }
        return new String(c);
    }

    static byte[] bytes(final SplittableRandom random, final int n)
    {
        final byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** The sample as a jPOS message for {@code packager}. */
    static ISOMsg toJpos(final Sample sample, final ISOBasePackager packager) throws ISOException
    {
        final ISOMsg m = new ISOMsg(sample.mti());
        m.setPackager(packager);
        for (final int f : sample.fields())
        {
            // set(int, String) turns hex into bytes for binary fields, as a jPOS user would write them.
            m.set(f, sample.values()[f]);
        }
        return m;
    }

    /** What a test checks of one random message: a reader over it, its bytes, the draw's random and its number. */
    interface Check
    {
        void check(MessageReader message, byte[] bytes, SplittableRandom random, String name);
    }

    /**
     * {@code perDialect} random messages of every dialect, each written by our writer, read back (which must find no
     * fault) and handed to {@code check}, which may go on drawing from the same random.
     */
    static void forEach(final long seed, final int perDialect, final Check check)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256 * 1024]);
        for (final Dialect dialect : Dialects.all())
        {
            final Shape[] shapes = shapes(dialect);
            final MessageWriter writer = new MessageWriter(dialect);
            final MessageReader reader = new MessageReader(dialect);
            for (int i = 0; i < perDialect; i++)
            {
                final byte[] bytes = write(sample(random, shapes), writer, buffer, random);
                final String name = dialect.name() + " #" + i + ": " + hex(bytes);
                if (reader.wrap(bytes, 0, bytes.length) != DecodeError.NONE)
                {
                    throw new AssertionError(name + " does not read back: " + reader.error());
                }
                check.check(reader, bytes, random, name);
            }
        }
    }

    /**
     * The sample packed by our writer into a fresh array. Binary fields go in as raw bytes or as hex text,
     * chosen by {@code random}, so both writer paths are compared.
     */
    static byte[] write(final Sample sample, final MessageWriter writer, final UnsafeBuffer buffer, final SplittableRandom random)
    {
        writer.wrap(buffer, 0).mti(Integer.parseInt(sample.mti()));
        for (final int f : sample.fields())
        {
            final String value = sample.values()[f];
            if (writer.dialect().field(f).type() == FieldType.B && random.nextBoolean())
            {
                writer.putBytes(f, unhex(value));
            }
            else
            {
                writer.putString(f, value);
            }
        }
        final int length = writer.finish();
        final byte[] out = new byte[length];
        buffer.getBytes(0, out);
        return out;
    }

    static String hex(final byte[] bytes)
    {
        return hex(bytes, 0, bytes.length);
    }

    static String hex(final byte[] bytes, final int offset, final int length)
    {
        final char[] c = new char[length * 2];
        for (int i = 0; i < length; i++)
        {
            final int b = bytes[offset + i] & 0xFF;
            c[2 * i] = HEX[b >>> 4];
            c[2 * i + 1] = HEX[b & 0x0F];
        }
        return new String(c);
    }

    static byte[] unhex(final String hex)
    {
        final byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++)
        {
            b[i] = (byte)Integer.parseInt(hex, 2 * i, 2 * i + 2, 16);
        }
        return b;
    }
}
