package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BatchTotalsTest
{
    private static final boolean DOMESTIC = false;
    private static final boolean FOREIGN = true;
    private static final boolean DEBIT = false;
    private static final boolean CREDIT = true;
    private static final int USD = 840;
    private static final int EUR = 978;

    private final BatchTotals totals = new BatchTotals(3);
    private final long[] figures = new long[BatchTotals.FIGURES];

    @Test
    void shouldKeepTheForeignCardsShareApartFromTheWholeBatch()
    {
        totals.approved(1, DEBIT, 3_300, USD, DOMESTIC);
        totals.approved(1, DEBIT, 1_200, USD, FOREIGN);
        totals.approved(1, CREDIT, 500, USD, FOREIGN);
        totals.reversed(1, DEBIT, 1_200, FOREIGN);
        totals.approved(2, DEBIT, 9_999, USD, FOREIGN);

        totals.figures(1, figures);
        assertArrayEquals(figures(1, 0, 2, 1, 500, 0, 4_500, 1_200), figures, "the whole batch, as ISO 8583:1987 settles it");
        totals.foreignFigures(1, figures);
        assertArrayEquals(figures(1, 0, 1, 1, 500, 0, 1_200, 1_200), figures);
        totals.domesticFigures(1, figures);
        assertArrayEquals(figures(0, 0, 1, 0, 0, 0, 3_300, 0), figures);
        assertEquals(3_300 - 500, totals.netAmount(1));
    }

    @Test
    void shouldStartBothPartsOfASettledBatchFromZero()
    {
        totals.approved(1, DEBIT, 1_000, USD, FOREIGN);
        totals.approved(1, DEBIT, 2_000, USD, DOMESTIC);
        totals.approved(2, DEBIT, 700, USD, FOREIGN);
        totals.reset(1);

        totals.foreignFigures(1, figures);
        assertArrayEquals(new long[BatchTotals.FIGURES], figures);
        totals.domesticFigures(1, figures);
        assertArrayEquals(new long[BatchTotals.FIGURES], figures);
        totals.foreignFigures(2, figures);
        assertArrayEquals(figures(0, 0, 1, 0, 0, 0, 700, 0), figures, "another terminal's batch is its own");
    }

    @Test
    void shouldMarkABatchOfTwoCurrenciesMixedUntilItIsSettled()
    {
        assertEquals(0, totals.currency(1));
        totals.approved(1, DEBIT, 10_000, USD, DOMESTIC);
        totals.approved(1, CREDIT, 500, USD, DOMESTIC);
        assertEquals(USD, totals.currency(1));
        assertFalse(totals.mixedCurrencies(1));

        totals.approved(1, DEBIT, 10_000, EUR, DOMESTIC);
        assertTrue(totals.mixedCurrencies(1), "100.00 USD and 100.00 EUR do not add up to 200.00 of anything");
        assertFalse(totals.mixedCurrencies(2), "another terminal's batch is its own");

        totals.reset(1);
        assertEquals(0, totals.currency(1));
        assertFalse(totals.mixedCurrencies(1));
        totals.approved(1, DEBIT, 10_000, EUR, DOMESTIC);
        assertEquals(EUR, totals.currency(1));
    }

    /**
     * An older batch set aside and the terminal's newer one change places, foreign share and currency with them, and
     * back: neither loses a figure to the other.
     */
    @Test
    void shouldSwapTheBatchSetAsideWithTheNewerOneWhole()
    {
        totals.approved(1, DEBIT, 2_500, USD, FOREIGN);
        totals.approved(1, DEBIT, 100, EUR, DOMESTIC);
        totals.setAside(1);
        totals.approved(1, DEBIT, 800, EUR, DOMESTIC);
        totals.reversed(1, DEBIT, 800, DOMESTIC);

        totals.swapAside(1);
        totals.figures(1, figures);
        assertArrayEquals(figures(0, 0, 2, 0, 0, 0, 2_600, 0), figures, "the older batch");
        totals.foreignFigures(1, figures);
        assertArrayEquals(figures(0, 0, 1, 0, 0, 0, 2_500, 0), figures);
        assertEquals(USD, totals.currency(1));
        assertTrue(totals.mixedCurrencies(1));

        totals.swapAside(1);
        totals.figures(1, figures);
        assertArrayEquals(figures(0, 0, 1, 1, 0, 0, 800, 800), figures, "the newer batch, whole");
        totals.foreignFigures(1, figures);
        assertArrayEquals(new long[BatchTotals.FIGURES], figures);
        assertEquals(EUR, totals.currency(1));
        assertFalse(totals.mixedCurrencies(1));
    }

    /** Laid out as {@link BatchTotals#figures}: counts (credits, credit reversals, debits, debit reversals), then amounts. */
    private static long[] figures(
        final long credits, final long creditReversals, final long debits, final long debitReversals, final long creditAmount,
        final long creditReversalAmount, final long debitAmount, final long debitReversalAmount)
    {
        return new long[] {credits, creditReversals, debits, debitReversals, creditAmount, creditReversalAmount, debitAmount, debitReversalAmount};
    }
}
