package io.interchange.tools.iso;

/** Test card data: a Visa test PAN, its track 2 with a CVV in the discretionary data, a PIN block. */
final class Cards
{
    static final String PAN = "4761739001010119";
    static final String MASKED_PAN = "476173******0119";
    static final String TRACK2_DISCRETIONARY = "2011143804400000";
    static final String TRACK2 = PAN + "=2512" + TRACK2_DISCRETIONARY;
    static final String PIN_BLOCK = "0123456789ABCDEF";
    /** EMV data: cryptogram 9F26, track 2 equivalent 57 (PAN, D, expiry, service code, discretionary), PAN 5A. */
    static final String TAG57_VALUE = "4761739001010119D25122011143804400000F";
    static final String ICC = "9F2608AABBCCDDEEFF0011" + "5713" + TAG57_VALUE + "5A08" + PAN + "9F1A020840";

    private Cards()
    {
    }
}
