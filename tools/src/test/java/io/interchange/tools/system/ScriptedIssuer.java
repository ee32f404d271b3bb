package io.interchange.tools.system;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.ResponseWriter;
import io.interchange.codec.dialect.Iso87;

/**
 * An issuer host that does what a test tells it: it always signs on and answers echoes, and records the MTI of
 * everything else it gets. Financial requests are swallowed (a hung issuer) or approved after a delay (a late
 * one); advices are swallowed or acknowledged. One connection at a time, on 127.0.0.1, which the test may hang up.
 */
final class ScriptedIssuer implements AutoCloseable
{
    private final ServerSocket server;
    private final List<Integer> received = new ArrayList<>();
    private final List<String> amounts = new ArrayList<>();
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    private volatile boolean acknowledgeAdvices;
    private volatile Duration approveAfter;
    private volatile String answerCode = "00";
    private volatile String authCode = "LATE01";
    private volatile long answerAmount = -1;
    private volatile boolean mute;
    private volatile byte[] chipData;
    private volatile boolean echoCardData;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile byte[] lastFinancial;
    private volatile Socket current;
    private volatile byte[] macKey;
    private volatile boolean cmac;
    private volatile boolean wrongMacs;
    private final List<Boolean> requestMacs = new ArrayList<>();

    ScriptedIssuer() throws IOException
    {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        final Thread thread = new Thread(this::serve, "scripted-issuer");
        thread.setDaemon(true);
        thread.start();
    }

    int port()
    {
        return server.getLocalPort();
    }

    /** From now on, 0420/0421, 0220/0221 and 0120/0121 are acknowledged (0430, 0230, 0130). */
    void acknowledgeAdvices()
    {
        acknowledgeAdvices = true;
    }

    /** From now on, financial requests are approved after {@code delay} instead of swallowed. */
    void approveAfter(final Duration delay)
    {
        approveAfter = delay;
    }

    /**
     * From now on, the answers {@link #approveAfter} sends carry {@code code} in field 39 instead of 00 (no field 39
     * when null) and {@code authCode} in field 38, as the bytes they are (ASCII).
     */
    void answerWith(final String code, final String authCode)
    {
        answerCode = code;
        this.authCode = authCode;
    }

    /** From now on, the answers {@link #approveAfter} sends carry this amount in field 4 (-1: the request's, echoed). */
    void answerAmount(final long amount)
    {
        answerAmount = amount;
    }

    /** From now on, the answers {@link #approveAfter} sends carry these bytes in field 55 (the issuer's chip data). */
    void answerChipData(final byte[] tlv)
    {
        chipData = tlv.clone();
    }

    /**
     * From now on, the answers {@link #approveAfter} sends echo the request's track 2 (35) and PIN block (52) too, as
     * a careless issuer host might: the switch relays neither, and its journal must keep neither.
     */
    void echoCardData()
    {
        echoCardData = true;
    }

    /** Stops (true) or resumes answering sign-ons and echoes. */
    void mute(final boolean silent)
    {
        mute = silent;
    }

    /**
     * From now on, answers carry an ISO 9797-1 algorithm 3 MAC in field 64 with this double-length key (a wrong
     * one when {@code wrong}), and each request's own MAC is checked and recorded ({@link #requestMacs}).
     */
    void mac(final byte[] key, final boolean wrong)
    {
        cmac = false;
        macKey = key.clone();
        wrongMacs = wrong;
    }

    /** As {@link #mac}, with AES-CMAC ({@link Cmac}) under an AES key. */
    void cmac(final byte[] key, final boolean wrong)
    {
        cmac = true;
        macKey = key.clone();
        wrongMacs = wrong;
    }

    private byte[] macOf(final byte[] key, final byte[] data, final int length)
    {
        return cmac ? Cmac.of(key, data, length) : RetailMac.of(key, data, length);
    }

    /** For each financial request or advice received while MACing: whether its field 64 held. */
    List<Boolean> requestMacs()
    {
        synchronized (requestMacs)
        {
            return List.copyOf(requestMacs);
        }
    }

    /** The last financial request received, as its bytes (null before the first). */
    byte[] lastFinancial()
    {
        final byte[] last = lastFinancial;
        return last == null ? null : last.clone();
    }

    /** Closes the connection the switch has open, if any, as an issuer host that goes away would. */
    void hangUp() throws IOException
    {
        final Socket socket = current;
        if (socket != null)
        {
            socket.close();
        }
    }

    /** Connections accepted so far. */
    int connections()
    {
        return connections.get();
    }

    /** The MTIs received, sign-ons and echoes left out, in order. */
    List<Integer> received()
    {
        synchronized (received)
        {
            return List.copyOf(received);
        }
    }

    /** Field 4 of each financial request received (not advices), in order: which of a test's requests reached the issuer. */
    List<String> amounts()
    {
        synchronized (received)
        {
            return List.copyOf(amounts);
        }
    }

