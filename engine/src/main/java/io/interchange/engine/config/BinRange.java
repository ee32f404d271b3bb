package io.interchange.engine.config;

import java.util.Objects;

/**
 * Card numbers whose first digits lie between {@code low} and {@code high} (inclusive) route to {@code issuer}.
 * Ranges of the same length never overlap; a longer range inside a shorter one is the more specific.
 *
 * @param low    the first BIN, 6 to 11 digits.
 * @param high   the last BIN, as many digits as {@code low}, not below it.
 * @param issuer the {@link IssuerConfig#id()} of the issuer.
 * @param origin domestic or foreign cards: which part of a UnionPay POS batch's totals they count in.
 */
public record BinRange(String low, String high, String issuer, CardOrigin origin)
{
    public BinRange
    {
        Objects.requireNonNull(low, "low");
        Objects.requireNonNull(high, "high");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(origin, "origin");
    }

    /** A range of domestic cards, the default when the file says no origin. */
    public BinRange(final String low, final String high, final String issuer)
    {
        this(low, high, issuer, CardOrigin.DOMESTIC);
    }

    /** Number of digits of the BIN, the same for {@code low} and {@code high}. */
    public int length()
    {
        return low.length();
    }
}
