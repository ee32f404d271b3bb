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

    /** The last digit of the year and the day of year (1..366), GMT, as YDDD: how RRNs begin. */
    static int yearDay(final long epochNanos)
    {
        final long days = Math.floorDiv(Math.floorDiv(epochNanos, NANOS_PER_SECOND), SECONDS_PER_DAY);
        final int year = civil(days) / 10_000;
        final long dayOfYear = days - daysFromCivil(year, 1, 1) + 1;
        return (year % 10) * 1_000 + (int)dayOfYear;
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

    /** The day count of a civil date (H. Hinnant's days_from_civil). */
    static long daysFromCivil(final int year, final int month, final int day)
    {
        final long y = month <= 2 ? year - 1 : year;
        final long era = Math.floorDiv(y, 400);
        final long yoe = y - era * 400;
        final long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        final long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    /**
     * Field 7 (MMDDhhmmss, GMT, no year) as epoch nanoseconds: the year that puts it nearest to {@code now}, as a
     * message sent around New Year needs. {@link Long#MIN_VALUE} when it is not a date and time.
     */
    static long transmissionNanos(final long now, final long mmddhhmmss)
    {
        final int month = (int)(mmddhhmmss / 100_000_000L);
        final int day = (int)(mmddhhmmss / 1_000_000L % 100);
        final int hour = (int)(mmddhhmmss / 10_000 % 100);
        final int minute = (int)(mmddhhmmss / 100 % 100);
        final int second = (int)(mmddhhmmss % 100);
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
        {
            return Long.MIN_VALUE;
        }
        final int year = civil(Math.floorDiv(Math.floorDiv(now, NANOS_PER_SECOND), SECONDS_PER_DAY)) / 10_000;
        long best = Long.MIN_VALUE;
        for (int y = year - 1; y <= year + 1; y++)
        {
            final long seconds = daysFromCivil(y, month, day) * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second;
            final long nanos = seconds * NANOS_PER_SECOND;
            if (best == Long.MIN_VALUE || Math.abs(nanos - now) < Math.abs(best - now))
            {
                best = nanos;
            }
        }
        return best;
    }

    private static void putTwo(final MutableDirectBuffer dst, final int offset, final int value)
    {
        dst.putByte(offset, (byte)('0' + value / 10));
        dst.putByte(offset + 1, (byte)('0' + value % 10));
    }
}
