package io.interchange.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** A connection on an EmbeddedChannel: nothing but the sign-on goes before the run's start. */
class LoadConnectionTest
{
    private static final LoadOptions OPTIONS = LoadOptions.defaults().withCards(3, List.of("476173", "622848"), 4_000).withConnections(1).withTerminals(2)
        .closed(4);

    @Test
    void shouldSendNothingOfAClosedLoopBeforeTheRunsStart()
    {
        final LoadPlan plan = LoadPlan.of(OPTIONS, LocalDate.of(2026, 3, 15));
        final SimTerminal[] terminals = {new SimTerminal(plan, 0, 1, 0), new SimTerminal(plan, 1, 1, 0)};
        final LoadConnection connection = new LoadConnection(plan, 0, terminals);
        final EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(connection);
        channel.pipeline().fireChannelActive();
        final ByteBuf signOn = channel.readOutbound();
        assertNotNull(signOn, "the sign-on goes at once");
        signOn.release();

        // The start an hour away (LoadRun puts it in the next whole second): the sweeper's turns and a read must not start the loop.
        final long start = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        connection.start(start, start, start + TimeUnit.HOURS.toNanos(1));
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.pipeline().fireChannelReadComplete();
        channel.pipeline().fireChannelWritabilityChanged();

        assertNull(channel.readOutbound(), "a request before the run's start");
        assertEquals(0, connection.stats().counters()[ConnectionStats.SENT]);
        channel.finishAndReleaseAll();
    }
}
