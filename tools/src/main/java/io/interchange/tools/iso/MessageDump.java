package io.interchange.tools.iso;

import java.io.PrintWriter;

import io.interchange.codec.DecodeError;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.FieldType;
import io.interchange.codec.MessageReader;
import io.interchange.codec.Mti;
import io.interchange.codec.SensitiveData;

/**
 * A read message for people, one line per element: MTI, bitmaps in hex, then each field's number, name,
 * format, length and value. What PCI DSS keeps out of sight stays out (DESIGN.md §7): PANs show first six
 * and last four (3.4), track data and PIN blocks only their length (3.3.1, 3.3.3), ICC data with those
 * tags hidden: the rule is the codec's {@link SensitiveData}.
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

    private MessageDump()
    {
    }

    /** Prints a header line in the dump's layout: a label and its text. */
    public static void printLine(final PrintWriter out, final String label, final String text)
    {
        out.printf(LABEL, label, text);
    }

    /** What the value column shows for every field of a message that does not decode. */
    static final String NOT_SHOWN = "[not shown: the message does not decode]";

    /**
     * Prints what {@code reader} could read: all of a valid message; of one that does not decode, the elements before
     * the fault without their values. One wrong bitmap bit shifts every field after it, so track 2 or a PIN block
     * can sit in what reads as field 41, where no rule would hide it ({@link MessageReader#toString}).
     */
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
                out.printf(line, f, spec.name(), notation(spec), reader.units(f),
                    reader.error() == DecodeError.NONE ? value(reader, f) : NOT_SHOWN);
            }
        }
    }

    /** A field's value as the dump shows it: {@link SensitiveData} applied, text quoted so padding shows. */
    public static String value(final MessageReader reader, final int field)
    {
        final FieldSpec spec = reader.spec(field);
        if (field != SensitiveData.ICC_DATA && !SensitiveData.isPan(field) && !SensitiveData.isProtected(spec) &&
            !SensitiveData.listsCards(reader, field) && (spec.type() == FieldType.AN || spec.type() == FieldType.ANS))
        {
            return quote(reader.getString(field));
        }
        return SensitiveData.appendShowable(reader, field, new StringBuilder()).toString();
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
