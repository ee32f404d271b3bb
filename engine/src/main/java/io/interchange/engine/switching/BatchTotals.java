package io.interchange.engine.switching;

import java.util.Arrays;

/**
 * What each terminal's current batch adds up to, as the switch approved it: the figures a terminal's batch
 * settlement (0500: fields 74-77 counts, 86-89 amounts) is reconciled against. Debits are purchases, cash and
 * completions; credits are refunds; each with its reversals. Amounts in minor units of the transaction currency.
 * The figures count every card; the foreign cards' share of them is kept apart as well, because a UnionPay POS
 * terminal reports domestic and foreign cards in two parts of field 48 and each must balance on its own. Indexed
 * by terminal; owned by the switch handler's thread.
 *
 * <p>A batch's figures are sums in one currency: the first approval's (ISO 4217 numeric) names it, and an approval in
 * another marks the batch mixed, which no 0500 can reconcile (the switch answers it 95).
 */
public final class BatchTotals
{
    /**
     * Where each figure sits in {@link #figures}: the counts in the order of ISO 8583:1987 fields 74-77 (credits,
     * credit reversals, debits, debit reversals), each amount {@link #AMOUNTS} after its count (fields 86-89).
     */
    public static final int CREDITS = 0;
    public static final int CREDIT_REVERSALS = 1;
    public static final int DEBITS = 2;
    public static final int DEBIT_REVERSALS = 3;
    public static final int AMOUNTS = 4;
    public static final int FIGURES = 8;

    private final long[] debitCounts;
    private final long[] debitAmounts;
    private final long[] creditCounts;
    private final long[] creditAmounts;
    private final long[] debitReversalCounts;
    private final long[] debitReversalAmounts;
    private final long[] creditReversalCounts;
    private final long[] creditReversalAmounts;
    /** Foreign cards' share of the figures above: {@link #FIGURES} a terminal, laid out as {@link #figures} writes them. */
    private final long[] foreign;
    // Per terminal: the currency of its batch's first approval (0 while it has none), and whether another came since.
    private final int[] currencies;
    private final boolean[] mixedCurrencies;
    // A UnionPay POS batch out of balance at its 0500, set aside while its upload is awaited: per terminal its figures
    // (FIGURES) then their foreign share (FIGURES), its currency and whether it was mixed. The terminal's next batch
    // counts from zero, and the batch comes back should its 0500 come again in place of the upload.
    private final long[] aside;
    private final int[] asideCurrencies;
    private final boolean[] asideMixed;
    private final long[] scratch = new long[FIGURES];

    BatchTotals(final int terminals)
    {
        foreign = new long[terminals * FIGURES];
        currencies = new int[terminals];
        mixedCurrencies = new boolean[terminals];
        debitCounts = new long[terminals];
        debitAmounts = new long[terminals];
        creditCounts = new long[terminals];
        creditAmounts = new long[terminals];
        debitReversalCounts = new long[terminals];
        debitReversalAmounts = new long[terminals];
        creditReversalCounts = new long[terminals];
        creditReversalAmounts = new long[terminals];
        aside = new long[terminals * 2 * FIGURES];
        asideCurrencies = new int[terminals];
        asideMixed = new boolean[terminals];
    }

    void approved(final int terminal, final boolean credit, final long amount, final int currency, final boolean foreignCard)
    {
        if (currencies[terminal] == 0)
        {
            currencies[terminal] = currency;
        }
        else if (currencies[terminal] != currency)
        {
            mixedCurrencies[terminal] = true;
        }
        if (foreignCard)
        {
            count(terminal, credit ? CREDITS : DEBITS, amount);
        }
        if (credit)
        {
            creditCounts[terminal]++;
            creditAmounts[terminal] += amount;
        }
        else
        {
            debitCounts[terminal]++;
            debitAmounts[terminal] += amount;
        }
    }

    void reversed(final int terminal, final boolean credit, final long amount, final boolean foreignCard)
    {
        reversals(terminal, credit, amount, foreignCard, 1);
    }

    /**
     * Takes back a reversal {@link #reversed} counted: a UnionPay POS void, which takes its sale out of the batch as a
     * debit reversal does, was itself reversed, and the sale is in the batch again.
     */
    void unreversed(final int terminal, final boolean credit, final long amount, final boolean foreignCard)
    {
        reversals(terminal, credit, amount, foreignCard, -1);
    }

