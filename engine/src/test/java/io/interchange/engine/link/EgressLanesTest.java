package io.interchange.engine.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.interchange.codec.frame.Framing;
import io.netty.buffer.ByteBuf;
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

    /** Frames the channel has had, counted on the lane's loop after the lane's own task (a loop runs its tasks in order). */
    private int written(final EventLoop loop, final EmbeddedChannel channel) throws InterruptedException, ExecutionException
    {
        received += loop.submit(() ->
        {
            int frames = 0;
            ByteBuf out;
            while ((out = channel.readOutbound()) != null)
            {
                assertEquals(2 + FRAME, out.readableBytes(), "length header and frame");
                frames++;
                out.release();
            }
            return frames;
        }).get();
        return received;
    }
}
