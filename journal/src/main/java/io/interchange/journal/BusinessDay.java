package io.interchange.journal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;

/**
 * The business day an event belongs to (DESIGN.md §6). A day runs cutoff to cutoff in the switch's zone and is
 * named after the calendar day on which it closes: with CUPS's 23:00 cutoff, 22:59:59 on 10 March is in the
 * business day of 10 March and 23:00:00 is in that of 11 March. A cutoff of 00:00 closes each calendar day at
 * its own end, so business days and calendar days coincide.
 *
 * <p>Days are bounded by instants, worked out in the zone's rules for that date: across a daylight-saving change
 * a business day is 23 or 25 hours long, and a cutoff that falls in the hour skipped in spring closes the day at
 * the first instant after the gap (not a gap's length later, as {@link ZonedDateTime#of} would resolve it).
 *
 * <p>An instance caches the bounds of the last day it answered for, so that the journal writer's question, asked
 * once per event, allocates only when an event crosses into another day.
 */
public final class BusinessDay
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final LocalTime cutoff;
    private final ZoneId zone;
    private long startNanos = Long.MAX_VALUE;
    private long endNanos = Long.MIN_VALUE;
    private long epochDay;

    public BusinessDay(final LocalTime cutoff, final ZoneId zone)
    {
        this.cutoff = cutoff;
        this.zone = zone;
    }

    /** The business day of an event at {@code timestampNanos} (epoch nanoseconds). */
    public static LocalDate businessDay(final long timestampNanos, final LocalTime cutoff, final ZoneId zone)
    {
        final Instant instant = Instant.ofEpochSecond(Math.floorDiv(timestampNanos, NANOS_PER_SECOND), Math.floorMod(timestampNanos, NANOS_PER_SECOND));
        final LocalDate date = LocalDate.ofInstant(instant, zone);
        return instant.isBefore(end(date, cutoff, zone)) ? date : date.plusDays(1);
    }

    /** The first instant of business day {@code day}: the previous day's end. */
    public static Instant start(final LocalDate day, final LocalTime cutoff, final ZoneId zone)
    {
        return end(day.minusDays(1), cutoff, zone);
    }

    /** The instant at which business day {@code day} closes, the first that belongs to the next. */
    public static Instant end(final LocalDate day, final LocalTime cutoff, final ZoneId zone)
    {
        if (cutoff.equals(LocalTime.MIDNIGHT))
        {
            return day.plusDays(1).atStartOfDay(zone).toInstant();
        }
        final LocalDateTime local = day.atTime(cutoff);
        final ZoneOffsetTransition transition = zone.getRules().getTransition(local);
        // In a gap ZonedDateTime moves the cutoff later by the gap's length; the day closes when the gap ends.
        return transition != null && transition.isGap() ? transition.getInstant() : ZonedDateTime.of(local, zone).toInstant();
    }

    /** {@link #businessDay} as an epoch day; allocation free while events stay within one day. */
    public long epochDay(final long timestampNanos)
    {
        if (timestampNanos < startNanos || timestampNanos >= endNanos)
        {
            final LocalDate day = businessDay(timestampNanos, cutoff, zone);
            epochDay = day.toEpochDay();
            startNanos = nanos(start(day, cutoff, zone));
            endNanos = nanos(end(day, cutoff, zone));
        }
        return epochDay;
    }

    private static long nanos(final Instant instant)
    {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
    }
}
