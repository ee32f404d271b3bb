package io.interchange.engine.clearing;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.interchange.engine.config.ClearingConfig;
import io.interchange.engine.config.IssuerConfig;
import io.interchange.engine.config.ListenerConfig;
import io.interchange.engine.config.MerchantConfig;
import io.interchange.engine.config.SwitchConfig;

/**
 * Who owes whom for one business day, in integer minor units per currency.
 *
 * <p>Money. A settled purchase, cash advance or completion is a sale: the card's issuer pays it, the acquirer that
 * sent it receives it. A settled refund runs the other way, and so does a reversal of an earlier day's sale
 * ({@link TransactionState#REVERSAL_OF_EARLIER_DAY}), counted among the refunds (a reversal of an earlier day's refund
 * among the sales). Net sales are sales less refunds.
 *
 * <p>Fees, each rounded half even ({@link Fees}) on a total, never per transaction:
 * <ul>
 * <li>merchant discount: the merchant's net sales per currency × the rate of its MCC group; the merchant is paid
 *     net sales less this (what the acquirer keeps of it is the acquirer's business, outside these positions);</li>
 * <li>interchange: the acquirer pays, on each merchant's net sales it acquired (merchant total), the interchange
 *     rate; each issuer receives the rate on its own cards' part of that merchant total, rounded on its own. What the
 *     issuers' rounded shares miss of (or exceed) the acquirer's rounded total is booked to the switch;</li>
 * <li>switch fees: the acquirer pays its rate on the same merchant total; each issuer its rate on its part.</li>
 * </ul>
 * Net position = credits − debits + interchange + switch fees, from each institution's side, and over issuers,
 * acquirers and the switch they sum to exactly zero per currency: every unit one pays, another receives.
 */
public final class Settlement
{
    /** Roles in institution-positions.csv, in the order written. */
    public static final String ISSUER = "issuer";
    public static final String ACQUIRER = "acquirer";
    public static final String SWITCH = "switch";

    private Settlement()
    {
    }

    /**
     * One merchant's settlement in one currency.
     *
     * @param count         settled transactions (sales and refunds).
     * @param grossSales    settled sales.
     * @param refunds       settled refunds, and reversals of earlier days' sales.
     * @param reversedCount transactions approved and then reversed (they do not settle).
     * @param reversed      their amount.
     * @param netSales      gross sales less refunds.
     * @param fee           merchant discount: net sales × bps / 10,000, rounded half even.
     * @param netPayable    net sales less the fee: what the merchant is paid (negative: what it owes).
     */
    public record MerchantLine(
        String merchant, String name, String mcc, String group, int bps, String currency, long count, long grossSales, long refunds,
        long reversedCount, long reversed, long netSales, long fee, long netPayable, String account, LocalDate valueDate)
    {
    }

    /**
     * One institution's position in one currency.
     *
     * @param role          issuer, acquirer or switch.
     * @param institution   the issuer's id or the acquirer's listener, "switch" for the switch.
     * @param institutionId field 100 / 32 institution id, empty for the switch.
     * @param debits        what it pays of the transactions: an issuer its cards' sales, an acquirer its refunds.
     * @param credits       what it receives of them.
     * @param interchange   interchange received (+) or paid (−); the switch's is the rounding difference.
     * @param switchFees    switch fees paid (−) or, for the switch, received (+).
     * @param net           credits − debits + interchange + switchFees.
     */
    public record Position(
        String role, String institution, String institutionId, String currency, long debits, long credits, long interchange, long switchFees,
        long net)
    {
    }

    /** The day's settlement: merchant lines and institution positions, each in a stable order. */
    public record Result(List<MerchantLine> merchants, List<Position> positions)
    {
    }

    /**
     * Settles the day's transactions.
     *
     * @throws ClearingException when a total or a fee does not fit a long (never wrapped, never rounded away).
     */
    public static Result settle(final SwitchConfig config, final LocalDate day, final DayTransactions transactions)
    {
        try
        {
            return settleExactly(config, day, transactions);
        }
        catch (final ArithmeticException ex)
        {
            throw overflow(day, ex);
        }
    }

