package io.interchange.engine.clearing;

/**
 * One line of exceptions.csv (差错): something that needs an operator's eye or a later message.
 *
 * @param order        the journal position of the event it concerns, for a stable order.
 * @param time         when that event entered the switch, ISO-8601 UTC.
 * @param kind         see {@link Kind}.
 * @param terminal     field 41, or empty.
 * @param merchant     field 42, or empty.
 * @param stan         the terminal's STAN (field 11), or empty.
 * @param maskedPan    first six and last four digits, or empty.
 * @param amount       minor units, 0 when none.
 * @param currency     ISO 4217 numeric, or empty.
 * @param responseCode field 39 of the answer concerned, or empty.
 * @param detail       one line saying what happened.
 */
public record ClearingExceptionItem(
    long order, String time, Kind kind, String terminal, String merchant, String stan, String maskedPan, long amount, String currency,
    String responseCode, String detail)
{
    /** The kinds of exception, as exceptions.csv writes them. */
    public enum Kind
    {
        ORPHAN_REVERSAL("orphan-reversal"),
        REVERSAL_OF_EARLIER_DAY("reversal-of-earlier-day"),
        LATE_ANSWER("late-answer"),
        TIME_OUT("time-out"),
        STAND_IN_AWAITING_ADVICE("stand-in-awaiting-advice"),
        ADVICE_REFUSED("advice-refused"),
        DUPLICATE_REJECTED("duplicate-rejected"),
        OUT_OF_BALANCE_BATCH("out-of-balance-batch"),
        UNMATCHED_UPLOAD("unmatched-upload"),
        IRREGULAR_COMPLETION("irregular-completion"),
        UNANSWERED("unanswered"),
        UNMATCHED_ANSWER("unmatched-answer"),
        CORRUPT_RECORD("corrupt-record");

        private final String label;

        Kind(final String label)
        {
            this.label = label;
        }

        public String label()
        {
            return label;
        }
    }
}
