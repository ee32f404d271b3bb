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
 * A listener's gate, on the thread that accepts its connections, in accept order: a connection from outside the
 * listener's allow-list, and one from an allowed address while the listener has its {@code max-connections} of them
 * open, is closed as it is accepted, before an event loop takes it, so nothing of it is read, buffered or handed to the
 * ring; one within the cap holds its place until it closes (its peer's close, the idle time-out, a sign-off). A
 * stranger takes no place. Refusals of each kind are counted, and logged at once, then at most every
 * {@link #LOG_INTERVAL_NANOS} with how many there were meanwhile, so that a terminal reconnecting in a loop, or a
 * stranger knocking, cannot flood the log.
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
    private final AtomicLong strangers = new AtomicLong();
    private final ChannelFutureListener release = closed -> open.decrementAndGet();
    // The accepting thread's alone.
    private final RefusalLog capLog = new RefusalLog();
    private final RefusalLog strangerLog = new RefusalLog();

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

    /** Connections closed at accept since start because they came from outside the allow-list. */
    long strangers()
    {
        return strangers.get();
    }

    /** A connection just accepted, not yet registered with an event loop. */
    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final Channel child = (Channel)msg;
        final SocketAddress remote = child.remoteAddress();
        if (!(remote instanceof InetSocketAddress address) || !allowed.test(address.getAddress()))
        {
            // Counted before it closes, so that whoever sees it closed finds it counted.
            final long total = strangers.incrementAndGet();
            child.unsafe().closeForcibly();
            if (strangerLog.due())
            {
                LOG.warn("{}: {} connection(s) refused at accept since the last such line, not in the allow-list, the last from {}; {} since start " +
                    "(logged at most every {} s)", name, strangerLog.take(), remote instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : remote,
                    total, TimeUnit.NANOSECONDS.toSeconds(LOG_INTERVAL_NANOS));
            }
            return;
        }
        // Only this thread raises the count: one under the cap now is still under it when raised.
        final int now = open.get();
        if (now >= max)
        {
            final long total = refused.incrementAndGet();
            // Not registered with any event loop, so closed here as Netty closes one it fails to register: the socket, no more.
            child.unsafe().closeForcibly();
            if (capLog.due())
            {
                LOG.warn("{}: {} connection(s) closed at accept since the last such line, the last from {}: {} open, its max-connections; {} since start " +
                    "(logged at most every {} s)", name, capLog.take(), address.getAddress().getHostAddress(), now, total,
                    TimeUnit.NANOSECONDS.toSeconds(LOG_INTERVAL_NANOS));
            }
            return;
        }
        open.incrementAndGet();
        child.closeFuture().addListener(release);
        ctx.fireChannelRead(msg);
    }

    /** Refusals of one kind not yet in a log line, and when the last line was written: the accepting thread's alone. */
    private static final class RefusalLog
    {
        private long unlogged;
        private long loggedAt;
        private boolean logged;

        /** Counts a refusal; true when a line is due for it: the first, or the first after {@link #LOG_INTERVAL_NANOS}. */
        boolean due()
        {
            unlogged++;
            final long nanos = System.nanoTime();
            if (logged && nanos - loggedAt < LOG_INTERVAL_NANOS)
            {
                return false;
            }
            logged = true;
            loggedAt = nanos;
            return true;
        }

        /** The refusals the line being written covers: those since the last line. */
        long take()
        {
            final long n = unlogged;
            unlogged = 0;
            return n;
        }
    }
}
