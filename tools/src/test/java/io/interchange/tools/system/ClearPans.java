package io.interchange.tools.system;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds a test's card numbers in clear (DESIGN.md §7) in bytes: as ASCII digits, or as BCD as a binary field 2 or
 * track 2 carries them (F-padded when the length is odd). Many cards at once, in journal files of many megabytes:
 * only a byte that can start a card number is looked at further.
 */
final class ClearPans
{
    private final Set<String> ascii = new HashSet<>();
    private final Set<String> bcd = new HashSet<>();
    private final Set<Integer> asciiLengths = new TreeSet<>();
    private final Set<Integer> bcdLengths = new TreeSet<>();
    private final boolean[] asciiFirst = new boolean[256];
    private final boolean[] bcdFirst = new boolean[256];

    ClearPans(final Collection<String> pans)
    {
        for (final String pan : pans)
        {
            final String packed = pan.length() % 2 == 0 ? pan : pan + "f";
            ascii.add(pan);
            bcd.add(packed);
            asciiLengths.add(pan.length());
            bcdLengths.add(packed.length() / 2);
            asciiFirst[pan.charAt(0)] = true;
            bcdFirst[Integer.parseInt(packed.substring(0, 2), 16)] = true;
        }
    }

    /** How many times any of the card numbers stands in {@code bytes}. */
    long count(final byte[] bytes)
    {
        long found = 0;
        for (int i = 0; i < bytes.length; i++)
        {
            final int b = bytes[i] & 0xFF;
            if (asciiFirst[b])
            {
                for (final int length : asciiLengths)
                {
                    if (i + length <= bytes.length && ascii.contains(new String(bytes, i, length, StandardCharsets.US_ASCII)))
                    {
                        found++;
                    }
                }
            }
            if (bcdFirst[b])
            {
                for (final int length : bcdLengths)
                {
                    if (i + length <= bytes.length && bcd.contains(HexFormat.of().formatHex(bytes, i, i + length)))
                    {
                        found++;
                    }
                }
            }
        }
        return found;
    }

    /**
     * True when any of the card numbers stands in {@code text}, in any of the forms a log line or dump could give
     * bytes of a message: as the text's UTF-8 or Latin-1 bytes (a field's bytes made chars one for one), with
     * {@code \xNN} escapes read back, or inside a run of hex digits (a frame or field dumped in hex, ASCII or BCD).
     */
    boolean in(final String text)
    {
        return count(text.getBytes(StandardCharsets.UTF_8)) > 0 || count(text.getBytes(StandardCharsets.ISO_8859_1)) > 0 ||
            count(unescaped(text)) > 0 || inHexRuns(text);
    }

    private static byte[] unescaped(final String text)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '\\' && i + 3 < text.length() && text.charAt(i + 1) == 'x' &&
                Character.digit(text.charAt(i + 2), 16) >= 0 && Character.digit(text.charAt(i + 3), 16) >= 0)
            {
                out.write(HexFormat.fromHexDigits(text, i + 2, i + 4));
                i += 3;
            }
            else
            {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** Each run of hex digits decoded to bytes, from both parities, and searched. */
    private boolean inHexRuns(final String text)
    {
        int start = -1;
        for (int i = 0; i <= text.length(); i++)
        {
            final boolean hex = i < text.length() && Character.digit(text.charAt(i), 16) >= 0;
            if (hex && start < 0)
            {
                start = i;
            }
            else if (!hex && start >= 0)
            {
                for (int from = start; from < start + 2 && i - from >= 2; from++)
                {
                    final int end = from + (i - from) / 2 * 2;
                    if (count(HexFormat.of().parseHex(text, from, end)) > 0)
                    {
                        return true;
                    }
                }
                start = -1;
            }
        }
        return false;
    }
}
