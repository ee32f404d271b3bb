package io.interchange.engine.link;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A listener's {@code max-connections}, on the thread that accepts its connections, in accept order: a connection from
 * an allowed address while the listener has its cap of them open is closed as it is accepted, before an event loop
 * takes it, so nothing of it is read, buffered or handed to the ring; one within the cap holds its place until it closes
 * (its peer's close, the idle time-out, a sign-off). A connection from outside the allow-list takes no place: it goes on
 * to be refused as before. Refusals are counted, and logged at once, then at most every {@link #LOG_INTERVAL_NANOS} with
 * how many there were meanwhile, so that a terminal reconnecting in a loop cannot flood the log.
 */
final class ConnectionCap extends ChannelInboundHandlerAdapter
{
    /** How often, at most, refusals are logged; each line counts those since the line before. */
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);

    private final String name;
    private final int max;
    private final Predicate<InetAddress> allowed;
    // Raised on the accepting thread only, lowered on the connections' event loops as they close.
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final ChannelFutureListener release = closed -> open.decrementAndGet();
    // The accepting thread's alone: refusals not yet in a log line, and when the last line was written.
    private long unlogged;
    private long loggedAt;
    private boolean logged;

    ConnectionCap(final String name, final int max, final Predicate<InetAddress> allowed)
    {
        if (max < 1)
        {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        this.name = name;
        this.max = max;
        this.allowed = allowed;
    }

    /** Connections from allowed addresses open now. */
    int open()
    {
        return open.get();
    }

    /** Connections closed at accept since start because {@link #open} was at the cap. */
    long refused()
    {
        return refused.get();
    }

    /** A connection just accepted, not yet registered with an event loop. */
    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final Channel child = (Channel)msg;
        final SocketAddress remote = child.remoteAddress();
        if (remote instanceof InetSocketAddress address && allowed.test(address.getAddress()))
        {
            // Only this thread raises the count: one under the cap now is still under it when raised.
            final int now = open.get();
            if (now >= max)
            {
                refuse(child, address, now);
                return;
            }
            open.incrementAndGet();
            child.closeFuture().addListener(release);
        }
        ctx.fireChannelRead(msg);
    }

    private void refuse(final Channel child, final InetSocketAddress address, final int now)
    {
        // Counted before it closes, so that whoever sees it closed finds it counted.
        final long total = refused.incrementAndGet();
        // Not registered with any event loop, so closed here as Netty closes one it fails to register: the socket, no more.
        child.unsafe().closeForcibly();
        unlogged++;
        final long nanos = System.nanoTime();
        if (!logged || nanos - loggedAt >= LOG_INTERVAL_NANOS)
        {
            LOG.warn("{}: {} connection(s) closed at accept since the last such line, the last from {}: {} open, its max-connections; {} since start " +
                "(logged at most every {} s)", name, unlogged, address.getAddress().getHostAddress(), now, total,
                TimeUnit.NANOSECONDS.toSeconds(LOG_INTERVAL_NANOS));
            logged = true;
            loggedAt = nanos;
            unlogged = 0;
        }
    }
}
