package io.interchange.engine.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The Disruptor ring.
 *
 * @param size slots, a power of two.
 * @param tick how often a TICK event carries time into the ring; time-outs are no finer than this.
 * @param waitStrategy how idle ring threads wait: {@code blocking} (the default: kind to a shared or small machine),
 *                     {@code sleeping}, {@code yielding} or {@code busy-spin} (lowest latency, a core per thread).
 */
public record RingConfig(int size, Duration tick, String waitStrategy)
{
    public static final List<String> WAIT_STRATEGIES = List.of("blocking", "sleeping", "yielding", "busy-spin");

    public RingConfig
    {
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(waitStrategy, "waitStrategy");
    }
}
