package io.interchange.tools.iso;

import io.interchange.tools.InputException;

/** Hex as people paste it: spaces, tabs and line breaks anywhere, either case. */
public final class Hex
{
    private static final char[] DIGITS = "0123456789ABCDEF".toCharArray();

    private Hex()
    {
    }

    /** The bytes of {@code text}; a bad character or an odd digit count is an {@link InputException}. */
    public static byte[] parse(final CharSequence text)
    {
        final int n = text.length();
        final byte[] out = new byte[n / 2];
        int digits = 0;
        int high = 0;
        for (int i = 0; i < n; i++)
        {
            final char c = text.charAt(i);
            if (Character.isWhitespace(c))
            {
                continue;
            }
            final int value = Character.digit(c, 16);
            if (value < 0 || c > 0x7F)
            {
                throw new InputException("bad hex: " + describe(c) + " at position " + (i + 1) + " is not a hex digit");
            }
            if ((digits & 1) == 0)
            {
                high = value;
            }
            else
            {
                out[digits >> 1] = (byte)((high << 4) | value);
            }
            digits++;
        }
        if (digits == 0)
        {
            throw new InputException("bad hex: no hex digits given");
        }
        if ((digits & 1) != 0)
        {
            throw new InputException("bad hex: odd number of hex digits (" + digits + "); each byte takes two");
        }
        final byte[] bytes = new byte[digits >> 1];
        System.arraycopy(out, 0, bytes, 0, bytes.length);
        return bytes;
    }

    public static String format(final byte[] bytes)
    {
        return format(bytes, 0, bytes.length);
    }

    /** Upper-case hex, no separators. */
    public static String format(final byte[] bytes, final int offset, final int length)
    {
        final StringBuilder sb = new StringBuilder(length * 2);
        appendTo(sb, bytes, offset, length);
        return sb.toString();
    }

    public static StringBuilder appendTo(final StringBuilder sb, final byte[] bytes, final int offset, final int length)
    {
        for (int i = offset; i < offset + length; i++)
        {
            sb.append(DIGITS[(bytes[i] >>> 4) & 0x0F]).append(DIGITS[bytes[i] & 0x0F]);
        }
        return sb;
    }

    private static String describe(final char c)
    {
        return c >= 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int)c);
    }
}
