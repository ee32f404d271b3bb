package io.interchange.engine.link;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

/**
 * Looks up issuers' host names off the links' event loops. Netty's default resolver calls InetAddress on the thread
 * that connects, the event loop that also serves acquirer links and egress (and, on a small machine, runs the ring):
 * a DNS server slow to answer (resolv.conf's time-out, times its attempts and servers: 5 to 30 s) stopped the whole
 * switch at each reconnect of an issuer named by host. Here the look-up runs on a thread of its own and the connect
 * goes on when it answers; the JVM's resolver and its cache, /etc/hosts and nsswitch all stay as they were.
 */
final class IssuerNames extends AddressResolverGroup<InetSocketAddress>
{
    // Daemon threads that end after a minute idle: look-ups are rare (a connect, a reconnect), one slow one holds one.
    private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(task ->
    {
        final Thread thread = new Thread(task, "issuer-dns");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(final EventExecutor executor)
    {
        return new OffLoop(executor).asAddressResolver();
    }

    private static final class OffLoop extends InetNameResolver
    {
        OffLoop(final EventExecutor executor)
        {
            super(executor);
        }

        @Override
        protected void doResolve(final String host, final Promise<InetAddress> promise)
        {
            LOOKUPS.execute(() ->
            {
                try
                {
                    promise.trySuccess(InetAddress.getByName(host));
                }
                catch (final UnknownHostException | RuntimeException ex)
                {
                    promise.tryFailure(ex);
                }
            });
        }

        @Override
        protected void doResolveAll(final String host, final Promise<List<InetAddress>> promise)
        {
            LOOKUPS.execute(() ->
            {
                try
                {
                    promise.trySuccess(Arrays.asList(InetAddress.getAllByName(host)));
                }
                catch (final UnknownHostException | RuntimeException ex)
                {
                    promise.tryFailure(ex);
                }
            });
        }
    }
}
