package io.interchange.engine.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The Disruptor ring.
 *
 * @param size slots, a power of two.
 * @param tick how often a TICK event carries time into the ring; time-outs are no finer than this.
 */
public record RingConfig(int size, Duration tick)
{
    public RingConfig
    {
        Objects.requireNonNull(tick, "tick");
    }
}
