package io.interchange.engine.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.lmax.disruptor.EventHandler;

import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.frame.Framing;
import io.interchange.engine.ring.Egress;
import io.interchange.engine.ring.EventJournal;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.Ring;
import io.interchange.engine.ring.SwitchEvent;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * A link that connects while the ring is full: its UP event waits for room, and the ring must see UP and DOWN in
 * pairs or not at all (a DOWN without its UP, or an UP without its DOWN, leaves a dead link in the switch's tables).
 * A frame that waits in the link for room carries the time it was read.
 */
class FrameHandlerTest
{
    private static final int RING = 4;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private final ExecutorService ringLoop = Executors.newSingleThreadExecutor();
    private final CountDownLatch ringStalled = new CountDownLatch(1);
    private final List<Integer> seen = new ArrayList<>();
    private final List<Long> timestamps = new ArrayList<>();
    private final List<Long> readTimes = new ArrayList<>();
    private final List<Integer> waits = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
    private Ring ring;
    private Channel server;

    @AfterEach
    void stop()
    {
        ringStalled.countDown();
        if (server != null)
        {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        ringLoop.shutdownNow();
    }

    @Test
    void shouldPublishTheUpOfALinkThatConnectedWhileTheRingWasFullOnceItHasRoom() throws Exception
    {
        final Channel client = connectToAFullRing();
        ringStalled.countDown();
        awaitRingDrainedAndRetriesPast();
        assertEquals(List.of(EventType.TICK, EventType.TICK, EventType.TICK, EventType.TICK, EventType.ACQUIRER_UP), seen());

        client.close().sync();
        accepted.get().closeFuture().sync();
        awaitRingDrainedAndRetriesPast();
        assertEquals(EventType.ACQUIRER_DOWN, seen().get(5));
    }

    @Test
    void shouldPublishNeitherUpNorDownForALinkThatWentWhileTheRingWasFull() throws Exception
    {
        final Channel client = connectToAFullRing();
        client.close().sync();
        accepted.get().closeFuture().sync();
        ringStalled.countDown();
        awaitRingDrainedAndRetriesPast();
        assertEquals(List.of(EventType.TICK, EventType.TICK, EventType.TICK, EventType.TICK), seen());
    }

    /**
     * A request that waited in the link for room in the ring carries the time it was read as well as the time it got its
     * slot, so the switch sees how long it waited: read at 1 s, in the ring at 7 s, taken up by the switch at 7 s.
     */
    @Test
    void shouldStampAFrameThatWaitedForRoomWithTheTimeItWasRead() throws Exception
    {
        clock.set(1_000_000_000L);
        frameWaitingForRoom(clock::get);
        clock.set(7_000_000_000L);
        ringStalled.countDown();
        awaitRingDrainedAndRetriesPast();

        assertEquals(List.of(EventType.ACQUIRER_UP, EventType.TICK, EventType.TICK, EventType.TICK, EventType.TICK, EventType.ACQUIRER_MESSAGE),
            seen());
        synchronized (seen)
        {
            assertEquals(7_000_000_000L, timestamps.get(5), "the slot's time: when the ring had room");
            assertEquals(1_000_000_000L, readTimes.get(5), "when the link read it");
            assertEquals(6_000_000, waits.get(5), "stamped before the switch took it up");
            assertEquals(0, waits.get(1), "a tick waits for nothing");
        }
    }

    /**
     * A switch that stops lets its ring drain to an end: a link told to stop reading publishes nothing more, not even the
     * frame it read while the ring was full and was waiting to retry, which its terminal never gets an answer for.
     */
    @Test
    void shouldPublishNothingMoreOnceToldToStopReadingNotEvenAFrameWaitingForRoom() throws Exception
    {
        final Channel client = frameWaitingForRoom(SystemEpochNanoClock.INSTANCE);

        final Channel link = accepted.get();
        final ChannelHandlerContext ctx = link.pipeline().context(FrameHandler.class);
        link.eventLoop().submit(() -> ((FrameHandler)ctx.handler()).stopReading(ctx)).sync();
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0, 4, 0x08, 0x00, 0x20, 0x00})).sync();
        ringStalled.countDown();
        awaitRingDrainedAndRetriesPast();

        assertEquals(List.of(EventType.ACQUIRER_UP, EventType.TICK, EventType.TICK, EventType.TICK, EventType.TICK), seen());
    }

    /**
     * A peer that half-closes its link while its last request waits in the link for room in the ring: the ring hears
     * that it has finished sending only after that request, or the switch would close the link before answering it.
     */
    @Test
    void shouldPublishAHalfCloseAfterTheFrameWaitingForRoom() throws Exception
    {
        frameWaitingForRoom(SystemEpochNanoClock.INSTANCE);
        final Channel link = accepted.get();
        link.eventLoop().submit(() -> link.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE)).sync();
        ringStalled.countDown();
        awaitRingDrainedAndRetriesPast();

        assertEquals(List.of(EventType.ACQUIRER_UP, EventType.TICK, EventType.TICK, EventType.TICK, EventType.TICK, EventType.ACQUIRER_MESSAGE,
            EventType.ACQUIRER_INPUT_CLOSED), seen());
    }

    /**
     * On a ring the links' own loop polls (ring.on-event-loop), a link the ring was full for goes on right after the poll
     * already queued on that loop has drained it: the frames it still holds are in the ring before any task the loop was
     * given after the refusal runs, where a timer held the link 200 us past the drain (and Netty allocated a task for
     * each retry of each waiting link). Nothing is lost: the ring sees the ticks that filled it, then all three frames.
     */
    @Test
    void shouldGoOnReadingRightAfterThePollOfARingOnTheLinksOwnLoop() throws Exception
    {
        final EventLoop loop = group.next();
        ring = new Ring(RING, 64, 64, "yielding", false, Dialects.all(), new Recorder(), new NoJournal(), new NoEgress(),
            SystemEpochNanoClock.INSTANCE, loop);
        connect(SystemEpochNanoClock.INSTANCE);
        final Channel link = accepted.get();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (seen().isEmpty() && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertEquals(List.of(EventType.ACQUIRER_UP), seen());

        final byte[] frame = {0, 4, 0x08, 0x00, 0x20, 0x00};
        final byte[] frames = new byte[3 * frame.length];
        for (int i = 0; i < 3; i++)
        {
            System.arraycopy(frame, 0, frames, i * frame.length, frame.length);
        }
        final Future<Boolean> framesInRing = loop.submit(() ->
        {
            for (int i = 0; i < RING; i++)
            {
                assertTrue(ring.tryPublish(EventType.TICK, 1L, -1, 0)); // queues the ring's poll on this loop
            }
            link.pipeline().fireChannelRead(Unpooled.wrappedBuffer(frames)); // refused: the ring is full
            // Runs after the tasks queued so far: the poll, and whatever the refused link does next.
            return loop.submit(() -> ring.remainingCapacity() < RING);
        }).get(10, TimeUnit.SECONDS);
        assertTrue(ring.refusedCount() > 0, "the ring was never full");
        assertTrue(framesInRing.get(10, TimeUnit.SECONDS), "the link's frames went into the ring only on a timer");
        while (seen().size() < 1 + RING + 3 && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertEquals(List.of(EventType.ACQUIRER_UP, EventType.TICK, EventType.TICK, EventType.TICK, EventType.TICK, EventType.ACQUIRER_MESSAGE,
            EventType.ACQUIRER_MESSAGE, EventType.ACQUIRER_MESSAGE), seen());
    }

    /**
     * A link whose UP has gone through every stage (egress too: its slot free again), then a frame it sends while the
     * ring is full, refused at least once and waiting in the link for room; returns the client's end.
     */
    private Channel frameWaitingForRoom(final EpochNanoClock linkClock) throws Exception
    {
        ring = new Ring(RING, 64, 64, "yielding", false, Dialects.all(), new Recorder(), new NoJournal(), new NoEgress(), linkClock, ringLoop);
        final Channel client = connect(linkClock);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((seen().isEmpty() || ring.remainingCapacity() < RING) && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertEquals(List.of(EventType.ACQUIRER_UP), seen());
        stallRingAndFill(RING);
        client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0, 4, 0x08, 0x00, 0x20, 0x00})).sync();
        while (ring.refusedCount() == 0 && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertTrue(ring.refusedCount() > 0, "the frame was never refused: the ring was not full");
        return client;
    }

    /** Fills the ring behind a stalled poll, then connects; returns once the link's UP has been refused at least once. */
    private Channel connectToAFullRing() throws Exception
    {
        ring = new Ring(RING, 64, 64, "yielding", false, Dialects.all(), new Recorder(), new NoJournal(), new NoEgress(),
            SystemEpochNanoClock.INSTANCE, ringLoop);
        stallRingAndFill(RING);
        final Channel client = connect(SystemEpochNanoClock.INSTANCE);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ring.refusedCount() == 0 && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertTrue(ring.refusedCount() > 0, "the link's UP was never refused: the ring was not full");
        return client;
    }

    /** Stalls the ring's loop behind a task until {@link #ringStalled}, and publishes {@code ticks} ticks behind it. */
    private void stallRingAndFill(final int ticks)
    {
        ringLoop.execute(() ->
        {
            try
            {
                ringStalled.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < ticks; i++)
        {
            assertTrue(ring.tryPublish(EventType.TICK, 1L, -1, 0));
        }
    }

    /** A link to the ring through a frame handler on the links' clock {@code linkClock}; returns the client's end. */
    private Channel connect(final EpochNanoClock linkClock) throws Exception
    {
        final EgressLanes lanes = new EgressLanes(group, 4_096);
        final LocalAddress address = new LocalAddress("frame-handler-test");
        server = new ServerBootstrap().group(group).channel(LocalServerChannel.class).childHandler(new ChannelInitializer<Channel>()
        {
            @Override
            protected void initChannel(final Channel channel)
            {
                channel.pipeline().addLast(new FrameHandler(ring, lanes, Framing.BINARY_2, linkClock, true, 0, 0, "test"));
                accepted.complete(channel);
            }
        }).bind(address).sync().channel();
        final Channel client = new Bootstrap().group(group).channel(LocalChannel.class).handler(new ChannelInboundHandlerAdapter())
            .connect(address).sync().channel();
        accepted.get(10, TimeUnit.SECONDS);
        return client;
    }

    /**
     * Waits for the ring to empty, then for a task on the links' loop due well after the handler's next retry (every
     * 200 us): the loop runs scheduled tasks in deadline order, so any retry that could publish has done so by then.
     */
    private void awaitRingDrainedAndRetriesPast() throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ring.remainingCapacity() < RING && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        group.next().schedule(() -> null, 20, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
        // Anything a retry published is now in the ring; let the ring's loop take it through.
        ringLoop.submit(() -> null).get(10, TimeUnit.SECONDS);
        while (ring.remainingCapacity() < RING && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
    }

    private List<Integer> seen()
    {
        synchronized (seen)
        {
            return List.copyOf(seen);
        }
    }

    private final class Recorder implements EventHandler<SwitchEvent>
    {
        @Override
        public void onEvent(final SwitchEvent event, final long sequence, final boolean endOfBatch)
        {
            synchronized (seen)
            {
                seen.add(event.type());
                timestamps.add(event.timestampNanos());
                readTimes.add(event.readNanos());
                waits.add(event.waitMicros());
            }
        }
    }

    private static final class NoJournal implements EventJournal
    {
        @Override
        public void append(final SwitchEvent event)
        {
        }

        @Override
        public void endOfBatch()
        {
        }
    }

    private static final class NoEgress implements Egress
    {
        @Override
        public void send(final int linkId, final DirectBuffer buffer, final int offset, final int length, final boolean closeAfter)
        {
        }

        @Override
        public void close(final int linkId)
        {
        }

        @Override
        public void endOfBatch()
        {
        }
    }
}
