package io.interchange.engine.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The switch's own checks before a request is routed.
 *
 * @param maxAmount                        the largest amount of one transaction, in minor units (above: 61).
 * @param currencies                       ISO 4217 numeric currency codes accepted (field 49).
 * @param blockedMcc                       merchant categories where cards may not be used (57).
 * @param maxTransactionsPerCardPerMinute  requests per card per minute above which the answer is 65.
 * @param duplicateWindow                  how old a transmission date and time (field 7) may be before 94.
 */
public record LimitsConfig(
    long maxAmount,
    List<Integer> currencies,
    List<Integer> blockedMcc,
    int maxTransactionsPerCardPerMinute,
    Duration duplicateWindow)
{
    public LimitsConfig
    {
        currencies = List.copyOf(currencies);
        blockedMcc = List.copyOf(blockedMcc);
        Objects.requireNonNull(duplicateWindow, "duplicateWindow");
    }
}
