package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest
{
    @Test
    void shouldRampFromATenthOfTheRateOverTheWarmupThenRunAtTheRate()
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(20_000, Duration.ofSeconds(10));
        // n(W) = W (r/10 + r) / 2 = 10 × 11,000 = 110,000 requests in the warm-up.
        assertEquals(0, schedule.dueNanos(0));
        assertEquals(10_000_000_000L, schedule.dueNanos(110_000), 1_000);
        // The first second carries about 2,000 + 1,800 / 2 requests (the rate climbs 1,800 a second).
        assertEquals(1_000_000_000L, schedule.dueNanos(2_900), 1_000_000);
        // Measured at the rate: 50 µs apart from the end of the warm-up.
        assertEquals(50_000, schedule.dueNanos(110_001) - schedule.dueNanos(110_000), 1);
        assertEquals(10_000_000_000L + 5_000_000_000L, schedule.dueNanos(110_000 + 100_000), 1_000);
        long previous = -1;
        for (long k = 0; k < 200_000; k += 97)
        {
            final long due = schedule.dueNanos(k);
            assertTrue(due > previous, "due times rise: " + k);
            previous = due;
        }
    }

    @Test
    void shouldRunAtTheRateFromTheStartWithoutAWarmup()
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(1_000, Duration.ZERO);
        assertEquals(0, schedule.dueNanos(0));
        assertEquals(1_000_000, schedule.dueNanos(1));
        assertEquals(2_000_000_000L, schedule.dueNanos(2_000));
    }
}
