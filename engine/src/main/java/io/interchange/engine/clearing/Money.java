package io.interchange.engine.clearing;

import java.util.Currency;

/** Minor units shown in major units for people (the CSV files keep minor units): 123456 in 840 is "1,234.56 USD". */
final class Money
{
    private Money()
    {
    }

    /** The amount with its currency's decimals (ISO 4217; 2 when the code is unknown) and alphabetic code. */
    static String format(final long minor, final String numericCurrency)
    {
        final Currency currency = currency(numericCurrency);
        final int digits = currency == null || currency.getDefaultFractionDigits() < 0 ? 2 : currency.getDefaultFractionDigits();
        final String code = currency == null ? numericCurrency : currency.getCurrencyCode();
        final StringBuilder sb = new StringBuilder();
        final long abs = Math.abs(minor);
        long scale = 1;
        for (int i = 0; i < digits; i++)
        {
            scale *= 10;
        }
        final String whole = String.valueOf(abs / scale);
        if (minor < 0)
        {
            sb.append('-');
        }
        for (int i = 0; i < whole.length(); i++)
        {
            if (i > 0 && (whole.length() - i) % 3 == 0)
            {
                sb.append(',');
            }
            sb.append(whole.charAt(i));
        }
        if (digits > 0)
        {
            final String fraction = String.valueOf(abs % scale);
            sb.append('.').append("0".repeat(digits - fraction.length())).append(fraction);
        }
        return sb.append(' ').append(code).toString();
    }

    private static Currency currency(final String numeric)
    {
        final int code;
        try
        {
            code = Integer.parseInt(numeric);
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
        Currency found = null;
        for (final Currency currency : Currency.getAvailableCurrencies())
        {
            // Several retired codes can share a number: the lowest alphabetic code wins, whatever the set's order.
            if (currency.getNumericCode() == code && (found == null || currency.getCurrencyCode().compareTo(found.getCurrencyCode()) < 0))
            {
                found = currency;
            }
        }
        return found;
    }
}
