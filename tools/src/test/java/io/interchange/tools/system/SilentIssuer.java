package io.interchange.tools.system;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.ResponseWriter;
import io.interchange.codec.dialect.Iso87;

/**
 * An issuer host that signs on and answers echoes but never answers a financial request: what a hung issuer looks
 * like to the switch. One connection at a time, on 127.0.0.1.
 */
final class SilentIssuer implements AutoCloseable
{
    private final ServerSocket server;
    private final Thread thread;
    private final AtomicInteger swallowed = new AtomicInteger();

    SilentIssuer() throws IOException
    {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "silent-issuer");
        thread.setDaemon(true);
        thread.start();
    }

    int port()
    {
        return server.getLocalPort();
    }

    /** Financial requests received and never answered. */
    int swallowed()
    {
        return swallowed.get();
    }

    private void serve()
    {
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        final MessageWriter writer = new MessageWriter(Iso87.BINARY);
        final ResponseWriter network = new ResponseWriter(7, 11, 70);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
        while (!server.isClosed())
        {
            try (Socket socket = server.accept())
            {
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                final OutputStream os = socket.getOutputStream();
                while (true)
                {
                    final byte[] message = new byte[in.readUnsignedShort()];
                    in.readFully(message);
                    reader.wrap(message, 0, message.length);
                    if (reader.mti() != Mti.NETWORK_MANAGEMENT_REQUEST)
                    {
                        swallowed.incrementAndGet();
                        continue;
                    }
                    final int length = network.respond(reader, writer.wrap(out, 2), "00");
                    out.putByte(0, (byte)(length >>> 8));
                    out.putByte(1, (byte)length);
                    os.write(out.byteArray(), 0, length + 2);
                    os.flush();
                }
            }
            catch (final IOException ex)
            {
                // The switch closed the link, or the test closed the server: wait for the next connection.
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        server.close();
    }
}
