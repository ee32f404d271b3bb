package io.interchange.codec;

/**
 * How the length prefix of a variable field (LL, LLL, LLLL) is written.
 */
public enum LengthEncoding
{
    /** The field is fixed length and has no prefix. */
    FIXED,
    /** Decimal digits in ASCII: LL is 2 bytes, LLL 3, LLLL 4. */
    ASCII,
    /** Decimal digits in BCD, left padded: LL is 1 byte, LLL and LLLL 2. */
    BCD,
    /** An unsigned big-endian binary count: LL is 1 byte, LLL and LLLL 2. */
    BINARY;

    /**
     * Bytes taken by a prefix of {@code digits} decimal digits (2 for LL, 3 for LLL, 4 for LLLL).
     */
    public int prefixLength(final int digits)
    {
        switch (this)
        {
            case FIXED:
                return 0;
            case ASCII:
                return digits;
            default:
                return (digits + 1) >> 1;
        }
    }
}
