package io.interchange.tools.load;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.collections.IntArrayList;

import io.interchange.engine.config.BinRange;
import io.interchange.engine.config.MerchantConfig;
import io.interchange.engine.config.Status;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.config.TerminalConfig;
import io.interchange.tools.issuer.CardBook;
import io.interchange.tools.issuer.CardStatus;

/**
 * Everything a run decides before it sends: the card book (the one the issuer simulators generate from the same
 * seed, BINs and count), which terminal id and which cards each simulated terminal uses, and which declines the
 * switch's configuration makes possible. Built once, then read by the event loops; the per-card arrays
 * ({@link #lastUse}, {@link #spent}) are written only by the loop of the one terminal that owns the card.
 *
 * <h2>Cards are rationed</h2>
 * The switch answers 65 to a card's eleventh request in a minute (fixed windows of its clock) and 59 to a card seen
 * at a third merchant within a minute. So each card belongs to one simulated terminal (one merchant), and a
 * terminal takes its cards in turn, none again before {@link #spacingNanos()}: at most ({@code limit} - 2) / 2
 * picks a minute, each at most two requests (a pre-authorization and its completion), two spare for a pick that
 * reaches the switch late across a minute's edge. Funds and daily limits are rationed too: a card is charged at
 * most half of its balance or daily limit, whichever is less, in one run ({@link #cap}), so a run still gets 00s
 * from issuers that served a run before it.
 */
final class LoadPlan
{
    /** A terminal id and the merchant it belongs to, as fields 41 and 42 carry them. */
    record Acceptor(String terminalId, String merchantId)
    {
    }

    /** Amounts of purchases, pre-authorizations and refunds: 1.00 to 9.99, small beside any generated card's funds. */
    static final long MIN_AMOUNT = 1_00;
    static final long MAX_AMOUNT = 9_99;
    /** The largest value of field 4 (n12). */
    static final long MAX_FIELD_AMOUNT = 999_999_999_999L;
    /** Requests a minute the switch's limit keeps back from the terminals: room for picks skewed across a minute's edge. */
    private static final int FREQUENCY_MARGIN = 2;
    private static final long NANOS_PER_MINUTE = 60_000_000_000L;
    private static final String[] UNROUTED_CANDIDATES = {"555555", "999999", "100000", "300000", "700000", "888888"};
    private static final int[] PREFERRED_CURRENCIES = {840, 978, 156};

    private final LoadOptions options;
    private final CardBook book;
    private final int yearMonth;
    private final int usesPerPick;
    private final long spacingNanos;
    private final List<Acceptor> acceptors;
    private final Acceptor blockedMcc;
    private final Acceptor suspended;
    private final String unroutedBin;
    private final int currency;
    private final long maxAmount;
    private final List<TransactionCase> declines;
    private final int[][] active;
    private final int[][] lost;
    private final int[][] stolen;
    private final int[][] expired;
    private final long[] lastUse;
    private final int[] spent;

