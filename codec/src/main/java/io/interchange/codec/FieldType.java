package io.interchange.codec;

/**
 * The ISO 8583 data-element attribute classes (ISO 8583:1987 §4.1), which decide what a field may hold.
 */
public enum FieldType
{
    /** Numeric digits 0-9. */
    N,
    /** Alphabetic and numeric characters. */
    AN,
    /** Alphabetic, numeric and special characters: any byte of the character set. */
    ANS,
    /** Binary data. */
    B,
    /** Track 2 and 3 code set (ISO 7811/7813): digits and the '=' field separator, BCD nibble D. */
    Z,
    /** An amount with a one-character sign prefix: 'C' credit or 'D' debit, then n digits (x+n). */
    XN,
    /**
     * Track code set that a terminal may encipher in part (UnionPay POS, field 53 position 3 = 1, with the track key of
     * its sign-on): BCD, any nibble, read as a hex digit (D as '='). The decoder cannot tell an enciphered block from a
     * bad one, so it takes every nibble; whoever deciphers the track checks its characters then (notation "ze").
     */
    ZE;

    /** Track data in either code set: {@link #Z} or {@link #ZE}. */
    public boolean isTrack()
    {
        return this == Z || this == ZE;
    }
}
