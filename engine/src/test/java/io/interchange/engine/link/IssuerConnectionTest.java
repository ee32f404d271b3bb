package io.interchange.engine.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.Permission;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.SystemEpochNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.interchange.codec.dialect.Dialects;
import io.interchange.codec.dialect.Iso87;
import io.interchange.engine.ring.EventJournal;
import io.interchange.engine.ring.EventType;
import io.interchange.engine.ring.Ring;
import io.interchange.engine.ring.SwitchEvent;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

/** An issuer connection over 127.0.0.1: what it leaves behind once closed. */
class IssuerConnectionTest
{
    // IssuerConnection's connect time-out (5 s) and a second more: a connect still under way at the close has ended by then.
    private static final Duration CONNECT_OVER = Duration.ofSeconds(6);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Transport.ioHandlers());
    private final EgressLanes lanes = new EgressLanes(group, 4_096);
    private final AtomicInteger issuerUps = new AtomicInteger();
    private final Ring ring = new Ring(64, 256, 256, "blocking", false, Dialects.all(), (event, sequence, endOfBatch) ->
    {
        if (event.type() == EventType.ISSUER_UP)
        {
            issuerUps.incrementAndGet();
        }
    }, new EventJournal()
    {
        @Override
        public void append(final SwitchEvent event)
        {
        }

        @Override
        public void endOfBatch()
        {
        }
    }, lanes, SystemEpochNanoClock.INSTANCE, null);

    @AfterEach
    void stop()
    {
        ring.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Closed at once after start, its connect under way, and kept so whatever the threads' timing: the issuer's listen
     * queue is full (Linux queues backlog + 1 connections not yet accepted and drops a SYN past them, which the client
     * sends again 1 s later, then 3 s), as a host too busy to accept leaves it; room is made only after the close.
     * close() knew nothing of a channel that had not yet connected, and left it open: it connected once there was room,
     * after the close, and its UP would have had the switch sign it on.
     */
    @Test
    void shouldLeaveNoConnectionBehindWhenClosedWhileConnecting() throws Exception
    {
        try (ServerSocket issuer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Socket first = new Socket(InetAddress.getLoopbackAddress(), issuer.getLocalPort());
            Socket second = new Socket(InetAddress.getLoopbackAddress(), issuer.getLocalPort()))
        {
            final IssuerConnection connection = new IssuerConnection("issuer-a#0", "127.0.0.1", issuer.getLocalPort(), 0,
                Dialects.all().indexOf(Iso87.BINARY), Duration.ofMillis(100), Duration.ofSeconds(1), null, group, ring, lanes,
                SystemEpochNanoClock.INSTANCE);
            connection.start();
            connection.close();
            // Room for the connection's SYN when it comes again: the two that filled the queue taken off it.
            issuer.accept().close();
            issuer.accept().close();

            issuer.setSoTimeout((int)CONNECT_OVER.toMillis());
            assertThrows(SocketTimeoutException.class, () -> issuer.accept().close(), "a connection reached the issuer after close()");
            assertEquals(0, issuerUps.get(), "a connection came up after close()");
        }
        assertTrue(group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS), "the event loop did not stop");
    }

    /**
     * An issuer named by host (LinkAddress allows one) is looked up off the links' event loop ({@link IssuerNames}): the
     * loop also serves acquirer links and egress lanes, and on a small machine runs the ring, so a DNS server slow to
     * answer must not stop it. The look-up is held here by a security manager's checkConnect(host, -1), which
     * InetAddress calls before it resolves a name: no DNS server is asked, nothing leaves the machine.
     */
    @Test
    @SuppressWarnings("removal")
    void shouldKeepTheLinksEventLoopServingWhileAnIssuersHostNameIsLookedUp() throws Exception
    {
        final CountDownLatch lookingUp = new CountDownLatch(1);
        final CountDownLatch answer = new CountDownLatch(1);
        final AtomicReference<String> lookedUpOn = new AtomicReference<>();
        final SecurityManager before = System.getSecurityManager();
        System.setSecurityManager(new SecurityManager()
        {
            @Override
            public void checkPermission(final Permission perm)
            {
            }

            @Override
            public void checkPermission(final Permission perm, final Object context)
            {
            }

            @Override
            public void checkConnect(final String host, final int port)
            {
                if ("localhost".equals(host) && port == -1 && lookedUpOn.compareAndSet(null, Thread.currentThread().getName()))
                {
                    lookingUp.countDown();
                    try
                    {
                        answer.await(); // a DNS server that has not answered yet
                    }
                    catch (final InterruptedException e)
                    {
                        Thread.currentThread().interrupt();
                    }
                    throw new SecurityException("no DNS in this test");
                }
            }
        });
        final IssuerConnection connection = new IssuerConnection("issuer-a#0", "localhost", 1, 0, Dialects.all().indexOf(Iso87.BINARY),
            Duration.ofSeconds(60), Duration.ofSeconds(60), null, group, ring, lanes, SystemEpochNanoClock.INSTANCE);
        try
        {
            connection.start();
            assertTrue(lookingUp.await(10, TimeUnit.SECONDS), "the issuer's host name was never looked up");
            // An acquirer link's read, an egress lane's write or the ring's poll on that loop is a task like this one.
            assertTrue(group.submit(() -> true).await(2, TimeUnit.SECONDS),
                "the links' event loop was held by the look-up of the issuer's host name, done on " + lookedUpOn.get());
        }
        finally
        {
            answer.countDown();
            connection.close();
            System.setSecurityManager(before);
        }
    }
}
