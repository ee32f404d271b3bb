package io.interchange.engine.clearing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.interchange.engine.config.SwitchConfig;

/** Settlement's arithmetic over random days: whatever the traffic, nothing is created or lost. */
class SettlementTest
{
    private static final SwitchConfig CONFIG = SwitchConfig.defaults();
    private static final String[] MERCHANTS = {"MERCHANT0000001", "MERCHANT0000002", "MERCHANT0000003", "MERCHANT0000004", "MERCHANT0000005"};
    private static final String[] ISSUERS = {"issuer-a", "issuer-b"};
    private static final String[] ACQUIRERS = {"10000001", "10000002"};
    private static final String[] CURRENCIES = {"156", "840", "978"};

    @Test
    void shouldHaveNetPositionsSumToZeroPerCurrencyOverRandomDays()
    {
        final long seed = Long.getLong("interchange.seed", System.nanoTime());
        final SplittableRandom random = new SplittableRandom(seed);
        for (int day = 0; day < 500; day++)
        {
            final DayTransactions transactions = randomDay(random);
            final Settlement.Result result = Settlement.settle(CONFIG, LocalDate.of(2026, 3, 11), transactions);
            final Map<String, Long> sums = new HashMap<>();
            for (final Settlement.Position p : result.positions())
            {
                assertEquals(p.credits() - p.debits() + p.interchange() + p.switchFees(), p.net(), () -> p + ", seed " + seed);
                sums.merge(p.currency(), p.net(), Long::sum);
            }
            sums.forEach((currency, sum) -> assertEquals(0L, sum, () -> "currency " + currency + ", seed " + seed + " (-Dinterchange.seed)"));

            // Every settled unit is in a merchant line, and each line's fee is its own total's, rounded once.
            final Map<String, long[]> expected = new HashMap<>();
            for (int row = 0; row < transactions.size(); row++)
            {
                if (transactions.settles(row))
                {
                    expected.computeIfAbsent(transactions.currency(row) + transactions.merchant(row), k -> new long[2])[transactions.isCredit(row) ? 1 : 0] +=
                        transactions.amount(row);
                }
            }
            for (final Settlement.MerchantLine m : result.merchants())
            {
                final long[] e = expected.getOrDefault(m.currency() + m.merchant(), new long[2]);
                assertEquals(e[0], m.grossSales(), () -> m + ", seed " + seed);
                assertEquals(e[1], m.refunds(), () -> m + ", seed " + seed);
                assertEquals(Fees.fee(e[0] - e[1], m.bps()), m.fee(), () -> m + ", seed " + seed);
                assertEquals(m.netSales() - m.fee(), m.netPayable(), () -> m + ", seed " + seed);
                assertEquals(LocalDate.of(2026, 3, 12), m.valueDate());
            }
        }
    }

    @Test
    void shouldBookWhatTheIssuersRoundedSharesMissToTheSwitch()
    {
        // One merchant, one acquirer, two issuers: 4,100 and 12,100 at 60 bps are 24.6 and 72.6, rounded 25 and 73;
        // the acquirer pays 0.60 % of 16,200 = 97.2, rounded 97. The switch is short by one.
        final DayTransactions transactions = new DayTransactions();
        approved(transactions, "MERCHANT0000002", "10000001", "issuer-a", "840", 4_100, false);
        approved(transactions, "MERCHANT0000002", "10000001", "issuer-b", "840", 12_100, false);
        final Settlement.Result result = Settlement.settle(CONFIG, LocalDate.of(2026, 3, 11), transactions);
        final Map<String, Settlement.Position> byInstitution = new HashMap<>();
        result.positions().forEach(p -> byInstitution.put(p.institution(), p));
        assertEquals(25, byInstitution.get("issuer-a").interchange());
        assertEquals(73, byInstitution.get("issuer-b").interchange());
        assertEquals(-97, byInstitution.get("pos-iso87").interchange());
        assertEquals(-1, byInstitution.get("switch").interchange());
        assertEquals(1, result.merchants().size());
        assertEquals(284, result.merchants().get(0).fee(), "1.75 % of 16,200 is 283.5: half even gives 284");
    }

    @Test
    void shouldLeaveOutWhatDoesNotSettle()
    {
        final DayTransactions transactions = new DayTransactions();
        final int declined = approved(transactions, "MERCHANT0000001", "10000001", "issuer-a", "840", 1_000, false);
        transactions.responseCode(declined, "51");
        final int reversed = approved(transactions, "MERCHANT0000001", "10000001", "issuer-a", "840", 2_000, false);
        transactions.mark(reversed, DayTransactions.REVERSED);
        final int timedOut = approved(transactions, "MERCHANT0000001", "10000001", "issuer-a", "840", 3_000, false);
        transactions.mark(timedOut, DayTransactions.TIMED_OUT);
        final int preAuth = transactions.add(0, 0, 100, "000000", 4_000, "840", "MERCHANT0000001", "TERM0001", "000001", "10000001", "");
        transactions.mark(preAuth, DayTransactions.ANSWERED);
        transactions.responseCode(preAuth, "00");
        final Settlement.Result result = Settlement.settle(CONFIG, LocalDate.of(2026, 3, 11), transactions);
        assertEquals(1, result.merchants().size(), "the merchant is listed for its reversal");
        final Settlement.MerchantLine line = result.merchants().get(0);
        assertEquals(0, line.count());
        assertEquals(0, line.grossSales());
        assertEquals(1, line.reversedCount());
        assertEquals(2_000, line.reversed());
        assertTrue(result.positions().isEmpty(), result.positions()::toString);
    }

    private static DayTransactions randomDay(final SplittableRandom random)
    {
        final DayTransactions transactions = new DayTransactions();
        final int n = random.nextInt(1, 60);
        for (int i = 0; i < n; i++)
        {
            final int row = approved(transactions, MERCHANTS[random.nextInt(MERCHANTS.length)], ACQUIRERS[random.nextInt(ACQUIRERS.length)],
                ISSUERS[random.nextInt(ISSUERS.length)], CURRENCIES[random.nextInt(CURRENCIES.length)], random.nextLong(1, 100_000_000L),
                random.nextInt(5) == 0);
            switch (random.nextInt(8))
            {
                case 0 -> transactions.mark(row, DayTransactions.REVERSED);
                case 1 -> transactions.responseCode(row, "05");
                case 2 -> transactions.mark(row, DayTransactions.STAND_IN);
                default ->
                {
                    // approved
                }
            }
        }
        return transactions;
    }

    private static int approved(
        final DayTransactions transactions, final String merchant, final String acquirer, final String issuer, final String currency,
        final long amount, final boolean refund)
    {
        final int row = transactions.add(0, 0, 200, refund ? "200000" : "000000", amount, currency, merchant, "TERM0001", "000001", acquirer, "");
        transactions.issuer(row, issuer);
        transactions.mark(row, DayTransactions.ANSWERED);
        transactions.responseCode(row, "00");
        return row;
    }
}
