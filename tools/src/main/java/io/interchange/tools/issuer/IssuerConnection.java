package io.interchange.tools.issuer;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import io.interchange.codec.frame.Framing;
import io.interchange.engine.link.LinkFailure;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One connection to the issuer: cuts frames by their 2-byte length, has the {@link Issuer} answer each, and sends
 * the answers of one read batch together, written once and flushed once in {@link #channelReadComplete}. An answer
 * with latency, or a late one, is scheduled on the event loop instead.
 *
 * <p>Nothing is allocated per message on the way without latency: a frame is copied into the issuer's inbound
 * buffer, the answer comes back in its outbound buffer and is copied into the batch, one pooled buffer per read.
 * A length header that cannot be right, or an MTI that does not read, closes the connection: the stream can no
 * longer be trusted (DESIGN.md §5).
 */
final class IssuerConnection extends ByteToMessageDecoder
{
    private static final Framing FRAMING = Issuer.FRAMING;
    private static final int HEADER = FRAMING.lengthHeader().size();
    private static final int BATCH_CAPACITY = 4096;
    /** A garbage frame's first byte: two nibbles above 9, so no BCD MTI. */
    private static final byte NOT_AN_MTI = (byte)0xFF;
    private static final int GARBAGE_MIN = 8;
    private static final int GARBAGE_SPREAD = 57;

    private final Issuer issuer;
    private final IssuerCounters counters;
    private final Latency latency;
    private final Faults faults;
    private final boolean anyFaults;
    private final RandomGenerator random;
    private final Consumer<String> events;
    private final UnsafeBuffer inbound;
    private final UnsafeBuffer outbound;

    private ByteBuf batch;
    private boolean closing;

    IssuerConnection(
        final Issuer issuer, final IssuerCounters counters, final IssuerSimConfig config, final RandomGenerator random)
    {
        this.issuer = issuer;
        this.counters = counters;
        this.latency = config.latency();
        this.faults = config.faults();
        this.anyFaults = faults.any();
        this.random = random;
        this.events = config.events();
        this.inbound = issuer.inbound();
        this.outbound = issuer.outbound();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        counters.increment(IssuerCounter.CONNECTIONS_OPENED);
        events.accept("connection from " + ctx.channel().remoteAddress() + " opened");
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        counters.increment(IssuerCounter.CONNECTIONS_CLOSED);
        events.accept("connection from " + ctx.channel().remoteAddress() + " closed");
        closing = true;
        releaseBatch();
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(final ChannelHandlerContext ctx)
    {
        releaseBatch();
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        while (!closing)
        {
            final int available = in.readableBytes();
            if (available < HEADER)
            {
                return;
            }
            final int start = in.readerIndex();
            in.getBytes(start, inbound.byteArray(), 0, HEADER);
            final int frameLength = FRAMING.frameLength(inbound, 0, available);
            if (frameLength == Framing.NEED_MORE)
            {
                return;
            }
            if (FRAMING.keepAlive(frameLength))
            {
                in.skipBytes(frameLength);
                continue;
            }
            if (frameLength < 0)
            {
                counters.increment(IssuerCounter.UNDECODABLE_FRAMES);
                close(ctx, "its length header " + in.getUnsignedShort(start) + " is not a frame of " + (HEADER + 2) + " to " +
                    FRAMING.maxFrameLength() + " bytes");
                break;
            }
            in.getBytes(start, inbound.byteArray(), 0, frameLength);
            in.skipBytes(frameLength);
            frame(ctx, frameLength);
        }
        // Closing: whatever else came is never read.
        in.skipBytes(in.readableBytes());
    }

    private void frame(final ChannelHandlerContext ctx, final int frameLength)
    {
        counters.increment(IssuerCounter.FRAMES_RECEIVED);
        final int length = issuer.answer(FRAMING.messageLength(frameLength));
        if (length == Issuer.CLOSE)
        {
            counters.increment(IssuerCounter.UNDECODABLE_FRAMES);
            close(ctx, "a frame's MTI does not read");
            return;
        }
        if (length == Issuer.NO_ANSWER)
        {
            return;
        }
        FRAMING.writeLength(outbound, 0, length);
        final int size = Issuer.MESSAGE_OFFSET + length;
        final ResponseCode code = issuer.code();
        switch (anyFaults ? faults.draw(random) : Faults.Fault.NONE)
        {
            case NO_ANSWER:
                counters.increment(IssuerCounter.FAULT_NO_ANSWER);
                break;
            case LATE:
                counters.increment(IssuerCounter.FAULT_LATE);
                send(ctx, size, code, faults.lateBy().toNanos() + latency.sampleNanos(random));
                break;
            case DISCONNECT:
                counters.increment(IssuerCounter.FAULT_DISCONNECT);
                close(ctx, "disconnect fault");
                break;
            case GARBAGE:
                counters.increment(IssuerCounter.FAULT_GARBAGE);
                garbage(ctx);
                break;
            default:
                send(ctx, size, code, latency.sampleNanos(random));
                break;
        }
    }

    /** Sends the answer in {@link #outbound}: in this read's batch, or on its own after {@code delayNanos}. */
    private void send(final ChannelHandlerContext ctx, final int size, final ResponseCode code, final long delayNanos)
    {
        if (delayNanos <= 0)
        {
            batch(ctx).writeBytes(outbound.byteArray(), 0, size);
            counters.answered(code);
            return;
        }
        final byte[] answer = Arrays.copyOf(outbound.byteArray(), size);
        ctx.executor().schedule(() -> sendLater(ctx, answer, code), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void sendLater(final ChannelHandlerContext ctx, final byte[] answer, final ResponseCode code)
    {
        if (ctx.channel().isActive())
        {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(answer), ctx.voidPromise());
            counters.answered(code);
        }
    }

    private void garbage(final ChannelHandlerContext ctx)
    {
        final int length = GARBAGE_MIN + random.nextInt(GARBAGE_SPREAD);
        FRAMING.writeLength(outbound, 0, length);
        outbound.putByte(HEADER, NOT_AN_MTI);
        for (int i = 1; i < length; i++)
        {
            outbound.putByte(HEADER + i, (byte)random.nextInt(256));
        }
        batch(ctx).writeBytes(outbound.byteArray(), 0, HEADER + length);
    }

    private ByteBuf batch(final ChannelHandlerContext ctx)
    {
        if (batch == null)
        {
            batch = ctx.alloc().ioBuffer(BATCH_CAPACITY);
        }
        return batch;
    }

    /**
     * Not ByteToMessageDecoder's: that one asks for another read whenever a read produced no message and auto-read
     * is off, which a decoder that answers in place instead of passing messages on would always hit, and so would
     * undo the back-pressure of {@link #channelWritabilityChanged}.
     */
    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        flush(ctx);
        discardSomeReadBytes();
        ctx.fireChannelReadComplete();
    }

    /**
     * Back-pressure: a peer that does not read its answers stops being read, until what is queued for it drains
     * below the channel's low water mark, rather than the answers queueing without bound.
     */
    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        final boolean writable = ctx.channel().isWritable();
        if (!writable)
        {
            counters.increment(IssuerCounter.READS_PAUSED);
        }
        ctx.channel().config().setAutoRead(writable);
        ctx.fireChannelWritabilityChanged();
    }

    private void flush(final ChannelHandlerContext ctx)
    {
        if (batch != null)
        {
            final ByteBuf answers = batch;
            batch = null;
            ctx.writeAndFlush(answers, ctx.voidPromise());
        }
    }

    /** Sends what this batch answered so far, then closes; the rest of the input is dropped. */
    private void close(final ChannelHandlerContext ctx, final String why)
    {
        events.accept("closing connection from " + ctx.channel().remoteAddress() + ": " + why);
        closing = true;
        flush(ctx);
        ctx.close();
    }

    private void releaseBatch()
    {
        if (batch != null)
        {
            batch.release();
            batch = null;
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        events.accept("closing connection from " + ctx.channel().remoteAddress() + " after " + LinkFailure.describe(cause));
        closing = true;
        ctx.close();
    }
}
