package io.interchange.engine.switching;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.interchange.codec.MessageReader;

/**
 * The switch's retrieval reference number, field 37 (an12) of what it sends issuers: YDDD (last digit of the year, day
 * of the year, GMT), two characters counting the times the switch's STAN sequence came round since that day began, and
 * the STAN (six digits).
 *
 * <p>The round is two digits for its first hundred (what issuers that read field 37 as a number see on any day under
 * 100 million STANs), then a letter and a digit or letter ({@code A0} to {@code ZZ}): 1,036 rounds, so an RRN is not
 * given twice in a day of up to a billion STANs (11,500 TPS all day; echoes and advices take STANs too), where two
 * digits came round after 100 million, 18 minutes at 93k TPS.
 *
 * <p>{@link #pack} reads twelve characters of [0-9A-Z] as one base-36 number, so that the switch keeps a request's RRN
 * in a long and compares an issuer's echo with it without a string.
 */
public final class Rrn
{
    /** Rounds a day before the count comes round again. */
    public static final int ROUNDS = 100 + 26 * 36;
    public static final int LENGTH = 12;
    /** No RRN, or one that is not twelve characters of [0-9A-Z]. */
    static final long NONE = -1;
    /** No prefix ({@link #prefix}): no RRN of the switch's. */
    static final int NO_PREFIX = -1;

    private static final byte[] BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".getBytes(StandardCharsets.US_ASCII);

    private Rrn()
    {
    }

    /** Writes the RRN of {@code stan} in round {@code round} (taken modulo {@link #ROUNDS}) of day {@code yearDay} (YDDD). */
    public static void put(final MutableDirectBuffer dst, final int offset, final int yearDay, final int round, final int stan)
    {
        dst.putNaturalPaddedIntAscii(offset, 4, yearDay);
        final int r = Math.floorMod(round, ROUNDS);
        if (r < 100)
        {
            dst.putByte(offset + 4, (byte)('0' + r / 10));
            dst.putByte(offset + 5, (byte)('0' + r % 10));
        }
        else
        {
            dst.putByte(offset + 4, (byte)('A' + (r - 100) / 36));
            dst.putByte(offset + 5, BASE36[(r - 100) % 36]);
        }
        dst.putNaturalPaddedIntAscii(offset + 6, 6, stan);
    }

    /**
     * The day and round of the switch's RRN in the message's field 37 as one number ({@code yearDay * ROUNDS + round}),
     * what a reversal long after the request needs besides its STAN to name it again ({@link #put(MutableDirectBuffer,
     * int, int, int)}); {@link #NO_PREFIX} when field 37 is not an RRN of the switch's form.
     */
    static int prefix(final MessageReader message)
    {
        if (!message.has(37) || message.valueLength(37) != LENGTH)
        {
            return NO_PREFIX;
        }
        int yearDay = 0;
        for (int i = 0; i < 4; i++)
        {
            final byte c = message.charAt(37, i);
            if (c < '0' || c > '9')
            {
                return NO_PREFIX;
            }
            yearDay = yearDay * 10 + c - '0';
        }
        final int high = digit(message.charAt(37, 4));
        final int low = digit(message.charAt(37, 5));
        final int round;
        if (high >= 0 && high < 10 && low >= 0 && low < 10)
        {
            round = high * 10 + low;
        }
        else if (high >= 10 && low >= 0)
        {
            round = 100 + (high - 10) * 36 + low;
        }
        else
        {
            return NO_PREFIX;
        }
        return yearDay * ROUNDS + round;
    }

    /** Writes the RRN of {@code stan} under a {@link #prefix} (day and round). */
    static void put(final MutableDirectBuffer dst, final int offset, final int prefix, final int stan)
    {
        put(dst, offset, prefix / ROUNDS, prefix % ROUNDS, stan);
    }

    /** The twelve characters at {@code offset} as one number, or {@link #NONE} when one is not [0-9A-Z]. */
    static long pack(final DirectBuffer src, final int offset)
    {
        long value = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            final int digit = digit(src.getByte(offset + i));
            if (digit < 0)
            {
                return NONE;
            }
            value = value * 36 + digit;
        }
        return value;
    }

    /** The message's field 37 as {@link #pack} reads it: {@link #NONE} when absent, not twelve long, or not [0-9A-Z]. */
    static long pack(final MessageReader message)
    {
        if (!message.has(37) || message.valueLength(37) != LENGTH)
        {
            return NONE;
        }
        long value = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            final int digit = digit(message.charAt(37, i));
            if (digit < 0)
            {
                return NONE;
            }
            value = value * 36 + digit;
        }
        return value;
    }

    private static int digit(final byte c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        if (c >= 'A' && c <= 'Z')
        {
            return c - 'A' + 10;
        }
        return -1;
    }
}
