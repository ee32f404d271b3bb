package io.interchange.engine.clearing;

/**
 * One financial request of the business day (0100, 0200, 0220) and what became of it: one row of transactions.csv.
 * Filled in by {@link DayReader} as the journal tells the story (request, answer or time-out, reversal, completion,
 * advice acknowledged), then read. Never holds a clear PAN: only the masked one.
 */
public final class ClearedTransaction
{
    final long order;
    final String time;
    final int mti;
    final String processingCode;
    final String maskedPan;
    final long amount;
    final String currency;
    final String merchant;
    final String terminal;
    final String stan;
    final String acquirer;
    String issuer = "";
    String rrn;
    String authCode = "";
    String responseCode = "";
    boolean answered;
    boolean timedOut;
    boolean reversed;
    boolean completed;
    boolean standIn;
    boolean advised;
    /** While it is with the issuer: what a time-out's 91 answer names it by (acquirer link, terminal, STAN). */
    String acquirerLinkKey;
    private TransactionState finalState;

    ClearedTransaction(
        final long order, final String time, final int mti, final String processingCode, final String maskedPan, final long amount,
        final String currency, final String merchant, final String terminal, final String stan, final String acquirer, final String rrn)
    {
        this.order = order;
        this.time = time;
        this.mti = mti;
        this.processingCode = processingCode;
        this.maskedPan = maskedPan;
        this.amount = amount;
        this.currency = currency;
        this.merchant = merchant;
        this.terminal = terminal;
        this.stan = stan;
        this.acquirer = acquirer;
        this.rrn = rrn;
    }

    /** The state at the end of the day: see {@link TransactionState}. */
    public TransactionState state()
    {
        return finalState != null ? finalState : currentState();
    }

    /** Once the day is read: the state no longer changes, and settlement and the files ask for it often. */
    void seal()
    {
        finalState = currentState();
    }

    private TransactionState currentState()
    {
        if (timedOut)
        {
            return TransactionState.TIMED_OUT;
        }
        if (!answered)
        {
            return TransactionState.UNANSWERED;
        }
        if (!"00".equals(responseCode))
        {
            return TransactionState.DECLINED;
        }
        if (reversed)
        {
            return TransactionState.REVERSED;
        }
        if (mti == 100)
        {
            return completed ? TransactionState.COMPLETED : TransactionState.AUTHORIZED;
        }
        return standIn && !advised ? TransactionState.STAND_IN_AWAITING_ADVICE : TransactionState.APPROVED;
    }

    /** Whether it moves money: settled, and a purchase, cash or completion (debits) or a refund (credit). */
    public boolean settles()
    {
        return mti != 100 && state().settles() && (isCredit() || "00".equals(kind()) || "01".equals(kind()));
    }

    /** A refund (processing code 20): money back to the card. */
    public boolean isCredit()
    {
        return "20".equals(kind());
    }

    private String kind()
    {
        return processingCode.length() >= 2 ? processingCode.substring(0, 2) : "";
    }

    public long order()
    {
        return order;
    }

    public String time()
    {
        return time;
    }

    public int mti()
    {
        return mti;
    }

    public String processingCode()
    {
        return processingCode;
    }

    public String maskedPan()
    {
        return maskedPan;
    }

    public long amount()
    {
        return amount;
    }

    public String currency()
    {
        return currency;
    }

    public String merchant()
    {
        return merchant;
    }

    public String terminal()
    {
        return terminal;
    }

    public String stan()
    {
        return stan;
    }

    public String acquirer()
    {
        return acquirer;
    }

    public String issuer()
    {
        return issuer;
    }

    public String rrn()
    {
        return rrn;
    }

    public String authCode()
    {
        return authCode;
    }

    public String responseCode()
    {
        return responseCode;
    }

    public boolean standIn()
    {
        return standIn;
    }
}
