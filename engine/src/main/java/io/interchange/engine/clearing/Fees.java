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

    /**
     * {@code amount × bps / 10,000} rounded half even; negative amounts (more refunds than sales) round the same way.
     * Exact for every amount whose fee fits a long: the amount is split into whole ten-thousands and the rest
     * ({@code amount = q × 10,000 + r}, q and r of the amount's sign, {@code |r| < 10,000}), so that the product
     * {@code amount × bps}, which overflows long before the fee does, is never formed. The fee is
     * {@code q × bps + (r × bps) / 10,000}; the second part is floored, and the whole is then rounded half even by what
     * is left over and by the parity of the whole (not of the part alone). Throws {@link ArithmeticException} only when
     * the fee itself does not fit.
     */
    public static long fee(final long amount, final int bps)
    {
        final long q = amount / BPS;
        final long part = (amount % BPS) * bps; // |r × bps| < 10,000 × 2^31: no overflow
        final long floor = Math.addExact(Math.multiplyExact(q, (long)bps), Math.floorDiv(part, BPS));
        final long twice = Math.floorMod(part, BPS) * 2; // what is left over, 0 <= left < 10,000, doubled
        if (twice > BPS || (twice == BPS && (floor & 1) != 0))
        {
            return Math.addExact(floor, 1);
        }
        return floor;
    }
}
