package io.interchange.engine.link;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import io.interchange.codec.frame.Framing;
import io.interchange.engine.ring.Egress;

/**
 * The ring's egress to the sockets. Each Netty event loop has a lane: a single-producer ring buffer (Agrona)
 * that the egress thread writes frames into and the event loop drains, gathering each channel's frames of the
 * drain into one pooled buffer and writing and flushing it once. The egress thread never touches a channel, never
 * allocates and never blocks on I/O; a link's id carries its lane number, so finding the lane costs no look-up.
 *
 * <p>One buffer a channel a drain, not one a frame: Netty recycles each buffer and each outbound entry through
 * a queue that allocates a new chunk as it cycles, and under load that was most of what the switch allocated per
 * transaction (bench/RESULTS.md); the peer reads the same bytes either way.
 */
public final class EgressLanes implements Egress
{
    private static final Logger LOG = LoggerFactory.getLogger(EgressLanes.class);
    private static final int LANE_BITS = 4;
    private static final int MAX_LANES = 1 << LANE_BITS;
    private static final int SEND = 1;
    private static final int CLOSE = 2;
    /** A drain's buffer for one channel starts at this and grows: a dozen frames of a busy link before it must. */
    private static final int BATCH_CAPACITY = 2048;
    // Bytes a link's peer may leave unread before the link is closed: far past Netty's 64 KB high-water mark, at which
    // its FrameHandler stops reading it, so only a peer that stopped reading for good gets here.
    private static final long MAX_UNREAD_BYTES = 4L << 20;

    private final Lane[] lanes;
    private final Map<EventExecutor, Lane> lanesByLoop = new IdentityHashMap<>();
    private final AtomicInteger nextLink = new AtomicInteger();
    private final AtomicLong lostFrames = new AtomicLong();
    private final AtomicLong laneFullWaits = new AtomicLong();

    /** @param laneCapacity bytes of each lane's ring buffer, a power of two. */
    public EgressLanes(final EventLoopGroup group, final int laneCapacity)
    {
        int count = 0;
        for (final EventExecutor ignored : group)
        {
            count++;
        }
        if (count > MAX_LANES)
        {
            throw new IllegalArgumentException("at most " + MAX_LANES + " I/O threads, got " + count);
        }
        lanes = new Lane[count];
        int i = 0;
        for (final EventExecutor loop : group)
        {
            lanes[i] = new Lane((EventLoop)loop, laneCapacity);
            lanesByLoop.put(loop, lanes[i]);
            i++;
        }
    }

    /**
     * A new link id for a channel of {@code loop}, on that loop: a sequence number with the lane in its low bits. After
     * 2^27 links the sequence comes round; an id still open is passed over, or the new link would take its frames.
     */
    int newLinkId(final EventLoop loop)
    {
        final Lane lane = lanesByLoop.get(loop);
        int linkId;
        do
        {
            linkId = ((nextLink.incrementAndGet() & 0x07FF_FFFF) << LANE_BITS) | lane.index;
        }
        while (lane.channels.containsKey(linkId));
        return linkId;
    }

    /** Called on the channel's event loop once it is active. */
    void register(final int linkId, final Channel channel, final Framing framing)
    {
        lanes[linkId & (MAX_LANES - 1)].channels.put(linkId, new Link(linkId, channel, framing));
    }

    /** Called on the channel's event loop when it closes. */
    void unregister(final int linkId)
    {
        lanes[linkId & (MAX_LANES - 1)].channels.remove(linkId);
    }

    /** Frames dropped because their link had gone by the time they were written out. */
    public long lostFrames()
    {
        return lostFrames.get();
    }

    /** Times the egress thread waited for room in a lane: its event loop is behind. */
    public long laneFullWaits()
    {
        return laneFullWaits.get();
    }

    @Override
    public void send(final int linkId, final DirectBuffer buffer, final int offset, final int length, final boolean closeAfter)
    {
        final Lane lane = lanes[linkId & (MAX_LANES - 1)];
        lane.offer(linkId, closeAfter ? CLOSE : SEND, buffer, offset, length);
    }

    @Override
    public void close(final int linkId)
    {
        final Lane lane = lanes[linkId & (MAX_LANES - 1)];
        lane.offer(linkId, CLOSE, lane.empty, 0, 0);
    }

    @Override
    public void endOfBatch()
    {
        for (final Lane lane : lanes)
        {
            lane.wake();
        }
    }

    private static final class Link
    {
        private final int linkId;
        private final Channel channel;
        private final Framing framing;
        /** The frames of the current drain for this channel, or null; written and flushed at the drain's end. */
        private ByteBuf batch;

        Link(final int linkId, final Channel channel, final Framing framing)
        {
            this.linkId = linkId;
            this.channel = channel;
            this.framing = framing;
        }
    }

