package io.interchange.tools.system;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.DecodeError;
import io.interchange.codec.Dialect;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;

/**
 * A terminal (or acquirer host) for system tests: a plain blocking socket to the switch on 127.0.0.1 speaking
 * ISO 8583 with a 2-byte length header (and a fixed header for UnionPay POS), built on our codec.
 */
final class TestTerminal implements AutoCloseable
{
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final Dialect dialect;
    private final byte[] fixedHeader;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private byte[] lastHeader = new byte[0];

    TestTerminal(final int port, final Dialect dialect, final byte[] fixedHeader) throws IOException
    {
        this(new Socket(InetAddress.getLoopbackAddress(), port), dialect, fixedHeader);
    }

    /** Over a socket connected already: a TLS one, say. */
    TestTerminal(final Socket socket, final Dialect dialect, final byte[] fixedHeader) throws IOException
    {
        this.dialect = dialect;
        this.fixedHeader = fixedHeader.clone();
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    TestTerminal(final int port, final Dialect dialect) throws IOException
    {
        this(port, dialect, new byte[0]);
    }

    /** Encodes the fields (text forms, as `interchange iso encode` takes them) with our writer. */
    byte[] encode(final int mti, final Map<Integer, String> fields)
    {
        return encode(dialect, mti, fields);
    }

    /** As {@link #encode(int, Map)}, in any dialect: for a test that plays a host. */
    static byte[] encode(final Dialect dialect, final int mti, final Map<Integer, String> fields)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
        final MessageWriter writer = new MessageWriter(dialect).wrap(buffer, 0).mti(mti);
        new TreeMap<>(fields).forEach(writer::putString);
        final int length = writer.finish();
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    void send(final int mti, final Map<Integer, String> fields) throws IOException
    {
        sendRaw(encode(mti, fields));
    }

    /** Sends message bytes as one frame: length header, fixed header, message. */
    void sendRaw(final byte[] message) throws IOException
    {
        sendRaw(fixedHeader, message);
    }

    /** Sends message bytes as one frame behind a header of the fixed header's length, but not its bytes: a bad TPDU. */
    void sendRaw(final byte[] header, final byte[] message) throws IOException
    {
        if (header.length != fixedHeader.length)
        {
            throw new IllegalArgumentException("a header of " + fixedHeader.length + " bytes, not " + header.length);
        }
        final int length = header.length + message.length;
        final byte[] frame = new byte[2 + length];
        frame[0] = (byte)(length >>> 8);
        frame[1] = (byte)length;
        System.arraycopy(header, 0, frame, 2, header.length);
        System.arraycopy(message, 0, frame, 2 + header.length, message.length);
        out.write(frame);
        out.flush();
    }

    /** Writes bytes as they are: for broken frames. */
    void sendBytes(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    /** Half-closes the connection (FIN): sends nothing more, and still reads, as a POS stack or script that writes its request and then waits may. */
    void shutdownOutput() throws IOException
    {
        socket.shutdownOutput();
    }

    /** The next answer, decoded; fails the test when none comes in time or it does not decode. */
    MessageReader receive() throws IOException
    {
        final byte[] message = receiveRaw(ANSWER_TIMEOUT);
        if (message == null)
        {
            throw new AssertionError("no answer within " + ANSWER_TIMEOUT);
        }
        final MessageReader reader = new MessageReader(dialect);
        final DecodeError error = reader.wrap(message, 0, message.length);
        if (error != DecodeError.NONE)
        {
            throw new AssertionError("answer does not decode: " + error + " at field " + reader.errorField());
        }
        return reader;
    }

    /** Sends and waits for the answer. */
    MessageReader exchange(final int mti, final Map<Integer, String> fields) throws IOException
    {
        send(mti, fields);
        return receive();
    }

    /** The next frame's message bytes (fixed header checked and dropped), or null when nothing came in time. */
    byte[] receiveRaw(final Duration timeout) throws IOException
    {
        socket.setSoTimeout((int)timeout.toMillis());
        try
        {
            final int length = in.readUnsignedShort();
            final byte[] frame = new byte[length];
            in.readFully(frame);
            final byte[] message = new byte[length - fixedHeader.length];
            System.arraycopy(frame, fixedHeader.length, message, 0, message.length);
            lastHeader = new byte[fixedHeader.length];
            System.arraycopy(frame, 0, lastHeader, 0, fixedHeader.length);
            return message;
        }
        catch (final SocketTimeoutException ex)
        {
            return null;
        }
    }

    /** The fixed header of the last frame received. */
    byte[] lastHeader()
    {
        return lastHeader.clone();
    }

    /** True when the switch closes the connection within the time-out (end of stream or reset). */
    boolean closedBySwitch(final Duration timeout) throws IOException
    {
        socket.setSoTimeout((int)timeout.toMillis());
        final InputStream stream = socket.getInputStream();
        try
        {
            while (true)
            {
                if (stream.read() < 0)
                {
                    return true;
                }
            }
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final EOFException ex)
        {
            return true;
        }
        catch (final IOException ex)
        {
            return "Connection reset".equals(ex.getMessage());
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
