package io.interchange.engine.security;

import org.agrona.DirectBuffer;

/**
 * ISO 9564-1 PIN block format 0 (ANSI X9.8, VISA-1), as 64-bit values: the clear PIN block is the PIN field XOR the
 * account number field, nibble by nibble from the most significant:
 * <pre>
 *   PIN field       0 N P P P P P/F P/F P/F P/F P/F P/F P/F P/F F F    control 0, N = PIN length 4-12, P = 0-9, F = fill
 *   account field   0 0 0 0 A A A A A A A A A A A A                    the 12 rightmost PAN digits before the check digit,
 *                                                                       left padded with zeros when there are fewer
 * </pre>
 */
final class PinBlockFormat0
{
    /** Returned by {@link #accountField} for a PAN that is not 2 to 19 digits. */
    static final long NO_ACCOUNT = -1L;

    private static final int MAX_PAN = 19;
    private static final long ACCOUNT_MASK = (1L << 4 * 12) - 1;
    private static final int MIN_PIN = 4;
    private static final int MAX_PIN = 12;
    private static final int NIBBLES = 16;

    private PinBlockFormat0()
    {
    }

    /** The account number field of the ASCII digits {@code pan[offset, offset + length)}, or {@link #NO_ACCOUNT}. */
    static long accountField(final DirectBuffer pan, final int offset, final int length)
    {
        if (length < 2 || length > MAX_PAN)
        {
            return NO_ACCOUNT;
        }
        long field = 0;
        for (int i = 0; i < length; i++)
        {
            final int digit = pan.getByte(offset + i) - '0';
            if (digit < 0 || digit > 9)
            {
                return NO_ACCOUNT;
            }
            // The check digit (the last) is left out; digits before the 12 rightmost shift out of the mask.
            if (i < length - 1)
            {
                field = (field << 4 | digit) & ACCOUNT_MASK;
            }
        }
        return field;
    }

    /** Says whether {@code pinField} (the clear block XOR the account field) is a valid format 0 PIN field. */
    static boolean isValidPinField(final long pinField)
    {
        final int pinLength = nibble(pinField, 1);
        if (nibble(pinField, 0) != 0 || pinLength < MIN_PIN || pinLength > MAX_PIN)
        {
            return false;
        }
        for (int i = 2; i < NIBBLES; i++)
        {
            final int n = nibble(pinField, i);
            if (i < 2 + pinLength ? n > 9 : n != 0xF)
            {
                return false;
            }
        }
        return true;
    }

    private static int nibble(final long value, final int index)
    {
        return (int)(value >>> (60 - 4 * index)) & 0xF;
    }
}
