package io.interchange.engine.switching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class EventClockTest
{
    private static final long NANOS = 1_000_000_000L;

    @Test
    void shouldAgreeWithJavaTimeOnFieldSevenAndRrnPrefixAcrossThreeCenturies()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[10]);
        for (int i = 0; i < 100_000; i++)
        {
            final long seconds = random.nextLong(-4_000_000_000L, 9_000_000_000L);
            final ZonedDateTime utc = Instant.ofEpochSecond(seconds).atZone(ZoneOffset.UTC);
            EventClock.transmissionDateTime(seconds * NANOS + random.nextInt(1_000_000_000), buffer, 0);
            assertEquals(utc.format(DateTimeFormatter.ofPattern("MMddHHmmss")), buffer.getStringWithoutLengthAscii(0, 10), "at " + seconds);
            final int expected = (utc.getYear() % 10) * 1_000 + utc.getDayOfYear();
            assertEquals(expected, EventClock.yearDay(seconds * NANOS), "at " + seconds);
            assertEquals(utc.getYear() * 10_000 + utc.getMonthValue() * 100 + utc.getDayOfMonth(), EventClock.civil(Math.floorDiv(seconds, 86_400)));
        }
    }

    @Test
    void shouldPutEventsAtOrAfterTheCutoffInTheNextBusinessDay()
    {
        final ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        final EventClock clock = new EventClock(shanghai, LocalTime.of(23, 0));
        final long before = LocalDate.of(2026, 11, 26).atTime(22, 59, 59).atZone(shanghai).toEpochSecond() * NANOS;
        final long at = LocalDate.of(2026, 11, 26).atTime(23, 0).atZone(shanghai).toEpochSecond() * NANOS;
        final long after = LocalDate.of(2026, 11, 27).atTime(0, 30).atZone(shanghai).toEpochSecond() * NANOS;
        assertEquals(LocalDate.of(2026, 11, 26).toEpochDay(), clock.businessDay(before));
        assertEquals(LocalDate.of(2026, 11, 27).toEpochDay(), clock.businessDay(at));
        assertEquals(LocalDate.of(2026, 11, 27).toEpochDay(), clock.businessDay(after));
        assertEquals(LocalDate.of(2026, 11, 26).toEpochDay(), clock.businessDay(before), "back again: the cache follows the event");
    }

    @Test
    void shouldGiveTheLocalYearMonthForExpiryChecks()
    {
        final ZoneId zone = ZoneId.of("Asia/Shanghai");
        final EventClock clock = new EventClock(zone, LocalTime.of(23, 0));
        // 2026-11-30 17:00 UTC is already 1 December in Shanghai.
        final long nanos = LocalDate.of(2026, 11, 30).atTime(17, 0).toEpochSecond(ZoneOffset.UTC) * NANOS;
        assertEquals(2612, clock.yearMonth(nanos));
        assertEquals(2611, clock.yearMonth(nanos - 2 * 3_600 * NANOS));
    }

    @Test
    void shouldReadFieldSevenInTheYearNearestTheEventAcrossNewYear()
    {
        final long newYearsEve = Instant.parse("2026-12-31T23:59:50Z").getEpochSecond() * NANOS;
        assertEquals(Instant.parse("2027-01-01T00:00:05Z").getEpochSecond() * NANOS, EventClock.transmissionNanos(newYearsEve, 101_000_005L),
            "a terminal whose clock is already in January");
        final long newYearsDay = Instant.parse("2027-01-01T00:00:05Z").getEpochSecond() * NANOS;
        assertEquals(Instant.parse("2026-12-31T23:59:50Z").getEpochSecond() * NANOS, EventClock.transmissionNanos(newYearsDay, 1_231_235_950L),
            "a request sent just before midnight, arriving after it");
        assertEquals(Instant.parse("2026-11-26T10:00:00Z").getEpochSecond() * NANOS,
            EventClock.transmissionNanos(Instant.parse("2026-11-26T10:00:01Z").getEpochSecond() * NANOS, 1_126_100_000L));
        assertEquals(Long.MIN_VALUE, EventClock.transmissionNanos(newYearsDay, 1_332_000_000L), "month 13");
        assertEquals(Long.MIN_VALUE, EventClock.transmissionNanos(newYearsDay, 1_126_246_000L), "hour 24");
    }
}
