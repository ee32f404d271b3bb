package io.interchange.codec;

/**
 * Track 2 as field 35 carries it (ISO/IEC 7813): the PAN, a separator, then the expiry date, the service code and
 * discretionary data (the card verification value among it). The separator is '=' in ASCII; the codec reads the
 * BCD nibble D of a track code set (z) field as '=', and some terminals send the letter D.
 *
 * <p>One rule for where the card number in a track ends, for the switch, which routes a swipe by it, and for the
 * journal, which seals it: replay gives the switch back the digits the journal sealed, so both must find the same.
 */
public final class Track2
{
    public static final int FIELD = 35;
    /** ISO/IEC 7812-1: a PAN has at most 19 digits, and track 2's PAN field is no longer (ISO/IEC 7813). */
    public static final int MAX_PAN_LENGTH = 19;

    private Track2()
    {
    }

    /**
     * The length of the PAN at the start of the message's {@code field} (35): the characters before the separator.
     * -1 when there is none: no separator within the first {@value #MAX_PAN_LENGTH} + 1 characters, or nothing
     * before it. Whether they are digits, and pass Luhn, is the caller's to judge. Allocates nothing.
     */
    public static int panLength(final MessageReader reader, final int field)
    {
        final int n = Math.min(reader.units(field), MAX_PAN_LENGTH + 1);
        for (int i = 0; i < n; i++)
        {
            final byte c = reader.charAt(field, i);
            if (c == '=' || c == 'D')
            {
                return i > 0 ? i : -1;
            }
        }
        return -1;
    }
}
