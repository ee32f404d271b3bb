package io.interchange.codec;

/**
 * Primary account number helpers. PCI DSS 3.4 allows at most the first six and last four digits to be shown;
 * every log line and dump goes through {@link #mask}.
 */
public final class Pan
{
    private Pan()
    {
    }

    /** {@code 4111111111111111} → {@code 411111******1111}; values too short to mask are starred whole. */
    public static String mask(final CharSequence pan)
    {
        return appendMasked(pan, new StringBuilder(pan.length())).toString();
    }

    public static StringBuilder appendMasked(final CharSequence pan, final StringBuilder sb)
    {
        final int n = pan.length();
        if (n < 13)
        {
            for (int i = 0; i < n; i++)
            {
                sb.append('*');
            }
            return sb;
        }
        for (int i = 0; i < n; i++)
        {
            sb.append(i < 6 || i >= n - 4 ? pan.charAt(i) : '*');
        }
        return sb;
    }

    /** The Luhn (ISO/IEC 7812-1 annex B) check over all digits; false for anything not all digits. */
    public static boolean luhnValid(final CharSequence pan)
    {
        final int n = pan.length();
        if (n == 0)
        {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < n; i++)
        {
            int d = pan.charAt(n - 1 - i) - '0';
            if (d < 0 || d > 9)
            {
                return false;
            }
            if ((i & 1) == 1)
            {
                d <<= 1;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
