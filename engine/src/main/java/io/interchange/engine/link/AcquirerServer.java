package io.interchange.engine.link;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.agrona.concurrent.EpochNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;

import io.interchange.codec.frame.Framing;
import io.interchange.engine.ring.Ring;

/**
 * One acquirer listener: a TCP port with one dialect and framing, optionally under TLS. A connection from outside
 * the allow-list is closed as it is accepted, and so is one beyond the listener's max-connections ({@link ConnectionCap});
 * an accepted one gets a {@link FrameHandler} that publishes its frames to the ring (behind an {@link SslHandler}, once
 * the handshake has succeeded), and is closed after the idle time-out without a whole frame ({@link FrameIdle}).
 */
public final class AcquirerServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AcquirerServer.class);

    private final String name;
    private final Channel channel;
    private final ConnectionCap cap;
    /** The accepted connections: a channel leaves by itself once closed, and one accepted after they were closed is closed at once. */
    // Set before stopReading goes through the connections; a connection set up after reads it (volatile: two threads).
    private volatile boolean stopping;
    private final ChannelGroup connections = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE, true);

    /**
     * @param endpoint  the listener's index: the switch handler's key for its acquirer settings.
     * @param allowed   the source-address allow-list.
     * @param tls       the server side of TLS, or null for plain TCP.
     * @param peerNames with {@code tls}, the names an acquirer's client certificate must carry one of; empty for any.
     * @param halfClose whether a peer's FIN is a half-close, answered before the link closes ({@code ListenerConfig#halfClose}).
     * @param maxConnections the most connections from allowed addresses open at once ({@code ListenerConfig#maxConnections}).
     */
    public AcquirerServer(
        final String name, final String host, final int port, final Framing framing, final int endpoint, final int dialectId,
        final Predicate<InetAddress> allowed, final Duration idleTimeout, final boolean halfClose, final int maxConnections, final SslContext tls,
        final Set<String> peerNames, final EventLoopGroup boss, final EventLoopGroup workers, final Ring ring, final EgressLanes lanes,
        final EpochNanoClock clock)
        throws InterruptedException
    {
        this.name = name;
        cap = new ConnectionCap(name, maxConnections, allowed);
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(boss, workers)
            .channel(Transport.serverChannel())
            .option(ChannelOption.SO_REUSEADDR, true)
            // Bound, but accepting nothing until accept(): the node binds every listener before its NODE_START, so that
            // a start that fails on a port journals nothing, and no link's UP goes before the NODE_START that ends the
            // links of the run before (the kernel queues connections meanwhile).
            .option(ChannelOption.AUTO_READ, false)
            // On the accepting thread, ahead of the hand-off to a worker: a connection beyond the cap is closed unregistered.
            .handler(cap)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // Where the listener says its peers half-close (a FIN once they have sent, then they read), they still get
            // their answers: FrameHandler tells the switch, which closes after the last. Elsewhere a FIN closes the link,
            // and an approval for it is reversed at once: a FIN cannot tell a half-close from a peer gone for good.
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, halfClose)
            // Netty 4.2's default adaptive allocator slices a new ByteBuffer for every socket read; the pooled one
            // keeps one per buffer, so reading a frame allocates nothing.
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    connections.add(ch);
                    if (tls != null)
                    {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        if (!peerNames.isEmpty())
                        {
                            ch.pipeline().addLast(new PeerNames(name, peerNames));
                        }
                    }
                    ch.pipeline().addLast(new FrameIdle(idleTimeout));
                    ch.pipeline().addLast(new FrameHandler(ring, lanes, framing, clock, true, endpoint, dialectId, name));
                    // Accepted before the switch began to stop, but set up on its worker after stopReading had gone through
                    // the connections: closed, as one accepted later would not be.
                    if (stopping)
                    {
                        ch.close();
                    }
                }
            });
        channel = bootstrap.bind(host, port).sync().channel();
        LOG.info("{}: listening on {}", name, channel.localAddress());
    }

    /** Starts accepting connections (held off since the bind). */
    public void accept()
    {
        channel.config().setAutoRead(true);
    }

    public String name()
    {
        return name;
    }

    public int port()
    {
        return ((InetSocketAddress)channel.localAddress()).getPort();
    }

    /** Connections from allowed addresses open now, each holding a place under max-connections. */
    public int openConnections()
    {
        return cap.open();
    }

    /** Connections closed at accept since start because max-connections were open. */
    public long connectionsRefused()
    {
        return cap.refused();
    }

    /** Connections closed at accept since start because they came from outside the allow-list. */
    public long strangersRefused()
    {
        return cap.strangers();
    }

    /** Stops listening; the connections accepted stay open, for the answers still in the ring ({@link #closeConnections}). */
    @Override
    public void close()
    {
        channel.close().syncUninterruptibly();
    }

    /**
     * Stops every connection accepted from handing the ring more requests, and waits until each has: the ring then
     * drains to an end, where terminals that go on sending kept it busy until its drain gave up.
     */
    public void stopReading()
    {
        stopping = true;
        final List<Future<?>> stopped = new ArrayList<>();
        for (final Channel connection : connections)
        {
            final ChannelHandlerContext ctx = connection.pipeline().context(FrameHandler.class);
            if (ctx == null)
            {
                continue; // refused by the allow-list, or gone
            }
            final FrameHandler handler = (FrameHandler)ctx.handler();
            if (connection.eventLoop().inEventLoop())
            {
                handler.stopReading(ctx);
            }
            else
            {
                stopped.add(connection.eventLoop().submit(() -> handler.stopReading(ctx)));
            }
        }
        stopped.forEach(Future::awaitUninterruptibly);
    }

    /**
     * Closes every connection accepted and waits until each is: acquirers must see their links go as the switch stops
     * (DESIGN.md §2), which shutting the event loops down did not always do at once.
     */
    public void closeConnections()
    {
        connections.close().awaitUninterruptibly();
    }

}