    long count(final int mti)
    {
        return received().stream().filter(m -> m == mti).count();
    }

    private void serve()
    {
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        final MessageWriter writer = new MessageWriter(Iso87.BINARY);
        final ResponseWriter network = new ResponseWriter(7, 11, 70);
        final ResponseWriter financial = new ResponseWriter(ResponseWriter.FINANCIAL_ECHO);
        final int[] cardDataEcho = Arrays.copyOf(ResponseWriter.FINANCIAL_ECHO, ResponseWriter.FINANCIAL_ECHO.length + 2);
        cardDataEcho[cardDataEcho.length - 2] = 35;
        cardDataEcho[cardDataEcho.length - 1] = 52;
        final ResponseWriter careless = new ResponseWriter(cardDataEcho);
        while (!server.isClosed())
        {
            try (Socket socket = server.accept())
            {
                current = socket;
                connections.incrementAndGet();
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                final OutputStream os = socket.getOutputStream();
                while (true)
                {
                    final byte[] message = new byte[in.readUnsignedShort()];
                    in.readFully(message);
                    reader.wrap(message, 0, message.length);
                    final int mti = reader.mti();
                    final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
                    if (mti == Mti.NETWORK_MANAGEMENT_REQUEST)
                    {
                        if (!mute)
                        {
                            IssuerFrames.send(os, out, network.respond(reader, writer.wrap(out, 2), "00"));
                        }
                        continue;
                    }
                    synchronized (received)
                    {
                        received.add(mti);
                    }
                    final byte[] key = macKey;
                    if (key != null)
                    {
                        final int field = reader.has(128) ? 128 : 64;
                        final boolean holds = reader.has(field) &&
                            Arrays.equals(macOf(key, message, reader.rawOffset(field)), reader.getBytes(field));
                        synchronized (requestMacs)
                        {
                            requestMacs.add(holds);
                        }
                    }
                    final boolean advice = Mti.messageClass(mti) == 4 || mti / 10 == 22 || mti / 10 == 12;
                    if (!advice)
                    {
                        lastFinancial = message.clone();
                        synchronized (received)
                        {
                            amounts.add(reader.has(4) ? reader.getString(4) : "");
                        }
                    }
                    if (advice && acknowledgeAdvices)
                    {
                        IssuerFrames.send(os, out, sign(out, financial.respond(reader, writer.wrap(out, 2), "00")));
                    }
                    else if (!advice && approveAfter != null)
                    {
                        final ResponseWriter answer = (echoCardData ? careless : financial).begin(reader, writer.wrap(out, 2)).putString(38, authCode);
                        final String code = answerCode;
                        if (code != null)
                        {
                            answer.putString(39, code);
                        }
                        final byte[] chip = chipData;
                        if (chip != null)
                        {
                            answer.putText(55, new UnsafeBuffer(chip), 0, chip.length);
                        }
                        final int unsigned = answer.finish();
                        final long amount = answerAmount;
                        if (amount >= 0)
                        {
                            // Field 4 is twelve BCD digits in ISO 8583:1987 binary: six bytes, rewritten in place.
                            final MessageReader written = new MessageReader(Iso87.BINARY);
                            written.wrap(out, 2, unsigned);
                            final int at = written.valueOffset(4);
                            long rest = amount;
                            for (int i = 5; i >= 0; i--, rest /= 100)
                            {
                                out.putByte(at + i, (byte)((rest / 10 % 10) << 4 | rest % 10));
                            }
                        }
                        final int length = sign(out, unsigned);
                        later.schedule(() -> IssuerFrames.send(os, out, length), approveAfter.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
            }
            catch (final IOException ex)
            {
                // The switch closed the link, or the test closed the server: wait for the next connection.
            }
        }
    }

    /** Adds field 64 to the answer at out[2, 2 + length) when MACing: bit 64 set, the MAC of what precedes it appended. */
    private int sign(final UnsafeBuffer out, final int length)
    {
        final byte[] key = macKey;
        if (key == null)
        {
            return length;
        }
        // The bitmap follows the 2-byte frame length and the BCD MTI; the MAC is field 64, or 128 after a secondary bitmap.
        final int bitmap = 2 + 2;
        final int last = bitmap + ((out.getByte(bitmap) & 0x80) != 0 ? 15 : 7);
        out.putByte(last, (byte)(out.getByte(last) | 0x01));
        final byte[] message = new byte[length];
        out.getBytes(2, message);
        final byte[] mac = macOf(key, message, length);
        if (wrongMacs)
        {
            mac[0] ^= 0x01;
        }
        out.putBytes(2 + length, mac);
        return length + mac.length;
    }

    @Override
    public void close() throws IOException
    {
        later.shutdownNow();
        server.close();
    }
}
