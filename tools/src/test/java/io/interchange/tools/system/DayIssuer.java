package io.interchange.tools.system;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.ResponseWriter;
import io.interchange.codec.dialect.Iso87;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An issuer host whose answers a clearing fixture can compute by hand: the amount decides. An amount ending in 51
 * is declined 51; {@link #LATE_AMOUNT} is approved, too late; {@link #UNANSWERED_AMOUNT} never (nor
 * {@link #UNKNOWN_TO_ISSUER_AMOUNT}, whose reversal advice gets 25); anything else is approved at once with auth code "AP"
 * and the amount's last four digits. Reversal advices are acknowledged; other advices (0220, 0120) only when told,
 * so that a stand-in can stay unacknowledged. One connection at a time, on 127.0.0.1.
 */
final class DayIssuer implements AutoCloseable
{
    /** Approved 1.5 s after it came, after any test time-out. */
    static final long LATE_AMOUNT = 7_700;
    /** Never answered, as by an issuer host that hangs. */
    static final long UNANSWERED_AMOUNT = 7_900;
    /** Never answered, and its reversal advice answered 25: the issuer says it never had it. */
    static final long UNKNOWN_TO_ISSUER_AMOUNT = 7_800;

    private final ServerSocket server;
    private final boolean acknowledgeFinancialAdvices;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    private volatile int financialAdvices;
    private volatile int requests;
    private volatile int reversalAdvices;

    DayIssuer(final int port, final boolean acknowledgeFinancialAdvices) throws IOException
    {
        this.server = new ServerSocket(port, 8, InetAddress.getLoopbackAddress());
        this.acknowledgeFinancialAdvices = acknowledgeFinancialAdvices;
        final Thread thread = new Thread(this::serve, "day-issuer");
        thread.setDaemon(true);
        thread.start();
    }

    int port()
    {
        return server.getLocalPort();
    }

    /** Authorization and financial requests (0100, 0200) received so far. */
    int requests()
    {
        return requests;
    }

    /** Reversal advices (0420/0421) received so far. */
    int reversalAdvices()
    {
        return reversalAdvices;
    }

    /** 0220/0221 and 0120/0121 received so far. */
    int financialAdvices()
    {
        return financialAdvices;
    }

    private void serve()
    {
        final MessageReader reader = new MessageReader(Iso87.BINARY);
        final MessageWriter writer = new MessageWriter(Iso87.BINARY);
        final ResponseWriter network = new ResponseWriter(7, 11, 70);
        final ResponseWriter financial = new ResponseWriter(ResponseWriter.FINANCIAL_ECHO);
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
                    final int mti = reader.mti();
                    final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
                    if (mti == Mti.NETWORK_MANAGEMENT_REQUEST)
                    {
                        IssuerFrames.send(os, out, network.respond(reader, writer.wrap(out, 2), "00"));
                    }
                    else if (Mti.messageClass(mti) == 4)
                    {
                        reversalAdvices++;
                        final String code = reader.has(4) && reader.getLong(4) == UNKNOWN_TO_ISSUER_AMOUNT ? "25" : "00";
                        IssuerFrames.send(os, out, financial.respond(reader, writer.wrap(out, 2), code));
                    }
                    else if (mti / 10 == Mti.FINANCIAL_ADVICE / 10 || mti / 10 == Mti.AUTHORIZATION_ADVICE / 10)
                    {
                        financialAdvices++;
                        if (acknowledgeFinancialAdvices)
                        {
                            IssuerFrames.send(os, out, financial.respond(reader, writer.wrap(out, 2), "00"));
                        }
                    }
                    else
                    {
                        requests++;
                        final long amount = reader.getLong(4);
                        if (amount == UNANSWERED_AMOUNT || amount == UNKNOWN_TO_ISSUER_AMOUNT)
                        {
                            continue;
                        }
                        final String code = amount % 100 == 51 ? "51" : "00";
                        financial.begin(reader, writer.wrap(out, 2));
                        if ("00".equals(code))
                        {
                            financial.putString(38, amount == LATE_AMOUNT ? "LATE01" : String.format("AP%04d", amount % 10_000));
                        }
                        final int length = financial.putString(39, code).finish();
                        if (amount == LATE_AMOUNT)
                        {
                            later.schedule(() -> IssuerFrames.send(os, out, length), 1_500, TimeUnit.MILLISECONDS);
                        }
                        else
                        {
                            IssuerFrames.send(os, out, length);
                        }
                    }
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
        later.shutdownNow();
        server.close();
    }
}
