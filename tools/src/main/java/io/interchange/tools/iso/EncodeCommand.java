package io.interchange.tools.iso;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import io.interchange.codec.FieldSpec;
import io.interchange.codec.FieldType;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.frame.Framing;
import io.interchange.codec.frame.Tpdu;
import io.interchange.tools.InputException;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code interchange iso encode}: {@code field=value} pairs in, the message in hex out. Values are given as the
 * decoder prints them (digits, text, binary as hex) and checked by the codec's writer, whose message names the
 * field when one is refused.
 */
@Command(
    name = "encode",
    description = {
        "Build an ISO 8583 message from field=value pairs and print it in hex.",
        "0=<MTI> gives the message type; binary fields are given in hex; fields may come in any order.",
        "In text (an, ans) fields, \\xNN stands for the byte NN and \\\\ for a backslash, as decode prints them.",
    })
public final class EncodeCommand implements Callable<Integer>
{
    private static final int MTI = 0;
    private static final int SECONDARY_BITMAP = 1;
    private static final String DEFAULT_TPDU = "6000020000";
    private static final String DEFAULT_APP_HEADER = "603100310701";

    @Spec
    private CommandSpec spec;

    @Mixin
    private FormatOptions format;

    @Option(
        names = "--tpdu",
        paramLabel = "<hex>",
        description = "With --framing unionpay-pos: the 5-byte TPDU (default: " + DEFAULT_TPDU + ").")
    private String tpdu;

    @Option(
        names = "--app-header",
        paramLabel = "<hex>",
        description = "With --framing unionpay-pos: the 6-byte application header (default: " + DEFAULT_APP_HEADER + ").")
    private String appHeader;

    @Parameters(
        arity = "1..*",
        paramLabel = "<field=value>",
        description = "A field and its value, e.g. 0=0200 2=4761739001010119 4=1000 52=0123456789ABCDEF.")
    private List<String> assignments;

    @Override
    public Integer call()
    {
        final TreeMap<Integer, String> fields = parse(assignments);
        final byte[] header = fixedHeader();
        final Framing frame = format.framing().framing();
        final int messageOffset = frame == null ? 0 : frame.messageOffset(0);

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[messageOffset + capacity(fields)]);
        final MessageWriter writer = new MessageWriter(format.dialect()).wrap(buffer, messageOffset);
        writer.mti(mti(fields.get(MTI)));
        for (final Map.Entry<Integer, String> field : fields.tailMap(SECONDARY_BITMAP, false).entrySet())
        {
            final int number = field.getKey();
            try
            {
                writer.putString(number, value(number, field.getValue()));
            }
            catch (final IllegalArgumentException ex)
            {
                final FieldSpec fieldSpec = format.dialect().field(number);
                throw new InputException("cannot encode: " + ex.getMessage() + (fieldSpec == null ? "" :
                    "; field " + number + " is " + MessageDump.notation(fieldSpec) + " (" + fieldSpec.name() + ")"));
            }
        }
        final int length = writer.finish();

        if (frame != null)
        {
            if (frame.headerLength() + length > frame.maxFrameLength())
            {
                throw new InputException("cannot frame: " + (frame.headerLength() + length) + " bytes are above the " +
                    format.framing() + " maximum of " + frame.maxFrameLength());
            }
            frame.writeLength(buffer, 0, length);
            buffer.putBytes(frame.lengthHeader().size(), header);
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println(Hex.format(buffer.byteArray(), 0, messageOffset + length));
        out.flush();
        return ExitCode.OK;
    }

    /**
     * The arguments by field number, so the writer gets them in the ascending order it needs. A bad argument is
     * named by its position, not echoed: it may be a card number typed without its "2=".
     */
    private static TreeMap<Integer, String> parse(final List<String> assignments)
    {
        final TreeMap<Integer, String> fields = new TreeMap<>();
        for (int i = 0; i < assignments.size(); i++)
        {
            final String assignment = assignments.get(i);
            final int eq = assignment.indexOf('=');
            if (eq < 1)
            {
                throw new InputException("argument " + (i + 1) + " is not field=value, e.g. 4=1000");
            }
            final int field = fieldNumber(assignment.substring(0, eq));
            if (field < 0)
            {
                throw new InputException("argument " + (i + 1) + " does not start with a field number from 0 to " +
                    FieldSpec.MAX_FIELD + " and '='");
            }
            if (field == SECONDARY_BITMAP)
            {
                throw new InputException("field 1 is the secondary bitmap; it is set from the fields given");
            }
            if (fields.put(field, assignment.substring(eq + 1)) != null)
            {
                throw new InputException("field " + field + " is given twice");
            }
        }
        if (!fields.containsKey(MTI))
        {
            throw new InputException("no MTI: give the message type as 0=<MTI>, e.g. 0=0200");
        }
        return fields;
    }

