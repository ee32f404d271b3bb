package io.interchange.engine.clearing;

/**
 * Fees in integer minor units. A fee is {@code amount × bps / 10,000}, rounded half even (banker's rounding: an exact
 * half goes to the even neighbour, so that over many totals the halves do not all go one way), and it is rounded once,
 * on a merchant's total for the day, never per transaction. No floating point anywhere.
 */
public final class Fees
{
    /** Basis points in a whole: 1 bp is 0.01 %. */
    public static final long BPS = 10_000;

    private Fees()
    {
    }

    /** {@code amount × bps / 10,000} rounded half even; negative amounts (more refunds than sales) round the same way. */
    public static long fee(final long amount, final int bps)
    {
        return divideHalfEven(Math.multiplyExact(amount, (long)bps), BPS);
    }

    /** {@code dividend / divisor} (divisor positive) rounded half even. */
    static long divideHalfEven(final long dividend, final long divisor)
    {
        final long quotient = Math.floorDiv(dividend, divisor);
        final long remainder = Math.floorMod(dividend, divisor); // 0 <= remainder < divisor
        final long twice = remainder * 2;
        if (twice > divisor || (twice == divisor && (quotient & 1) != 0))
        {
            return quotient + 1;
        }
        return quotient;
    }
}
