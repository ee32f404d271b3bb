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
 * @param threads      {@code per-stage} (a thread for each of the four handlers), {@code one} (one thread runs all
 *                     four in turn), {@code event-loop} (the links share one Netty event loop, which runs the four
 *                     stages itself after its reads: no hand-off between threads inside the switch) or {@code auto}:
 *                     per-stage from {@value #PER_STAGE_FROM_CORES} cores, which leaves a core for each stage and for
 *                     the links' I/O; event-loop below that, where every hand-off waits for a thread to be scheduled
 *                     on a shared core (bench/RESULTS.md, "The ring on the event loop").
 */
public record RingConfig(int size, Duration tick, String waitStrategy, String threads)
{
    public static final List<String> WAIT_STRATEGIES = List.of("blocking", "sleeping", "yielding", "busy-spin");
    public static final List<String> THREADS = List.of("auto", "one", "per-stage", "event-loop");
    public static final int PER_STAGE_FROM_CORES = 6;

    public RingConfig
    {
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(waitStrategy, "waitStrategy");
        Objects.requireNonNull(threads, "threads");
    }

    /** Whether the links' event loop runs the ring on a machine of {@code cores}: one I/O thread, and no ring threads. */
    public boolean onEventLoop(final int cores)
    {
        return switch (threads)
        {
            case "event-loop" -> true;
            case "auto" -> cores < PER_STAGE_FROM_CORES;
            default -> false;
        };
    }

    /** Whether each handler gets a thread of its own on a machine of {@code cores}. */
    public boolean threadPerStage(final int cores)
    {
        return switch (threads)
        {
            case "one" -> false;
            case "per-stage" -> true;
            default -> cores >= PER_STAGE_FROM_CORES;
        };
    }
}
