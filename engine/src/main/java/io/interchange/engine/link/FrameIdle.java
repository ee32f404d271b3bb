package io.interchange.engine.link;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * An acquirer link's idle time-out, counted from the last whole frame (a keep-alive too) its {@link FrameHandler} cut
 * out, which tells it so, rather than from the last bytes read: a peer that sends a frame a byte at a time, each just
 * inside the time-out (slowloris), never finishes one, and held its place under max-connections, and the buffer of its
 * frame, for as long as it liked, where a peer that sent the same half frame and went quiet was closed.
 */
final class FrameIdle extends IdleStateHandler
{
    FrameIdle(final Duration timeout)
    {
        super(timeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
    }

    /** Passed on without counting as a read: {@link FrameHandler} calls {@link #resetReadTimeout} for each whole frame. */
    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        ctx.fireChannelRead(msg);
    }
}
