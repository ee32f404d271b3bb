package io.interchange.codec.cups;

import java.util.Arrays;

import io.interchange.codec.MessageReader;

/**
 * The working keys a UnionPay POS sign-on answer (0810) carries in field 62, each encrypted under the
 * terminal master key and followed by a 4-byte check value (the first bytes of the clear key encrypting zeros):
 *
 * <pre>
 * single length (60.3 = 001), 24 bytes:       PIK (8) | PIK check (4) | MAK (8)                | MAK check (4)
 * double length (60.3 = 003, 004), 40 bytes: PIK (16) | PIK check (4) | MAK (8) + 8 zero bytes | MAK check (4)
 * </pre>
 *
 * The retail MAC key is single length in both layouts; the double-length layout pads it to 16 bytes.
 * Keys stay encrypted here: this record carries bytes, the HSM unwraps them.
 */
public record WorkingKeys(byte[] pinKey, byte[] pinKeyCheck, byte[] macKey, byte[] macKeyCheck)
{
    public static final int FIELD = 62;
    public static final int SINGLE_LENGTH = 24;
    public static final int DOUBLE_LENGTH = 40;
    /** Bytes of each check value. */
    public static final int CHECK_LENGTH = 4;
    /** Bytes of the MAC key, in both layouts. */
    public static final int MAC_KEY_LENGTH = 8;

    public WorkingKeys
    {
        if (!(pinKey.length == 8 || pinKey.length == 16) || macKey.length != 8 || pinKeyCheck.length != CHECK_LENGTH || macKeyCheck.length != CHECK_LENGTH)
        {
            throw new IllegalArgumentException("PIK is 8 or 16 bytes, MAK 8, check values 4");
        }
        pinKey = pinKey.clone();
        pinKeyCheck = pinKeyCheck.clone();
        macKey = macKey.clone();
        macKeyCheck = macKeyCheck.clone();
    }

    /** Reads field 62; null when it is absent or neither 24 nor 40 bytes long. */
    public static WorkingKeys read(final MessageReader reader)
    {
        if (!reader.has(FIELD))
        {
            return null;
        }
        final byte[] b = reader.getBytes(FIELD);
        if (b.length != SINGLE_LENGTH && b.length != DOUBLE_LENGTH)
        {
            return null;
        }
        final int pinKeyLength = pinKeyLength(b.length);
        final int macKeyOffset = macKeyOffset(b.length);
        return new WorkingKeys(Arrays.copyOfRange(b, 0, pinKeyLength), Arrays.copyOfRange(b, pinKeyLength, pinKeyLength + CHECK_LENGTH),
            Arrays.copyOfRange(b, macKeyOffset, macKeyOffset + MAC_KEY_LENGTH), Arrays.copyOfRange(b, b.length - CHECK_LENGTH, b.length));
    }

    /** Bytes of the PIN key in a field 62 of {@code length} bytes ({@link #SINGLE_LENGTH} or {@link #DOUBLE_LENGTH}); its check value follows it. */
    public static int pinKeyLength(final int length)
    {
        return length == DOUBLE_LENGTH ? 16 : 8;
    }

    /** Where the MAC key starts in a field 62 of {@code length} bytes; its check value is the field's last {@link #CHECK_LENGTH} bytes. */
    public static int macKeyOffset(final int length)
    {
        return pinKeyLength(length) + CHECK_LENGTH;
    }

    /** The bytes of field 62 in the layout the PIN key's length calls for. */
    public byte[] toBytes()
    {
        final boolean single = pinKey.length == 8;
        final byte[] out = new byte[single ? SINGLE_LENGTH : DOUBLE_LENGTH];
        int at = 0;
        System.arraycopy(pinKey, 0, out, at, pinKey.length);
        at += pinKey.length;
        System.arraycopy(pinKeyCheck, 0, out, at, CHECK_LENGTH);
        at += CHECK_LENGTH;
        System.arraycopy(macKey, 0, out, at, 8);
        at += single ? 8 : 16;
        System.arraycopy(macKeyCheck, 0, out, at, CHECK_LENGTH);
        return out;
    }

    @Override
    public byte[] pinKey()
    {
        return pinKey.clone();
    }

    @Override
    public byte[] pinKeyCheck()
    {
        return pinKeyCheck.clone();
    }

    @Override
    public byte[] macKey()
    {
        return macKey.clone();
    }

    @Override
    public byte[] macKeyCheck()
    {
        return macKeyCheck.clone();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof WorkingKeys k && Arrays.equals(pinKey, k.pinKey) && Arrays.equals(pinKeyCheck, k.pinKeyCheck) &&
            Arrays.equals(macKey, k.macKey) && Arrays.equals(macKeyCheck, k.macKeyCheck);
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(pinKey) + Arrays.hashCode(macKey);
    }

    /** Never prints key material, even encrypted. */
    @Override
    public String toString()
    {
        return "WorkingKeys[PIK " + (pinKey.length * 8) + " bits, MAK 64 bits]";
    }
}
