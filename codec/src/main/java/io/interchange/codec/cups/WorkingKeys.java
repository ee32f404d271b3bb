package io.interchange.codec.cups;

import java.util.Arrays;

import io.interchange.codec.MessageReader;

/**
 * The working keys a UnionPay POS sign-on answer (0810) carries in field 62, each encrypted under the
 * terminal master key and followed by a 4-byte check value (the first bytes of the clear key encrypting zeros). The
 * sign-on's 60.3 asks for the layout:
 *
 * <pre>
 * 001, single length, 24 bytes:       PIK (8) | PIK check (4) | MAK (8)                | MAK check (4)
 * 003, double length, 40 bytes:       PIK (16) | PIK check (4) | MAK (8) + 8 zero bytes | MAK check (4)
 * 004, with a track key, 60 bytes:    the 40 above                                      | TDK (16) | TDK check (4)
 * </pre>
 *
 * The retail MAC key is single length in every layout; the longer ones pad it to 16 bytes. The track key (TDK)
 * deciphers the block a terminal enciphers in each track it sends ({@link TrackBlock}). Keys stay encrypted here: this
 * record carries bytes, the HSM unwraps them.
 *
 * @param trackKey      the TDK under the master key, 16 bytes; null in the layouts without one.
 * @param trackKeyCheck its check value; null when there is no track key.
 */
public record WorkingKeys(byte[] pinKey, byte[] pinKeyCheck, byte[] macKey, byte[] macKeyCheck, byte[] trackKey, byte[] trackKeyCheck)
{
    public static final int FIELD = 62;
    public static final int SINGLE_LENGTH = 24;
    public static final int DOUBLE_LENGTH = 40;
    /** The layout with a track key: {@link #DOUBLE_LENGTH} bytes, then the TDK and its check value. */
    public static final int WITH_TRACK_KEY = 60;
    /** Bytes of each check value. */
    public static final int CHECK_LENGTH = 4;
    /** Bytes of the MAC key, in every layout. */
    public static final int MAC_KEY_LENGTH = 8;
    /** Bytes of the track key. */
    public static final int TRACK_KEY_LENGTH = 16;

    public WorkingKeys
    {
        if (!(pinKey.length == 8 || pinKey.length == 16) || macKey.length != 8 || pinKeyCheck.length != CHECK_LENGTH || macKeyCheck.length != CHECK_LENGTH ||
            (trackKey == null) != (trackKeyCheck == null) ||
            trackKey != null && (trackKey.length != TRACK_KEY_LENGTH || trackKeyCheck.length != CHECK_LENGTH || pinKey.length != 16))
        {
            throw new IllegalArgumentException("PIK is 8 or 16 bytes, MAK 8, TDK (with a 16-byte PIK) 16, check values 4");
        }
        pinKey = pinKey.clone();
        pinKeyCheck = pinKeyCheck.clone();
        macKey = macKey.clone();
        macKeyCheck = macKeyCheck.clone();
        trackKey = trackKey == null ? null : trackKey.clone();
        trackKeyCheck = trackKeyCheck == null ? null : trackKeyCheck.clone();
    }

    /** Keys without a track key: the single- or double-length layout. */
    public WorkingKeys(final byte[] pinKey, final byte[] pinKeyCheck, final byte[] macKey, final byte[] macKeyCheck)
    {
        this(pinKey, pinKeyCheck, macKey, macKeyCheck, null, null);
    }

    /** Reads field 62; null when it is absent or not {@link #SINGLE_LENGTH}, {@link #DOUBLE_LENGTH} or {@link #WITH_TRACK_KEY} bytes long. */
    public static WorkingKeys read(final MessageReader reader)
    {
        if (!reader.has(FIELD))
        {
            return null;
        }
        final byte[] b = reader.getBytes(FIELD);
        if (!isLayout(b.length))
        {
            return null;
        }
        final int pinKeyLength = pinKeyLength(b.length);
        final int macKeyOffset = macKeyOffset(b.length);
        final int macKeyCheck = macKeyCheckOffset(b.length);
        final boolean track = b.length == WITH_TRACK_KEY;
        return new WorkingKeys(Arrays.copyOfRange(b, 0, pinKeyLength), Arrays.copyOfRange(b, pinKeyLength, pinKeyLength + CHECK_LENGTH),
            Arrays.copyOfRange(b, macKeyOffset, macKeyOffset + MAC_KEY_LENGTH), Arrays.copyOfRange(b, macKeyCheck, macKeyCheck + CHECK_LENGTH),
            track ? Arrays.copyOfRange(b, DOUBLE_LENGTH, DOUBLE_LENGTH + TRACK_KEY_LENGTH) : null,
            track ? Arrays.copyOfRange(b, DOUBLE_LENGTH + TRACK_KEY_LENGTH, WITH_TRACK_KEY) : null);
    }