    /** The field number in {@code text}, or -1. */
    private static int fieldNumber(final String text)
    {
        if (text.length() > 3)
        {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= FieldSpec.MAX_FIELD ? value : -1;
    }

    /**
     * The text the writer gets for a field. Text fields take the escapes decode prints, so a field that carries
     * bytes in an ans field (ICC data in ISO 8583:1987 field 55, for one) can be given back.
     */
    private String value(final int field, final String text)
    {
        final FieldSpec fieldSpec = format.dialect().field(field);
        if (fieldSpec == null || text.indexOf('\\') < 0 ||
            (fieldSpec.type() != FieldType.AN && fieldSpec.type() != FieldType.ANS))
        {
            return text;
        }
        final StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            final char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (next == '\\' || next == '"')
            {
                sb.append(next);
                i++;
            }
            else if (next == 'x' && i + 3 < text.length() &&
                Character.digit(text.charAt(i + 2), 16) >= 0 && Character.digit(text.charAt(i + 3), 16) >= 0)
            {
                sb.append((char)Integer.parseInt(text.substring(i + 2, i + 4), 16));
                i += 3;
            }
            else
            {
                throw new InputException("field " + field + ": bad escape at " + i + "; use \\xNN for a byte, \\\\ for a backslash");
            }
        }
        return sb.toString();
    }

    private static int mti(final String text)
    {
        if (text.length() != 4 || !text.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            throw new InputException("the MTI (field 0) must be four digits, e.g. 0=0200");
        }
        return Integer.parseInt(text);
    }

    /** The bytes between the length and the message: TPDU and application header for unionpay-pos, else none. */
    private byte[] fixedHeader()
    {
        if (format.framing() != FrameFormat.UNIONPAY_POS)
        {
            if (tpdu != null || appHeader != null)
            {
                throw new InputException("--tpdu and --app-header go with --framing unionpay-pos");
            }
            return new byte[0];
        }
        final byte[] tpduBytes = Hex.parse(tpdu == null ? DEFAULT_TPDU : tpdu);
        final byte[] appHeaderBytes = Hex.parse(appHeader == null ? DEFAULT_APP_HEADER : appHeader);
        final int appHeaderLength = format.framing().framing().headerLength() - Tpdu.LENGTH;
        if (tpduBytes.length != Tpdu.LENGTH)
        {
            throw new InputException("--tpdu must be " + Tpdu.LENGTH + " bytes, not " + tpduBytes.length);
        }
        if (appHeaderBytes.length != appHeaderLength)
        {
            throw new InputException("--app-header must be " + appHeaderLength + " bytes, not " + appHeaderBytes.length);
        }
        final byte[] header = new byte[Tpdu.LENGTH + appHeaderLength];
        System.arraycopy(tpduBytes, 0, header, 0, Tpdu.LENGTH);
        System.arraycopy(appHeaderBytes, 0, header, Tpdu.LENGTH, appHeaderLength);
        return header;
    }

    /**
     * Room for the worst case of the values given: every value as hex, or a fixed field at twice its length,
     * plus prefixes, MTI and both bitmaps. The writer refuses anything longer than its spec before writing it.
     */
    private int capacity(final Map<Integer, String> fields)
    {
        int bytes = 4 + 2 * 16;
        for (final Map.Entry<Integer, String> field : fields.entrySet())
        {
            final FieldSpec fieldSpec = format.dialect().field(field.getKey());
            final int max = fieldSpec == null ? 0 : fieldSpec.maxLength();
            bytes += 4 + 2 * Math.max(field.getValue().length(), max);
        }
        return bytes;
    }
}
