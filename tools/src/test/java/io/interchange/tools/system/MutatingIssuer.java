package io.interchange.tools.system;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.ResponseWriter;
import io.interchange.codec.dialect.Iso87;

/**
 * An issuer host whose answers a test writes. Sign-ons and echoes it answers as any host would; for each financial
 * or authorization request (0100, 0200) and each reversal advice (0420, 0421) it makes the answer an honest host would
 * give (approved, or acknowledged) and asks the test's {@link Script} what to send instead: any messages, each framed
 * with a right 2-byte length, then, if the script says so, bytes that cannot be framed, after which this host sends
 * nothing more on that connection and waits for the switch to close it. Any number of connections at once, on
 * 127.0.0.1.
 *
 * <p>{@link #sync} makes sure the switch has dealt with everything this host sent: an echo request of its own on each
 * connection, whose answer the switch sends only after it has handled and journaled what came before it on that link.
 */
final class MutatingIssuer implements AutoCloseable
{
    /** The STANs of this host's own echo requests, above any the switch gives or a test's mutation may leave in place. */
    static final int FIRST_SYNC_STAN = 999_000;
    private static final DateTimeFormatter FIELD_7 = DateTimeFormatter.ofPattern("MMddHHmmss");

    /** What the test sends for a request or advice. */
    interface Script
    {
        /**
         * Called on the connection's thread, so possibly on several at once.
         *
         * @param request the switch's request or advice, decoded.
         * @param honest  the answer an honest host would give: 0110/0210 approved, or 0430 acknowledged.
         */
        Reply reply(MessageReader request, byte[] honest);
    }

    /**
     * @param messages sent first, in order, each behind a right length header.
     * @param garbage  then these bytes as they are, if not null: the end of what this connection sends.
     */
    record Reply(List<byte[]> messages, byte[] garbage)
    {
    }

    private final ServerSocket server;
    private final Script script;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger frames = new AtomicInteger();
    private final AtomicInteger garbage = new AtomicInteger();
    private final AtomicInteger syncStan = new AtomicInteger(FIRST_SYNC_STAN);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean quiet;

    MutatingIssuer(final Script script) throws IOException
    {
        this.script = script;
        this.server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        final Thread thread = new Thread(this::accept, "mutating-issuer");
        thread.setDaemon(true);
        thread.start();
    }

    int port()
    {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections()
    {
        return connections.get();
    }

    /** Connections open that have not sent unframable bytes: the links the switch keeps. */
    int talking()
    {
        return (int)open.stream().filter(connection -> !connection.silent).count();
    }

    /** Whole frames sent so far, each behind a right length header: every one a message the switch must journal. */
    int frames()
    {
        return frames.get();
    }

    /** Unframable sends so far: each one a link the switch must close. */
    int garbage()
    {
        return garbage.get();
    }

    /** The first exception the script threw (it was then given no chance to answer), or null. */
    Throwable failure()
    {
        return failure.get();
    }

    /** From now on requests and advices go unanswered; sign-ons and echoes are still answered. */
    void quiet()
    {
        quiet = true;
    }

    /**
     * Sends an echo request on each connection still talking and waits for its answer: after it, the switch has
     * handled and journaled every frame this host sent before it.
     */
    void sync(final Duration limit) throws IOException, InterruptedException
    {
        for (final Connection connection : List.copyOf(open))
        {
            if (connection.silent)
            {
                continue;
            }
            final int stan = syncStan.getAndIncrement();
            final CountDownLatch answered = new CountDownLatch(1);
            connection.syncs.put(stan, answered);
            final byte[] echo = TestTerminal.encode(Iso87.BINARY, Mti.NETWORK_MANAGEMENT_REQUEST,
                Map.of(7, ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7), 11, String.format("%06d", stan), 70, "301"));
            // Behind whatever the connection's thread is sending for a request it took before the host went quiet.
            synchronized (connection)
            {
                connection.send(echo);
            }
            if (!answered.await(limit.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new AssertionError("the switch did not answer the issuer's echo " + stan + " within " + limit);
            }
        }
    }

    private void accept()
    {
        while (!server.isClosed())
        {
            try
            {
                final Connection connection = new Connection(server.accept());
                connections.incrementAndGet();
                open.add(connection);
                final Thread thread = new Thread(connection, "mutating-issuer-" + connections.get());
                thread.setDaemon(true);
                thread.start();
            }
            catch (final IOException ex)
            {
                // The test closed the server.
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        for (final Connection connection : List.copyOf(open))
        {
            connection.socket.close();
        }
    }

    /** One link from the switch, served on its own thread. */
    private final class Connection implements Runnable
    {
        private final Socket socket;
        private final DataOutputStream out;
        private final Map<Integer, CountDownLatch> syncs = new ConcurrentHashMap<>();
        private final MessageReader reader = new MessageReader(Iso87.BINARY);
        private final MessageWriter writer = new MessageWriter(Iso87.BINARY);
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
        private final ResponseWriter network = new ResponseWriter(7, 11, 70);
        private final ResponseWriter financial = new ResponseWriter(ResponseWriter.FINANCIAL_ECHO);
        private volatile boolean silent;

        Connection(final Socket socket) throws IOException
        {
            this.socket = socket;
            socket.setTcpNoDelay(true);
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        @Override
        public void run()
        {
            try (socket)
            {
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                while (true)
                {
                    final byte[] message = new byte[in.readUnsignedShort()];
                    in.readFully(message);
                    synchronized (this)
                    {
                        if (!silent && reader.wrap(message, 0, message.length) == DecodeError.NONE)
                        {
                            handle();
                        }
                    }
                }
            }
            catch (final IOException ex)
            {
                // The switch closed the link, or the test closed the host.
            }
            finally
            {
                open.remove(this);
            }
        }

        private void handle() throws IOException
        {
            final int mti = reader.mti();
            if (mti == Mti.NETWORK_MANAGEMENT_REQUEST)
            {
                send(answer(network.respond(reader, writer.wrap(buffer, 0), "00")));
                return;
            }
            if (mti == Mti.NETWORK_MANAGEMENT_RESPONSE)
            {
                final CountDownLatch sync = reader.has(11) ? syncs.remove((int)reader.getLong(11)) : null;
                if (sync != null)
                {
                    sync.countDown();
                }
                return;
            }
            final boolean request = mti == Mti.AUTHORIZATION_REQUEST || mti == Mti.FINANCIAL_REQUEST;
            if (quiet || !request && mti != Mti.REVERSAL_ADVICE && mti != Mti.REVERSAL_ADVICE_REPEAT)
            {
                return;
            }
            financial.begin(reader, writer.wrap(buffer, 0));
            if (request)
            {
                financial.putString(38, String.format("AP%04d", reader.has(4) ? reader.getLong(4) % 10_000 : 0));
            }
            final byte[] honest = answer(financial.putString(39, "00").finish());
            final Reply reply;
            try
            {
                reply = script.reply(reader, honest);
            }
            catch (final RuntimeException | AssertionError ex)
            {
                failure.compareAndSet(null, ex);
                return;
            }
            for (final byte[] message : reply.messages())
            {
                send(message);
            }
            if (reply.garbage() != null)
            {
                silent = true;
                synchronized (out)
                {
                    out.write(reply.garbage());
                    out.flush();
                }
                garbage.incrementAndGet();
            }
        }

        private byte[] answer(final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(0, bytes);
            return bytes;
        }

        private void send(final byte[] message) throws IOException
        {
            synchronized (out)
            {
                out.writeShort(message.length);
                out.write(message);
                out.flush();
            }
            frames.incrementAndGet();
        }
    }
}