    /** The one-line error for a sum that does not fit a long. */
    static ClearingException overflow(final LocalDate day, final ArithmeticException ex)
    {
        return new ClearingException("business day " + day + ": a total does not fit in a long of minor units (" + ex.getMessage() +
            "); nothing written", ex);
    }

    private static Result settleExactly(final SwitchConfig config, final LocalDate day, final DayTransactions transactions)
    {
        final ClearingConfig clearing = config.clearing();
        // A row at a time by the day's codes (millions of rows, a few hundred cells), then by name for a stable order.
        final Map<Cell, long[]> byCode = new HashMap<>();
        final Map<Cell, long[]> reversedByCode = new HashMap<>();
        for (int row = 0; row < transactions.size(); row++)
        {
            if (transactions.settles(row))
            {
                final long[] cell = byCode.computeIfAbsent(new Cell(transactions.currencyCode(row), transactions.merchantCode(row),
                    transactions.acquirerCode(row), transactions.issuerCode(row)), c -> new long[3]);
                final int side = transactions.isCredit(row) ? 1 : 0;
                cell[side] = Math.addExact(cell[side], transactions.amount(row));
                cell[2]++;
            }
            else if (transactions.state(row) == TransactionState.REVERSED && !transactions.authorization(row) && transactions.answeredApproved(row))
            {
                // Approved, then reversed: what the merchant's line counts as reversed. Not a request the terminal reversed
                // while it was with its issuer, which then timed out (91): never approved, in no batch.
                final long[] r = reversedByCode.computeIfAbsent(new Cell(transactions.currencyCode(row), transactions.merchantCode(row), -1, -1),
                    c -> new long[2]);
                r[0]++;
                r[1] = Math.addExact(r[1], transactions.amount(row));
            }
        }
        // currency → merchant → acquirer → issuer → {sales, refunds, count}
        final Map<String, Map<String, Map<String, Map<String, long[]>>>> cells = new TreeMap<>();
        byCode.forEach((c, cell) -> cells.computeIfAbsent(transactions.value(c.currency()), k -> new TreeMap<>())
            .computeIfAbsent(transactions.value(c.merchant()), k -> new TreeMap<>())
            .computeIfAbsent(transactions.value(c.acquirer()), k -> new TreeMap<>())
            .put(transactions.value(c.issuer()), cell));
        final Map<String, long[]> reversed = new TreeMap<>();
        reversedByCode.forEach((c, r) ->
        {
            final String currency = transactions.value(c.currency());
            final String merchant = transactions.value(c.merchant());
            reversed.put(currency + "\n" + merchant, r);
            cells.computeIfAbsent(currency, k -> new TreeMap<>()).computeIfAbsent(merchant, k -> new TreeMap<>());
        });

        final List<MerchantLine> merchants = new ArrayList<>();
        final Map<String, long[]> positions = new TreeMap<>();
        final LocalDate valueDate = day.plusDays(clearing.valueDateDays());
        for (final Map.Entry<String, Map<String, Map<String, Map<String, long[]>>>> byCurrency : cells.entrySet())
        {
            final String currency = byCurrency.getKey();
            for (final Map.Entry<String, Map<String, Map<String, long[]>>> byMerchant : byCurrency.getValue().entrySet())
            {
                final String merchant = byMerchant.getKey();
                long sales = 0;
                long refunds = 0;
                long count = 0;
                for (final Map.Entry<String, Map<String, long[]>> byAcquirer : byMerchant.getValue().entrySet())
                {
                    final String acquirer = byAcquirer.getKey();
                    long acquirerSales = 0;
                    long acquirerRefunds = 0;
                    long issuerInterchange = 0;
                    for (final Map.Entry<String, long[]> byIssuer : byAcquirer.getValue().entrySet())
                    {
                        final long[] cell = byIssuer.getValue();
                        final long net = Math.subtractExact(cell[0], cell[1]);
                        final long interchange = Fees.fee(net, clearing.interchangeFeeBps());
                        final long switchFee = Fees.fee(net, clearing.issuerSwitchFeeBps());
                        book(positions, currency, ISSUER, byIssuer.getKey(), cell[0], cell[1], interchange, -switchFee);
                        book(positions, currency, SWITCH, SWITCH, 0, 0, 0, switchFee);
                        issuerInterchange = Math.addExact(issuerInterchange, interchange);
                        acquirerSales = Math.addExact(acquirerSales, cell[0]);
                        acquirerRefunds = Math.addExact(acquirerRefunds, cell[1]);
                        count += cell[2];
                    }
                    final long net = Math.subtractExact(acquirerSales, acquirerRefunds);
                    final long interchange = Fees.fee(net, clearing.interchangeFeeBps());
                    final long switchFee = Fees.fee(net, clearing.acquirerSwitchFeeBps());
                    book(positions, currency, ACQUIRER, acquirer, acquirerRefunds, acquirerSales, -interchange, -switchFee);
                    book(positions, currency, SWITCH, SWITCH, 0, 0, Math.subtractExact(interchange, issuerInterchange), switchFee);
                    sales = Math.addExact(sales, acquirerSales);
                    refunds = Math.addExact(refunds, acquirerRefunds);
                }
                final MerchantConfig m = merchant(config, merchant);
                final int mcc = m == null ? -1 : m.mcc();
                final ClearingConfig.DiscountGroup group = clearing.discountGroup(mcc);
                final long net = Math.subtractExact(sales, refunds);
                final long fee = Fees.fee(net, group.bps());
                final long[] r = reversed.getOrDefault(currency + "\n" + merchant, new long[2]);
                final String account = m == null ? null : m.settlementAccount();
                final long payable = Math.subtractExact(net, fee);
                merchants.add(new MerchantLine(merchant, m == null ? "" : m.name(), mcc < 0 ? "" : String.format("%04d", mcc), group.name(),
                    group.bps(), currency, count, sales, refunds, r[0], r[1], net, fee, payable, account == null ? "unassigned" : account, valueDate));
            }
        }

        final List<Position> result = new ArrayList<>();
        for (final Map.Entry<String, long[]> e : positions.entrySet())
        {
            final String[] key = e.getKey().split("\n");
            final String role = key[1].substring(1);
            final long[] p = e.getValue();
            final boolean acquirer = ACQUIRER.equals(role);
            result.add(new Position(role, acquirer ? acquirerName(config, key[2]) : key[2], acquirer ? key[2] : institutionId(config, role, key[2]),
                key[0], p[0], p[1], p[2], p[3], Math.addExact(Math.addExact(Math.subtractExact(p[1], p[0]), p[2]), p[3])));
        }
        return new Result(List.copyOf(merchants), List.copyOf(result));
    }

