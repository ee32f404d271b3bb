package io.interchange.engine.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The Disruptor ring.
 *
 * @param size slots, a power of two.
 * @param tick how often a TICK event carries time into the ring; time-outs are no finer than this.
 * @param waitStrategy how idle ring threads wait: {@code sleeping} (the default: no lock on publish, the best
 *                     measured on 2 cores), {@code yielding}, {@code busy-spin} (a core per thread) or {@code blocking}
 *                     (Disruptor's blocking strategy takes a lock on every publish to wake waiters).
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
