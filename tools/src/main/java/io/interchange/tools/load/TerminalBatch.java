package io.interchange.tools.load;

import java.util.Objects;

/**
 * A terminal's batch as the terminals of a run counted it: what its batch settlement (0500, DESIGN.md §4: fields
 * 74-77 counts, 86-89 amounts, 97 net) would send, and what the switch's own totals for the terminal id
 * (engine BatchTotals) must equal for a 00. Counted only from answers that came back as expected: debits are
 * approved purchases and completions, credits approved refunds, reversals the voids of approved purchases.
 * Pre-authorizations, balance inquiries and declines count nothing, as at the switch. Amounts are minor units.
 *
 * <p>Simulated terminals that share a terminal id are added together ({@link #plus}): the switch keeps one batch per id.
 */
public record TerminalBatch(
    String terminalId,
    String merchantId,
    long debitCount,
    long debitAmount,
    long creditCount,
    long creditAmount,
    long debitReversalCount,
    long debitReversalAmount,
    long creditReversalCount,
    long creditReversalAmount)
{
    /** Where each total is counted, count first and its amount next: see {@link SimTerminal#count}. */
    static final int DEBITS = 0;
    static final int CREDITS = 2;
    static final int DEBIT_REVERSALS = 4;
    static final int CREDIT_REVERSALS = 6;
    static final int FIELDS = 8;

    public TerminalBatch
    {
        Objects.requireNonNull(terminalId, "terminalId");
        Objects.requireNonNull(merchantId, "merchantId");
    }

    static TerminalBatch of(final String terminalId, final String merchantId, final long[] totals)
    {
        return new TerminalBatch(terminalId, merchantId, totals[DEBITS], totals[DEBITS + 1], totals[CREDITS], totals[CREDITS + 1],
            totals[DEBIT_REVERSALS], totals[DEBIT_REVERSALS + 1], totals[CREDIT_REVERSALS], totals[CREDIT_REVERSALS + 1]);
    }

    /** Both batches of one terminal id together. */
    public TerminalBatch plus(final TerminalBatch other)
    {
        if (!terminalId.equals(other.terminalId))
        {
            throw new IllegalArgumentException("batches of " + terminalId + " and " + other.terminalId + " do not add up");
        }
        return new TerminalBatch(terminalId, merchantId, debitCount + other.debitCount, debitAmount + other.debitAmount,
            creditCount + other.creditCount, creditAmount + other.creditAmount, debitReversalCount + other.debitReversalCount,
            debitReversalAmount + other.debitReversalAmount, creditReversalCount + other.creditReversalCount,
            creditReversalAmount + other.creditReversalAmount);
    }

    /** What the merchant is owed for the batch (field 97): debits less their reversals, less credits net of theirs. */
    public long netAmount()
    {
        return (debitAmount - debitReversalAmount) - (creditAmount - creditReversalAmount);
    }
}
