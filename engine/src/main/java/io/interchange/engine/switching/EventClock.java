package io.interchange.engine.switching;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;

import org.agrona.MutableDirectBuffer;

/**
 * Dates and times the switch needs, worked out from an event's timestamp only (never the wall clock), so that
 * replaying the journal gives the same answers. The calendar work allocates, so it is done once per business
 * day and per local day; an event inside the cached day costs a comparison.
 */
final class EventClock
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400L;

    private final ZoneId zone;
    private final LocalTime cutoff;
    private long localDayStart = Long.MAX_VALUE;
    private long localDayEnd = Long.MIN_VALUE;
    private int localYearMonth;
    private long businessDayStart = Long.MAX_VALUE;
    private long businessDayEnd = Long.MIN_VALUE;
    private long businessDay;

    EventClock(final ZoneId zone, final LocalTime cutoff)
    {
        this.zone = zone;
        this.cutoff = cutoff;
    }

    /** The local calendar year and month, as YYMM (card expiry dates compare against it). */
    int yearMonth(final long epochNanos)
    {
        if (epochNanos < localDayStart || epochNanos >= localDayEnd)
        {
            final LocalDate date = Instant.ofEpochSecond(Math.floorDiv(epochNanos, NANOS_PER_SECOND)).atZone(zone).toLocalDate();
            localDayStart = date.atStartOfDay(zone).toEpochSecond() * NANOS_PER_SECOND;
            localDayEnd = date.plusDays(1).atStartOfDay(zone).toEpochSecond() * NANOS_PER_SECOND;
            localYearMonth = (date.getYear() % 100) * 100 + date.getMonthValue();
        }
        return localYearMonth;
    }

    /** The business day as an epoch day: events at or after the cutoff belong to the next day. */
    long businessDay(final long epochNanos)
    {
        if (epochNanos < businessDayStart || epochNanos >= businessDayEnd)
        {
            final LocalDateTime local = Instant.ofEpochSecond(Math.floorDiv(epochNanos, NANOS_PER_SECOND)).atZone(zone).toLocalDateTime();
            final LocalDate day = local.toLocalTime().isBefore(cutoff) ? local.toLocalDate() : local.toLocalDate().plusDays(1);
            businessDay = day.toEpochDay();
            businessDayStart = day.minusDays(1).atTime(cutoff).atZone(zone).toEpochSecond() * NANOS_PER_SECOND;
            businessDayEnd = day.atTime(cutoff).atZone(zone).toEpochSecond() * NANOS_PER_SECOND;
        }
        return businessDay;
    }

    /** Writes field 7, transmission date and time MMDDhhmmss in GMT (ISO 8583:1987), into {@code dst}. */
    static void transmissionDateTime(final long epochNanos, final MutableDirectBuffer dst, final int offset)
    {
        final long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
        final long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        final int secondOfDay = (int)(seconds - days * SECONDS_PER_DAY);
        final int civil = civil(days);
        putTwo(dst, offset, civil / 100 % 100);
        putTwo(dst, offset + 2, civil % 100);
        putTwo(dst, offset + 4, secondOfDay / 3600);
        putTwo(dst, offset + 6, secondOfDay / 60 % 60);
        putTwo(dst, offset + 8, secondOfDay % 60);
    }

    /** The last digit of the year, the day of year (1..366) and the hour, GMT, as YDDDHH: how RRNs begin. */
    static int yearDayHour(final long epochNanos)
    {
        final long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
        final long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        final int hour = (int)((seconds - days * SECONDS_PER_DAY) / 3600);
        final int year = civil(days) / 10_000;
        final long dayOfYear = days - daysFromCivil(year) + 1;
        return (year % 10) * 100_000 + (int)dayOfYear * 100 + hour;
    }

    /**
     * The civil date of a day count as YYYYMMDD (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"),
     * without the allocation of a LocalDate.
     */
    static int civil(final long epochDay)
    {
        final long z = epochDay + 719_468;
        final long era = Math.floorDiv(z, 146_097);
        final long doe = z - era * 146_097;
        final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final long mp = (5 * doy + 2) / 153;
        final int day = (int)(doy - (153 * mp + 2) / 5 + 1);
        final int month = (int)(mp < 10 ? mp + 3 : mp - 9);
        final long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return (int)year * 10_000 + month * 100 + day;
    }

    /** The day count of 1 January of {@code year}. */
    private static long daysFromCivil(final int year)
    {
        final long y = year - 1;
        final long era = Math.floorDiv(y, 400);
        final long yoe = y - era * 400;
        final long doy = 306; // 1 January is day 306 of a March-based year
        final long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    private static void putTwo(final MutableDirectBuffer dst, final int offset, final int value)
    {
        dst.putByte(offset, (byte)('0' + value / 10));
        dst.putByte(offset + 1, (byte)('0' + value % 10));
    }
}
