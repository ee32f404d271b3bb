package io.interchange.journal;

import static io.interchange.journal.Fixtures.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BusinessDayTest
{
    private static final LocalTime CUPS_CUTOFF = LocalTime.of(23, 0);
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final long HOUR = 3_600_000_000_000L;
    private static final long DAY = 24 * HOUR;

    @Test
    void shouldPutEventsAtOrAfterTheCutoffInTheNextDay()
    {
        // 23:00 in Shanghai is 15:00 UTC.
        assertEquals(LocalDate.of(2026, 3, 10), day("2026-03-10T14:59:59.999999999Z", CUPS_CUTOFF, SHANGHAI));
        assertEquals(LocalDate.of(2026, 3, 11), day("2026-03-10T15:00:00Z", CUPS_CUTOFF, SHANGHAI));
        assertEquals(LocalDate.of(2026, 3, 11), day("2026-03-10T16:00:00Z", CUPS_CUTOFF, SHANGHAI));
        assertEquals(LocalDate.of(2026, 3, 11), day("2026-03-11T14:59:59Z", CUPS_CUTOFF, SHANGHAI));
        assertEquals(LocalDate.of(2027, 1, 1), day("2026-12-31T15:00:00Z", CUPS_CUTOFF, SHANGHAI));
    }

    @Test
    void shouldMakeBusinessDaysCalendarDaysWithAMidnightCutoff()
    {
        assertEquals(LocalDate.of(2026, 3, 10), day("2026-03-10T00:00:00Z", LocalTime.MIDNIGHT, ZoneOffset.UTC));
        assertEquals(LocalDate.of(2026, 3, 10), day("2026-03-10T23:59:59.999Z", LocalTime.MIDNIGHT, ZoneOffset.UTC));
        assertEquals(LocalDate.of(2026, 3, 11), day("2026-03-11T00:00:00Z", LocalTime.MIDNIGHT, ZoneOffset.UTC));
    }

    @Test
    void shouldFollowDaylightSavingChanges()
    {
        // New York: 23:00 is 04:00 UTC in winter (EST) and 03:00 UTC in summer (EDT); clocks went forward on 8 March 2026.
        assertEquals(LocalDate.of(2026, 3, 7), day("2026-03-08T03:59:59Z", CUPS_CUTOFF, NEW_YORK));
        assertEquals(LocalDate.of(2026, 3, 8), day("2026-03-08T04:00:00Z", CUPS_CUTOFF, NEW_YORK));
        assertEquals(LocalDate.of(2026, 3, 8), day("2026-03-09T02:59:59Z", CUPS_CUTOFF, NEW_YORK));
        assertEquals(LocalDate.of(2026, 3, 9), day("2026-03-09T03:00:00Z", CUPS_CUTOFF, NEW_YORK));
        final Instant start = BusinessDay.start(LocalDate.of(2026, 3, 8), CUPS_CUTOFF, NEW_YORK);
        final Instant end = BusinessDay.end(LocalDate.of(2026, 3, 8), CUPS_CUTOFF, NEW_YORK);
        assertEquals(Instant.parse("2026-03-08T04:00:00Z"), start);
        assertEquals(Instant.parse("2026-03-09T03:00:00Z"), end);
        assertEquals(Duration.ofHours(23), Duration.between(start, end));
        // ...and back on 1 November: a 25-hour business day.
        assertEquals(Duration.ofHours(25), Duration.between(
            BusinessDay.start(LocalDate.of(2026, 11, 1), CUPS_CUTOFF, NEW_YORK), BusinessDay.end(LocalDate.of(2026, 11, 1), CUPS_CUTOFF, NEW_YORK)));
    }

    @Test
    void shouldCloseTheDayAtTheEndOfTheGapWhenTheCutoffFallsInTheHourSkippedInSpring()
    {
        // New York skips 02:00-03:00 on 8 March 2026: with a 02:30 cutoff the day closes at 03:00 EDT (07:00 UTC), the first
        // instant after the gap, as BusinessDay's documentation says; at 03:15 EDT the wall clock is well past the cutoff.
        final LocalTime cutoff = LocalTime.of(2, 30);
        assertEquals(Instant.parse("2026-03-08T07:00:00Z"), BusinessDay.end(LocalDate.of(2026, 3, 8), cutoff, NEW_YORK));
        assertEquals(LocalDate.of(2026, 3, 9), day("2026-03-08T07:15:00Z", cutoff, NEW_YORK));
        assertEquals(LocalDate.of(2026, 3, 8), day("2026-03-08T06:59:59Z", cutoff, NEW_YORK));
    }

    @Test
    void shouldAnswerFromItsCacheAsTheStaticRuleDoes()
    {
        final SplittableRandom random = new SplittableRandom(8583);
        final BusinessDay days = new BusinessDay(CUPS_CUTOFF, NEW_YORK);
        long t = nanos("2026-01-01T00:00:00Z");
        for (int i = 0; i < 20_000; i++)
        {
            // Mostly steps of up to an hour, as events come; sometimes a jump of weeks back or days ahead.
            t += random.nextInt(10) == 0 ? random.nextLong(-30 * DAY, 3 * DAY) : random.nextLong(0, HOUR);
            assertEquals(BusinessDay.businessDay(t, CUPS_CUTOFF, NEW_YORK).toEpochDay(), days.epochDay(t), "at " + t);
        }
    }

    private static LocalDate day(final String instant, final LocalTime cutoff, final ZoneId zone)
    {
        return BusinessDay.businessDay(nanos(instant), cutoff, zone);
    }
}
