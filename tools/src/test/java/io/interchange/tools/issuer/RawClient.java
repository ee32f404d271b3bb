package io.interchange.tools.issuer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import org.jpos.iso.ISOException;
import org.jpos.iso.ISOMsg;

/**
 * A bare socket to the issuer, for what a jPOS channel will not do: send broken frames, wait on a read with a
 * chosen time-out, see a frame that does not decode, see the connection closed.
 */
final class RawClient implements AutoCloseable
{
    /** Long enough for a loaded CI machine: a test that waits this long has failed anyway. */
    static final int PATIENCE_MILLIS = 30_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawClient(final int port) throws IOException
    {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(PATIENCE_MILLIS);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** The message behind a 2-byte binary length. */
    void send(final byte[] message) throws IOException
    {
        out.write(frame(message));
        out.flush();
    }

    void send(final ISOMsg message) throws IOException, ISOException
    {
        send(Requests.pack(message));
    }

    /** Bytes as they are, framed or not. */
    void sendRaw(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    static byte[] frame(final byte[] message)
    {
        final byte[] frame = new byte[message.length + 2];
        frame[0] = (byte)(message.length >>> 8);
        frame[1] = (byte)message.length;
        System.arraycopy(message, 0, frame, 2, message.length);
        return frame;
    }

    /** The next frame's message, waiting up to {@code timeoutMillis}; EOFException when the issuer closed. */
    byte[] receive(final int timeoutMillis) throws IOException
    {
        socket.setSoTimeout(timeoutMillis);
        final int length = in.readUnsignedShort();
        final byte[] message = new byte[length];
        in.readFully(message);
        return message;
    }

    byte[] receive() throws IOException
    {
        return receive(PATIENCE_MILLIS);
    }

    ISOMsg receiveMessage() throws IOException, ISOException
    {
        return Requests.unpack(receive());
    }

    /** True when the issuer closed the connection (end of stream) rather than sent anything. */
    boolean closedByPeer() throws IOException
    {
        socket.setSoTimeout(PATIENCE_MILLIS);
        try
        {
            return in.read() < 0;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final SocketException ex)
        {
            // A reset is the peer closing too.
            return true;
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