    private void reversals(final int terminal, final boolean credit, final long amount, final boolean foreignCard, final int sign)
    {
        if (foreignCard)
        {
            final int kind = credit ? CREDIT_REVERSALS : DEBIT_REVERSALS;
            foreign[terminal * FIGURES + kind] += sign;
            foreign[terminal * FIGURES + AMOUNTS + kind] += sign * amount;
        }
        if (credit)
        {
            creditReversalCounts[terminal] += sign;
            creditReversalAmounts[terminal] += sign * amount;
        }
        else
        {
            debitReversalCounts[terminal] += sign;
            debitReversalAmounts[terminal] += sign * amount;
        }
    }

    /** Whether the terminal's batch holds nothing: no approval, and no reversal. */
    boolean empty(final int terminal)
    {
        return debitCounts[terminal] == 0 && creditCounts[terminal] == 0 && debitReversalCounts[terminal] == 0 && creditReversalCounts[terminal] == 0;
    }

    /** A settled batch starts again from zero. */
    void reset(final int terminal)
    {
        debitCounts[terminal] = 0;
        debitAmounts[terminal] = 0;
        creditCounts[terminal] = 0;
        creditAmounts[terminal] = 0;
        debitReversalCounts[terminal] = 0;
        debitReversalAmounts[terminal] = 0;
        creditReversalCounts[terminal] = 0;
        creditReversalAmounts[terminal] = 0;
        Arrays.fill(foreign, terminal * FIGURES, (terminal + 1) * FIGURES, 0);
        currencies[terminal] = 0;
        mixedCurrencies[terminal] = false;
    }

    /** Sets the terminal's batch aside (its upload awaited) and starts the next from zero. */
    void setAside(final int terminal)
    {
        final int at = terminal * 2 * FIGURES;
        figures(terminal, scratch);
        System.arraycopy(scratch, 0, aside, at, FIGURES);
        System.arraycopy(foreign, terminal * FIGURES, aside, at + FIGURES, FIGURES);
        asideCurrencies[terminal] = currencies[terminal];
        asideMixed[terminal] = mixedCurrencies[terminal];
        reset(terminal);
    }

    /** The batch set aside counts again, with what came since: its 0500 came again in place of its upload. */
    void takeBack(final int terminal)
    {
        final int at = terminal * 2 * FIGURES;
        addAside(terminal, 1);
        for (int i = 0; i < FIGURES; i++)
        {
            foreign[terminal * FIGURES + i] += aside[at + FIGURES + i];
        }
        if (asideCurrencies[terminal] != 0)
        {
            mixedCurrencies[terminal] |= asideMixed[terminal] || currencies[terminal] != 0 && currencies[terminal] != asideCurrencies[terminal];
            currencies[terminal] = asideCurrencies[terminal];
        }
        dropAside(terminal);
    }

    /**
     * The terminal's batch and the one set aside change places: an 0500 of an older batch than the one counted is
     * reconciled against the older one's figures, with the newer batch's kept whole aside meanwhile.
     */
    void swapAside(final int terminal)
    {
        final int at = terminal * 2 * FIGURES;
        figures(terminal, scratch);
        addAside(terminal, 0);
        System.arraycopy(scratch, 0, aside, at, FIGURES);
        for (int i = 0; i < FIGURES; i++)
        {
            final long figure = foreign[terminal * FIGURES + i];
            foreign[terminal * FIGURES + i] = aside[at + FIGURES + i];
            aside[at + FIGURES + i] = figure;
        }
        final int currency = currencies[terminal];
        currencies[terminal] = asideCurrencies[terminal];
        asideCurrencies[terminal] = currency;
        final boolean mixed = mixedCurrencies[terminal];
        mixedCurrencies[terminal] = asideMixed[terminal];
        asideMixed[terminal] = mixed;
    }

