package io.interchange.engine.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.interchange.codec.frame.Framing;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalIoHandler;

class EgressLanesTest
{
    /** Small, so that a few frames take the lane round its end. */
    private static final int LANE_CAPACITY = 4_096;
    private static final int FRAME = 150;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
    private int received;
    private int expected;
    private int step = 1;

    @AfterEach
    void stop()
    {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void shouldWriteEveryFrameOfABatchOutWhenTheLaneWrapsRoundItsEnd() throws Exception
    {
        final EgressLanes lanes = new EgressLanes(group, LANE_CAPACITY);
        final EventLoop loop = group.next();
        final EmbeddedChannel channel = new EmbeddedChannel();
        step = 1;
        final int link = loop.submit(() ->
        {
            final int id = lanes.newLinkId(loop);
            lanes.register(id, channel, Framing.BINARY_2);
            return id;
        }).get();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME]);
        int sent = 0;
        // Batches of three until the lane has gone round its end several times: after each batch, all of it is out,
        // without waiting for another frame to wake the lane.
        for (int batch = 0; batch < 40; batch++)
        {
            for (int i = 0; i < 3; i++)
            {
                frame.putInt(0, sent++);
                lanes.send(link, frame, 0, FRAME, false);
            }
            lanes.endOfBatch();
            assertEquals(sent, written(loop, channel), "batch " + batch + ": frames left in the lane");
        }
    }

    @Test
    void shouldWriteEachLinksFramesInOrderAndTheFramesBeforeACloseBeforeClosing() throws Exception
    {
        final EgressLanes lanes = new EgressLanes(group, LANE_CAPACITY);
        final EventLoop loop = group.next();
        final EmbeddedChannel first = new EmbeddedChannel();
        final EmbeddedChannel second = new EmbeddedChannel();
        final int[] links = loop.submit(() ->
        {
            final int a = lanes.newLinkId(loop);
            final int b = lanes.newLinkId(loop);
            lanes.register(a, first, Framing.BINARY_2);
            lanes.register(b, second, Framing.BINARY_2);
            return new int[] {a, b};
        }).get();
        step = 2;
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME]);
        // One batch, the two links' frames interleaved, the second link's last frame closing it.
        int sent = 0;
        for (int i = 0; i < 5; i++)
        {
            frame.putInt(0, sent++);
            lanes.send(links[0], frame, 0, FRAME, false);
            frame.putInt(0, sent++);
            lanes.send(links[1], frame, 0, FRAME, i == 4);
        }
        lanes.endOfBatch();

        assertEquals(5, written(loop, first));
        received = 0;
        expected = 1;
        assertEquals(5, written(loop, second));
        assertFalse(loop.submit(second::isOpen).get(), "closed after its last frame");
        assertTrue(loop.submit(first::isOpen).get());
    }

    @Test
    void shouldReleaseEveryBufferItTakesWhetherItsChannelTakesItOrIsClosed() throws Exception
    {
        final EgressLanes lanes = new EgressLanes(group, LANE_CAPACITY);
        final EventLoop loop = group.next();
        final List<ByteBuf> taken = new ArrayList<>();
        final ByteBufAllocator tracking = new AbstractByteBufAllocator(true)
        {
            @Override
            protected ByteBuf newHeapBuffer(final int initialCapacity, final int maxCapacity)
            {
                final ByteBuf buffer = Unpooled.buffer(initialCapacity, maxCapacity);
                taken.add(buffer);
                return buffer;
            }

            @Override
            protected ByteBuf newDirectBuffer(final int initialCapacity, final int maxCapacity)
            {
                final ByteBuf buffer = Unpooled.directBuffer(initialCapacity, maxCapacity);
                taken.add(buffer);
                return buffer;
            }

            @Override
            public boolean isDirectBufferPooled()
            {
                return false;
            }
        };
        final EmbeddedChannel open = new EmbeddedChannel();
        final EmbeddedChannel closed = new EmbeddedChannel();
        open.config().setAllocator(tracking);
        closed.config().setAllocator(tracking);
        final int[] links = loop.submit(() ->
        {
            final int a = lanes.newLinkId(loop);
            final int b = lanes.newLinkId(loop);
            lanes.register(a, open, Framing.BINARY_2);
            lanes.register(b, closed, Framing.BINARY_2);
            closed.close();
            return new int[] {a, b};
        }).get();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FRAME]);
        // Twenty frames a link, 3,040 bytes with their headers: past a drain buffer's first 2,048 if one drain takes them.
        step = 1;
        for (int i = 0; i < 20; i++)
        {
            frame.putInt(0, i);
            lanes.send(links[0], frame, 0, FRAME, false);
            lanes.send(links[1], frame, 0, FRAME, false);
        }
        lanes.endOfBatch();
        assertEquals(20, written(loop, open));
        // A close with no frame of its own: the open link's frames, then the close.
        expected = 0;
        received = 0;
        for (int i = 0; i < 2; i++)
        {
            frame.putInt(0, i);
            lanes.send(links[0], frame, 0, FRAME, false);
        }
        lanes.close(links[0]);
        lanes.endOfBatch();
        assertEquals(2, written(loop, open));
        assertFalse(loop.submit(open::isOpen).get());

        // At least a buffer for each channel's drains (the small lane fills, so the twenty frames take more than one).
        assertTrue(taken.size() >= 3, "buffers taken: " + taken.size());
        for (final ByteBuf buffer : taken)
        {
            assertEquals(0, buffer.refCnt(), "released, by the reader or by the closed channel's failed write");
        }
    }

    /**
     * Frames the channel has had, counted on the lane's loop after the lane's own task (a loop runs its tasks in
     * order), each checked for its length header and for the sequence number it was sent with.
     */
    private int written(final EventLoop loop, final EmbeddedChannel channel) throws InterruptedException, ExecutionException
    {
        received += loop.submit(() ->
        {
            int frames = 0;
            ByteBuf out;
            while ((out = channel.readOutbound()) != null)
            {
                while (out.isReadable())
                {
                    assertEquals(FRAME, out.readUnsignedShort(), "length header");
                    assertEquals(expected, out.getIntLE(out.readerIndex()), "frames in the order sent");
                    expected += step;
                    out.skipBytes(FRAME);
                    frames++;
                }
                out.release();
            }
            return frames;
        }).get();
        return received;
    }
}
