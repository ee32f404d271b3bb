package io.interchange.codec.cups;

import io.interchange.codec.FieldType;
import io.interchange.codec.MessageReader;
import io.interchange.codec.ValueEncoding;

/**
 * Track data as a UnionPay POS terminal enciphers it. A terminal that holds a track key (TDK, from a sign-on with
 * 60.3 = 004) and says so in field 53 (security-related control information, n16: PIN format, key algorithm, then
 * 1 in the third digit for enciphered tracks) enciphers one block of each track it sends, field 35 and field 36: the
 * 8 bytes of the packed track (BCD, left aligned) that end with the byte before its last one, by triple DES in ECB
 * under the TDK, written back in their place. The track keeps its length prefix; its last byte, which holds the
 * pad nibble of an odd length, stays clear, and for a long track so does the card number at its start.
 *
 * <p>The block's place depends only on the track's length, so it is found in place, with no copy: the switch
 * deciphers it where it lies and the track goes on as the terminal read it from the card. Allocates nothing.
 */
public final class TrackBlock
{
    /** Field 53, whose third digit says the tracks are enciphered. */
    public static final int SECURITY_CONTROL = 53;
    /** Bytes of the enciphered block: one DES block. */
    public static final int LENGTH = 8;
    private static final int TRACK_FLAG = 2;

    private TrackBlock()
    {
    }

    /** True when the request's field 53 says its tracks are enciphered: 1 in its third digit. */
    public static boolean enciphered(final MessageReader reader)
    {
        return reader.has(SECURITY_CONTROL) && reader.units(SECURITY_CONTROL) > TRACK_FLAG && reader.charAt(SECURITY_CONTROL, TRACK_FLAG) == '1';
    }

    /**
     * Absolute offset in the reader's buffer of the enciphered block of the track in {@code field}: the
     * {@link #LENGTH} bytes before the value's last byte. -1 when the track is too short to hold one (under 9 bytes,
     * 17 characters; a track 2 is at least 21) or is not a packed track field.
     */
    public static int offset(final MessageReader reader, final int field)
    {
        if (!reader.has(field) || reader.spec(field).type() != FieldType.ZE)
        {
            return -1;
        }
        final int bytes = reader.valueLength(field);
        return bytes > LENGTH ? reader.valueOffset(field) + bytes - 1 - LENGTH : -1;
    }

    /**
     * True when every character of the track in {@code field} is of the track code set, digits and the separator (the
     * nibble D): what a deciphered track, or one sent clear, must hold before it goes on. A packed track's pad nibble
     * is not a character and is not looked at.
     */
    public static boolean readable(final MessageReader reader, final int field)
    {
        final int units = reader.units(field);
        if (reader.spec(field).encoding() != ValueEncoding.BCD_LEFT)
        {
            for (int i = 0; i < units; i++)
            {
                final byte c = reader.charAt(field, i);
                if ((c < '0' || c > '9') && c != '=')
                {
                    return false;
                }
            }
            return true;
        }
        // Nibble by nibble from the bytes, not charAt's: charAt finds the field's start again for every character.
        final int at = reader.valueOffset(field);
        for (int i = 0; i < units; i++)
        {
            final int b = reader.buffer().getByte(at + (i >> 1)) & 0xFF;
            final int nibble = (i & 1) == 0 ? b >>> 4 : b & 0x0F;
            if (nibble > 9 && nibble != 0x0D)
            {
                return false;
            }
        }
        return true;
    }
}