    /** Codes of currency, merchant, acquirer and issuer in the day's {@link DayTransactions}. */
    private record Cell(int currency, int merchant, int acquirer, int issuer)
    {
    }

    /** Adds to a position; credits and debits are from the institution's side. */
    private static void book(
        final Map<String, long[]> positions, final String currency, final String role, final String institution, final long debits,
        final long credits, final long interchange, final long switchFees)
    {
        // The role's rank keeps issuers, then acquirers, then the switch, in each currency.
        final int rank = ISSUER.equals(role) ? 1 : ACQUIRER.equals(role) ? 2 : 3;
        final long[] p = positions.computeIfAbsent(currency + "\n" + rank + role + "\n" + institution, k -> new long[4]);
        p[0] = Math.addExact(p[0], debits);
        p[1] = Math.addExact(p[1], credits);
        p[2] = Math.addExact(p[2], interchange);
        p[3] = Math.addExact(p[3], switchFees);
    }

    private static String institutionId(final SwitchConfig config, final String role, final String institution)
    {
        if (ISSUER.equals(role))
        {
            for (final IssuerConfig issuer : config.issuers())
            {
                if (issuer.id().equals(institution))
                {
                    return issuer.institutionId();
                }
            }
        }
        return "";
    }

    private static MerchantConfig merchant(final SwitchConfig config, final String id)
    {
        for (final MerchantConfig merchant : config.merchants())
        {
            if (merchant.id().equals(id))
            {
                return merchant;
            }
        }
        return null;
    }

    /** The listener names that carry acquirer id {@code acquirerId}, for the reports. */
    static String acquirerName(final SwitchConfig config, final String acquirerId)
    {
        final List<String> names = new ArrayList<>();
        for (final ListenerConfig listener : config.listeners())
        {
            if (listener.acquirerId().equals(acquirerId))
            {
                names.add(listener.name());
            }
        }
        return String.join(" ", names);
    }
}