    /** True for the lengths of the three layouts. */
    public static boolean isLayout(final int length)
    {
        return length == SINGLE_LENGTH || length == DOUBLE_LENGTH || length == WITH_TRACK_KEY;
    }

    /**
     * The layout a sign-on's 60.3 asks for: {@link #SINGLE_LENGTH} for 001, {@link #DOUBLE_LENGTH} for 003,
     * {@link #WITH_TRACK_KEY} for 004 (the track key with double-length keys); -1 for any other code.
     */
    public static int layoutFor(final int networkCode)
    {
        return switch (networkCode)
        {
            case Field60.NETWORK_SIGN_ON_SINGLE_LENGTH -> SINGLE_LENGTH;
            case Field60.NETWORK_SIGN_ON_DOUBLE_LENGTH -> DOUBLE_LENGTH;
            case Field60.NETWORK_SIGN_ON -> WITH_TRACK_KEY;
            default -> -1;
        };
    }

    /** Bytes of the PIN key in a field 62 of {@code length} bytes (a layout); its check value follows it. */
    public static int pinKeyLength(final int length)
    {
        return length == SINGLE_LENGTH ? 8 : 16;
    }

    /** Where the MAC key starts in a field 62 of {@code length} bytes. */
    public static int macKeyOffset(final int length)
    {
        return pinKeyLength(length) + CHECK_LENGTH;
    }

    /**
     * Where the MAC key's check value starts in a field 62 of {@code length} bytes: after the MAC key and, but for the
     * single-length layout, its 8-byte pad.
     */
    public static int macKeyCheckOffset(final int length)
    {
        return macKeyOffset(length) + (length == SINGLE_LENGTH ? MAC_KEY_LENGTH : 2 * MAC_KEY_LENGTH);
    }

    /** The bytes of field 62 in the layout the keys call for. */
    public byte[] toBytes()
    {
        final int length = trackKey != null ? WITH_TRACK_KEY : pinKey.length == 8 ? SINGLE_LENGTH : DOUBLE_LENGTH;
        final byte[] out = new byte[length];
        System.arraycopy(pinKey, 0, out, 0, pinKey.length);
        System.arraycopy(pinKeyCheck, 0, out, pinKey.length, CHECK_LENGTH);
        System.arraycopy(macKey, 0, out, macKeyOffset(length), MAC_KEY_LENGTH);
        System.arraycopy(macKeyCheck, 0, out, macKeyCheckOffset(length), CHECK_LENGTH);
        if (trackKey != null)
        {
            System.arraycopy(trackKey, 0, out, DOUBLE_LENGTH, TRACK_KEY_LENGTH);
            System.arraycopy(trackKeyCheck, 0, out, DOUBLE_LENGTH + TRACK_KEY_LENGTH, CHECK_LENGTH);
        }
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
    public byte[] trackKey()
    {
        return trackKey == null ? null : trackKey.clone();
    }

    @Override
    public byte[] trackKeyCheck()
    {
        return trackKeyCheck == null ? null : trackKeyCheck.clone();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof WorkingKeys k && Arrays.equals(pinKey, k.pinKey) && Arrays.equals(pinKeyCheck, k.pinKeyCheck) &&
            Arrays.equals(macKey, k.macKey) && Arrays.equals(macKeyCheck, k.macKeyCheck) && Arrays.equals(trackKey, k.trackKey) &&
            Arrays.equals(trackKeyCheck, k.trackKeyCheck);
    }

    @Override
    public int hashCode()
    {
        return 31 * (31 * Arrays.hashCode(pinKey) + Arrays.hashCode(macKey)) + Arrays.hashCode(trackKey);
    }

    /** Never prints key material, even encrypted. */
    @Override
    public String toString()
    {
        return "WorkingKeys[PIK " + (pinKey.length * 8) + " bits, MAK 64 bits" + (trackKey == null ? "" : ", TDK 128 bits") + "]";
    }
}