    private final class Lane implements Runnable
    {
        private final int index;
        private final EventLoop loop;
        private final OneToOneRingBuffer buffer;
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final Int2ObjectHashMap<Link> channels = new Int2ObjectHashMap<>();
        private final Int2ObjectHashMap<Link> touched = new Int2ObjectHashMap<>();
        private final UnsafeBuffer header = new UnsafeBuffer(new byte[8]);
        private final UnsafeBuffer empty = new UnsafeBuffer(new byte[0]);
        private final ByteBuf view;
        private final MessageHandler writer = this::write;
        private boolean pending;

        Lane(final EventLoop loop, final int capacity)
        {
            this.index = lanesByLoop.size();
            this.loop = loop;
            // Off-heap and cache-line aligned, as Agrona's ring buffer wants its counters; the event loop copies
            // frames out of it through a Netty view of the same memory, so the copy allocates nothing.
            final ByteBuffer memory = BufferUtil.allocateDirectAligned(capacity + RingBufferDescriptor.TRAILER_LENGTH, 64);
            this.buffer = new OneToOneRingBuffer(new UnsafeBuffer(memory));
            this.view = Unpooled.wrappedBuffer(memory);
        }

        /** Egress thread: one frame into the lane, waiting (and counting) while the event loop catches up. */
        void offer(final int linkId, final int type, final DirectBuffer src, final int offset, final int length)
        {
            int index;
            while ((index = buffer.tryClaim(type, Integer.BYTES + length)) <= 0)
            {
                laneFullWaits.incrementAndGet();
                wake();
                Thread.yield();
            }
            final MutableDirectBuffer dst = buffer.buffer();
            dst.putInt(index, linkId);
            dst.putBytes(index + Integer.BYTES, src, offset, length);
            buffer.commit(index);
            pending = true;
        }

        void wake()
        {
            if (pending)
            {
                pending = false;
                if (scheduled.compareAndSet(false, true))
                {
                    if (loop.inEventLoop())
                    {
                        // The ring runs on this loop (ring.threads = event-loop): write the batch out now.
                        run();
                    }
                    else
                    {
                        loop.execute(this);
                    }
                }
            }
        }

        /** Event loop: everything in the lane to its channels, one flush per channel. */
        @Override
        public void run()
        {
            scheduled.set(false);
            // A read stops at the end of the lane's memory: frames that wrapped round to its start take a second one.
            // With one read they waited for the lane's next frame, which at the end of traffic may never come (a
            // request forwarded last sat there until the issuer's time-out: 91, then a reversal).
            buffer.read(writer, Integer.MAX_VALUE);
            buffer.read(writer, Integer.MAX_VALUE);
            if (!touched.isEmpty())
            {
                for (final Link link : touched.values())
                {
                    final ByteBuf batch = link.batch;
                    link.batch = null;
                    if (!link.channel.isWritable() && link.channel.bytesBeforeWritable() > MAX_UNREAD_BYTES)
                    {
                        // Its peer has read nothing of megabytes sent: what is sent on would wait in memory without
                        // end. The link's reads stopped at the first 64 KB (FrameHandler); now it is closed.
                        lostFrames.incrementAndGet();
                        batch.release();
                        if (link.channel.isOpen())
                        {
                            LOG.warn("link {} to {}: its peer has left {} bytes unread, closing", link.linkId, link.channel.remoteAddress(),
                                link.channel.bytesBeforeWritable());
                            link.channel.close();
                        }
                        continue;
                    }
                    // A channel closed meanwhile fails the write, and Netty releases the buffer.
                    link.channel.writeAndFlush(batch, link.channel.voidPromise());
                }
                touched.clear();
            }
        }

        private void write(final int type, final MutableDirectBuffer src, final int index, final int length)
        {
            final int linkId = src.getInt(index);
            final Link link = channels.get(linkId);
            if (link == null)
            {
                if (type == SEND)
                {
                    lostFrames.incrementAndGet();
                }
                return;
            }
            final int frameLength = length - Integer.BYTES;
            ByteBuf out = link.batch;
            if (frameLength > 0)
            {
                final Framing framing = link.framing;
                final int headerSize = framing.lengthHeader().size();
                framing.lengthHeader().write(header, 0, frameLength);
                if (out == null)
                {
                    out = link.channel.alloc().ioBuffer(Math.max(BATCH_CAPACITY, headerSize + frameLength));
                    link.batch = out;
                    touched.put(linkId, link);
                }
                out.writeBytes(header.byteArray(), 0, headerSize);
                out.writeBytes(view, index + Integer.BYTES, frameLength);
            }
            if (type == CLOSE)
            {
                // The link's frames so far, this one last, then the close.
                link.batch = null;
                touched.remove(linkId);
                if (out != null)
                {
                    link.channel.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
                }
                else
                {
                    link.channel.close();
                }
            }
        }
    }
}
