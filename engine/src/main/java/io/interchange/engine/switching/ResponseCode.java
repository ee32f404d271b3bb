package io.interchange.engine.switching;

/** Field 39 values the switch itself produces (DESIGN.md §4). */
public final class ResponseCode
{
    public static final String APPROVED = "00";
    public static final String INVALID_MERCHANT = "03";
    public static final String DO_NOT_HONOUR = "05";
    /**
     * The reason an 0420 gives for a reversal the acquirer asked for without saying why (no field 39 in its 0400):
     * error, which claims no cause. Not 17 (customer cancellation), when most such reversals follow a terminal's own
     * time-out; nor 68, which the switch gives its own time-outs.
     */
    public static final String REVERSAL_UNSPECIFIED = "06";
    public static final String INVALID_TRANSACTION = "12";
    public static final String INVALID_AMOUNT = "13";
    public static final String INVALID_CARD_NUMBER = "14";
    public static final String NO_SUCH_ISSUER = "15";
    public static final String ORIGINAL_NOT_FOUND = "25";
    public static final String FORMAT_ERROR = "30";
    public static final String EXPIRED_CARD = "54";
    public static final String NOT_PERMITTED_TO_CARDHOLDER = "57";
    public static final String NOT_PERMITTED_TO_TERMINAL = "58";
    public static final String SUSPECTED_FRAUD = "59";
    public static final String EXCEEDS_AMOUNT_LIMIT = "61";
    public static final String EXCEEDS_FREQUENCY_LIMIT = "65";
    public static final String RESPONSE_TOO_LATE = "68";
    public static final String ISSUER_INOPERATIVE = "91";
    public static final String DUPLICATE = "94";
    public static final String RECONCILE_ERROR = "95";
    public static final String SYSTEM_MALFUNCTION = "96";
    public static final String MAC_FAILURE = "A0";

    private ResponseCode()
    {
    }
}
