package io.interchange.tools.load;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.UnsafeBuffer;

import io.interchange.codec.DecodeError;
import io.interchange.codec.MessageReader;
import io.interchange.codec.MessageWriter;
import io.interchange.codec.Mti;
import io.interchange.codec.frame.Framing;

/**
 * The end of a run with {@link LoadOptions#settle()}: each terminal id settles the batch its terminals counted
 * ({@link TerminalBatch}) with an ISO 8583:1987 0500 (DESIGN.md §4: 74-77 counts, 86-89 amounts, 97 net), one at a
 * time on a connection of its own that signs on first, and the 0510 is checked: 00 when the switch's totals for the
 * id are the same, 95 with the switch's own figures when not. The switch closes the batch either way, so a run that
 * settles leaves every terminal id of the switch with an empty batch for the next one.
 *
 * <p>Off the measured part and once per terminal id: a plain blocking socket is enough.
 */
final class BatchSettlement
{
    private static final DateTimeFormatter FIELD_7 = DateTimeFormatter.ofPattern("MMddHHmmss");
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final LoadOptions options;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Framing.DEFAULT_MAX]);
    private final MessageReader reader;
    private int stan;

    private BatchSettlement(final LoadOptions options)
    {
        this.options = options;
        this.reader = new MessageReader(options.dialect());
    }

    /**
     * Settles every batch, in order, and reports each; a switch that cannot be reached or refuses the sign-on gives
     * each batch that result rather than an exception, so the report still says what the run did.
     */
    static List<SettlementResult> settle(final LoadOptions options, final List<TerminalBatch> batches)
    {
        return new BatchSettlement(options).settleAll(batches);
    }

    private List<SettlementResult> settleAll(final List<TerminalBatch> batches)
    {
        final List<SettlementResult> results = new ArrayList<>(batches.size());
        try (Socket socket = new Socket())
        {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(options.host(), options.port()), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout((int)Math.min(Integer.MAX_VALUE, Math.max(1, options.timeout().toMillis())));
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final OutputStream out = socket.getOutputStream();
            final String signOnStan = nextStan();
            final MessageReader signedOn = exchange(in, out, signOn(signOnStan));
            if (signedOn == null || signedOn.mti() != Mti.NETWORK_MANAGEMENT_RESPONSE || !"00".equals(code(signedOn)))
            {
                final String why = "sign-on for settlement refused: " + (signedOn == null ? "no answer" : "39=" + code(signedOn));
                batches.forEach(b -> results.add(new SettlementResult(b, null, null, why)));
                return results;
            }
            for (final TerminalBatch batch : batches)
            {
                results.add(settle(in, out, batch));
            }
        }
        catch (final IOException ex)
        {
            for (int i = results.size(); i < batches.size(); i++)
            {
                results.add(new SettlementResult(batches.get(i), null, null, "settlement connection failed: " + ex.getMessage()));
            }
        }
        return results;
    }

    private SettlementResult settle(final DataInputStream in, final OutputStream out, final TerminalBatch batch) throws IOException
    {
        final String requestStan = nextStan();
        final MessageReader answer = exchange(in, out, reconciliation(requestStan, batch));
        if (answer == null)
        {
            return new SettlementResult(batch, null, null, "no 0510 within " + options.timeout());
        }
        final String code = code(answer);
        if (answer.mti() != Mti.RECONCILIATION_RESPONSE || !answer.has(11) || !requestStan.equals(answer.getString(11)) || !answer.has(41) ||
            !batch.terminalId().equals(answer.getString(41).trim()))
        {
            return new SettlementResult(batch, code, null, "answer " + Mti.toString(answer.mti()) + " does not match the 0500 of " + batch.terminalId());
        }
        if ("95".equals(code) && answer.has(74) && answer.has(89))
        {
            final TerminalBatch theirs = new TerminalBatch(batch.terminalId(), batch.merchantId(), answer.getLong(76), answer.getLong(88),
                answer.getLong(74), answer.getLong(86), answer.getLong(77), answer.getLong(89), answer.getLong(75), answer.getLong(87));
            return new SettlementResult(batch, code, theirs, null);
        }
        return new SettlementResult(batch, code, null, "00".equals(code) || "95".equals(code) ? null : "0510 answered " + code);
    }

    /** Sends one message and reads the next frame's: null when none came within the time-out. */
    private MessageReader exchange(final DataInputStream in, final OutputStream out, final int messageLength) throws IOException
    {
        final Framing framing = options.framing();
        final int header = framing.messageOffset(0);
        framing.writeLength(buffer, 0, messageLength);
        out.write(buffer.byteArray(), 0, header + messageLength);
        out.flush();
        try
        {
            in.readFully(buffer.byteArray(), 0, header);
            int frameLength = framing.frameLength(buffer, 0, header);
            while (framing.keepAlive(frameLength))
            {
                in.readFully(buffer.byteArray(), 0, header); // a keep-alive: the answer is still to come
                frameLength = framing.frameLength(buffer, 0, header);
            }
            if (frameLength == Framing.NEED_MORE)
            {
                // The length is read; the frame's size it gives is the answer to "how much to wait for".
                frameLength = framing.frameLength(buffer, 0, buffer.capacity());
            }
            if (frameLength <= 0 || frameLength > buffer.capacity())
            {
                throw new IOException("the switch sent a bad frame length");
            }
            in.readFully(buffer.byteArray(), header, frameLength - header);
            final DecodeError error = reader.wrap(buffer, framing.messageOffset(0), framing.messageLength(frameLength));
            if (error != DecodeError.NONE)
            {
                throw new IOException("the switch's answer does not decode: " + error);
            }
            return reader;
        }
        catch (final SocketTimeoutException ex)
        {
            return null;
        }
    }

    private int signOn(final String requestStan)
    {
        return new MessageWriter(options.dialect()).wrap(buffer, options.framing().messageOffset(0)).mti(Mti.NETWORK_MANAGEMENT_REQUEST)
            .putString(7, now()).putString(11, requestStan).putString(70, "001").finish();
    }

    private int reconciliation(final String requestStan, final TerminalBatch batch)
    {
        final long net = batch.netAmount();
        return new MessageWriter(options.dialect()).wrap(buffer, options.framing().messageOffset(0)).mti(Mti.RECONCILIATION_REQUEST)
            .putString(7, now()).putString(11, requestStan).putString(41, batch.terminalId()).putString(42, batch.merchantId())
            .putLong(74, batch.creditCount()).putLong(75, batch.creditReversalCount())
            .putLong(76, batch.debitCount()).putLong(77, batch.debitReversalCount())
            .putLong(86, batch.creditAmount()).putLong(87, batch.creditReversalAmount())
            .putLong(88, batch.debitAmount()).putLong(89, batch.debitReversalAmount())
            .putString(97, (net < 0 ? "D" : "C") + String.format("%016d", Math.abs(net))).finish();
    }

    private String nextStan()
    {
        stan = stan % 999_999 + 1;
        return String.format("%06d", stan);
    }

    private static String code(final MessageReader answer)
    {
        return answer.has(39) ? answer.getString(39) : null;
    }

    private static String now()
    {
        return ZonedDateTime.now(ZoneOffset.UTC).format(FIELD_7);
    }
}
