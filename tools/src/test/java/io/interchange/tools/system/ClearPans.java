package io.interchange.tools.system;

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

    /** True when any of the card numbers stands in {@code text}. */
    boolean in(final String text)
    {
        return count(text.getBytes(StandardCharsets.UTF_8)) > 0;
    }
}