    private LoadPlan(final LoadOptions options, final CardBook book, final LocalDate today)
    {
        this.options = options;
        this.book = book;
        this.yearMonth = (today.getYear() % 100) * 100 + today.getMonthValue();
        final SwitchConfig config = options.config();
        final int limit = config.limits().maxTransactionsPerCardPerMinute();
        this.usesPerPick = options.mix().weight(Share.PREAUTH) > 0 ? 2 : 1;
        final int picksPerMinute = (limit - FREQUENCY_MARGIN) / usesPerPick;
        if (picksPerMinute < 1)
        {
            throw new IllegalArgumentException("the switch allows a card " + limit + " requests a minute: too few for a load run (at least " +
                (FREQUENCY_MARGIN + usesPerPick) + ")");
        }
        this.spacingNanos = NANOS_PER_MINUTE / picksPerMinute;

        final Map<String, MerchantConfig> merchants = new HashMap<>();
        config.merchants().forEach(m -> merchants.put(m.id(), m));
        final List<Acceptor> good = new ArrayList<>();
        Acceptor blocked = null;
        Acceptor barred = null;
        for (final TerminalConfig terminal : config.terminals())
        {
            final MerchantConfig merchant = merchants.get(terminal.merchant());
            if (terminal.status() != Status.ACTIVE || merchant == null)
            {
                continue;
            }
            final Acceptor acceptor = new Acceptor(terminal.id(), merchant.id());
            final boolean blockedCategory = config.limits().blockedMcc().contains(merchant.mcc());
            if (merchant.status() != Status.ACTIVE)
            {
                barred = barred == null ? acceptor : barred;
            }
            else if (blockedCategory)
            {
                blocked = blocked == null ? acceptor : blocked;
            }
            else
            {
                good.add(acceptor);
            }
        }
        if (good.isEmpty())
        {
            throw new IllegalArgumentException("the switch's configuration has no active terminal of an active merchant outside the blocked categories");
        }
        this.acceptors = List.copyOf(good);
        this.blockedMcc = blocked;
        this.suspended = barred;

        for (final String bin : options.bins())
        {
            if (!routes(config.binTable(), bin))
            {
                throw new IllegalArgumentException("BIN " + bin + " has no route in the switch's BIN table: its cards would all be declined 15");
            }
        }
        this.unroutedBin = unrouted(config.binTable());
        this.currency = currency(config.limits().currencies());
        this.maxAmount = config.limits().maxAmount();

        final int terminals = options.terminals();
        final int bins = options.bins().size();
        final IntArrayList[] act = lists(terminals);
        final IntArrayList[] lo = lists(terminals);
        final IntArrayList[] st = lists(terminals);
        final IntArrayList[] ex = lists(terminals);
        for (int card = 0; card < book.size(); card++)
        {
            // Cards take the BINs in turn: terminal by the turn, not the card, so every terminal gets every BIN.
            final int terminal = (card / bins) % terminals;
            final CardStatus status = book.status(card);
            if (status == CardStatus.LOST)
            {
                lo[terminal].addInt(card);
            }
            else if (status == CardStatus.STOLEN)
            {
                st[terminal].addInt(card);
            }
            else if (book.expiry(card) < yearMonth)
            {
                ex[terminal].addInt(card);
            }
            else
            {
                act[terminal].addInt(card);
            }
        }
        this.active = arrays(act);
        this.lost = arrays(lo);
        this.stolen = arrays(st);
        this.expired = arrays(ex);
        for (int t = 0; t < terminals; t++)
        {
            if (active[t].length == 0)
            {
                throw new IllegalArgumentException(book.size() + " cards leave simulated terminal " + (t + 1) + " without an active card: give at least " +
                    terminals * bins * 4 + " cards (--cards), here and to the issuer simulators");
            }
        }
        this.lastUse = new long[book.size()];
        this.spent = new int[book.size()];
        this.declines = possibleDeclines();
    }

    /**
     * The plan for {@code options} on {@code today} (UTC, for card expiry).
     *
     * @throws IllegalArgumentException when the options cannot make a run that checks out: a BIN without a route,
     *                                  too few cards for the terminals or, in open loop, for the rate.
     */
    static LoadPlan of(final LoadOptions options, final LocalDate today)
    {
        final CardBook book = CardBook.generate(options.seed(), options.bins(), options.cards());
        final LoadPlan plan = new LoadPlan(options, book, today);
        if (options.mode() == LoadMode.OPEN)
        {
            plan.checkCardsFor(options.rate());
        }
        return plan;
    }

    static LoadPlan of(final LoadOptions options)
    {
        return of(options, LocalDate.now(ZoneOffset.UTC));
    }

    /** Refuses a rate the card book cannot carry without a card waiting: in open loop, a wait is latency. */
    private void checkCardsFor(final int rate)
    {
        final double perTerminal = (double)rate / options.terminals();
        final double needed = perTerminal * spacingNanos / 1e9;
        int fewest = Integer.MAX_VALUE;
        for (final int[] cards : active)
        {
            fewest = Math.min(fewest, cards.length);
        }
        if (fewest < needed * 1.1)
        {
            throw new IllegalArgumentException(String.format(
                "%d cards are too few for %d requests a second: no card may be used again within %d s (the switch allows %d requests a card a minute); " +
                "give at least %d (--cards), here and to the issuer simulators",
                book.size(), rate, spacingNanos / 1_000_000_000L, options.config().limits().maxTransactionsPerCardPerMinute(),
                cardsFor(rate)));
        }
    }

    /** About how many cards a rate needs: a card a spacing per request, over the share of cards that are active, with a margin. */
    long cardsFor(final int rate)
    {
        final double activeShare = 1.0 - (CardBook.EXPIRED_BELOW + 1) / 100.0;
        return (long)Math.ceil(rate * (spacingNanos / 1e9) / activeShare * 1.3);
    }

    private List<TransactionCase> possibleDeclines()
    {
        final List<TransactionCase> cases = new ArrayList<>();
        cases.add(TransactionCase.LOST_CARD);
        cases.add(TransactionCase.STOLEN_CARD);
        cases.add(TransactionCase.EXPIRED_CARD);
        cases.add(TransactionCase.UNKNOWN_CARD);
        if (unroutedBin != null)
        {
            cases.add(TransactionCase.UNKNOWN_BIN);
        }
        if (maxAmount < MAX_FIELD_AMOUNT)
        {
            cases.add(TransactionCase.OVER_LIMIT);
        }
        if (blockedMcc != null)
        {
            cases.add(TransactionCase.BLOCKED_MCC);
        }
        if (suspended != null)
        {
            cases.add(TransactionCase.SUSPENDED_MERCHANT);
        }
        cases.add(TransactionCase.UNSUPPORTED);
        return List.copyOf(cases);
    }

