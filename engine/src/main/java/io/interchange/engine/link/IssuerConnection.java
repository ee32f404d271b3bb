package io.interchange.engine.link;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.EpochNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;

import io.interchange.codec.frame.Framing;
import io.interchange.engine.ring.Ring;

/**
 * One outbound connection to an issuer host, plain TCP or TLS. Connects, and reconnects after a failure or a close with a
 * capped exponential back-off (initial, doubled each time, at most max; reset once connected). Each connection
 * is a link of its own: the switch handler signs it on when its UP event arrives and picks among the signed-on
 * links of an issuer round robin.
 */
public final class IssuerConnection implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(IssuerConnection.class);

    private final String name;
    private final Bootstrap bootstrap;
    private final String host;
    private final int port;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final EventLoopGroup group;
    private volatile boolean closed;
    private volatile Channel channel;
    private volatile long backoffMillis;

    public IssuerConnection(
        final String name, final String host, final int port, final int issuer, final int dialectId,
        final Duration initialBackoff, final Duration maxBackoff, final SslContext tls,
        final EventLoopGroup group, final Ring ring, final EgressLanes lanes, final EpochNanoClock clock)
    {
        this.name = name;
        this.host = host;
        this.port = port;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.group = group;
        this.backoffMillis = initialBackoff.toMillis();
        bootstrap = new Bootstrap()
            .group(group)
            .channel(Transport.channel())
            .resolver(new IssuerNames())
            .option(ChannelOption.TCP_NODELAY, true)
            // As AcquirerServer's links: the pooled allocator reads a frame without allocating.
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel ch)
                {
                    if (tls != null)
                    {
                        // The peer's host and port, so that its certificate is checked against the address connected to.
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                    }
                    ch.pipeline().addLast(new FirstData());
                    ch.pipeline().addLast(new FrameHandler(ring, lanes, Framing.BINARY_2, clock, false, issuer, dialectId, name));
                }
            });
    }

    public void start()
    {
        connect();
    }

    private void connect()
    {
        if (closed)
        {
            return;
        }
        final ChannelFuture future = bootstrap.connect(host, port);
        // Held from now, not from when it connects: a close() while the connect is under way (an issuer slow to accept)
        // closes it, where it went on to connect after the close, and its UP got it signed on.
        final Channel connecting = future.channel();
        channel = connecting;
        if (closed)
        {
            connecting.close(); // close() came after the check above, and saw the channel before this one
            return;
        }
        future.addListener(f ->
        {
            if (f.isSuccess())
            {
                connecting.closeFuture().addListener(c -> reconnectLater("connection closed"));
            }
            else
            {
                reconnectLater(f.cause().toString());
            }
        });
    }

    private void reconnectLater(final String why)
    {
        if (closed)
        {
            return;
        }
        final long delay = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, maxBackoff.toMillis());
        LOG.info("{}: {}:{} unavailable ({}); reconnecting in {} ms", name, host, port, why, delay);
        group.next().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Connected is not usable: the back-off starts again only once the issuer has sent something, so that one that
     * accepts and then drops the connection (a refused TLS certificate, which under TLS 1.3 the switch learns only
     * after its own handshake has completed; an issuer that closes at once) is tried at a growing interval, not every
     * initial delay forever. Its first read resets the back-off and takes it out of the pipeline.
     */
    private final class FirstData extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            backoffMillis = initialBackoff.toMillis();
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void close()
    {
        closed = true;
        final Channel c = channel;
        if (c != null)
        {
            c.close().syncUninterruptibly();
        }
    }
}
