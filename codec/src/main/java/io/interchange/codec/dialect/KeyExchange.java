package io.interchange.codec.dialect;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.interchange.codec.MessageReader;

/**
 * The key exchange of an ISO 8583:1987 acquirer host: it asks with an 0800 whose field 70 is 101, and the switch's
 * 0810 carries a new MAC key and a new PIN key in field 48, each encrypted under the zone master key (ZMK) the two
 * sides share and followed by its check value (the first bytes of the clear key encrypting zeros). As Mastercard's
 * key exchange puts its key block in DE 48, as upper-case hex, so that it stays text in a field that is {@code ans}:
 *
 * <pre>
 * binary, 40 bytes:   MAC key (16) | its check (4) | PIN key (16) | its check (4)
 * field 48, 80 chars: the same 40 bytes as hex
 * </pre>
 *
 * Both keys are 16 bytes: the MAC key a double-length DES key for ISO/IEC 9797-1 MAC algorithm 3 (the ANSI X9.19
 * retail MAC of fields 64 and 128), or an AES-128 key for AES-CMAC where the host MACs with it (its zone master key
 * is then AES too); the PIN key a double-length DES zone PIN key for ISO 9564 format 0 blocks. Keys stay encrypted here.
 */
public final class KeyExchange
{
    /** Field 70's code for a key change. */
    public static final int NETWORK_CODE = 101;
    /** The field of the answer that carries the keys. */
    public static final int FIELD = 48;
    /** Bytes of each key. */
    public static final int KEY_LENGTH = 16;
    /** Bytes of each check value. */
    public static final int CHECK_LENGTH = 4;
    public static final int MAC_KEY = 0;
    public static final int MAC_KEY_CHECK = MAC_KEY + KEY_LENGTH;
    public static final int PIN_KEY = MAC_KEY_CHECK + CHECK_LENGTH;
    public static final int PIN_KEY_CHECK = PIN_KEY + KEY_LENGTH;
    /** Bytes of the binary layout. */
    public static final int LENGTH = PIN_KEY_CHECK + CHECK_LENGTH;
    /** Characters of field 48: the binary layout as hex. */
    public static final int TEXT_LENGTH = 2 * LENGTH;

    private static final byte[] HEX_DIGITS = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private KeyExchange()
    {
    }

    /** Writes the {@link #LENGTH} bytes at {@code keys[offset]} as {@link #TEXT_LENGTH} upper-case hex characters. */
    public static void toText(final DirectBuffer keys, final int offset, final MutableDirectBuffer text, final int textOffset)
    {
        for (int i = 0; i < LENGTH; i++)
        {
            final int b = keys.getByte(offset + i) & 0xFF;
            text.putByte(textOffset + 2 * i, HEX_DIGITS[b >>> 4]);
            text.putByte(textOffset + 2 * i + 1, HEX_DIGITS[b & 0x0F]);
        }
    }

    /**
     * Reads field 48 of a key change answer into the binary layout at {@code keys[offset]}: false, writing nothing
     * that can be trusted, when the field is missing or is not {@link #TEXT_LENGTH} hex digits.
     */
    public static boolean read(final MessageReader answer, final MutableDirectBuffer keys, final int offset)
    {
        if (!answer.has(FIELD) || answer.units(FIELD) != TEXT_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < LENGTH; i++)
        {
            final int high = Character.digit(answer.charAt(FIELD, 2 * i), 16);
            final int low = Character.digit(answer.charAt(FIELD, 2 * i + 1), 16);
            if (high < 0 || low < 0)
            {
                return false;
            }
            keys.putByte(offset + i, (byte)(high << 4 | low));
        }
        return true;
    }
}
