package io.interchange.tools.load;

import io.interchange.codec.Mti;

/**
 * One kind of request a simulated terminal sends, and the answer it must get from the switch on its embedded
 * defaults (or any configuration like them) with issuer simulators holding the same generated cards. Which code
 * is right follows from the order of the switch's checks (README, "Run the switch with simulated issuers") and
 * the issuer simulator's rules ({@code Issuer}); the terminal picks cards and amounts so that nothing else
 * (funds, daily limits, the per-card frequency limit, merchant hopping) can change it.
 */
public enum TransactionCase
{
    PURCHASE("purchase", Share.PURCHASE, Mti.FINANCIAL_REQUEST, "00", "an active card, an amount well within its funds"),
    PREAUTH("preauth", Share.PREAUTH, Mti.AUTHORIZATION_REQUEST, "00", "0100 pre-authorization, held by the issuer"),
    COMPLETION("completion", Share.PREAUTH, Mti.FINANCIAL_ADVICE, "00", "0220 completing an approved 0100 (field 90), acknowledged by the switch"),
    REFUND("refund", Share.REFUND, Mti.FINANCIAL_REQUEST, "00", "processing code 20, credited"),
    BALANCE("balance", Share.BALANCE, Mti.FINANCIAL_REQUEST, "00", "processing code 31, balance in field 54"),
    VOID("void", Share.VOID, Mti.REVERSAL_REQUEST, "00", "0400 of the terminal's last approved purchase (field 90)"),
    LOST_CARD("decline-lost", Share.DECLINE, Mti.FINANCIAL_REQUEST, "41", "a card the issuer holds as lost"),
    STOLEN_CARD("decline-stolen", Share.DECLINE, Mti.FINANCIAL_REQUEST, "43", "a card the issuer holds as stolen"),
    EXPIRED_CARD("decline-expired", Share.DECLINE, Mti.FINANCIAL_REQUEST, "54", "a card past its expiry (field 14), refused by the switch"),
    UNKNOWN_CARD("decline-unknown-card", Share.DECLINE, Mti.FINANCIAL_REQUEST, "14", "a valid card number under a routed BIN that the issuer never issued"),
    UNKNOWN_BIN("decline-unknown-bin", Share.DECLINE, Mti.FINANCIAL_REQUEST, "15", "a valid card number under a BIN no issuer is routed for"),
    OVER_LIMIT("decline-over-limit", Share.DECLINE, Mti.FINANCIAL_REQUEST, "61", "an amount above the switch's per-transaction limit"),
    BLOCKED_MCC("decline-blocked-mcc", Share.DECLINE, Mti.FINANCIAL_REQUEST, "57", "a terminal of a merchant in a blocked category (gambling)"),
    SUSPENDED_MERCHANT("decline-suspended-merchant", Share.DECLINE, Mti.FINANCIAL_REQUEST, "03", "a terminal of a suspended merchant"),
    UNSUPPORTED("decline-unsupported", Share.DECLINE, Mti.FINANCIAL_REQUEST, "12", "processing code 40 (transfer), which the switch does not take"),
    MISSING_FIELD("malformed-missing-field", Share.MALFORMED, Mti.FINANCIAL_REQUEST, "30", "a purchase without its currency (field 49, mandatory)"),
    BAD_LENGTH("malformed-bad-length", Share.MALFORMED, Mti.FINANCIAL_REQUEST, "30",
        "a purchase whose track 2 (field 35) declares 99 digits where 37 is the most; the fields before it still read");

    private static final TransactionCase[] VALUES = values();

    private final String label;
    private final Share share;
    private final int requestMti;
    private final String expectedCode;
    private final String description;

    TransactionCase(final String label, final Share share, final int requestMti, final String expectedCode, final String description)
    {
        this.label = label;
        this.share = share;
        this.requestMti = requestMti;
        this.expectedCode = expectedCode;
        this.description = description;
    }

    /** The case for {@link #ordinal()}, without the copy {@code values()} makes. */
    static TransactionCase of(final int ordinal)
    {
        return VALUES[ordinal];
    }

    static int count()
    {
        return VALUES.length;
    }

    public String label()
    {
        return label;
    }

    /** The share of the mix this case belongs to. */
    public Share share()
    {
        return share;
    }

    public int requestMti()
    {
        return requestMti;
    }

    /** The MTI of the answer: the request's plus 10. */
    public int responseMti()
    {
        return Mti.responseTo(requestMti);
    }

    /** Field 39 of the answer. */
    public String expectedCode()
    {
        return expectedCode;
    }

    /** Whether the answer echoes field 41: every case but a message that stops decoding before it. */
    public boolean echoesTerminal()
    {
        return this != BAD_LENGTH;
    }

    public String description()
    {
        return description;
    }

    @Override
    public String toString()
    {
        return label;
    }
}
