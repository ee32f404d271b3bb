package io.interchange.codec;

/**
 * How a field's value is laid on the wire. A field's length is counted in units: digits for the numeric
 * encodings, characters for {@link #ASCII}, bytes for {@link #BINARY} and {@link #HEX}.
 */
public enum ValueEncoding
{
    /** One byte per character or digit. */
    ASCII,
    /** Two digits per byte; an odd count gets a leading zero nibble (jPOS {@code BCDInterpreter.LEFT_PADDED}). */
    BCD_LEFT,
    /** Two digits per byte; an odd count gets a trailing zero nibble (jPOS {@code BCDInterpreter.RIGHT_PADDED}). */
    BCD_RIGHT,
    /** Two digits per byte; an odd count gets a trailing F nibble (jPOS {@code BCDInterpreter.RIGHT_PADDED_F}). */
    BCD_RIGHT_F,
    /** Raw bytes. */
    BINARY,
    /** Raw bytes written as two upper-case hexadecimal ASCII characters each (jPOS {@code IFA_BINARY}). */
    HEX;

    public boolean isBcd()
    {
        return this == BCD_LEFT || this == BCD_RIGHT || this == BCD_RIGHT_F;
    }

    /**
     * Bytes taken on the wire by {@code units} units of value.
     */
    public int packedLength(final int units)
    {
        switch (this)
        {
            case ASCII:
            case BINARY:
                return units;
            case HEX:
                return units << 1;
            default:
                return (units + 1) >> 1;
        }
    }
}
