package io.interchange.codec;

/**
 * Message type indicators as the int of their four digits: {@code 0200} is {@code 200}. An int compares and
 * switches without allocation, and the digit positions are plain arithmetic (ISO 8583:1987 §4.1.1: version,
 * class, function, origin).
 */
public final class Mti
{
    public static final int AUTHORIZATION_REQUEST = 100;
    public static final int AUTHORIZATION_RESPONSE = 110;
    public static final int AUTHORIZATION_ADVICE = 120;
    public static final int AUTHORIZATION_ADVICE_RESPONSE = 130;
    public static final int FINANCIAL_REQUEST = 200;
    public static final int FINANCIAL_RESPONSE = 210;
    public static final int FINANCIAL_ADVICE = 220;
    public static final int FINANCIAL_ADVICE_RESPONSE = 230;
    public static final int BATCH_UPLOAD = 320;
    public static final int BATCH_UPLOAD_RESPONSE = 330;
    public static final int REVERSAL_REQUEST = 400;
    public static final int REVERSAL_RESPONSE = 410;
    public static final int REVERSAL_ADVICE = 420;
    public static final int REVERSAL_ADVICE_REPEAT = 421;
    public static final int REVERSAL_ADVICE_RESPONSE = 430;
    public static final int RECONCILIATION_REQUEST = 500;
    public static final int RECONCILIATION_RESPONSE = 510;
    public static final int NETWORK_MANAGEMENT_REQUEST = 800;
    public static final int NETWORK_MANAGEMENT_RESPONSE = 810;
    public static final int NETWORK_MANAGEMENT_ADVICE = 820;
    public static final int NETWORK_MANAGEMENT_ADVICE_RESPONSE = 830;

    private Mti()
    {
    }

    /** The response to a request or advice: function digit +1, repeat flag dropped (0421 → 0430). */
    public static int responseTo(final int mti)
    {
        return (mti - (mti % 10)) + 10;
    }

    /** True for requests and advices (function digit even), false for their responses. */
    public static boolean isRequest(final int mti)
    {
        return ((mti / 10) % 2) == 0;
    }

    /** The message class, the hundreds digit: 1 authorization, 2 financial, 4 reversal, 8 network management. */
    public static int messageClass(final int mti)
    {
        return (mti / 100) % 10;
    }

    /** True for an 0xx1 repeat. */
    public static boolean isRepeat(final int mti)
    {
        return (mti % 10) == 1;
    }

    /** Four digits with leading zeros, for logs and dumps. */
    public static String toString(final int mti)
    {
        final char[] digits = {
            (char)('0' + mti / 1000 % 10), (char)('0' + mti / 100 % 10), (char)('0' + mti / 10 % 10), (char)('0' + mti % 10)};
        return new String(digits);
    }
}
