package io.interchange.engine.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The day's rows, column by column: what goes in comes out, past every growth of the arrays. */
class DayTransactionsTest
{
    @Test
    void shouldGiveBackEveryRowAsAdded()
    {
        final DayTransactions day = new DayTransactions();
        final int rows = 5_000;
        for (int i = 0; i < rows; i++)
        {
            final int row = day.add(1_000L + i, 1_764_115_200_000_000_000L + i, i % 3 == 0 ? 100 : 200, i % 5 == 0 ? "200000" : "000000",
                i * 7L, i % 2 == 0 ? "156" : "840", "MERCHANT" + i % 11, "TERM" + i % 13, String.format("%06d", i), "1000000" + i % 2,
                String.format("%012d", i));
            assertEquals(i, row);
        }
        for (int i = 0; i < rows; i++)
        {
            assertEquals(1_000L + i, day.order(i));
            assertEquals(1_764_115_200_000_000_000L + i, day.timeNanos(i));
            assertEquals(i % 3 == 0 ? 100 : 200, day.mti(i));
            assertEquals(i % 5 == 0 ? "200000" : "000000", day.processingCode(i));
            assertEquals(i * 7L, day.amount(i));
            assertEquals(i % 2 == 0 ? "156" : "840", day.currency(i));
            assertEquals("MERCHANT" + i % 11, day.merchant(i));
            assertEquals("TERM" + i % 13, day.terminal(i));
            assertEquals(String.format("%06d", i), day.stan(i));
            assertEquals(String.format("%012d", i), day.rrn(i));
            assertEquals("", day.issuer(i));
            assertEquals("", day.authCode(i));
            assertEquals(TransactionState.UNANSWERED, day.state(i));
        }
        assertEquals(rows, day.size());
    }

    @Test
    void shouldKeepAValueTooLongForItsColumnWhole()
    {
        final DayTransactions day = new DayTransactions();
        final int row = day.add(0, 0, 200, "000000", 1, "840", "M", "T", "0000001234567", "10000001", "RRN-TOO-LONG-FOR-12");
        day.authCode(row, "ÄBC\u4E2D12");
        assertEquals("0000001234567", day.stan(row));
        assertEquals("RRN-TOO-LONG-FOR-12", day.rrn(row));
        assertEquals("ÄBC\u4E2D12", day.authCode(row));
        day.rrn(row, "123456789012");
        assertEquals("123456789012", day.rrn(row), "back in the column once it fits");
    }

    @Test
    void shouldShowOnlyFirstSixAndLastFourOfThePan()
    {
        final DayTransactions day = new DayTransactions();
        final int sixteen = day.add(0, 0, 200, "000000", 1, "840", "M", "T", "000001", "10000001", "");
        final int nineteen = day.add(0, 0, 200, "000000", 1, "840", "M", "T", "000002", "10000001", "");
        final int twelve = day.add(0, 0, 200, "000000", 1, "840", "M", "T", "000003", "10000001", "");
        final int none = day.add(0, 0, 200, "000000", 1, "840", "M", "T", "000004", "10000001", "");
        day.pan(sixteen, digits("4761739001010010"), 16);
        day.pan(nineteen, digits("6212345678901234567"), 19);
        day.pan(twelve, digits("123456789012"), 12);
        assertEquals("476173******0010", day.maskedPan(sixteen));
        assertEquals("621234*********4567", day.maskedPan(nineteen));
        assertEquals("************", day.maskedPan(twelve), "too short to show any digit");
        assertEquals("", day.maskedPan(none));
    }

    @Test
    void shouldTellTheStateFromWhatHappened()
    {
        final DayTransactions day = new DayTransactions();
        final int purchase = day.add(0, 0, 200, "000000", 1, "840", "M", "T", "000001", "10000001", "");
        assertEquals(TransactionState.UNANSWERED, day.state(purchase));
        day.mark(purchase, DayTransactions.ANSWERED);
        day.responseCode(purchase, "00");
        assertEquals(TransactionState.APPROVED, day.state(purchase));
        assertTrue(day.settles(purchase));
        day.mark(purchase, DayTransactions.REVERSED);
        assertEquals(TransactionState.REVERSED, day.state(purchase));
        assertFalse(day.settles(purchase));

        final int standIn = day.add(0, 0, 200, "000000", 1, "840", "M", "T", "000002", "10000001", "");
        day.mark(standIn, DayTransactions.ANSWERED | DayTransactions.STAND_IN);
        day.responseCode(standIn, "00");
        assertEquals(TransactionState.STAND_IN_AWAITING_ADVICE, day.state(standIn));
        day.mark(standIn, DayTransactions.ADVISED);
        assertEquals(TransactionState.APPROVED, day.state(standIn));

        final int preAuth = day.add(0, 0, 100, "000000", 1, "840", "M", "T", "000003", "10000001", "");
        day.mark(preAuth, DayTransactions.ANSWERED);
        day.responseCode(preAuth, "00");
        assertEquals(TransactionState.AUTHORIZED, day.state(preAuth));
        assertFalse(day.settles(preAuth), "a pre-authorization settles through its completion");
        day.mark(preAuth, DayTransactions.COMPLETED);
        assertEquals(TransactionState.COMPLETED, day.state(preAuth));

        final int refund = day.add(0, 0, 200, "200000", 1, "840", "M", "T", "000004", "10000001", "");
        day.mark(refund, DayTransactions.ANSWERED);
        day.responseCode(refund, "51");
        assertEquals(TransactionState.DECLINED, day.state(refund));
        day.responseCode(refund, "00");
        assertTrue(day.isCredit(refund));
        day.mark(refund, DayTransactions.TIMED_OUT);
        assertEquals(TransactionState.TIMED_OUT, day.state(refund));

        final int reversedUnanswered = day.add(0, 0, 200, "000000", 1, "840", "M", "T", "000005", "10000001", "");
        day.mark(reversedUnanswered, DayTransactions.REVERSED);
        assertEquals(TransactionState.REVERSED, day.state(reversedUnanswered), "reversed while with its issuer, which never answered");
        assertFalse(day.settles(reversedUnanswered));
    }

    private static UnsafeBuffer digits(final String pan)
    {
        return new UnsafeBuffer(pan.getBytes(StandardCharsets.US_ASCII));
    }
}
