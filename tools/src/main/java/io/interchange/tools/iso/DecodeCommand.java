package io.interchange.tools.iso;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

import io.interchange.codec.DecodeError;
import io.interchange.codec.FieldSpec;
import io.interchange.codec.MessageReader;
import io.interchange.codec.frame.Framing;
import io.interchange.codec.frame.LengthHeader;
import io.interchange.codec.frame.Tpdu;
import io.interchange.tools.Interchange;
import io.interchange.tools.InputException;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code interchange iso decode}: hex in, one line per element out, sensitive fields masked (see
 * {@link MessageDump}). A message that does not decode is shown as far as it was read, then rejected with the
 * reader's error, field and offset.
 */
@Command(
    name = "decode",
    description = {
        "Decode an ISO 8583 message given in hex and print it field by field.",
        "The PAN is masked to first 6 / last 4; track data, PIN blocks and card verification data are never shown.",
    })
public final class DecodeCommand implements Callable<Integer>
{
    private static final String STDIN = "-";

    @Spec
    private CommandSpec spec;

    @Mixin
    private FormatOptions format;

    @Parameters(
        arity = "1..*",
        paramLabel = "<hex>",
        description = "The message in hex; spaces are ignored. '-' reads the hex from standard input.")
    private List<String> hex;

    @Override
    public Integer call()
    {
        final byte[] bytes = Hex.parse(input());
        final PrintWriter out = spec.commandLine().getOut();
        final int messageOffset = printFrame(bytes, out);

        final MessageReader reader = new MessageReader(format.dialect());
        final DecodeError error = reader.wrap(bytes, messageOffset, bytes.length - messageOffset);
        MessageDump.print(reader, out);
        out.flush();
        if (error != DecodeError.NONE)
        {
            throw new InputException(describe(reader, messageOffset));
        }
        return ExitCode.OK;
    }

    private String input()
    {
        if (!hex.contains(STDIN))
        {
            return String.join(" ", hex);
        }
        if (hex.size() > 1)
        {
            throw new InputException("'-' reads the message from standard input; give either '-' or hex, not both");
        }
        try
        {
            // Hex is ASCII; anything else is reported as a bad character by Hex.parse.
            return new String(Interchange.stdin(spec).readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        catch (final IOException ex)
        {
            throw new InputException("cannot read standard input: " + ex.getMessage());
        }
    }

    /**
     * Checks and prints the frame around the message: its length header and, for UnionPay POS, the TPDU and
     * application header. Returns where the message starts.
     */
    private int printFrame(final byte[] bytes, final PrintWriter out)
    {
        final Framing frame = format.framing().framing();
        if (frame == null)
        {
            return 0;
        }
        final LengthHeader lengthHeader = frame.lengthHeader();
        final int size = lengthHeader.size();
        if (bytes.length < size)
        {
            throw new InputException("the input of " + bytes(bytes.length) + " ends inside the " + size + "-byte " +
                format.framing() + " length header");
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final String headerHex = Hex.format(bytes, 0, size);
        final int declared = lengthHeader.read(buffer, 0);
        if (declared < 0)
        {
            throw new InputException("length header " + headerHex + " is not a decimal length");
        }
        final int follow = bytes.length - size;
        MessageDump.printLine(out, "length", String.format("%-14s %d bytes follow", headerHex, declared));
        final int frameLength = frame.frameLength(buffer, 0, bytes.length);
        if (frameLength == Framing.TOO_LONG)
        {
            throw new InputException("length header declares " + declared + " bytes, above the maximum of " + frame.maxFrameLength());
        }
        if (frame.keepAlive(frameLength))
        {
            throw new InputException("length header declares 0 bytes: a keep-alive, with no message in it");
        }
        if (frameLength == Framing.TOO_SHORT)
        {
            throw new InputException("length header declares " + declared + " bytes, too few for a " +
                (frame.headerLength() > 0 ? frame.headerLength() + "-byte header and " : "") + "message");
        }
        if (frameLength == Framing.NEED_MORE)
        {
            throw new InputException("truncated frame: length header declares " + bytes(declared) + ", " + follow + " follow");
        }
        if (frameLength < bytes.length)
        {
            throw new InputException("the input goes on for " + bytes(bytes.length - frameLength) + " after the " + declared +
                "-byte frame its length header declares");
        }
        if (format.framing() == FrameFormat.UNIONPAY_POS)
        {
            final int tpdu = size;
            MessageDump.printLine(out, "TPDU", String.format("%-14s id %s, destination %s, source %s",
                Hex.format(bytes, tpdu, Tpdu.LENGTH),
                Hex.format(bytes, tpdu, 1), Hex.format(bytes, tpdu + 1, 2), Hex.format(bytes, tpdu + 3, 2)));
            MessageDump.printLine(out, "header", Hex.format(bytes, tpdu + Tpdu.LENGTH, frame.headerLength() - Tpdu.LENGTH));
        }
        else if (frame.headerLength() > 0)
        {
            MessageDump.printLine(out, "header", Hex.format(bytes, size, frame.headerLength()));
        }
        return frame.messageOffset(0);
    }

    private static String bytes(final int count)
    {
        return count == 1 ? "1 byte" : count + " bytes";
    }

    /** The reader's error in one line: what, where in the message, and where in the input when framed. */
    private static String describe(final MessageReader reader, final int messageOffset)
    {
        final DecodeError error = reader.error();
        final int field = reader.errorField();
        final StringBuilder sb = new StringBuilder("cannot decode ")
            .append(reader.dialect().name()).append(" message: ")
            .append(error.description()).append(" (").append(error.name()).append(')');
        if (field == 0)
        {
            sb.append(" in the MTI");
        }
        else if (field == 1)
        {
            sb.append(" in the bitmap");
        }
        else if (field > 1)
        {
            final FieldSpec spec = reader.spec(field);
            sb.append(" in field ").append(field);
            if (spec == null)
            {
                sb.append(" (not defined in ").append(reader.dialect().name()).append(')');
            }
            else
            {
                sb.append(" (").append(spec.name()).append(", ").append(MessageDump.notation(spec)).append(')');
            }
        }
        sb.append(" at byte offset ").append(reader.errorOffset());
        if (messageOffset > 0)
        {
            sb.append(" of the message, ").append(messageOffset + reader.errorOffset()).append(" of the input");
        }
        return sb.toString();
    }
}
