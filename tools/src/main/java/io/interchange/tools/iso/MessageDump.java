package io.interchange.tools.iso;

import java.io.PrintWriter;

import io.interchange.codec.DecodeError;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.FieldType;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.Pan;

/**
 * A read message for people, one line per element: MTI, bitmaps in hex, then each field's number, name,
 * format, length and value. What PCI DSS keeps out of sight stays out (DESIGN.md §7): PANs show first six
 * and last four (3.4), track data and PIN blocks only their length (3.3.1, 3.3.3), ICC data with those
 * tags hidden ({@link IccData}).
 *
 * <pre>
 * MTI      0200
 * bitmap   7234448128C08000
 *    2  PRIMARY ACCOUNT NUMBER      n ..19     16  476173******0119
 *   35  TRACK 2 DATA                z ..37     37  [protected, 37 digits]
 *   41  CARD ACCEPTOR TERMINAL ID   ans 8       8  "TERM0001"
 * </pre>
 */
public final class MessageDump
{
    private static final String LABEL = "%-9s%s%n";
    private static final int PAN = 2;
    private static final int PAN_EXTENDED = 34;
    private static final int ICC_DATA = 55;
    /** Track 2, track 3, track 1 and the PIN block. */
    private static final int[] PROTECTED_FIELDS = {35, 36, 45, 52};

    private MessageDump()
    {
    }

    /** Prints a header line in the dump's layout: a label and its text. */
    public static void printLine(final PrintWriter out, final String label, final String text)
    {
        out.printf(LABEL, label, text);
    }

    /** Prints what {@code reader} could read: all of a valid message, or the elements before the fault. */
    public static void print(final MessageReader reader, final PrintWriter out)
    {
        printLine(out, "message", reader.dialect().name() + ", " + reader.length() + " bytes");
        if (reader.mti() < 0)
        {
            return;
        }
        printLine(out, "MTI", Mti.toString(reader.mti()));
        if (reader.error() != DecodeError.NONE && reader.errorField() == 1)
        {
            return;
        }
        printLine(out, "bitmap", bitmapHex(reader, 1));
        if (reader.bitmapHas(1))
        {
            printLine(out, "bitmap", bitmapHex(reader, 65) + "  secondary");
        }

        int nameWidth = 0;
        for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
        {
            if (reader.has(f))
            {
                nameWidth = Math.max(nameWidth, reader.spec(f).name().length());
            }
        }
        final String line = "%4d  %-" + nameWidth + "s  %-10s %4d  %s%n";
        for (int f = 2; f <= FieldSpec.MAX_FIELD; f++)
        {
            if (reader.has(f))
            {
                final FieldSpec spec = reader.spec(f);
                out.printf(line, f, spec.name(), notation(spec), reader.units(f), value(reader, f));
            }
        }
    }

    /** A field's value as the dump shows it, protection applied. */
    public static String value(final MessageReader reader, final int field)
    {
        final FieldSpec spec = reader.spec(field);
        if (field == PAN || field == PAN_EXTENDED)
        {
            return Pan.mask(reader.getString(field));
        }
        if (isProtected(spec))
        {
            return "[protected, " + reader.units(field) + " " + unitName(spec.type()) + "]";
        }
        if (field == ICC_DATA)
        {
            return IccData.render(reader.getBytes(field));
        }
        if (spec.type() == FieldType.AN || spec.type() == FieldType.ANS)
        {
            return quote(reader.getString(field));
        }
        return reader.getString(field);
    }

    /** Track data in any field, by number or by its track code set (z), and the PIN block. */
    public static boolean isProtected(final FieldSpec spec)
    {
        if (spec.type() == FieldType.Z)
        {
            return true;
        }
        for (final int f : PROTECTED_FIELDS)
        {
            if (f == spec.id())
            {
                return true;
            }
        }
        return false;
    }

    /** The format in ISO notation, as the dialect tables write it: {@code n ..19}, {@code b 8}, {@code x+n 16}. */
    public static String notation(final FieldSpec spec)
    {
        final StringBuilder sb = new StringBuilder(12);
        final int length;
        if (spec.type() == FieldType.XN)
        {
            sb.append("x+n");
            length = spec.maxLength() - 1;
        }
        else
        {
            sb.append(spec.type().name().toLowerCase());
            length = spec.maxLength();
        }
        sb.append(' ');
        for (int i = 0; i < spec.prefixDigits(); i++)
        {
            sb.append('.');
        }
        return sb.append(length).toString();
    }

    private static String unitName(final FieldType type)
    {
        switch (type)
        {
            case N:
            case Z:
            case XN:
                return "digits";
            case B:
                return "bytes";
            default:
                return "characters";
        }
    }

    /** The bitmap that starts at {@code first} (1 or 65), as the 16 hex digits of its 64 bits. */
    private static String bitmapHex(final MessageReader reader, final int first)
    {
        long bits = 0;
        for (int i = 0; i < 64; i++)
        {
            if (reader.bitmapHas(first + i))
            {
                bits |= Long.MIN_VALUE >>> i;
            }
        }
        return String.format("%016X", bits);
    }

    /** Text in double quotes, so padding shows; control and non-ASCII bytes as \xNN. */
    static String quote(final String text)
    {
        final StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                sb.append('\\').append(c);
            }
            else if (c < 0x20 || c >= 0x7F)
            {
                sb.append(String.format("\\x%02X", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
