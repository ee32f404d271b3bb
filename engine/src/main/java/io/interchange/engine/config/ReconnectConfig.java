package io.interchange.engine.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a lost issuer link retries: the first wait, doubling up to the longest.
 *
 * @param initial the wait before the first attempt.
 * @param max     the longest wait between attempts; at least {@code initial}.
 */
public record ReconnectConfig(Duration initial, Duration max)
{
    public ReconnectConfig
    {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
    }
}
