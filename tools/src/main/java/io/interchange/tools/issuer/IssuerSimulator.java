package io.interchange.tools.issuer;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.interchange.engine.link.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * A simulated card issuer host: the switch connects to it as a client and sends ISO 8583:1987 requests (binary,
 * as jPOS's ISO87BPackager packs them) each behind a 2-byte binary length; it answers from a {@link CardBook} as
 * a real issuer would, with latency and faults as configured. What each message gets is listed on
 * {@link Issuer}; in short: 0100/0200 purchase, cash, refund and balance inquiry decided on status, expiry, funds
 * and daily limit; 0120/0220 advices and 0400/0420 reversals applied once however often they come; 0800 sign-on,
 * sign-off and echo; 30 for what does not decode.
 *
 * <pre>{@code
 * CardBook cards = CardBook.generate(42, List.of("476173"), 1000);
 * try (IssuerSimulator issuer = new IssuerSimulator(cards, IssuerSimConfig.defaults()).start())
 * {
 *     connect the switch to 127.0.0.1:issuer.port() ...
 *     issuer.answers(ResponseCode.APPROVED);
 * }
 * }</pre>
 *
 * <p>All connections share one event-loop thread, which alone touches the book and the transaction memory, so
 * the issuer's state has one writer and no locks; one thread answers well over 150,000 requests a second.
 * Counters may be read from any thread; accounts through {@link #account}, which reads on that thread.
 */
public final class IssuerSimulator implements AutoCloseable
{
    private final CardBook book;
    private final IssuerSimConfig config;
    private final IssuerCounters counters = new IssuerCounters();
    private final Issuer issuer;
    private final SplitMix64 random;

    private EventLoopGroup group;
    private Channel server;
    private ChannelGroup connections;

    /** A simulator answering for the cards of {@code book}, which it then owns. Call {@link #start()} to listen. */
    public IssuerSimulator(final CardBook book, final IssuerSimConfig config)
    {
        this.book = book;
        this.config = config;
        this.issuer = new Issuer(book, config.rememberedTransactions(), counters, config.clock(), config.events());
        this.random = new SplitMix64(config.seed());
    }

    /**
     * Listens on the configured host and port; returns when bound.
     *
     * @throws IllegalStateException when already started, or when the address cannot be bound (the cause says why).
     */
    public synchronized IssuerSimulator start()
    {
        if (group != null)
        {
            throw new IllegalStateException("issuer simulator already started");
        }
        final SslContext tls = tlsContext();
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("issuer-sim", true), Transport.ioHandlers());
        final ChannelGroup open = new DefaultChannelGroup("issuer-sim connections", group.next());
        connections = open;
        try
        {
            server = new ServerBootstrap()
                .group(group)
                .channel(Transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel channel)
                    {
                        open.add(channel);
                        if (tls != null)
                        {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc()));
                        }
                        channel.pipeline().addLast(newConnectionHandler());
                    }
                })
                .bind(config.host(), config.port())
                .syncUninterruptibly()
                .channel();
        }
        catch (final Exception ex)
        {
            // Netty rethrows the bind failure (a BindException, say) unchecked: the caller gets it as the cause.
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": " + ex.getMessage(), ex);
        }
        return this;
    }

    private SslContext tlsContext()
    {
        if (config.tls() == null)
        {
            return null;
        }
        try
        {
            return config.tls().serverContext();
        }
        catch (final SSLException | IllegalArgumentException | IllegalStateException ex)
        {
            throw new IllegalStateException("cannot serve TLS with " + config.tls() + ": " + ex.getMessage(), ex);
        }
    }

    /** The address listened on, its port the one bound when the configured port was 0. */
    public synchronized InetSocketAddress address()
    {
        if (server == null)
        {
            throw new IllegalStateException("issuer simulator not started");
        }
        return (InetSocketAddress)server.localAddress();
    }

    public int port()
    {
        return address().getPort();
    }

    /** Answers sent with {@code code} so far, late ones included when they went out. */
    public long answers(final ResponseCode code)
    {
        return counters.answers(code);
    }

    public long counter(final IssuerCounter counter)
    {
        return counters.get(counter);
    }

    /** The counters on one line, for the command line's summary. */
    String summary()
    {
        return counters.summary();
    }

    /** The card with this PAN as it stands now, read on the simulator's thread. */
    public Optional<CardAccount> account(final CharSequence pan)
    {
        final EventLoopGroup g;
        synchronized (this)
        {
            g = group;
        }
        if (g == null || g.isTerminated())
        {
            return book.find(pan);
        }
        final EventLoop loop = g.next();
        if (loop.inEventLoop())
        {
            return book.find(pan);
        }
        final String digits = pan.toString();
        try
        {
            return loop.submit(() -> book.find(digits)).get();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading an account", ex);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("cannot read an account", ex.getCause());
        }
        catch (final RejectedExecutionException ex)
        {
            // Closing: wait for the loop to stop, after which nothing else touches the book.
            g.terminationFuture().syncUninterruptibly();
            return book.find(pan);
        }
    }

    /**
     * The handler the server puts on each connection: for running the simulator over another transport, such as an
     * EmbeddedChannel in a benchmark. Every handler of one simulator must run on one thread.
     */
    public ChannelHandler newConnectionHandler()
    {
        return new IssuerConnection(issuer, counters, config, random);
    }

    /** Closes the listening socket and every connection, and waits for the simulator's thread to end. */
    @Override
    public synchronized void close()
    {
        if (group == null || group.isShuttingDown())
        {
            return;
        }
        if (server != null)
        {
            server.close().syncUninterruptibly();
        }
        // Closed here rather than by the loop's shutdown, so that each connection ends as it would any other time.
        connections.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
