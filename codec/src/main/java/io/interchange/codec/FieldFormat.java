package io.interchange.codec;

/**
 * Reads the ISO 8583 format notation of a field ({@code n 6}, {@code n ..19}, {@code ans ...999},
 * {@code x+n 16}, {@code b 8}, {@code z ..37}) into a {@link FieldSpec}, given a {@link Layout} that says how
 * this dialect puts numbers, prefixes and binary data on the wire. Dialect tables are then written in the
 * notation of the standard and the network manuals.
 *
 * <p>One departure from ISO 8583:1987, which counts {@code b} fields in bits: here they count bytes, as jPOS
 * and every network manual in use do ({@code b 8} is a 64-bit PIN block). {@code x+n 16} is a sign and 16
 * digits, so the spec's length is 17.
 */
public final class FieldFormat
{
    private FieldFormat()
    {
    }

    /**
     * How a dialect lays out each kind of field.
     *
     * @param fixedNumeric encoding of fixed n, z and x+n digits.
     * @param varNumeric   encoding of variable n and z digits.
     * @param prefix       how LL/LLL/LLLL prefixes are written.
     * @param binary       how b fields are written.
     */
    public record Layout(ValueEncoding fixedNumeric, ValueEncoding varNumeric, LengthEncoding prefix, ValueEncoding binary)
    {
        /** BCD numbers and prefixes, raw binary: jPOS ISO87BPackager, and most host-to-host links. */
        public static final Layout BINARY = new Layout(ValueEncoding.BCD_LEFT, ValueEncoding.BCD_RIGHT, LengthEncoding.BCD, ValueEncoding.BINARY);
        /** ASCII numbers and prefixes, binary as hex characters: jPOS ISO87APackager. */
        public static final Layout ASCII = new Layout(ValueEncoding.ASCII, ValueEncoding.ASCII, LengthEncoding.ASCII, ValueEncoding.HEX);
    }

    public static FieldSpec parse(final int id, final String notation, final String name, final Layout layout)
    {
        final String text = notation.trim();
        final int space = text.indexOf(' ');
        if (space < 0)
        {
            throw new IllegalArgumentException("field " + id + ": format '" + notation + "' is not 'type length'");
        }
        final String typeText = text.substring(0, space);
        String lengthText = text.substring(space + 1).trim();
        int digits = 0;
        while (lengthText.startsWith("."))
        {
            digits++;
            lengthText = lengthText.substring(1);
        }
        if (digits == 1 || digits > 4)
        {
            throw new IllegalArgumentException("field " + id + ": '" + notation + "': use .. (LL), ... (LLL) or .... (LLLL)");
        }
        final int length;
        try
        {
            length = Integer.parseInt(lengthText);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("field " + id + ": '" + notation + "': length is not a number", ex);
        }
        final FieldType type = type(id, typeText);
        final boolean fixed = digits == 0;
        switch (type)
        {
            case N:
            case Z:
            case ZE:
                return fixed ?
                    new FieldSpec(id, name, type, length, 0, LengthEncoding.FIXED, layout.fixedNumeric(), Padding.ZERO_LEFT) :
                    FieldSpec.var(id, type, digits, layout.prefix(), length, layout.varNumeric(), name);
            case XN:
                if (!fixed)
                {
                    throw new IllegalArgumentException("field " + id + ": x+n amounts are fixed length");
                }
                return FieldSpec.xn(id, length + 1, layout.fixedNumeric(), name);
            case B:
                return fixed ?
                    FieldSpec.b(id, length, layout.binary(), name) :
                    FieldSpec.var(id, FieldType.B, digits, layout.prefix(), length, ValueEncoding.BINARY, name);
            default:
                return fixed ?
                    new FieldSpec(id, name, type, length, 0, LengthEncoding.FIXED, ValueEncoding.ASCII, Padding.SPACE_RIGHT) :
                    FieldSpec.var(id, type, digits, layout.prefix(), length, ValueEncoding.ASCII, name);
        }
    }

    private static FieldType type(final int id, final String text)
    {
        switch (text)
        {
            case "n":
                return FieldType.N;
            case "an":
            case "a":
                return FieldType.AN;
            case "ans":
            case "ns":
            case "as":
                return FieldType.ANS;
            case "b":
                return FieldType.B;
            case "z":
                return FieldType.Z;
            case "ze":
                return FieldType.ZE;
            case "x+n":
                return FieldType.XN;
            default:
                throw new IllegalArgumentException("field " + id + ": unknown type '" + text + "'");
        }
    }
}
