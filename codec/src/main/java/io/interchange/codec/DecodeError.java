package io.interchange.codec;

/**
 * Why a frame could not be read. Each is a state the reader reports with the field and byte offset at fault
 * (DESIGN.md §5); none is thrown.
 */
public enum DecodeError
{
    NONE("no error"),
    /** The frame ends inside the MTI, the bitmap, a length prefix or a value. */
    TRUNCATED("frame ends inside the element"),
    /** The MTI is not four decimal digits. */
    BAD_MTI("MTI is not four digits"),
    /** A hexadecimal bitmap holds a character that is not a hex digit. */
    BAD_BITMAP("bitmap is not hexadecimal"),
    /** The bitmap names a field the dialect does not define. */
    UNDEFINED_FIELD("bitmap names a field the dialect does not define"),
    /** A length prefix is not made of decimal digits. */
    BAD_LENGTH("length prefix is not decimal"),
    /** A length prefix is above the field's maximum. (An empty variable field is legal, as in jPOS.) */
    LENGTH_OVER_MAX("length prefix is above the field maximum"),
    /** A numeric, track or amount field holds a character its type does not allow. */
    NOT_NUMERIC("value holds a character its type does not allow"),
    /** A hex-encoded binary field holds a character that is not a hex digit. */
    BAD_HEX("binary value is not hexadecimal"),
    /** Bytes are left after the last field the bitmap names. */
    TRAILING_BYTES("bytes are left after the last field");

    private final String description;

    DecodeError(final String description)
    {
        this.description = description;
    }

    public String description()
    {
        return description;
    }
}
