package io.interchange.tools.issuer;

import java.util.Objects;

import io.interchange.codec.Pan;

/**
 * One card and its account, as the issuer holds it at a moment: a value, not a live view ({@link CardBook}
 * holds the live state).
 *
 * @param pan        12 to 18 digits, Luhn-valid, not starting with 0 (so the PAN is also a unique long).
 * @param status     lost and stolen cards are declined whatever else holds.
 * @param expiry     YYMM, years 2000 to 2099: the card is good through the end of that month.
 * @param balance    available funds in minor units; an advice of a purchase already made may take it below zero.
 * @param dailyLimit the most that purchases and cash may take in one day, in minor units.
 * @param spentToday what purchases and cash took today, in minor units.
 */
public record CardAccount(String pan, CardStatus status, int expiry, long balance, long dailyLimit, long spentToday)
{
    /** The shortest PAN accepted: ISO/IEC 7812-1 allows 8, but no scheme this switch routes issues fewer than 12. */
    public static final int MIN_PAN_DIGITS = 12;
    /** The longest PAN accepted: 18 digits always fit a long, which is how the issuer looks cards up. */
    public static final int MAX_PAN_DIGITS = 18;

    public CardAccount
    {
        Objects.requireNonNull(pan, "pan");
        Objects.requireNonNull(status, "status");
        final String problem = panProblem(pan);
        if (problem != null)
        {
            throw new IllegalArgumentException(problem);
        }
        if (!validExpiry(expiry))
        {
            throw new IllegalArgumentException("expiry " + expiry + " is not YYMM with a month 01-12");
        }
        if (dailyLimit < 0)
        {
            throw new IllegalArgumentException("daily limit is negative: " + dailyLimit);
        }
        if (spentToday < 0)
        {
            throw new IllegalArgumentException("spent today is negative: " + spentToday);
        }
    }

    /** True when the card is past its expiry month in {@code yymm}, the current year and month. */
    public boolean expiredAt(final int yymm)
    {
        return expiry < yymm;
    }

    /** The PAN as a number: the key {@link CardBook#indexOf(long)} takes. */
    public long panNumber()
    {
        return Long.parseLong(pan);
    }

    /** The PAN masked to its first six and last four digits, the only form fit for logs. */
    public String maskedPan()
    {
        return Pan.mask(pan);
    }

    /** Never the whole PAN: a record's default toString would put it in whatever log prints a card. */
    @Override
    public String toString()
    {
        return "CardAccount[" + maskedPan() + ' ' + status + " expiry=" + String.format("%04d", expiry) + " balance=" + balance +
            " dailyLimit=" + dailyLimit + " spentToday=" + spentToday + ']';
    }

    /** Why {@code pan} cannot be a card number here, or null when it can. */
    static String panProblem(final String pan)
    {
        final int n = pan.length();
        for (int i = 0; i < n; i++)
        {
            final char c = pan.charAt(i);
            if (c < '0' || c > '9')
            {
                return "PAN holds '" + c + "' at position " + (i + 1) + ": digits only";
            }
        }
        if (n < MIN_PAN_DIGITS || n > MAX_PAN_DIGITS)
        {
            return "PAN has " + n + " digits: " + MIN_PAN_DIGITS + " to " + MAX_PAN_DIGITS + " are accepted";
        }
        if (pan.charAt(0) == '0')
        {
            return "PAN " + Pan.mask(pan) + " starts with 0, which no card scheme issues";
        }
        if (!Pan.luhnValid(pan))
        {
            return "PAN " + Pan.mask(pan) + " fails the Luhn check";
        }
        return null;
    }

    static boolean validExpiry(final int yymm)
    {
        final int month = yymm % 100;
        return yymm >= 0 && yymm <= 9999 && month >= 1 && month <= 12;
    }
}
