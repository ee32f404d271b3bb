package io.interchange.tools.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A port on 127.0.0.1 that nothing listens on, held so that nothing can: a socket bound to it, never connected and
 * never listening. A switch's connection to it is refused, as to an issuer host that is down, for as long as the test
 * holds it. A port found free by binding and closing a server socket could meanwhile be taken by another process's
 * listener (another build's switch on the same machine, say), which would then answer in the issuer's place. Closed,
 * the port is free for the test to bind: the issuer coming back.
 */
public final class ReservedPort implements AutoCloseable
{
    private final Socket socket;

    private ReservedPort(final Socket socket)
    {
        this.socket = socket;
    }

    public static ReservedPort take() throws IOException
    {
        final Socket socket = new Socket();
        // Without SO_REUSEADDR, no other socket may bind the port while this one holds it, listening or not.
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new ReservedPort(socket);
    }

    public int port()
    {
        return socket.getLocalPort();
    }

    /** Lets the port go, for the test's own issuer to listen on it. */
    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
