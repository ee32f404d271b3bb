package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.interchange.codec.MessageReader;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Review of the load harness: what it measures and counts, on a fake switch over an EmbeddedChannel (the helpers of
 * {@link LoadAccountingTest}).
 */
class LoadReviewTest
{
    private static final long LATE_BY_AT_LEAST = TimeUnit.MILLISECONDS.toNanos(500);

    /**
     * Open loop, coordinated omission: every request of the run is due in the past (the last 510 ms ago), so each goes
     * at least 500 ms after it was due and is answered at once. Its latency must be counted from when it was due, so it
     * holds the generator's lateness; counted from when it went, the run reports microseconds for a generator that was
     * half a second behind.
     */
    @Test
    void aRequestThatWentLateShouldBeTimedFromWhenItWasDue()
    {
        final LoadOptions options = LoadAccountingTest.options();
        final LoadPlan plan = LoadPlan.of(options, LocalDate.of(2026, 3, 15));
        final SimTerminal[] terminals = {new SimTerminal(plan, 0, 1, 0), new SimTerminal(plan, 1, 1, 0)};
        final LoadConnection connection = new LoadConnection(plan, 0, terminals);
        final EmbeddedChannel channel = LoadAccountingTest.connect(connection);

        final long start = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        connection.start(start, start, start + TimeUnit.MILLISECONDS.toNanos(500));
        LoadAccountingTest.runDue(channel);
        final List<MessageReader> requests = LoadAccountingTest.readRequests(channel);
        assertEquals(50, requests.size(), "50 requests due at 100/s in 500 ms");
        for (final MessageReader request : requests)
        {
            LoadAccountingTest.answer(channel, request, "00");
        }
        final LoadReport report = LoadAccountingTest.report(options, connection.finish());

        assertEquals(0, report.mismatches());
        assertEquals(50, report.latency().getTotalCount());
        assertTrue(report.sendLag().getMinValue() >= LATE_BY_AT_LEAST, "each went at least 500 ms late: " + report.sendLag().getMinValue() + " ns");
        assertTrue(report.latency().getMinValue() >= report.sendLag().getMinValue(),
            "latency from the due time includes the send lag: latency p50 " + LoadReport.micros(report.latencyMicros(50)) + ", min " +
                report.latency().getMinValue() + " ns, send lag min " + report.sendLag().getMinValue() + " ns");
        channel.finishAndReleaseAll();
    }
}
