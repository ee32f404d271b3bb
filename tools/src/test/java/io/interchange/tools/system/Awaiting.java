package io.interchange.tools.system;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition that another thread makes true: polls, and fails the test after a generous limit. */
final class Awaiting
{
    private static final long POLL_NANOS = 5_000_000;

    private Awaiting()
    {
    }

    static void until(final Duration limit, final BooleanSupplier condition, final String what)
    {
        until(limit, condition, () -> what);
    }

    /** As {@link #until(Duration, BooleanSupplier, String)}, with what was awaited told as things stand when the limit passes. */
    static void until(final Duration limit, final BooleanSupplier condition, final Supplier<String> what)
    {
        final long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within " + limit + ": " + what.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
