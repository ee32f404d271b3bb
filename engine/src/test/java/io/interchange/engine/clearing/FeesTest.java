package io.interchange.engine.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Fees are amount × bps / 10,000 rounded half even, in longs only. */
class FeesTest
{
    @Test
    void shouldRoundAnExactHalfToTheEvenNeighbour()
    {
        assertEquals(144, Fees.fee(11_560, 125), "144.5");
        assertEquals(284, Fees.fee(16_200, 175), "283.5");
        assertEquals(450, Fees.fee(18_020, 250), "450.5");
        assertEquals(0, Fees.fee(1, 5_000), "0.5");
        assertEquals(2, Fees.fee(3, 5_000), "1.5");
    }

    @Test
    void shouldRoundOtherwiseToTheNearest()
    {
        assertEquals(69, Fees.fee(11_560, 60), "69.36");
        assertEquals(25, Fees.fee(4_100, 60), "24.6");
        assertEquals(0, Fees.fee(0, 200));
        assertEquals(10_000, Fees.fee(10_000, 10_000), "100 %");
    }

    @Test
    void shouldRoundNegativeTotalsTheSameWay()
    {
        assertEquals(-144, Fees.fee(-11_560, 125), "-144.5");
        assertEquals(-284, Fees.fee(-16_200, 175), "-283.5");
        assertEquals(-25, Fees.fee(-4_100, 60), "-24.6");
    }

    @Test
    void shouldAgreeWithBigDecimalHalfEven()
    {
        final long seed = Long.getLong("interchange.seed", System.nanoTime());
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 100_000; i++)
        {
            final long amount = random.nextLong(-1_000_000_000_000L, 1_000_000_000_000L);
            final int bps = random.nextInt(0, 10_001);
            final long expected = BigDecimal.valueOf(amount).multiply(BigDecimal.valueOf(bps)).divide(BigDecimal.valueOf(10_000), 0, RoundingMode.HALF_EVEN)
                .longValueExact();
            assertEquals(expected, Fees.fee(amount, bps), () -> amount + " × " + bps + " bps, seed " + seed + " (-Dinterchange.seed)");
        }
    }

    @Test
    void shouldRefuseToOverflowRatherThanWrap()
    {
        assertThrows(ArithmeticException.class, () -> Fees.fee(Long.MAX_VALUE / 2, 20_001));
        assertThrows(ArithmeticException.class, () -> Fees.fee(Long.MIN_VALUE, 20_000));
    }

    @Test
    void shouldBeExactWhereTheProductOverflowsButTheFeeFits()
    {
        assertEquals(Long.MAX_VALUE / 2, Fees.fee(Long.MAX_VALUE / 2, 10_000));
        assertEquals(Long.MAX_VALUE, Fees.fee(Long.MAX_VALUE, 10_000));
        assertEquals(Long.MIN_VALUE, Fees.fee(Long.MIN_VALUE, 10_000));
        assertEquals(999_999_999_999_000L, Fees.fee(39_999_999_999_960_000L, 250));
        final long seed = Long.getLong("interchange.seed", System.nanoTime());
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 100_000; i++)
        {
            final long amount = random.nextLong();
            final int bps = random.nextInt(0, 10_001);
            final long expected = BigDecimal.valueOf(amount).multiply(BigDecimal.valueOf(bps)).divide(BigDecimal.valueOf(10_000), 0, RoundingMode.HALF_EVEN)
                .longValueExact();
            assertEquals(expected, Fees.fee(amount, bps), () -> amount + " × " + bps + " bps, seed " + seed + " (-Dinterchange.seed)");
        }
    }
}
