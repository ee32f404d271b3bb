package io.interchange.tools.load;

import java.util.Locale;

/**
 * The kinds of work a terminal draws from the {@link Mix}. A share stands for one or more {@link TransactionCase}s:
 * a pre-authorization is followed by its completion, and declines and malformed messages take their variants in
 * turn, so every variant is exercised.
 */
public enum Share
{
    /** 0200, processing code 00: an approved purchase. */
    PURCHASE,
    /** 0100 pre-authorization, then an 0220 completion for its amount or less. */
    PREAUTH,
    /** 0200, processing code 20: an approved refund. */
    REFUND,
    /** 0200, processing code 31: a balance inquiry. */
    BALANCE,
    /** 0400 reversal (field 90) of the terminal's last approved purchase. */
    VOID,
    /** Requests declined by design, by the switch or the issuer: lost, stolen, expired, unknown cards and more. */
    DECLINE,
    /** Requests the switch cannot accept as they are: answered 30. */
    MALFORMED;

    /** The name used in {@code --mix}: lower case. */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The share named {@code label} (any case), or null. */
    public static Share byLabel(final String label)
    {
        for (final Share share : values())
        {
            if (share.label().equalsIgnoreCase(label))
            {
                return share;
            }
        }
        return null;
    }
}