    /** Whether some range of the table holds the card numbers starting with {@code prefix}'s first digits. */
    static boolean routes(final List<BinRange> table, final String prefix)
    {
        for (final BinRange range : table)
        {
            final int n = Math.min(range.length(), prefix.length());
            final String digits = prefix.substring(0, n);
            if (digits.compareTo(range.low().substring(0, n)) >= 0 && digits.compareTo(range.high().substring(0, n)) <= 0)
            {
                return true;
            }
        }
        return false;
    }

    private static String unrouted(final List<BinRange> table)
    {
        for (final String candidate : UNROUTED_CANDIDATES)
        {
            if (!routes(table, candidate))
            {
                return candidate;
            }
        }
        for (int bin = 999_999; bin >= 100_000; bin -= 1_111)
        {
            if (!routes(table, Integer.toString(bin)))
            {
                return Integer.toString(bin);
            }
        }
        return null;
    }

    private static int currency(final List<Integer> accepted)
    {
        for (final int preferred : PREFERRED_CURRENCIES)
        {
            if (accepted.contains(preferred))
            {
                return preferred;
            }
        }
        if (accepted.isEmpty())
        {
            throw new IllegalArgumentException("the switch's configuration accepts no currency");
        }
        return accepted.get(0);
    }

    private static IntArrayList[] lists(final int n)
    {
        final IntArrayList[] lists = new IntArrayList[n];
        for (int i = 0; i < n; i++)
        {
            lists[i] = new IntArrayList();
        }
        return lists;
    }

    private static int[][] arrays(final IntArrayList[] lists)
    {
        final int[][] arrays = new int[lists.length][];
        for (int i = 0; i < lists.length; i++)
        {
            arrays[i] = lists[i].toIntArray();
        }
        return arrays;
    }

    LoadOptions options()
    {
        return options;
    }

    CardBook book()
    {
        return book;
    }

    /** This month as YYMM: cards expiring before it are expired. */
    int yearMonth()
    {
        return yearMonth;
    }

    /** How long a card rests between two picks. */
    long spacingNanos()
    {
        return spacingNanos;
    }

    /** Requests one pick of a card may make: 2 when pre-authorizations (0100 then 0220) are in the mix. */
    int usesPerPick()
    {
        return usesPerPick;
    }

    /** The terminal id and merchant simulated terminal {@code terminal} uses: the usable ones of the configuration in turn. */
    Acceptor acceptor(final int terminal)
    {
        return acceptors.get(terminal % acceptors.size());
    }

    List<Acceptor> acceptors()
    {
        return acceptors;
    }

    /** A terminal of a merchant in a blocked category (57), or null when the configuration has none. */
    Acceptor blockedMcc()
    {
        return blockedMcc;
    }

    /** A terminal of a suspended merchant (03), or null when the configuration has none. */
    Acceptor suspended()
    {
        return suspended;
    }

    /** Six digits no range of the BIN table routes (15), or null. */
    String unroutedBin()
    {
        return unroutedBin;
    }

    /** The currency of every request (field 49): one the switch accepts. */
    int currency()
    {
        return currency;
    }

    /** The switch's per-transaction limit: above it, 61. */
    long maxAmount()
    {
        return maxAmount;
    }

    /** The declines this configuration makes possible, in the order terminals take them. */
    List<TransactionCase> declines()
    {
        return declines;
    }

    /** Simulated terminal {@code terminal}'s active, unexpired cards, in the order it takes them. */
    int[] active(final int terminal)
    {
        return active[terminal];
    }

    int[] lost(final int terminal)
    {
        return lost[terminal];
    }

    int[] stolen(final int terminal)
    {
        return stolen[terminal];
    }

    /** Active cards past their expiry: the switch declines them 54 on field 14. */
    int[] expired(final int terminal)
    {
        return expired[terminal];
    }

    /** When each card was last picked (System.nanoTime), 0 for never. */
    long[] lastUse()
    {
        return lastUse;
    }

    /** What this run charged each card, minor units. */
    int[] spent()
    {
        return spent;
    }

    /** The most this run may charge card {@code card}: half its balance or daily limit, whichever is less. */
    long cap(final int card)
    {
        return Math.min(book.balance(card), book.dailyLimit(card)) / 2;
    }
}
