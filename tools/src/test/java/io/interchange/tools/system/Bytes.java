package io.interchange.tools.system;

import java.util.Arrays;

/** Byte searches for the tests that look through journal files for what must never be there. */
final class Bytes
{
    private Bytes()
    {
    }

    /** Whether {@code needle} occurs anywhere in {@code haystack}. */
    static boolean contains(final byte[] haystack, final byte[] needle)
    {
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
            {
                return true;
            }
        }
        return false;
    }
}
