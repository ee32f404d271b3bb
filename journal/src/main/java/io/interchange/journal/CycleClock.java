package io.interchange.journal;

import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The writer queue's clock: the business day of the entry being appended, so that the queue's daily cycle is the
 * business day whatever the wall clock says, and replaying a journal or a test lays records out the same way.
 *
 * <p>The queue asks its clock which cycle to write to, as {@code (millis - epoch) / day length}. Rather than
 * give it the event's instant and an epoch at the cutoff, the clock answers with the start of the business day as
 * a UTC day (epoch 0, {@code FAST_DAILY}): Chronicle's epoch is one fixed offset from UTC (its zone-aware roll
 * time is an Enterprise feature), which cannot follow a zone's daylight-saving changes, and it names a file
 * after the instant its cycle starts, the day before the one it closes. This way cycle = epoch day of the
 * business day, and the file of 11 March is {@code 20260311F.cq4}.
 *
 * <p>The clock never goes back: Chronicle cannot append to a cycle it has closed, so an event stamped just
 * before the cutoff that reaches the journal after a later one has opened the next day is journaled in that next
 * day, as networks book transactions that arrive after their cutover.
 */
final class CycleClock implements TimeProvider
{
    static final long DAY_MILLIS = 86_400_000L;

    private final BusinessDay businessDay;
    // 1970-01-01 until the first entry: never written to, and a cycle Chronicle can compute with.
    private long epochDay;

    CycleClock(final BusinessDay businessDay)
    {
        this.businessDay = businessDay;
    }

    /** Moves the clock to the entry's business day, or leaves it on a later day already written to. */
    void advanceTo(final long timestampNanos)
    {
        epochDay = Math.max(epochDay, businessDay.epochDay(timestampNanos));
    }

    /** Never earlier than {@code cycle}: the last day a journal being reopened was written to. */
    void notBefore(final int cycle)
    {
        epochDay = Math.max(epochDay, cycle);
    }

    @Override
    public long currentTimeMillis()
    {
        return epochDay * DAY_MILLIS;
    }
}
