package io.interchange.tools.iso;

import java.util.Arrays;
import java.util.Iterator;
import java.util.stream.Collectors;

import io.interchange.codec.frame.Framing;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The {@code --framing} choices: how a message sits in a frame on a TCP stream. */
public enum FrameFormat
{
    /** The bare message. */
    NONE("none", null),
    /** A 2-byte binary length (jPOS NACChannel without a header). */
    BINARY_2("binary-2", Framing.BINARY_2),
    /** A 4-digit ASCII length (jPOS ASCIIChannel). */
    ASCII_4("ascii-4", Framing.ASCII_4),
    /** UnionPay POS: a 2-byte binary length, a 5-byte TPDU and a 6-byte application header. */
    UNIONPAY_POS("unionpay-pos", Framing.UNIONPAY_POS);

    private final String label;
    private final Framing framing;

    FrameFormat(final String label, final Framing framing)
    {
        this.label = label;
        this.framing = framing;
    }

    public String label()
    {
        return label;
    }

    /** The codec's framing, or null for {@link #NONE}. */
    public Framing framing()
    {
        return framing;
    }

    @Override
    public String toString()
    {
        return label;
    }

    public static final class Converter implements ITypeConverter<FrameFormat>
    {
        @Override
        public FrameFormat convert(final String value)
        {
            for (final FrameFormat format : values())
            {
                if (format.label.equals(value))
                {
                    return format;
                }
            }
            throw new TypeConversionException("unknown framing '" + value + "'; known: " +
                Arrays.stream(values()).map(FrameFormat::label).collect(Collectors.joining(", ")));
        }
    }

    public static final class Labels implements Iterable<String>
    {
        @Override
        public Iterator<String> iterator()
        {
            return Arrays.stream(values()).map(FrameFormat::label).iterator();
        }
    }
}
