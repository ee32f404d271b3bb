package io.interchange.engine.clearing;

/** What became of a transaction by the end of its business day, as the journal tells it. */
public enum TransactionState
{
    /** Approved by its issuer (or, for a completion, acknowledged by the switch) and not reversed: it settles. */
    APPROVED("approved"),
    /**
     * A purchase approved by the switch for an issuer it could not reach, and the issuer has not acknowledged the advice:
     * it settles. (A pre-authorization stood in for is {@link #AUTHORIZED} or {@link #COMPLETED} like any other;
     * {@link DayTransactions#awaitingAdvice} tells whether its 0120 is still unacknowledged.)
     */
    STAND_IN_AWAITING_ADVICE("stand-in-awaiting-advice"),
    /** Declined, by the switch or by the issuer. */
    DECLINED("declined"),
    /** Reversed by the acquirer (0400/0420 naming it). */
    REVERSED("reversed"),
    /**
     * Not a request of the day: an acquirer's reversal (0400/0420) of an approval of an earlier business day, which
     * settled on its day. It settles on this one, the other way: a sale's money back to the card (as a refund), a
     * refund's back to the merchant.
     */
    REVERSAL_OF_EARLIER_DAY("reversal-of-earlier-day"),
    /** A pre-authorization (0100) approved and not (yet) completed: it does not settle by itself. */
    AUTHORIZED("authorized"),
    /** A pre-authorization that a completion (0220) named: the completion settles, not this. */
    COMPLETED("completed"),
    /** The issuer did not answer in time: 91 to the acquirer and a reversal advice to the issuer. */
    TIMED_OUT("timed-out"),
    /** Sent to the issuer and neither answered nor timed out within the day's journal. */
    UNANSWERED("unanswered");

    private final String label;

    TransactionState(final String label)
    {
        this.label = label;
    }

    /** How the files write it. */
    public String label()
    {
        return label;
    }

    /** Whether a transaction in this state moves money. */
    public boolean settles()
    {
        return this == APPROVED || this == STAND_IN_AWAITING_ADVICE || this == REVERSAL_OF_EARLIER_DAY;
    }
}
