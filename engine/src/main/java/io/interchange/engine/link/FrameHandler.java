package io.interchange.engine.link;

import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;

import io.interchange.codec.frame.Framing;
import io.interchange.engine.config.PeerTrust;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.Ring;
import io.interchange.engine.ring.SwitchEvent;

/**
 * Cuts frames out of one connection's byte stream and copies each into a ring slot, stamped with the link id
 * and receive time, and on an acquirer link the time of the read that brought it; no ByteBuf, String or map crosses
 * into the ring. When the ring is full the link stops reading (autoRead off) and retries once it may have room
 * ({@link Ring#whenRoom}), so a slow switch pushes back on the sender instead of queueing (a request that waits here,
 * and then in the ring, past its deadline is answered 91 by the switch).
 * A length header that cannot be trusted (not a number, above the maximum, too short to hold a message) closes
 * the link before anything is buffered for it, and is published as a {@link EventType#BAD_FRAME} event so the
 * journal has it. Behind an {@link SslHandler} the link comes up only once its TLS handshake has succeeded, with a peer
 * certificate still in its dates even where the handshake resumed a session: a peer that cannot prove itself never
 * reaches the ring.
 */
final class FrameHandler extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(FrameHandler.class);
    // A frame the framing allows but a ring slot cannot hold: an issuer's (its links take up to 8 KB) above the largest
    // listener max-frame, which sizes the slots. Refused as too long, and the link closed (it reconnects).
    private static final int ABOVE_SLOT = Integer.MIN_VALUE;
    private static final long NOT_READ = Long.MIN_VALUE;

    private final Ring ring;
    private final EgressLanes lanes;
    private final Framing framing;
    private final EpochNanoClock clock;
    private final boolean acquirer;
    private final int messageType;
    private final int upType;
    private final int downType;
    private final int endpoint;
    private final int dialectId;
    private final String name;
    private final UnsafeBuffer lengthHeader = new UnsafeBuffer(new byte[8]);
    private ByteBuf cumulation;
    // An acquirer link's idle time-out, told of each whole frame: bytes that make none do not keep the link open. Null on
    // an issuer link, whose echo tests find it dead.
    private FrameIdle idle;
    // An acquirer link's last read: every frame in the cumulation came at or before it. Its slot carries it, so that the
    // switch can tell how long a request waited here for room in the ring, and then in the ring (DESIGN.md §2, 91).
    private long lastReadNanos;
    private int linkId = -1;
    private boolean upPublished;
    private boolean downPending;
    // A bad frame the ring had no room for when it came: published before the DOWN.
    private boolean badFramePending;
    // Reads stopped because the ring was full (resume starts them again); besides, a link whose peer leaves its answers
    // unread (the channel not writable) is not read either, until it reads them.
    private boolean waitingForRing;
    private boolean closing;
    // The switch is stopping: nothing more goes into the ring, so its drain ends (DESIGN.md §2).
    private boolean stopped;
    // An acquirer's peer has shut its side (a half-close): once every whole frame it sent is in the ring, the ring hears
    // so (ACQUIRER_INPUT_CLOSED), and the switch closes the link after its last answer.
    private boolean inputClosed;
    private boolean inputClosedPublished;
    // What a link the ring was full for does once it may have room (Ring.whenRoom): made once, when the link comes up.
    private Runnable publishUpAgain;
    private Runnable resumeAgain;
    private Runnable publishInputClosedAgain;
    private Runnable publishDownAgain;

    /**
     * @param acquirer  an acquirer link (else an issuer link): which event types it publishes.
     * @param endpoint  the listener index or issuer index.
     */
    FrameHandler(
        final Ring ring, final EgressLanes lanes, final Framing framing, final EpochNanoClock clock,
        final boolean acquirer, final int endpoint, final int dialectId, final String name)
    {
        this.ring = ring;
        this.lanes = lanes;
        this.framing = framing;
        this.clock = clock;
        this.acquirer = acquirer;
        this.messageType = acquirer ? EventType.ACQUIRER_MESSAGE : EventType.ISSUER_MESSAGE;
        this.upType = acquirer ? EventType.ACQUIRER_UP : EventType.ISSUER_UP;
        this.downType = acquirer ? EventType.ACQUIRER_DOWN : EventType.ISSUER_DOWN;
        this.endpoint = endpoint;
        this.dialectId = dialectId;
        this.name = name;
    }

    int linkId()
    {
        return linkId;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        if (ctx.pipeline().get(SslHandler.class) == null)
        {
            up(ctx);
        }
        ctx.fireChannelActive();
    }

    private void up(final ChannelHandlerContext ctx)
    {
        linkId = lanes.newLinkId(ctx.channel().eventLoop());
        lanes.register(linkId, ctx.channel(), framing);
        cumulation = ctx.alloc().buffer(Math.min(framing.maxFrameLength() + 8, 4096));
        idle = ctx.pipeline().get(FrameIdle.class);
        publishUpAgain = () -> publishUp(ctx);
        resumeAgain = () -> resume(ctx);
        publishInputClosedAgain = () -> publishInputClosed(ctx);
        publishDownAgain = () -> publishDown(ctx);
        // Nothing is read until the ring knows the link: its first message must not overtake its UP event.
        ctx.channel().config().setAutoRead(false);
        publishUp(ctx);
    }

    private void publishUp(final ChannelHandlerContext ctx)
    {
        if (closing)
        {
            return; // gone while the ring was full: the ring never heard of it, so it must hear no UP (nor DOWN)
        }
        if (ring.tryPublish(upType, clock.nanoTime(), linkId, endpoint))
        {
            upPublished = true;
            LOG.info("{}: link {} up from {}", name, linkId, ctx.channel().remoteAddress());
            // Under TLS, what came with the end of the handshake was decrypted before the ring knew the link: it waited.
            if (drain(ctx) && !stopped)
            {
                if (inputClosed)
                {
                    publishInputClosed(ctx);
                    return;
                }
                ctx.channel().config().setAutoRead(true);
                ctx.read();
            }
        }
        else
        {
            ring.refused();
            ring.whenRoom(ctx.executor(), publishUpAgain);
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf in = (ByteBuf)msg;
        try
        {
            if (closing || cumulation == null)
            {
                // Gone, or never up: a TLS peer a handler before this one refused after its handshake (PeerNames).
                return;
            }
            cumulation.writeBytes(in);
            if (acquirer)
            {
                lastReadNanos = clock.nanoTime(); // once a read, not once a frame: a read brings many under load
            }
        }
        finally
        {
            in.release();
        }
        if (upPublished)
        {
            drain(ctx);
        }
    }

    /**
     * The switch is stopping: publishes nothing more, so that the ring's drain ends with what it holds, and each request
     * is either in the ring, to be journaled and answered, or never taken from the link, as its terminal will see by the
     * silence. On the channel's event loop.
     */
    void stopReading(final ChannelHandlerContext ctx)
    {
        stopped = true;
        ctx.channel().config().setAutoRead(false);
    }

    /**
     * Publishes every whole frame in the cumulation; returns false when the ring was full. The frames of one pass share
     * its receipt time, read from the clock once at its first frame: they were all in hand by then, and under load a
     * pass cuts a dozen frames, where a clock read per frame (and another for the idle time-out) cost a few percent of
     * the event loop (bench/RESULTS.md, "The pretouch distance, in flight by STAN, the clock once a pass").
     */
    private boolean drain(final ChannelHandlerContext ctx)
    {
        long receivedNanos = NOT_READ;
        boolean framed = false;
        while (!closing && !stopped)
        {
            final int available = cumulation.readableBytes();
            final int headerSize = framing.lengthHeader().size();
            if (available < headerSize)
            {
                break;
            }
            cumulation.getBytes(cumulation.readerIndex(), lengthHeader.byteArray(), 0, headerSize);
            final int frameLength = framing.frameLength(lengthHeader, 0, available);
            if (frameLength == Framing.NEED_MORE)
            {
                break;
            }
            if (framing.keepAlive(frameLength))
            {
                cumulation.skipBytes(frameLength); // a jPOS peer's keep-alive: read, so the link is not idle; no event
                framed = true;
                continue;
            }
            if (frameLength < 0 || frameLength - headerSize > ring.frameCapacity())
            {
                wholeFrames(framed);
                badFrame(ctx, frameLength < 0 ? frameLength : ABOVE_SLOT);
                return true;
            }
            final long sequence = ring.tryClaim();
            if (sequence == Ring.FULL)
            {
                wholeFrames(framed);
                ring.refused();
                waitingForRing = true;
                ctx.channel().config().setAutoRead(false);
                ring.whenRoom(ctx.executor(), resumeAgain);
                return false;
            }
            final SwitchEvent event = ring.slot(sequence);
            final int contentLength = frameLength - headerSize;
            if (receivedNanos == NOT_READ)
            {
                receivedNanos = clock.nanoTime();
            }
            try
            {
                event.reset(messageType, receivedNanos, linkId, endpoint, dialectId);
                event.readAt(lastReadNanos);
                cumulation.getBytes(cumulation.readerIndex() + headerSize, event.frame().byteArray(), 0, contentLength);
                event.frameLengths(framing.headerLength(), contentLength - framing.headerLength());
            }
            catch (final RuntimeException ex)
            {
                // A claimed slot is always published, or the ring waits on it for ever: this one as the link's bad frame.
                event.reset(EventType.BAD_FRAME, receivedNanos, linkId, endpoint, -1);
                ring.publish(sequence);
                throw ex;
            }
            ring.publish(sequence);
            cumulation.skipBytes(frameLength);
            framed = true;
        }
        wholeFrames(framed);
        cumulation.discardSomeReadBytes();
        return true;
    }

    /** Tells the idle time-out that the pass cut a whole frame, if it did. */
    private void wholeFrames(final boolean framed)
    {
        if (framed && idle != null)
        {
            idle.resetReadTimeout();
        }
    }

    private void resume(final ChannelHandlerContext ctx)
    {
        if (closing || stopped)
        {
            return;
        }
        if (drain(ctx) && ctx.channel().isActive())
        {
            waitingForRing = false;
            if (inputClosed)
            {
                publishInputClosed(ctx);
                return;
            }
            if (!acquirer || ctx.channel().isWritable())
            {
                ctx.channel().config().setAutoRead(true);
                ctx.read();
            }
        }
    }

    /**
     * An acquirer that does not read its answers is not read either (DESIGN.md §2, back-pressure): its requests would
     * make answers that wait in memory. Past Netty's high-water mark (64 KB unread) reading stops; below its low one
     * it starts again. One that never reads is closed at its idle time-out, or by egress past a hard limit. An issuer
     * link is always read: its answers free what its requests hold, and a host that blocks writing answers until it
     * can read requests again would otherwise wait on the switch as the switch waits on it, until the missed echoes
     * closed the link and every request on it got 91. Egress bounds what waits for an issuer.
     */
    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (!acquirer)
        {
            ctx.fireChannelWritabilityChanged();
            return;
        }
        if (!ctx.channel().isWritable())
        {
            ctx.channel().config().setAutoRead(false);
        }
        else if (!waitingForRing && !closing && !stopped && !inputClosed && ctx.channel().isActive())
        {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void badFrame(final ChannelHandlerContext ctx, final int code)
    {
        final String reason = switch (code)
        {
            case Framing.BAD_LENGTH -> "length header is not a number";
            case Framing.TOO_LONG -> "declared length above the maximum " + framing.maxFrameLength();
            case ABOVE_SLOT -> "declared length above the ring slot's " + ring.frameCapacity() + " bytes";
            default -> "declared length too short for a message";
        };
        LOG.warn("{}: link {} from {} closed: {}", name, linkId, ctx.channel().remoteAddress(), reason);
        closing = true;
        cumulation.clear();
        // Journaled and counted whatever the ring's state (DESIGN.md §5): with the ring full it goes with the link's
        // DOWN, ahead of it, as soon as there is room.
        badFramePending = true;
        if (ring.tryPublish(EventType.BAD_FRAME, clock.nanoTime(), linkId, endpoint))
        {
            badFramePending = false;
        }
        else
        {
            ring.refused();
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof SslHandshakeCompletionEvent handshake)
        {
            if (handshake.isSuccess())
            {
                final String refusal = PeerTrust.refusal(ctx.pipeline().get(SslHandler.class).engine().getSession());
                if (refusal != null)
                {
                    LOG.warn("{}: TLS handshake with {} refused, closing: {}", name, ctx.channel().remoteAddress(), refusal);
                    ctx.close();
                    return;
                }
                up(ctx);
            }
            else
            {
                LOG.warn("{}: TLS handshake with {} failed, closing: {}", name, ctx.channel().remoteAddress(), LinkFailure.describe(handshake.cause()));
                ctx.close();
            }
            return;
        }
        if (acquirer && evt instanceof ChannelInputShutdownEvent)
        {
            inputClosed = true;
            ctx.channel().config().setAutoRead(false);
            // Not up yet (its UP, or its TLS handshake, waits), or frames waiting for room in the ring: published after them.
            if (upPublished && !waitingForRing)
            {
                publishInputClosed(ctx);
            }
            return;
        }
        if (evt instanceof IdleStateEvent)
        {
            // Silence while the switch itself has stopped reading (the ring full) is the switch's, not the peer's;
            // a peer that sent half a frame and went quiet, or goes on sending it a byte at a time (FrameIdle), is closed
            // like any other idle one, and so is one that has left its answers unread all that time.
            if (waitingForRing)
            {
                return;
            }
            if (!ctx.channel().isWritable())
            {
                LOG.warn("{}: link {}: its peer has read none of its answers for the idle time-out, closing", name, linkId);
            }
            else if (upPublished && cumulation.isReadable())
            {
                LOG.warn("{}: link {} from {}: no whole frame for the idle time-out, {} bytes of one unfinished, closing", name, linkId,
                    ctx.channel().remoteAddress(), cumulation.readableBytes());
            }
            else
            {
                LOG.info("{}: link {} idle, closing", name, linkId);
            }
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** After the last whole frame the peer sent; what is left of a frame it never finished is dropped with the link. */
    private void publishInputClosed(final ChannelHandlerContext ctx)
    {
        if (closing || stopped || inputClosedPublished)
        {
            return;
        }
        if (ring.tryPublish(EventType.ACQUIRER_INPUT_CLOSED, clock.nanoTime(), linkId, endpoint))
        {
            inputClosedPublished = true;
            LOG.info("{}: link {}: its peer has finished sending; closing after its answers", name, linkId);
        }
        else
        {
            ring.refused();
            ring.whenRoom(ctx.executor(), publishInputClosedAgain);
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        closing = true;
        if (cumulation != null)
        {
            cumulation.release();
        }
        if (linkId >= 0)
        {
            lanes.unregister(linkId);
            downPending = upPublished;
            publishDown(ctx);
            LOG.info("{}: link {} down", name, linkId);
        }
        ctx.fireChannelInactive();
    }

    private void publishDown(final ChannelHandlerContext ctx)
    {
        if (badFramePending)
        {
            if (!ring.tryPublish(EventType.BAD_FRAME, clock.nanoTime(), linkId, endpoint))
            {
                ring.refused();
                ring.whenRoom(ctx.executor(), publishDownAgain);
                return;
            }
            badFramePending = false;
        }
        if (!downPending)
        {
            return;
        }
        if (ring.tryPublish(downType, clock.nanoTime(), linkId, endpoint))
        {
            downPending = false;
        }
        else
        {
            ring.refused();
            ring.whenRoom(ctx.executor(), publishDownAgain);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (linkId < 0 && ctx.pipeline().get(SslHandler.class) != null)
        {
            // The handshake's failure, which its completion event has logged already, without the bytes.
            ctx.close();
            return;
        }
        LOG.warn("{}: link {} failed, closing: {}", name, linkId, LinkFailure.describe(cause));
        ctx.close();
    }
}
