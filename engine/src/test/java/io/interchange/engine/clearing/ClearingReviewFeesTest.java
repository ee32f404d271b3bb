package io.interchange.engine.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

import io.interchange.engine.config.SwitchConfig;

/** Review: fees on a large merchant total, amounts of up to 12 digits (field 4 n12). */
class ClearingReviewFeesTest
{
    @Test
    void feeOnALargeTotalThatFitsInALong()
    {
        // 40,000 sales of 999,999,999,999 minor units at a lodging merchant (250 bps): 39,999,999,999,960,000, whose
        // fee 999,999,999,999,000 (a fortieth) fits a long with room to spare, while amount × bps does not.
        final DayTransactions transactions = new DayTransactions();
        for (int i = 0; i < 40_000; i++)
        {
            final int row = transactions.add(i, 0, 200, "000000", 999_999_999_999L, "840", "MERCHANT0000005", "TERM0009",
                String.format("%06d", i % 1_000_000), "10000001", "");
            transactions.issuer(row, "issuer-a");
            transactions.mark(row, DayTransactions.ANSWERED);
            transactions.responseCode(row, "00");
        }
        final Settlement.Result result = Settlement.settle(SwitchConfig.defaults(), LocalDate.of(2026, 11, 26), transactions);
        assertEquals(39_999_999_999_960_000L, result.merchants().get(0).netSales());
        assertEquals(999_999_999_999_000L, result.merchants().get(0).fee());
        assertEquals(0, result.positions().stream().mapToLong(Settlement.Position::net).sum(), "net positions sum to zero");
    }

    @Test
    void totalThatDoesNotFitALongIsAOneLineClearingError()
    {
        final DayTransactions transactions = new DayTransactions();
        for (int i = 0; i < 10; i++)
        {
            final int row = transactions.add(i, 0, 200, "000000", 999_999_999_999_999_999L, "840", "MERCHANT0000005", "TERM0009",
                String.format("%06d", i), "10000001", "");
            transactions.issuer(row, "issuer-a");
            transactions.mark(row, DayTransactions.ANSWERED);
            transactions.responseCode(row, "00");
        }
        final ClearingException thrown = assertThrows(ClearingException.class,
            () -> Settlement.settle(SwitchConfig.defaults(), LocalDate.of(2026, 11, 26), transactions));
        assertTrue(thrown.getMessage().startsWith("business day 2026-11-26: a total does not fit in a long"), thrown.getMessage());
        assertTrue(thrown.getMessage().indexOf('\n') < 0, "one line");
    }
}
