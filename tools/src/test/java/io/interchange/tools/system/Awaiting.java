package io.interchange.tools.system;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that another thread makes true: polls, and fails the test after a generous limit. */
final class Awaiting
{
    private Awaiting()
    {
    }

    static void until(final Duration limit, final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(10);
        }
    }
}
