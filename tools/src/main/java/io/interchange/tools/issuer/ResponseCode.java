package io.interchange.tools.issuer;

/** The answers (field 39) the issuer simulator gives, ISO 8583:1987 response codes as the card networks use them. */
public enum ResponseCode
{
    /** Approved; also every acknowledged advice, reversal and network message. */
    APPROVED("00"),
    /** Do not honour: an unsupported processing code, MTI or network code. */
    DO_NOT_HONOUR("05"),
    /** The PAN is not one of the book's cards. */
    INVALID_CARD("14"),
    /** A reversal whose original the issuer never saw (or has forgotten). */
    ORIGINAL_NOT_FOUND("25"),
    /** A field does not decode, or one the message needs is missing. */
    FORMAT_ERROR("30"),
    LOST_CARD("41"),
    STOLEN_CARD("43"),
    INSUFFICIENT_FUNDS("51"),
    /** Past its expiry month, or field 14 does not match the card's expiry. */
    EXPIRED_CARD("54"),
    /** Purchases and cash today would pass the card's daily limit. */
    EXCEEDS_LIMIT("61"),
    /** A fault in the simulator itself. */
    SYSTEM_MALFUNCTION("96");

    private final String code;

    ResponseCode(final String code)
    {
        this.code = code;
    }

    /** The two characters of field 39. */
    public String code()
    {
        return code;
    }
}
