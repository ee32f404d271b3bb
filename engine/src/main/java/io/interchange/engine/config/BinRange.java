package io.interchange.engine.config;

import java.util.Objects;

/**
 * Card numbers whose first digits lie between {@code low} and {@code high} (inclusive) route to {@code issuer}.
 * Ranges of the same length never overlap; a longer range inside a shorter one is the more specific.
 *
 * @param low    the first BIN, 6 to 11 digits.
 * @param high   the last BIN, as many digits as {@code low}, not below it.
 * @param issuer the {@link IssuerConfig#id()} of the issuer.
 */
public record BinRange(String low, String high, String issuer)
{
    public BinRange
    {
        Objects.requireNonNull(low, "low");
        Objects.requireNonNull(high, "high");
        Objects.requireNonNull(issuer, "issuer");
    }

    /** Number of digits of the BIN, the same for {@code low} and {@code high}. */
    public int length()
    {
        return low.length();
    }
}