    /** The figures set aside, added to the terminal's each kept {@code kept} times (1: summed, 0: replaced). */
    private void addAside(final int terminal, final long kept)
    {
        final int at = terminal * 2 * FIGURES;
        creditCounts[terminal] = kept * creditCounts[terminal] + aside[at + CREDITS];
        creditReversalCounts[terminal] = kept * creditReversalCounts[terminal] + aside[at + CREDIT_REVERSALS];
        debitCounts[terminal] = kept * debitCounts[terminal] + aside[at + DEBITS];
        debitReversalCounts[terminal] = kept * debitReversalCounts[terminal] + aside[at + DEBIT_REVERSALS];
        creditAmounts[terminal] = kept * creditAmounts[terminal] + aside[at + AMOUNTS + CREDITS];
        creditReversalAmounts[terminal] = kept * creditReversalAmounts[terminal] + aside[at + AMOUNTS + CREDIT_REVERSALS];
        debitAmounts[terminal] = kept * debitAmounts[terminal] + aside[at + AMOUNTS + DEBITS];
        debitReversalAmounts[terminal] = kept * debitReversalAmounts[terminal] + aside[at + AMOUNTS + DEBIT_REVERSALS];
    }

    /** The batch set aside is done with: its upload ended, or the terminal went on to another batch without it. */
    void dropAside(final int terminal)
    {
        Arrays.fill(aside, terminal * 2 * FIGURES, (terminal + 1) * 2 * FIGURES, 0);
        asideCurrencies[terminal] = 0;
        asideMixed[terminal] = false;
    }

    /** The currency (ISO 4217 numeric) of the terminal's batch: its first approval's; 0 while it has none. */
    public int currency(final int terminal)
    {
        return currencies[terminal];
    }

    /** Whether the terminal's batch holds approvals in more than one currency, whose sums mean nothing. */
    public boolean mixedCurrencies(final int terminal)
    {
        return mixedCurrencies[terminal];
    }

    /** The terminal's eight figures into {@code out}, laid out as {@link #CREDITS} and its neighbours say. */
    void figures(final int terminal, final long[] out)
    {
        out[CREDITS] = creditCounts[terminal];
        out[CREDIT_REVERSALS] = creditReversalCounts[terminal];
        out[DEBITS] = debitCounts[terminal];
        out[DEBIT_REVERSALS] = debitReversalCounts[terminal];
        out[AMOUNTS + CREDITS] = creditAmounts[terminal];
        out[AMOUNTS + CREDIT_REVERSALS] = creditReversalAmounts[terminal];
        out[AMOUNTS + DEBITS] = debitAmounts[terminal];
        out[AMOUNTS + DEBIT_REVERSALS] = debitReversalAmounts[terminal];
    }

    /** The foreign cards' share of the terminal's figures into {@code out}, laid out as {@link #figures}. */
    void foreignFigures(final int terminal, final long[] out)
    {
        System.arraycopy(foreign, terminal * FIGURES, out, 0, FIGURES);
    }

    /** The domestic cards' share of the terminal's figures into {@code out}: all of them less the foreign ones. */
    void domesticFigures(final int terminal, final long[] out)
    {
        figures(terminal, out);
        for (int i = 0; i < FIGURES; i++)
        {
            out[i] -= foreign[terminal * FIGURES + i];
        }
    }

    private void count(final int terminal, final int kind, final long amount)
    {
        foreign[terminal * FIGURES + kind]++;
        foreign[terminal * FIGURES + AMOUNTS + kind] += amount;
    }

    /** What the merchant is owed for the batch (field 97): debits less their reversals, less credits net of theirs. */
    public long netAmount(final int terminal)
    {
        return (debitAmounts[terminal] - debitReversalAmounts[terminal]) - (creditAmounts[terminal] - creditReversalAmounts[terminal]);
    }

    public long debitCount(final int terminal)
    {
        return debitCounts[terminal];
    }

    public long debitAmount(final int terminal)
    {
        return debitAmounts[terminal];
    }

    public long creditCount(final int terminal)
    {
        return creditCounts[terminal];
    }

    public long creditAmount(final int terminal)
    {
        return creditAmounts[terminal];
    }

    public long debitReversalCount(final int terminal)
    {
        return debitReversalCounts[terminal];
    }

    public long debitReversalAmount(final int terminal)
    {
        return debitReversalAmounts[terminal];
    }

    public long creditReversalCount(final int terminal)
    {
        return creditReversalCounts[terminal];
    }

    public long creditReversalAmount(final int terminal)
    {
        return creditReversalAmounts[terminal];
    }
}
